//! The Windows reader behind [`rdpcheck_client::ClientReader`]: a thin layer that reads the
//! registry, two files' versions, the hidden Default.rdp, the route's MTU and the RDP client's
//! event log — read-only, as the user who runs rdpcheck, never elevating, never writing. What it
//! cannot read (access denied, an API that fails) is `Fact::Unknown`, never `Fact::Absent`.
//! All judgement is in `rdpcheck-client`, tested on Linux from fixtures; this crate only fills
//! `ClientFacts`. On other systems it is empty and [`reader`] is `None`.

#[cfg(windows)]
mod reader;
#[cfg(windows)]
mod win32;

use rdpcheck_client::ClientReader;

/// This computer's reader: `Some` on Windows, `None` elsewhere (no client section then).
pub fn reader() -> Option<Box<dyn ClientReader>> {
    #[cfg(windows)]
    {
        Some(Box::new(reader::WindowsReader))
    }
    #[cfg(not(windows))]
    {
        None
    }
}
