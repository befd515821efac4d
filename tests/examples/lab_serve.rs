// scratch: start one variant, print port, wait for stdin EOF
use rdpcheck_labtests::{Listen, SecurityLayer, TestCert, Xrdp};
use std::io::Read;
fn main() {
    let v = std::env::args().nth(1).unwrap();
    let s = match v.as_str() {
        "tls10" => Xrdp::start_with(SecurityLayer::Negotiate, &TestCert::self_signed(), &[("ssl_protocols", "TLSv1"), ("tls_ciphers", "ALL:@SECLEVEL=0")]),
        "k1024" => Xrdp::start(SecurityLayer::Negotiate, &TestCert::rsa_1024()),
        "k1024s0" => Xrdp::start_with(SecurityLayer::Negotiate, &TestCert::rsa_1024(), &[("tls_ciphers", "DEFAULT:@SECLEVEL=0")]),
        "sha1" => Xrdp::start(SecurityLayer::Negotiate, &TestCert::sha1_signed()),
        "v6" => Xrdp::start_full(SecurityLayer::Negotiate, &TestCert::self_signed(), &[], Listen::V6),
        _ => panic!(),
    };
    println!("{} {}", s.host, s.port);
    eprintln!("{}", s.ini().lines().filter(|l| l.starts_with("port=") || l.starts_with("ssl_") || l.starts_with("tls_")).collect::<Vec<_>>().join("\n"));
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    eprintln!("LOGS:\n{}", s.logs());
}
