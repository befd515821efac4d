//! What one check costs the server: the connections it opens (counted by a forwarder put in
//! front of the server for one extra run of each tool) and the server's CPU time (from
//! `/proc/PID/stat`, reaped children included: xrdp forks one per connection). On FreeRDP's
//! shadow server each connection costs tens of milliseconds of CPU before a byte is read, so
//! the connection count, not the order of the round trips, sets the floor of a check.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

/// CPU time (user + system, of the process and its reaped children) of `pid`, in ms.
pub fn server_cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime, stime, cutime, cstime are fields 14–17 of the whole line, 12–15 after the name.
    let ticks: f64 = fields
        .get(11..15)?
        .iter()
        .map(|f| f.parse::<f64>().ok())
        .sum::<Option<f64>>()?;
    // /proc counts in USER_HZ, which Linux fixes at 100 whatever the kernel's own tick.
    Some(ticks * 10.0)
}

/// A TCP forwarder on a free loopback port in front of `server_port`, counting connections.
pub struct Counter {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept_loop: Option<thread::JoinHandle<()>>,
}

impl Counter {
    pub fn start(server_port: u16) -> Counter {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the counting forwarder");
        let port = listener.local_addr().expect("forwarder address").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let accept_loop = thread::spawn({
            let (accepted, stop) = (accepted.clone(), stop.clone());
            move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::Acquire) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    accepted.fetch_add(1, Ordering::AcqRel);
                    if let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)) {
                        splice(client, server);
                    }
                }
            }
        });
        Counter {
            port,
            accepted,
            stop,
            accept_loop: Some(accept_loop),
        }
    }

    /// Connections accepted so far.
    pub fn count(&self) -> usize {
        self.accepted.load(Ordering::Acquire)
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(handle) = self.accept_loop.take() {
            let _ = handle.join();
        }
    }
}

/// Copy both ways until each side ends; a side's end is passed on as a half close.
fn splice(a: TcpStream, b: TcpStream) {
    for (from, to) in [(&a, &b), (&b, &a)] {
        let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
            return;
        };
        thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 || to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        });
    }
}
