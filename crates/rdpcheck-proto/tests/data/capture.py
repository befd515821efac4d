#!/usr/bin/env python3
"""Capture raw server replies for rdpcheck-proto fixtures. Loopback only.

Usage: python3 capture.py OUTDIR {all|xrdp|shadow|alert}
Servers (see README.md): xrdp negotiate on 127.0.0.1:34101, xrdp TLS 1.0-only on :34102,
FreeRDP shadow /sec:nla on :34103. The client bytes sent are the checked-in
client_legacy_hello_localhost.bin and client_ts_request_negotiate.bin next to this script
(made by gen_requests.rs from the crate's own builders).
"""
import socket, ssl, struct, sys, time, os

OUT = sys.argv[1] if len(sys.argv) > 1 else "cap"
HERE = os.path.dirname(os.path.abspath(__file__))

def cr(requested):
    # TPKT + X.224 CR, no cookie, RDP_NEG_REQ (same bytes as x224::connection_request(None, Some(p)))
    body = bytes([0x0E, 0xE0, 0, 0, 0, 0, 0, 0x01, 0, 8, 0]) + struct.pack("<I", requested)
    return struct.pack(">BBH", 3, 0, 4 + len(body)) + body

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf

def recv_tpkt(s):
    hdr = recv_exact(s, 4)
    (length,) = struct.unpack(">H", hdr[2:4])
    return hdr + recv_exact(s, length - 4)

def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def save(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes: {data[:64].hex(' ')}{' …' if len(data) > 64 else ''}")

def capture_cc(port, requested, name):
    s = connect(port)
    s.sendall(cr(requested))
    cc = recv_tpkt(s)
    save(name, cc)
    s.close()
    return cc

def der_frame(s):
    # read one DER SEQUENCE from a TLS socket
    buf = b""
    while len(buf) < 2:
        buf += s.recv(4096)
    first = buf[1]
    if first < 0x80:
        total = 2 + first
    else:
        n = first & 0x7F
        while len(buf) < 2 + n:
            buf += s.recv(4096)
        total = 2 + n + int.from_bytes(buf[2:2 + n], "big")
    while len(buf) < total:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf

def capture_nla(port, name_cc, name_reply):
    s = connect(port)
    s.sendall(cr(0x0B))
    save(name_cc, recv_tpkt(s))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t = ctx.wrap_socket(s, server_hostname=None)
    print(f"  TLS: {t.version()} {t.cipher()}")
    req = open(os.path.join(HERE, "client_ts_request_negotiate.bin"), "rb").read()
    t.sendall(req)
    save(name_reply, der_frame(t))
    t.close()

def capture_server_hello(port, requested, name_cc, name_hello):
    s = connect(port)
    s.sendall(cr(requested))
    save(name_cc, recv_tpkt(s))
    hello = open(os.path.join(HERE, "client_legacy_hello_localhost.bin"), "rb").read()
    s.sendall(hello)
    # Read the first flight; stop at the ServerHello record (or whatever comes) plus a short wait.
    s.settimeout(1.0)
    buf = b""
    deadline = time.time() + 2
    while time.time() < deadline:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
        if len(buf) >= 5:
            (rlen,) = struct.unpack(">H", buf[3:5])
            if buf[0] == 0x15 and len(buf) >= 7:
                break
    save(name_hello, buf)
    s.close()

def capture_tls13_only_alert(port, requested, name):
    """A ClientHello that offers only TLS 1.3 (made by Python's ssl), to a TLS 1.0-only server."""
    s = connect(port)
    s.sendall(cr(requested))
    recv_tpkt(s)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, outg, server_hostname=None)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    s.sendall(outg.read())
    s.settimeout(1.0)
    buf = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except socket.timeout:
        pass
    save(name, buf)
    s.close()


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    what = sys.argv[2] if len(sys.argv) > 2 else "all"
    if what in ("all", "xrdp"):
        capture_cc(34101, 0x0B, "xrdp_negotiate_cc_0x0b.bin")
        capture_cc(34101, 0x02, "xrdp_negotiate_cc_0x02.bin")
        # (the CC of this second 0x0B connection is identical to xrdp_negotiate_cc_0x0b.bin)
        capture_server_hello(34101, 0x0B, "xrdp_negotiate_cc_0x0b_again.bin", "xrdp_server_hello.bin")
        capture_server_hello(34102, 0x01, "xrdp_tls10_cc_0x01.bin", "xrdp_tls10_server_hello.bin")
    if what in ("all", "shadow"):
        capture_nla(34103, "shadow_nla_cc_0x0b.bin", "shadow_nla_ts_request_challenge.bin")
        capture_cc(34103, 0x01, "shadow_nla_cc_0x01.bin")
    if what in ("all", "alert"):
        capture_tls13_only_alert(34102, 0x01, "xrdp_tls10_alert_to_tls13_hello.bin")
