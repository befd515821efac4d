//! CredSSP TSRequest (MS-CSSP 2.2.1), DER encoded, just enough to carry one NTLM token each way.
//! STUB: being written (see issue 2).

use crate::DecodeError;

/// A TSRequest with `version` and one negoToken.
pub fn ts_request(_version: u32, _nego_token: &[u8]) -> Vec<u8> {
    Vec::new()
}

/// A decoded TSRequest from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TsRequest {
    pub version: u32,
    pub nego_token: Option<Vec<u8>>,
    /// NTSTATUS the server reported (CredSSP v3+).
    pub error_code: Option<u32>,
}

/// Length of the whole DER TSRequest at the start of `buf`; `Ok(None)` while the header is incomplete.
pub fn frame_len(_buf: &[u8]) -> Result<Option<usize>, DecodeError> {
    Ok(None)
}

/// Decode one whole TSRequest.
pub fn parse_ts_request(_bytes: &[u8]) -> Result<TsRequest, DecodeError> {
    Err(DecodeError::invalid("tsrequest", "not implemented"))
}
