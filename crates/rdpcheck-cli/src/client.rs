//! This computer's side: on Windows the client facts are read (read-only, as the user), judged
//! against the host's report and attached as its `client` section; elsewhere nothing is added.

use rdpcheck_client::{attach, judge, HostFacts, Target};
use rdpcheck_report::Report;

pub fn add(report: &mut Report) {
    let Some(reader) = rdpcheck_winclient::reader() else {
        return;
    };
    let target = Target {
        host: report.target.host.clone(),
        port: report.target.port,
        address: report
            .target
            .probed_address
            .as_deref()
            .and_then(|a| a.parse().ok()),
    };
    let facts = reader.read(&target);
    let host = HostFacts::from_report(report);
    let judgement = judge(&facts, &host, reader.name());
    attach(report, judgement);
}
