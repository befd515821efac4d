//! The one kernel round trip: ask NETLINK_SOCK_DIAG for a TCP socket's `tcp_info` (what
//! `ss -ti` shows). A getsockopt(TCP_INFO) would need unsafe code; this needs none, and no
//! privilege.

use std::net::SocketAddr;
use std::os::fd::AsRawFd;

use nix::sys::socket::{
    recv, sendto, socket, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};

use super::parse;

/// The raw `tcp_info` of the socket from `local` to `peer`.
pub fn query(local: SocketAddr, peer: SocketAddr) -> Result<Vec<u8>, String> {
    let request = parse::request(local, peer, 1).ok_or("mixed address families")?;
    let fd = socket(
        AddressFamily::Netlink,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkSockDiag,
    )
    .map_err(|e| format!("netlink socket: {e}"))?;
    sendto(
        fd.as_raw_fd(),
        &request,
        &NetlinkAddr::new(0, 0),
        MsgFlags::empty(),
    )
    .map_err(|e| format!("netlink send: {e}"))?;
    // The kernel answers a lookup while handling the send: the reply is queued already.
    let mut buf = vec![0u8; 4096];
    let n = recv(fd.as_raw_fd(), &mut buf, MsgFlags::MSG_DONTWAIT)
        .map_err(|e| format!("netlink receive: {e}"))?;
    buf.truncate(n);
    parse::tcp_info_of(&buf).map(<[u8]>::to_vec)
}
