use std::fmt;

/// Why bytes from a host could not be decoded. Messages are lower case and name the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer bytes than the structure needs.
    Truncated {
        what: &'static str,
        needed: usize,
        got: usize,
    },
    /// A field holds a value the format does not allow.
    Invalid { what: &'static str, detail: String },
}

impl DecodeError {
    pub(crate) fn truncated(what: &'static str, needed: usize, got: usize) -> Self {
        DecodeError::Truncated { what, needed, got }
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        DecodeError::Invalid {
            what,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated { what, needed, got } => {
                write!(f, "{what} truncated: needed {needed} bytes, got {got}")
            }
            DecodeError::Invalid { what, detail } => write!(f, "invalid {what}: {detail}"),
        }
    }
}

impl std::error::Error for DecodeError {}
