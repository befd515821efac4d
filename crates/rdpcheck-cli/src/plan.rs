//! What to probe: from a target argument, or from a saved connection (.rdp) file the way the
//! client would read it; plus the gateway and extra CAs. Bad input names what was wrong.

use std::io::Read;
use std::path::Path;

use rdpcheck_probe::target::Idna;
use rdpcheck_probe::{load_pem_certs, parse_target, ProbeOptions};
use rdpcheck_proto::rdpfile::{self, GatewayUsage, Signing};
use rdpcheck_report::{RdpFileReport, RdpFileSecurity};

/// The most read from a connection file: Windows writes a few KiB.
pub const MAX_RDP_FILE: u64 = 1024 * 1024;
/// The most read from a PEM file of CA certificates: a whole system bundle is about 200 KiB.
pub const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// Read at most `limit` bytes of `path`: a larger file (or `/dev/zero`, or a pipe that never
/// ends) is an error naming the file and the limit, not a read until memory runs out.
pub(crate) fn read_capped(path: &Path, limit: u64, flag: &str) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let file =
        std::fs::File::open(path).map_err(|e| format!("{flag} {shown}: cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{flag} {shown}: cannot read it: {e}"))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(format!(
            "{flag} {shown}: larger than {} MiB, the most rdpcheck reads from it (is it the right file?)",
            limit / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

pub struct Plan {
    pub host: String,
    pub port: u16,
    pub gateway: Option<(String, u16)>,
    pub extra_roots: Vec<Vec<u8>>,
    pub rdp_file: Option<RdpFileReport>,
}

pub fn from_args(
    target: Option<&str>,
    rdp_file: Option<&Path>,
    gateway: Option<&str>,
    ca_file: Option<&Path>,
) -> Result<Plan, String> {
    let mut plan = match (target, rdp_file) {
        (Some(t), _) => {
            let (host, port) =
                parse_target(t, ProbeOptions::DEFAULT_PORT).map_err(|e| e.to_string())?;
            Plan {
                host,
                port,
                gateway: None,
                extra_roots: Vec::new(),
                rdp_file: None,
            }
        }
        (None, Some(path)) => from_rdp_file(path)?,
        (None, None) => return Err("give a target (HOST[:PORT]) or --rdp-file FILE".into()),
    };
    if let Some(g) = gateway {
        let (host, port) = parse_target(g, ProbeOptions::DEFAULT_GATEWAY_PORT)
            .map_err(|e| format!("--gateway: {e}"))?;
        plan.gateway = Some((host, port));
    }
    if let Some(path) = ca_file {
        let pem = read_capped(path, MAX_CA_FILE, "--ca-file")?;
        plan.extra_roots =
            load_pem_certs(&pem).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
    }
    Ok(plan)
}

fn usage_words(usage: GatewayUsage) -> String {
    match usage {
        GatewayUsage::Never => "0: do not use an RD Gateway".into(),
        GatewayUsage::Always => "1: always use the RD Gateway".into(),
        GatewayUsage::Detect => "2: use the RD Gateway if a direct connection fails".into(),
        GatewayUsage::Default => "3: use the client's default gateway settings".into(),
        GatewayUsage::NoneOrLocal => {
            "4: do not use an RD Gateway (bypass for local addresses)".into()
        }
        GatewayUsage::Unknown(v) => format!("{v}: unknown"),
    }
}

fn from_rdp_file(path: &Path) -> Result<Plan, String> {
    let shown = path.display().to_string();
    let bytes = read_capped(path, MAX_RDP_FILE, "--rdp-file")?;
    let file = rdpfile::parse_with(&bytes, Some(&Idna))
        .map_err(|e| format!("--rdp-file {shown}: not a Remote Desktop connection file: {e}"))?;
    let target = file.target().ok_or_else(|| {
        // A full address the target grammar refused is a problem line: say which.
        let refused: String = file
            .problems
            .iter()
            .filter(|p| p.reason.contains("full address"))
            .map(|p| format!("; line {}: {}", p.line, p.reason))
            .collect();
        format!(
            "--rdp-file {shown}: it has no usable \"full address\" line, so there is no host to probe{refused}"
        )
    })?;
    let problems = file
        .problems
        .iter()
        .map(|p| format!("line {}: {} ({:?})", p.line, p.reason, p.text))
        .collect();
    let (host, port) = parse_target(&target.host, target.port)
        .map_err(|e| format!("--rdp-file {shown}: full address: {e}"))?;
    let gateway = target.gateway.as_ref().map(|g| (g.host.clone(), g.port));
    Ok(Plan {
        host: host.clone(),
        port,
        gateway: gateway.clone(),
        extra_roots: Vec::new(),
        rdp_file: Some(RdpFileReport {
            path: shown,
            host,
            port,
            gateway: gateway.map(|(h, p)| format!("{h}:{p}")),
            gateway_usage: usage_words(target.gateway_usage),
            problems,
            warnings: target.warnings,
            security: Some(security_report(&file.security())),
        }),
    })
}

/// The file's signing and requests in the report's form, with the signer's SHA-256 thumbprint.
fn security_report(sec: &rdpfile::FileSecurity) -> RdpFileSecurity {
    use sha2::{Digest, Sha256};
    let thumbprint = match &sec.signature {
        Signing::Signed(claim) if !claim.signer_der.is_empty() => Some(
            Sha256::digest(&claim.signer_der)
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect(),
        ),
        _ => None,
    };
    RdpFileSecurity::from_file(sec, thumbprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(contents: &str) -> Result<Plan, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("t.rdp");
        std::fs::write(&path, contents).map_err(|e| e.to_string())?;
        from_args(None, Some(&path), None, None)
    }

    #[test]
    fn rdp_file_names_are_converted_with_idna() {
        let plan = plan_for("full address:s:Bücher.example:3390\n").expect("plan");
        assert_eq!(
            (plan.host.as_str(), plan.port),
            ("xn--bcher-kva.example", 3390)
        );
    }

    #[test]
    fn a_refused_full_address_is_named_in_the_error() {
        let err = plan_for("username:s:bob\nfull address:s:127.1\n").err();
        let err = err.as_deref().unwrap_or_default();
        assert!(
            err.contains("line 2: full address \"127.1\" is an ambiguous numeric host"),
            "{err}"
        );
    }

    #[test]
    fn files_are_read_up_to_their_cap() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("big.rdp");
        let mut text = "full address:s:rdp.example.com\n".to_string();
        let limit = usize::try_from(MAX_RDP_FILE).expect("fits");
        text.push_str(&" ".repeat(limit - text.len()));
        std::fs::write(&path, &text).expect("write");
        assert!(
            from_args(None, Some(&path), None, None).is_ok(),
            "exactly the cap"
        );
        text.push(' ');
        std::fs::write(&path, &text).expect("write");
        let err = from_args(None, Some(&path), None, None)
            .err()
            .unwrap_or_default();
        assert_eq!(
            err,
            format!(
                "--rdp-file {}: larger than 1 MiB, the most rdpcheck reads from it (is it the right file?)",
                path.display()
            )
        );
        let zero = Path::new("/dev/zero");
        let err = from_args(None, Some(zero), None, None)
            .err()
            .unwrap_or_default();
        assert!(
            err.starts_with("--rdp-file /dev/zero: larger than 1 MiB"),
            "{err}"
        );
        let err = from_args(Some("h"), None, None, Some(zero))
            .err()
            .unwrap_or_default();
        assert!(
            err.starts_with("--ca-file /dev/zero: larger than 4 MiB"),
            "{err}"
        );
        let missing = dir.path().join("missing.pem");
        let err = from_args(Some("h"), None, None, Some(&missing))
            .err()
            .unwrap_or_default();
        assert!(err.contains("cannot read it"), "{err}");
    }

    #[test]
    fn targets_and_gateways_use_the_shared_grammar() {
        let plan =
            from_args(Some("RDP.Example.com."), None, Some("gw.example.com"), None).expect("plan");
        assert_eq!((plan.host.as_str(), plan.port), ("rdp.example.com", 3389));
        assert_eq!(plan.gateway, Some(("gw.example.com".into(), 443)));
        let err = from_args(Some("0x7f.0.0.1"), None, None, None).err();
        assert!(err.is_some_and(|e| e.starts_with("\"0x7f.0.0.1\" is an ambiguous numeric host")));
        let err = from_args(Some("h"), None, Some("gw:0"), None).err();
        assert!(err.is_some_and(|e| e.starts_with("--gateway: \"gw:0\" has port 0")));
    }
}
