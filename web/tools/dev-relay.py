#!/usr/bin/env python3
"""A stand-in relay for looking at the page without the real one (development only).

Serves web/dist with the page routes falling back to index.html and the relay's strict CSP,
GET /api/v1/key, and a WebSocket /api/v1/probe that replays a recorded report (default
web/tests/fixtures/xrdp-negotiate.json) stage by stage, signed with a throwaway Ed25519 key.
Targets starting with "deny." get policy.denied, "auth." needs ?token=, "refused" replays
refused.json. Needs python3-cryptography.

    python3 web/tools/dev-relay.py [PORT]      # then open http://127.0.0.1:PORT/
"""
import base64, hashlib, json, os, socket, struct, sys, threading, time
from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
from urllib.parse import urlsplit, parse_qs

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = os.path.join(ROOT, "dist")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
KEY = Ed25519PrivateKey.from_private_bytes(bytes([9]) * 32)
KEY_ID = "dev-relay"
CSP = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STAGE_MS = float(os.environ.get("DEV_RELAY_STAGE_MS", "150"))  # slowest a stage seems
ROUTES = ("/", "/explain", "/check", "/kb", "/r")


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(text):
    return {"report": text, "signature": b64u(KEY.sign(text.encode())), "key_id": KEY_ID}


def redact(report):
    text = json.dumps(report)
    names = [report["target"]["host"], *report["target"].get("addresses", [])]
    for i, n in enumerate(sorted(set(names), key=len, reverse=True)):
        text = text.replace(n, f"address-{i + 1}")
    r = json.loads(text)
    r["redacted"] = True
    return r


def ws_send(conn, text):
    data = text.encode()
    head = bytes([0x81])
    if len(data) < 126:
        head += bytes([len(data)])
    elif len(data) < 65536:
        head += bytes([126]) + struct.pack(">H", len(data))
    else:
        head += bytes([127]) + struct.pack(">Q", len(data))
    conn.sendall(head + data)


def ws_close(conn, code):
    conn.sendall(bytes([0x88, 2]) + struct.pack(">H", code))


def ws_recv(conn):
    h = conn.recv(2)
    n = h[1] & 0x7F
    if n == 126:
        n = struct.unpack(">H", conn.recv(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", conn.recv(8))[0]
    mask = conn.recv(4)
    data = b""
    while len(data) < n:
        data += conn.recv(n - len(data))
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data)).decode()


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *a, **k):
        super().__init__(*a, directory=DIST, **k)

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/api/v1/key":
            pub = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            body = json.dumps({"key_id": KEY_ID, "algorithm": "Ed25519", "public_key": b64u(pub)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if url.path == "/api/v1/probe":
            return self.probe(parse_qs(url.query))
        if url.path in ROUTES or url.path.startswith("/kb/"):
            self.path = "/index.html"
        return super().do_GET()

    def probe(self, query):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        conn = self.connection
        req = json.loads(ws_recv(conn))
        target = req.get("target", "")
        if target.startswith("deny."):
            ws_send(conn, json.dumps({"type": "error", "code": "policy.denied",
                                      "message": f"{target} resolves to 10.0.0.5, a private address this relay does not probe"}))
            return ws_close(conn, 1008)
        if target.startswith("auth.") and not query.get("token"):
            ws_send(conn, json.dumps({"type": "error", "code": "auth.required", "message": "this relay needs a token"}))
            return ws_close(conn, 1008)
        name = "refused.json" if target.startswith("refused") else "xrdp-negotiate.json"
        report = json.load(open(os.path.join(FIXTURES, name)))
        report["relay"] = {"key_id": KEY_ID, "signed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        at = 0.0
        for s in report["stages"]:
            ws_send(conn, json.dumps({"type": "stage", "state": "started", "name": s["name"], "at_ms": at}))
            time.sleep(max(s["duration_ms"], STAGE_MS) / 1000)
            at += s["duration_ms"]
            ws_send(conn, json.dumps({"type": "stage", "state": "finished", "name": s["name"], "at_ms": at, "result": s}))
            for f in report["findings"]:
                if f["code"].split(".")[0] == s["name"].split("_")[0]:
                    ws_send(conn, json.dumps({"type": "finding", "finding": f}))
        full = sign(json.dumps(report, indent=2))
        red = sign(json.dumps(redact(report), indent=2))
        ws_send(conn, json.dumps({"type": "report", **full, "redacted": red}))
        ws_close(conn, 1000)
        time.sleep(0.2)


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8099
    print(f"dev relay on http://127.0.0.1:{port}/ serving {DIST}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
