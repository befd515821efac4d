//! What to probe: from a target argument, or from a saved connection (.rdp) file the way the
//! client would read it; plus the gateway and extra CAs. Bad input names what was wrong.

use std::path::Path;

use rdpcheck_probe::target::Idna;
use rdpcheck_probe::{load_pem_certs, parse_target, ProbeOptions};
use rdpcheck_proto::rdpfile::{self, GatewayUsage};
use rdpcheck_report::RdpFileReport;

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
        let pem = std::fs::read(path)
            .map_err(|e| format!("--ca-file {}: cannot read it: {e}", path.display()))?;
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
    let bytes =
        std::fs::read(path).map_err(|e| format!("--rdp-file {shown}: cannot read it: {e}"))?;
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
        }),
    })
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
