//! The rdpcheck web page.
pub mod logic;
#[cfg(target_arch = "wasm32")]
pub mod ui;
