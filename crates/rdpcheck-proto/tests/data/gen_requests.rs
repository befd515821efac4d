// Writes the two client messages that capture.py sends, from the crate's own builders.
// Not a cargo target (it lives under tests/data/). Build it against the crate by hand:
//   rustc --edition 2021 --crate-type rlib --crate-name rdpcheck_proto ../../src/lib.rs
//   rustc --edition 2021 gen_requests.rs --extern rdpcheck_proto=librdpcheck_proto.rlib
//   ./gen_requests   # writes client_legacy_hello_localhost.bin, client_ts_request_negotiate.bin
// tests/transcripts.rs checks that the builders still produce exactly these bytes.
fn main() -> std::io::Result<()> {
    let hello = rdpcheck_proto::tls_hello::legacy_client_hello(Some("localhost"), [0x5a; 32]);
    std::fs::write("client_legacy_hello_localhost.bin", &hello)?;
    let req = rdpcheck_proto::credssp::ts_request(0x60, &rdpcheck_proto::ntlm::negotiate_message());
    std::fs::write("client_ts_request_negotiate.bin", &req)?;
    println!("hello {} bytes, tsrequest {} bytes", hello.len(), req.len());
    Ok(())
}
