//! The bytes of a sock_diag (NETLINK_SOCK_DIAG) lookup of one TCP socket and of the kernel's
//! answer, and the `struct tcp_info` in it (include/uapi/linux/tcp.h). Pure: no socket here.
//! Netlink is in the host's byte order; ports and addresses in network order.

use std::net::SocketAddr;

use rdpcheck_report::TcpStats;

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 1;
const INET_DIAG_INFO: u16 = 2;
const NLMSG_HDR: usize = 16;
/// `struct inet_diag_msg`: family, state, timer, retrans, the 48-byte id, five u32.
const DIAG_MSG: usize = 72;
const IPPROTO_TCP: u8 = 6;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;

/// A lookup of the one socket with these ends, asking for its `tcp_info`. None when the two
/// addresses are of different families.
pub fn request(local: SocketAddr, peer: SocketAddr, seq: u32) -> Option<Vec<u8>> {
    let (family, src, dst) = match (local, peer) {
        (SocketAddr::V4(l), SocketAddr::V4(p)) => {
            (AF_INET, pad16(&l.ip().octets()), pad16(&p.ip().octets()))
        }
        (SocketAddr::V6(l), SocketAddr::V6(p)) => (AF_INET6, l.ip().octets(), p.ip().octets()),
        _ => return None,
    };
    let mut b = Vec::with_capacity(NLMSG_HDR + 56);
    b.extend_from_slice(&((NLMSG_HDR + 56) as u32).to_ne_bytes());
    b.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    b.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    // struct inet_diag_req_v2
    b.extend_from_slice(&[family, IPPROTO_TCP, 1 << (INET_DIAG_INFO - 1), 0]);
    b.extend_from_slice(&u32::MAX.to_ne_bytes()); // every state
    b.extend_from_slice(&local.port().to_be_bytes());
    b.extend_from_slice(&peer.port().to_be_bytes());
    b.extend_from_slice(&src);
    b.extend_from_slice(&dst);
    b.extend_from_slice(&0u32.to_ne_bytes()); // any interface
    b.extend_from_slice(&[0xff; 8]); // INET_DIAG_NOCOOKIE
    Some(b)
}

fn pad16(v4: &[u8; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(v4);
    out
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The `tcp_info` attribute of the kernel's answer, or why there is none.
pub fn tcp_info_of(reply: &[u8]) -> Result<&[u8], String> {
    let len = u32_at(reply, 0).ok_or("short netlink answer")? as usize;
    let kind = u16_at(reply, 4).ok_or("short netlink answer")?;
    let msg = reply.get(..len).ok_or("truncated netlink answer")?;
    if kind == NLMSG_ERROR {
        let errno = u32_at(msg, NLMSG_HDR).map_or(0, |e| (e as i32).unsigned_abs());
        return Err(format!("sock_diag error {errno}"));
    }
    if kind != SOCK_DIAG_BY_FAMILY {
        return Err(format!("unexpected netlink message type {kind}"));
    }
    let mut at = NLMSG_HDR + DIAG_MSG;
    while at + 4 <= msg.len() {
        let rta_len = u16_at(msg, at).ok_or("bad attribute")? as usize;
        let rta_type = u16_at(msg, at + 2).ok_or("bad attribute")?;
        if rta_len < 4 {
            return Err("bad attribute length".into());
        }
        if rta_type == INET_DIAG_INFO {
            return msg
                .get(at + 4..at + rta_len)
                .ok_or_else(|| "truncated tcp_info".into());
        }
        at += (rta_len + 3) & !3;
    }
    Err("no tcp_info in the answer".into())
}

/// Offsets in `struct tcp_info`; later fields exist only on newer kernels (the struct grows).
mod off {
    pub const SND_MSS: usize = 16;
    pub const LOST: usize = 32;
    pub const RTT: usize = 68;
    pub const RTTVAR: usize = 72;
    pub const TOTAL_RETRANS: usize = 100;
    pub const SEGS_OUT: usize = 136;
    pub const SEGS_IN: usize = 140;
    pub const MIN_RTT: usize = 148;
    pub const RCV_OOOPACK: usize = 224;
}

/// The figures the report carries, from a `tcp_info` of any kernel since 3.x (None when shorter
/// than the fields every one has).
pub fn stats(info: &[u8], connection: &str) -> Option<TcpStats> {
    let us = |v: u32| f64::from(v) / 1000.0;
    Some(TcpStats {
        connection: connection.to_string(),
        rtt_ms: us(u32_at(info, off::RTT)?),
        rttvar_ms: us(u32_at(info, off::RTTVAR)?),
        min_rtt_ms: u32_at(info, off::MIN_RTT)
            .filter(|v| *v != u32::MAX)
            .map(us),
        retransmits: u32_at(info, off::TOTAL_RETRANS)?,
        lost: u32_at(info, off::LOST)?,
        segs_out: u32_at(info, off::SEGS_OUT).unwrap_or(0),
        segs_in: u32_at(info, off::SEGS_IN).unwrap_or(0),
        out_of_order_in: u32_at(info, off::RCV_OOOPACK).unwrap_or(0),
        snd_mss: u32_at(info, off::SND_MSS)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_names_both_ends() {
        let local: SocketAddr = "10.0.0.1:40000".parse().expect("addr");
        let peer: SocketAddr = "10.0.0.2:3389".parse().expect("addr");
        let b = request(local, peer, 7).expect("same family");
        assert_eq!(b.len(), 72);
        assert_eq!(u32_at(&b, 0), Some(72));
        assert_eq!(&b[16..20], &[AF_INET, IPPROTO_TCP, 2, 0]);
        assert_eq!(&b[24..28], &[0x9c, 0x40, 0x0d, 0x3d]);
        assert_eq!(&b[28..32], &[10, 0, 0, 1]);
        assert_eq!(&b[44..48], &[10, 0, 0, 2]);
        let v6: SocketAddr = "[::1]:1".parse().expect("addr");
        assert!(request(local, v6, 1).is_none());
    }

    fn reply_with(info: &[u8]) -> Vec<u8> {
        let attr_len = 4 + info.len();
        let total = NLMSG_HDR + DIAG_MSG + ((attr_len + 3) & !3) + 8;
        let mut b = Vec::new();
        b.extend_from_slice(&(total as u32).to_ne_bytes());
        b.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        b.extend_from_slice(&[0; 10]);
        b.extend_from_slice(&[0; DIAG_MSG]);
        // Another attribute first (INET_DIAG_MEMINFO), then the tcp_info.
        b.extend_from_slice(&8u16.to_ne_bytes());
        b.extend_from_slice(&1u16.to_ne_bytes());
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&(attr_len as u16).to_ne_bytes());
        b.extend_from_slice(&INET_DIAG_INFO.to_ne_bytes());
        b.extend_from_slice(info);
        b.resize(total, 0);
        b
    }

    #[test]
    fn reads_the_figures_from_a_reply() {
        let mut info = vec![0u8; 232];
        let mut put = |at: usize, v: u32| info[at..at + 4].copy_from_slice(&v.to_ne_bytes());
        put(off::SND_MSS, 1448);
        put(off::RTT, 100_500);
        put(off::RTTVAR, 2_000);
        put(off::TOTAL_RETRANS, 3);
        put(off::SEGS_OUT, 12);
        put(off::MIN_RTT, 100_100);
        put(off::RCV_OOOPACK, 1);
        let reply = reply_with(&info);
        let s = stats(tcp_info_of(&reply).expect("found"), "main").expect("long enough");
        assert_eq!(s.rtt_ms, 100.5);
        assert_eq!(s.min_rtt_ms, Some(100.1));
        assert_eq!(
            (s.retransmits, s.segs_out, s.out_of_order_in, s.snd_mss),
            (3, 12, 1, 1448)
        );
    }

    #[test]
    fn an_old_kernels_short_struct_has_no_newer_fields() {
        let s = stats(&[0u8; 104], "main").expect("the old fields");
        assert_eq!((s.min_rtt_ms, s.segs_out), (None, 0));
        assert!(stats(&[0u8; 100], "main").is_none());
    }

    #[test]
    fn errors_and_garbage_are_errors_not_panics() {
        let mut err = vec![0u8; 36];
        err[0..4].copy_from_slice(&36u32.to_ne_bytes());
        err[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        err[16..20].copy_from_slice(&(-2i32).to_ne_bytes());
        assert_eq!(tcp_info_of(&err), Err("sock_diag error 2".into()));
        for len in 0..120 {
            let junk = vec![0xffu8; len];
            let _ = tcp_info_of(&junk);
        }
        let mut bad = reply_with(&[0; 8]);
        bad[88..90].copy_from_slice(&0u16.to_ne_bytes());
        assert!(tcp_info_of(&bad).is_err());
    }
}
