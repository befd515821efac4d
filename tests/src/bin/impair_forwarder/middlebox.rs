//! What a middlebox on the path does to a frame, by its headers: drop UDP, answer the first
//! data segment towards the server with a TCP reset or a FIN (security software cutting the
//! X.224 request), or let TCP connect and drop everything after (a stateful firewall rule). Pure: a
//! frame in, a verdict out; the reset it forges is a whole Ethernet frame.

// The rules themselves are the library's (`rdpcheck_labtests::impair::Middlebox`), which the
// lab uses to start the forwarder: one list of rules and names for both ends.
pub use rdpcheck_labtests::impair::Middlebox;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Pass,
    Drop,
    /// Drop the frame and send this one back where it came from.
    Reply(Vec<u8>),
}

const ETH: usize = 14;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
const SYN: u8 = 0x02;
const FIN: u8 = 0x01;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;

/// The verdict for a frame arriving on side a (`from_a`) or b.
pub fn judge(rule: Middlebox, frame: &[u8], from_a: bool) -> Action {
    let Some(ip) = Ipv4::read(frame) else {
        return Action::Pass;
    };
    match rule {
        Middlebox::None => Action::Pass,
        Middlebox::DropUdp if ip.proto == IPPROTO_UDP => Action::Drop,
        Middlebox::DropUdp => Action::Pass,
        Middlebox::DropAfterHandshake => match ip.tcp_flags(frame) {
            Some(flags) if flags & (SYN | RST) == 0 => Action::Drop,
            _ => Action::Pass,
        },
        Middlebox::ResetAfterRequest | Middlebox::CloseAfterRequest if from_a => {
            let flags = if rule == Middlebox::ResetAfterRequest {
                RST | ACK
            } else {
                FIN | ACK
            };
            match answer_for(frame, &ip, flags) {
                Some(answer) => Action::Reply(answer),
                None => Action::Pass,
            }
        }
        Middlebox::ResetAfterRequest | Middlebox::CloseAfterRequest => Action::Pass,
    }
}

/// The IPv4 header facts this module needs.
struct Ipv4 {
    ihl: usize,
    total: usize,
    proto: u8,
}

impl Ipv4 {
    fn read(frame: &[u8]) -> Option<Ipv4> {
        if frame.get(12..14)? != [0x08, 0x00] {
            return None;
        }
        let vihl = *frame.get(ETH)?;
        if vihl >> 4 != 4 {
            return None;
        }
        let ihl = usize::from(vihl & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([
            *frame.get(ETH + 2)?,
            *frame.get(ETH + 3)?,
        ]));
        let proto = *frame.get(ETH + 9)?;
        (ihl >= 20 && total >= ihl && frame.len() >= ETH + total).then_some(Ipv4 {
            ihl,
            total,
            proto,
        })
    }

    fn tcp_flags(&self, frame: &[u8]) -> Option<u8> {
        (self.proto == IPPROTO_TCP)
            .then(|| frame.get(ETH + self.ihl + 13).copied())
            .flatten()
    }
}

/// A segment with `flags` (RST|ACK or FIN|ACK) answering a TCP segment that carries payload:
/// from its destination to its source, sequence number = the segment's acknowledgement (exactly
/// what the sender expects next, so the kernel accepts it), acknowledging the payload. None for
/// a segment without payload.
fn answer_for(frame: &[u8], ip: &Ipv4, flags: u8) -> Option<Vec<u8>> {
    if ip.proto != IPPROTO_TCP {
        return None;
    }
    let tcp = frame.get(ETH + ip.ihl..ETH + ip.total)?;
    let offset = usize::from(tcp.get(12)? >> 4) * 4;
    let payload = tcp.len().checked_sub(offset)?;
    let theirs = *tcp.get(13)?;
    if payload == 0 || theirs & (SYN | RST | FIN) != 0 {
        return None;
    }
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(tcp.get(at..at + 4)?.try_into().ok()?))
    };
    let seq = u32_at(4)?;
    let ack = u32_at(8)?;
    let ip_hdr = frame.get(ETH..ETH + 20)?;
    let (src, dst) = (ip_hdr.get(12..16)?, ip_hdr.get(16..20)?);

    let mut out = Vec::with_capacity(ETH + 40);
    // Ethernet: back to the sender.
    out.extend_from_slice(frame.get(6..12)?);
    out.extend_from_slice(frame.get(0..6)?);
    out.extend_from_slice(&[0x08, 0x00]);
    // IPv4: 40 bytes, DF, TTL 64, from the segment's destination.
    let mut iph = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, IPPROTO_TCP, 0, 0];
    iph.extend_from_slice(dst);
    iph.extend_from_slice(src);
    let sum = checksum(&[&iph]);
    iph[10..12].copy_from_slice(&sum.to_be_bytes());
    out.extend_from_slice(&iph);
    // TCP: ports swapped, the flags asked for, no window, no options.
    let mut th = Vec::with_capacity(20);
    th.extend_from_slice(tcp.get(2..4)?);
    th.extend_from_slice(tcp.get(0..2)?);
    th.extend_from_slice(&ack.to_be_bytes());
    th.extend_from_slice(&seq.wrapping_add(payload as u32).to_be_bytes());
    th.extend_from_slice(&[0x50, flags, 0, 0, 0, 0, 0, 0]);
    let mut pseudo = Vec::with_capacity(12);
    pseudo.extend_from_slice(dst);
    pseudo.extend_from_slice(src);
    pseudo.extend_from_slice(&[0, IPPROTO_TCP, 0, 20]);
    let sum = checksum(&[&pseudo, &th]);
    th[16..18].copy_from_slice(&sum.to_be_bytes());
    out.extend_from_slice(&th);
    Some(out)
}

/// The Internet checksum (RFC 1071) over the concatenated parts (each of even length).
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        for pair in part.chunks(2) {
            let hi = u32::from(pair.first().copied().unwrap_or(0));
            let lo = u32::from(pair.get(1).copied().unwrap_or(0));
            sum += (hi << 8) | lo;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ethernet + IPv4 + TCP frame 10.216.0.1:40000 → 10.216.0.2:3389 with `payload`.
    fn tcp_frame(flags: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let total = 40 + payload.len();
        f.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0x40,
            0,
            64,
            6,
            0,
            0,
        ]);
        f.extend_from_slice(&[10, 216, 0, 1, 10, 216, 0, 2]);
        f.extend_from_slice(&40000u16.to_be_bytes());
        f.extend_from_slice(&3389u16.to_be_bytes());
        f.extend_from_slice(&1000u32.to_be_bytes());
        f.extend_from_slice(&5000u32.to_be_bytes());
        f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend_from_slice(payload);
        f
    }

    fn udp_frame() -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[0x45, 0, 0, 32, 0, 0, 0x40, 0, 64, 17, 0, 0]);
        f.extend_from_slice(&[10, 216, 0, 1, 10, 216, 0, 2]);
        f.extend_from_slice(&[0x9c, 0x40, 0x0d, 0x3d, 0, 12, 0, 0, 1, 2, 3, 4]);
        f
    }

    #[test]
    fn drops_udp_only() {
        assert_eq!(judge(Middlebox::DropUdp, &udp_frame(), true), Action::Drop);
        assert_eq!(judge(Middlebox::DropUdp, &udp_frame(), false), Action::Drop);
        assert_eq!(
            judge(Middlebox::DropUdp, &tcp_frame(ACK, b"x"), true),
            Action::Pass
        );
        assert_eq!(judge(Middlebox::None, &udp_frame(), true), Action::Pass);
    }

    #[test]
    fn lets_the_handshake_and_resets_through_and_drops_the_rest() {
        let rule = Middlebox::DropAfterHandshake;
        assert_eq!(judge(rule, &tcp_frame(SYN, b""), true), Action::Pass);
        assert_eq!(judge(rule, &tcp_frame(SYN | ACK, b""), false), Action::Pass);
        assert_eq!(judge(rule, &tcp_frame(RST | ACK, b""), false), Action::Pass);
        assert_eq!(judge(rule, &tcp_frame(ACK, b""), true), Action::Drop);
        assert_eq!(judge(rule, &tcp_frame(ACK, b"req"), true), Action::Drop);
        assert_eq!(judge(rule, &tcp_frame(ACK, b"cc"), false), Action::Drop);
        assert_eq!(judge(rule, &udp_frame(), true), Action::Pass);
    }

    #[test]
    fn answers_the_first_request_with_a_valid_reset() {
        let rule = Middlebox::ResetAfterRequest;
        assert_eq!(judge(rule, &tcp_frame(ACK, b""), true), Action::Pass);
        assert_eq!(judge(rule, &tcp_frame(ACK, b"data"), false), Action::Pass);
        let Action::Reply(rst) = judge(rule, &tcp_frame(ACK | 0x08, b"x224"), true) else {
            panic!("no reset")
        };
        assert_eq!(rst.len(), 54);
        assert_eq!(&rst[0..6], &[2, 0, 0, 0, 0, 1], "back to the sender's MAC");
        assert_eq!(&rst[26..30], &[10, 216, 0, 2], "from the server");
        assert_eq!(&rst[30..34], &[10, 216, 0, 1]);
        assert_eq!(&rst[34..38], &[0x0d, 0x3d, 0x9c, 0x40], "ports swapped");
        assert_eq!(&rst[38..42], &5000u32.to_be_bytes(), "seq = their ack");
        assert_eq!(&rst[42..46], &1004u32.to_be_bytes(), "acks the payload");
        assert_eq!(rst[47], RST | ACK);
        // A valid checksum sums (with itself) to zero.
        assert_eq!(checksum(&[&rst[14..34]]), 0);
        let mut pseudo = rst[26..34].to_vec();
        pseudo.extend_from_slice(&[0, 6, 0, 20]);
        assert_eq!(checksum(&[&pseudo, &rst[34..54]]), 0);
    }

    #[test]
    fn a_close_is_the_same_answer_with_fin() {
        let Action::Reply(fin) =
            judge(Middlebox::CloseAfterRequest, &tcp_frame(ACK, b"x224"), true)
        else {
            panic!("no answer")
        };
        assert_eq!(fin[47], FIN | ACK);
        assert_eq!(&fin[38..42], &5000u32.to_be_bytes());
        let mut pseudo = fin[26..34].to_vec();
        pseudo.extend_from_slice(&[0, 6, 0, 20]);
        assert_eq!(checksum(&[&pseudo, &fin[34..54]]), 0);
    }

    #[test]
    fn ignores_what_is_not_ipv4() {
        let mut arp = udp_frame();
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(judge(Middlebox::DropUdp, &arp, true), Action::Pass);
        assert_eq!(judge(Middlebox::DropUdp, &[0u8; 10], true), Action::Pass);
    }
}
