//! Connection data stored for this host: the Recent list (MRU, KB 312169; [MS]), the
//! `Servers\<host>` key with `UsernameHint` and `CertHash` ([3P]; that CertHash is the SHA-1
//! thumbprint is unverified), the hidden `Default.rdp` ([3P]). rdpcheck reads them and lists the
//! exact commands that clear them; it never deletes anything itself.

use rdpcheck_report::{ClientFactKey, FactState, Plain, Provenance, Severity};

use super::{names_host, Out};
use crate::facts::{ClientFacts, Fact, ServerEntry};
use crate::host::HostFacts;

const CLIENT_KEY: &str = r"HKCU\Software\Microsoft\Terminal Server Client";

pub(super) fn judge(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    let mut kept: Vec<String> = Vec::new();
    let mru_source = format!(r"{CLIENT_KEY}\Default (MRU0, MRU1, …)");
    match &facts.mru {
        Fact::Known(list) => {
            let hits: Vec<&str> = list
                .iter()
                .filter(|v| names_host(&v.value, host))
                .map(|v| v.name.as_str())
                .collect();
            let text = if hits.is_empty() {
                format!(
                    "this host is not in the Recent list ({} entries)",
                    list.len()
                )
            } else {
                format!(
                    "{} holds this host ({} entries in the Recent list)",
                    hits.join(", "),
                    list.len()
                )
            };
            out.fact(
                ClientFactKey::Mru,
                FactState::Known,
                text,
                &mru_source,
                Provenance::Ms,
            );
            for name in &hits {
                out.step(format!(r#"reg delete "{CLIENT_KEY}\Default" /v {name} /f"#));
                kept.push(format!("Recent list entry {name}"));
            }
        }
        other => out.from(
            ClientFactKey::Mru,
            other,
            |_| String::new(),
            "no Recent list",
            &mru_source,
            Provenance::Ms,
        ),
    }

    let servers_source = format!(r"{CLIENT_KEY}\Servers\<host>");
    let entry: Fact<Option<&ServerEntry>> = match &facts.servers {
        Fact::Known(list) => Fact::Known(list.iter().find(|e| names_host(&e.name, host))),
        Fact::Absent => Fact::Absent,
        Fact::Unknown(why) => Fact::Unknown(why.clone()),
    };
    match &entry {
        Fact::Known(Some(e)) => {
            let key = format!(r"{CLIENT_KEY}\Servers\{}", e.name);
            let (text, personal) = match &e.username_hint {
                Fact::Known(user) => (format!(r"Servers\{}: last user name {user}", e.name), true),
                Fact::Absent => (format!(r"Servers\{}: no user name hint", e.name), false),
                Fact::Unknown(why) => (
                    format!(r"Servers\{}: user name hint unknown ({why})", e.name),
                    false,
                ),
            };
            out.fact(
                ClientFactKey::ServerEntry,
                FactState::Known,
                text,
                &key,
                Provenance::ThirdParty,
            )
            .personal = personal;
            cert_hash(e, &key, host, out);
            out.step(format!(r#"reg delete "{key}" /f"#));
            kept.push(format!(r"the key Servers\{}", e.name));
        }
        Fact::Known(None) | Fact::Absent => {
            out.fact(
                ClientFactKey::ServerEntry,
                FactState::Absent,
                "no entry for this host",
                &servers_source,
                Provenance::ThirdParty,
            );
            out.fact(
                ClientFactKey::CertHash,
                FactState::Absent,
                "no stored certificate acceptance for this host",
                &servers_source,
                Provenance::ThirdParty,
            );
        }
        Fact::Unknown(why) => {
            for key in [ClientFactKey::ServerEntry, ClientFactKey::CertHash] {
                out.fact(
                    key,
                    FactState::Unknown,
                    why.clone(),
                    &servers_source,
                    Provenance::ThirdParty,
                );
            }
        }
    }

    let rdp_source = r"%USERPROFILE%\Documents\Default.rdp (hidden)";
    match &facts.default_rdp {
        Fact::Known(file) => {
            let parsed = rdpcheck_proto::rdpfile::parse(file.text.as_bytes()).ok();
            let address = parsed
                .as_ref()
                .and_then(|f| f.get_str(rdpcheck_proto::rdpfile::names::FULL_ADDRESS))
                .map(str::to_string);
            let for_host = address.as_deref().is_some_and(|a| names_host(a, host));
            let problems = parsed.as_ref().map_or(1, |f| f.problems.len());
            let mut text = match (&address, for_host) {
                (_, true) => format!("{}: last used for this host", file.path),
                (Some(_), false) => format!("{}: last used for another host", file.path),
                (None, _) => format!("{}: no full address", file.path),
            };
            if problems > 0 {
                text.push_str(&format!("; {problems} line(s) the client cannot read"));
            }
            out.fact(
                ClientFactKey::DefaultRdp,
                FactState::Known,
                text,
                rdp_source,
                Provenance::ThirdParty,
            )
            .personal = true;
            if for_host || problems > 0 {
                out.step(format!(r#"attrib -h "{}""#, file.path));
                out.step(format!(r#"ren "{}" Default.rdp.bak"#, file.path));
                kept.push("the hidden Default.rdp".into());
            }
        }
        other => out.from(
            ClientFactKey::DefaultRdp,
            other,
            |_| String::new(),
            "no Default.rdp",
            rdp_source,
            Provenance::ThirdParty,
        ),
    }

    if !kept.is_empty() {
        out.step(format!("cmdkey /delete:TERMSRV/{}", host.host));
        out.finding(
            Plain::ClientStoredConnection,
            Severity::Info,
            format!(
                "This computer keeps data about {} from earlier connections ({}): if only this computer fails, clear it with the steps listed under This computer",
                host.host,
                kept.join(", ")
            ),
            format!(
                "{}; saved credentials (cmdkey) are not read, the last step clears them if there are any",
                kept.join("; ")
            ),
        );
    }
}

fn cert_hash(e: &ServerEntry, key: &str, host: &HostFacts, out: &mut Out) {
    let source = format!(r"{key}\CertHash");
    match &e.cert_hash {
        Fact::Known(hex) => {
            let stored = hex.to_ascii_uppercase();
            let text = match (&host.cert_sha1, stored.len() == 40) {
                (_, false) => {
                    out.fact(
                        ClientFactKey::CertHash,
                        FactState::Known,
                        format!(
                            "stored, {} bytes: not a SHA-1 thumbprint, not compared",
                            stored.len() / 2
                        ),
                        source,
                        Provenance::Unverified,
                    );
                    return;
                }
                (None, true) => {
                    format!("stored {stored}; the host's certificate was not seen, so not compared")
                }
                (Some(now), true) if *now == stored => {
                    format!("stored {stored}: the certificate the host presents now")
                }
                (Some(now), true) => {
                    out.finding(
                        Plain::ClientStoredCertStale,
                        Severity::Warn,
                        format!(
                            "The certificate this computer accepted for {} is not the one the host presents now: the stored acceptance is stale (the certificate was renewed or replaced, or something else answers)",
                            host.host
                        ),
                        format!(
                            r"{key}\CertHash = {stored}; the host's certificate SHA-1 = {now} (CertHash taken as the SHA-1 thumbprint: unverified)"
                        ),
                    );
                    format!("stored {stored}, but the host presents {now}: stale")
                }
            };
            out.fact(
                ClientFactKey::CertHash,
                FactState::Known,
                text,
                source,
                Provenance::Unverified,
            );
        }
        Fact::Absent => {
            out.fact(
                ClientFactKey::CertHash,
                FactState::Absent,
                "no stored certificate acceptance for this host",
                source,
                Provenance::ThirdParty,
            );
        }
        Fact::Unknown(why) => {
            out.fact(
                ClientFactKey::CertHash,
                FactState::Unknown,
                why.clone(),
                source,
                Provenance::ThirdParty,
            );
        }
    }
}
