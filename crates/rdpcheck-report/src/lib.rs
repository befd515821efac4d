//! Wire and report types shared by the probe engine, the CLI, the relay and the page.
//!
//! Everything here is plain data with serde derives: no I/O, no clock, builds for wasm32.
//! The JSON names are a published format (`schema` 1): add fields, never rename them.

mod client;
mod code;
mod event;
mod finding;
mod redact;
mod report;
pub mod share;
mod stage;
mod stage_result;
mod tcp_info;
mod vantage;
pub mod wire;

pub use client::{ClientId, ClientOutcome, ClientVerdict, UnknownClient};
pub use code::{CodeFamily, CodeKey, FindingCode, NegFailure, Plain, UnknownCode};
pub use event::Event;
pub use finding::{Finding, Severity};
pub use redact::redact;
pub use report::{
    CertInfo, ClientFact, ClientFactKey, ClientReport, FactState, GatewayReport, HttpAnswer,
    LayerResult, NegotiationReport, NlaReport, Provenance, RdpFileReport, RdpFileSecurity,
    RelayStamp, Report, SecurityLayers, StabilityReport, Target, TlsReport, Tool, UdpReport,
    Verdict, VerdictStatus, SCHEMA_VERSION,
};
pub use stage::{LadderPart, Stage, UnknownStage};
pub use stage_result::{StageResult, StageStatus};
pub use tcp_info::TcpStats;
pub use vantage::{
    failure_code, RelayFailure, RelaySide, SideVerdict, StagePair, Vantage, VantageDocument,
    VantageKind,
};
