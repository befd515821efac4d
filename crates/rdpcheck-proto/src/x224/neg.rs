//! The RDP_NEG_FAILURE code and the RDP_NEG_RSP flags byte, named.

use std::fmt;

/// RDP_NEG_FAILURE failureCode (MS-RDPBCGR 2.2.1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCode {
    SslRequired,
    SslNotAllowed,
    SslCertNotOnServer,
    InconsistentFlags,
    HybridRequired,
    SslWithUserAuthRequired,
    Unknown(u32),
}

impl FailureCode {
    pub fn from_u32(value: u32) -> Self {
        match value {
            1 => Self::SslRequired,
            2 => Self::SslNotAllowed,
            3 => Self::SslCertNotOnServer,
            4 => Self::InconsistentFlags,
            5 => Self::HybridRequired,
            6 => Self::SslWithUserAuthRequired,
            other => Self::Unknown(other),
        }
    }

    pub fn value(self) -> u32 {
        match self {
            Self::SslRequired => 1,
            Self::SslNotAllowed => 2,
            Self::SslCertNotOnServer => 3,
            Self::InconsistentFlags => 4,
            Self::HybridRequired => 5,
            Self::SslWithUserAuthRequired => 6,
            Self::Unknown(v) => v,
        }
    }

    /// Snake-case name used in finding codes (`x224.neg_failure.<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::SslRequired => "ssl_required",
            Self::SslNotAllowed => "ssl_not_allowed",
            Self::SslCertNotOnServer => "ssl_cert_not_on_server",
            Self::InconsistentFlags => "inconsistent_flags",
            Self::HybridRequired => "hybrid_required",
            Self::SslWithUserAuthRequired => "ssl_with_user_auth_required",
            Self::Unknown(_) => "unknown",
        }
    }

    /// The specification's constant name.
    pub fn spec_name(self) -> &'static str {
        match self {
            Self::SslRequired => "SSL_REQUIRED_BY_SERVER",
            Self::SslNotAllowed => "SSL_NOT_ALLOWED_BY_SERVER",
            Self::SslCertNotOnServer => "SSL_CERT_NOT_ON_SERVER",
            Self::InconsistentFlags => "INCONSISTENT_FLAGS",
            Self::HybridRequired => "HYBRID_REQUIRED_BY_SERVER",
            Self::SslWithUserAuthRequired => "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
            Self::Unknown(_) => "UNKNOWN_FAILURE_CODE",
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::SslRequired => "the server requires TLS or NLA (CredSSP)",
            Self::SslNotAllowed => "the server allows only standard RDP security (no TLS)",
            Self::SslCertNotOnServer => "the server has no usable TLS certificate",
            Self::InconsistentFlags => "the requested protocols conflict with those in force",
            Self::HybridRequired => "the server requires NLA (CredSSP)",
            Self::SslWithUserAuthRequired => {
                "the server requires TLS with client-certificate authentication"
            }
            Self::Unknown(v) => return write!(f, "unknown failure code {v}"),
        };
        f.write_str(text)
    }
}

/// The flags byte of an RDP_NEG_RSP (MS-RDPBCGR 2.2.1.2.1): what the server supports beyond the
/// selected protocol. Windows 10 / Server 2019 send 0x1f, Windows Server 2008 R2 0x01, the
/// "W2008" host of the redemption recordings 0x09, xrdp 0x01, the FreeRDP shadow server 0x03.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RspFlags(pub u8);

impl RspFlags {
    /// The server supports Extended Client Data Blocks in the GCC Conference Create Request.
    pub const EXTENDED_CLIENT_DATA_SUPPORTED: RspFlags = RspFlags(0x01);
    /// The server supports the Graphics Pipeline Extension (MS-RDPEGFX).
    pub const DYNVC_GFX_PROTOCOL_SUPPORTED: RspFlags = RspFlags(0x02);
    /// Unused; Windows sets it.
    pub const NEGRSP_FLAG_RESERVED: RspFlags = RspFlags(0x04);
    /// Credential-less logon over CredSSP (Restricted Admin mode).
    pub const RESTRICTED_ADMIN_MODE_SUPPORTED: RspFlags = RspFlags(0x08);
    /// Credential-less logon over CredSSP with redirected authentication (Remote Credential
    /// Guard).
    pub const REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: RspFlags = RspFlags(0x10);

    /// Every defined flag with its specification name, lowest bit first.
    pub const NAMED: [(RspFlags, &'static str); 5] = [
        (
            RspFlags::EXTENDED_CLIENT_DATA_SUPPORTED,
            "EXTENDED_CLIENT_DATA_SUPPORTED",
        ),
        (
            RspFlags::DYNVC_GFX_PROTOCOL_SUPPORTED,
            "DYNVC_GFX_PROTOCOL_SUPPORTED",
        ),
        (RspFlags::NEGRSP_FLAG_RESERVED, "NEGRSP_FLAG_RESERVED"),
        (
            RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED,
            "RESTRICTED_ADMIN_MODE_SUPPORTED",
        ),
        (
            RspFlags::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
            "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
        ),
    ];

    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: RspFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Set bits the specification does not define.
    pub fn unknown(self) -> u8 {
        RspFlags::NAMED
            .iter()
            .fold(self.0, |rest, (flag, _)| rest & !flag.0)
    }

    /// The specification names of the set bits, lowest first; an undefined bit reads
    /// `unknown(0x20)`.
    pub fn names(self) -> Vec<String> {
        (0..8)
            .map(|shift| 1u8 << shift)
            .filter(|bit| self.0 & bit != 0)
            .map(|bit| {
                RspFlags::NAMED
                    .iter()
                    .find(|(flag, _)| flag.0 == bit)
                    .map_or_else(
                        || format!("unknown({bit:#04x})"),
                        |(_, name)| (*name).to_string(),
                    )
            })
            .collect()
    }
}

impl From<u8> for RspFlags {
    fn from(bits: u8) -> Self {
        RspFlags(bits)
    }
}

/// `0x1f`, as the report writes flags.
impl fmt::Display for RspFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#04x}", self.0)
    }
}

impl std::ops::BitOr for RspFlags {
    type Output = RspFlags;

    fn bitor(self, rhs: RspFlags) -> RspFlags {
        RspFlags(self.0 | rhs.0)
    }
}
