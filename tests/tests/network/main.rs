//! The network lab (issue 13): real kernel TCP on both ends, the probe and the server in network
//! namespaces of their own, an impairment in between (tests/src/impair/). One test binary;
//! each test makes its own lab. Skipped (loudly) where namespaces cannot be made (not root).

mod check;
mod link;
mod loss;
mod middlebox;

use std::path::Path;
use std::sync::{Condvar, Mutex};

use rdpcheck_labtests::impair::{ImpairedLink, Impairment};

/// At most this many labs (each with its xrdp and forwarder) at once: on a 2-core CI machine
/// more make scheduling noise that reads as jitter and deadlines missed.
const LABS_AT_ONCE: usize = 3;

/// A lab and its slot; the slot is given back after the lab is torn down (field order).
pub struct Lab {
    link: ImpairedLink,
    _slot: Slot,
}

impl std::ops::Deref for Lab {
    type Target = ImpairedLink;
    fn deref(&self) -> &ImpairedLink {
        &self.link
    }
}

impl std::ops::DerefMut for Lab {
    fn deref_mut(&mut self) -> &mut ImpairedLink {
        &mut self.link
    }
}

static IN_USE: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

struct Slot;

impl Slot {
    fn take() -> Slot {
        let mut n = IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= LABS_AT_ONCE {
            n = FREED.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut n = IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        *n -= 1;
        FREED.notify_one();
    }
}

/// The lab with `impairment`, or None (printed as SKIPPED) when this machine cannot make it.
pub fn lab(impairment: Impairment) -> Option<Lab> {
    let forwarder = Path::new(env!("CARGO_BIN_EXE_impair-forwarder"));
    let slot = Slot::take();
    match ImpairedLink::create(forwarder, impairment) {
        Ok(link) => Some(Lab { link, _slot: slot }),
        Err(e) if !is_root() => {
            eprintln!("SKIPPED: the network lab needs network namespaces (run as root): {e}");
            None
        }
        Err(e) => panic!("cannot make the network lab: {e}"),
    }
}

/// /proc/self belongs to the effective user.
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
