#!/bin/sh
# Writes signed.rdp: a connection file signed the way rdpsign.exe signs (12-byte header +
# detached PKCS#7 SignedData over the signscope settings, base64), with a throwaway test CA and
# publisher made here. Needs openssl and python3. The signature is real but made by this script,
# not by rdpsign.exe: the tests read who it claims, never whether Windows would trust it.
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/O=Example Test CA/CN=Example Test Root" -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/O=Example Ltd/CN=Example RDP Publishing" -keyout "$T/pub.key" -out "$T/pub.csr" 2>/dev/null
openssl x509 -req -in "$T/pub.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -set_serial 7 -days 3650 \
  -out "$T/pub.pem" 2>/dev/null
python3 - "$T" <<'PY'
import base64, struct, subprocess, sys
t = sys.argv[1]
signed = ["full address:s:rdp.example.test", "alternate full address:s:rdp.example.test",
          "redirectclipboard:i:1", "drivestoredirect:s:*"]
scope = "Full Address,Alternate Full Address,RedirectClipboard,DrivesToRedirect"
message = ("\r\n".join(signed) + "\r\nsignscope:s:" + scope + "\r\n\x00").encode("utf-16-le")
der = subprocess.run(["openssl", "smime", "-sign", "-binary", "-outform", "DER", "-noattr",
                      "-nosmimecap", "-signer", f"{t}/pub.pem", "-inkey", f"{t}/pub.key",
                      "-certfile", f"{t}/ca.pem"], input=message, capture_output=True,
                     check=True).stdout
sig = base64.b64encode(struct.pack("<III", 0x00010001, 1, len(der)) + der).decode()
# rdpsign.exe breaks the value with two spaces every 64 characters.
sig = "  ".join(sig[i:i + 64] for i in range(0, len(sig), 64))
lines = ["screen mode id:i:2"] + signed + ["redirectcamera:i:0", "camerastoredirect:s:*",
         "redirectsmartcards:i:0", "signscope:s:" + scope, "signature:s:" + sig]
open("signed.rdp", "w", newline="").write("\r\n".join(lines) + "\r\n")
PY
