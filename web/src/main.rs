//! Entry point: Trunk builds this binary for wasm32 and the page loads it.

// Talc instead of the default dlmalloc: the same job in fewer bytes of the page (BENCHMARKS.md).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    rdpcheck_web::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "rdpcheck-web is a web page: build it with `trunk build --release` (see web/README.md)"
    );
    std::process::exit(2);
}
