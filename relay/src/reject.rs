//! The one refusal type the relay tells a client: an error code from PROTOCOL.md and a sentence,
//! sent in-band as one `error` message before the close frame. Every narrower refusal (the
//! egress check's, the policy's, the target parser's, the limits') converts into it with `From`,
//! so session code uses `?`.

use std::fmt;

use rdpcheck_report::wire::{error_code, ServerMessage};

use crate::egress::Refused;
use crate::host::InputError;
use crate::limits::Refusal;
use crate::policy::Denial;

/// WebSocket close code after a report.
pub const CLOSE_NORMAL: u16 = 1000;
/// WebSocket close code when the relay shuts down.
pub const CLOSE_GOING_AWAY: u16 = 1001;
/// WebSocket close code after any other refusal.
pub const CLOSE_POLICY: u16 = 1008;

/// A refusal to send in-band before closing (1008, or 1001 for `shutdown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// One of [`error_code`].
    pub code: &'static str,
    pub message: String,
}

impl Reject {
    pub fn new(code: &'static str, message: impl Into<String>) -> Reject {
        Reject {
            code,
            message: message.into(),
        }
    }

    /// `input.invalid`: the request or its target is malformed.
    pub fn input(message: impl Into<String>) -> Reject {
        Reject::new(error_code::INPUT_INVALID, message)
    }

    /// `policy.denied`; `reason` names the port or address and the rule.
    pub fn policy(reason: impl fmt::Display) -> Reject {
        Reject::new(
            error_code::POLICY_DENIED,
            format!("{reason}. This relay's egress policy does not allow it"),
        )
    }

    /// `shutdown`: the relay is stopping.
    pub fn shutdown(message: impl Into<String>) -> Reject {
        Reject::new(error_code::SHUTDOWN, message)
    }

    /// `internal`: something on the relay's side failed.
    pub fn internal(message: impl Into<String>) -> Reject {
        Reject::new(error_code::INTERNAL, message)
    }

    /// The close code that follows the error message.
    pub fn close_code(&self) -> u16 {
        if self.code == error_code::SHUTDOWN {
            CLOSE_GOING_AWAY
        } else {
            CLOSE_POLICY
        }
    }

    /// The protocol's `error` message.
    pub fn to_message(&self) -> ServerMessage {
        ServerMessage::Error {
            code: self.code.to_string(),
            message: self.message.clone(),
        }
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Reject {}

impl From<Refused> for Reject {
    fn from(r: Refused) -> Reject {
        match r {
            Refused::Input(message) => Reject::input(message),
            Refused::Policy(message) => Reject::policy(message),
        }
    }
}

impl From<Refusal> for Reject {
    fn from(r: Refusal) -> Reject {
        match r {
            Refusal::Rate(_, message) => Reject::new(error_code::LIMIT_RATE, message),
            Refusal::Busy(_, message) => Reject::new(error_code::LIMIT_BUSY, message),
        }
    }
}

impl From<Denial> for Reject {
    fn from(d: Denial) -> Reject {
        Reject::policy(d.reason)
    }
}

impl From<InputError> for Reject {
    fn from(e: InputError) -> Reject {
        Reject::input(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY_SUFFIX: &str = ". This relay's egress policy does not allow it";

    #[test]
    fn egress_refusals_keep_their_codes_and_messages() {
        let r = Reject::from(Refused::Input("target: \"x y\" has a space".into()));
        assert_eq!(r, Reject::input("target: \"x y\" has a space"));
        assert_eq!(r.code, "input.invalid");
        let r = Reject::from(Refused::Policy(
            "target: 127.0.0.1 is a loopback address".into(),
        ));
        assert_eq!(r.code, "policy.denied");
        assert_eq!(
            r.message,
            format!("target: 127.0.0.1 is a loopback address{POLICY_SUFFIX}")
        );
    }

    #[test]
    fn limit_refusals_map_to_rate_and_busy() {
        let r = Reject::from(Refusal::Rate("client_rate", "too many".into()));
        assert_eq!((r.code, r.message.as_str()), ("limit.rate", "too many"));
        let r = Reject::from(Refusal::Busy("total_concurrency", "full".into()));
        assert_eq!((r.code, r.message.as_str()), ("limit.busy", "full"));
    }

    #[test]
    fn policy_denials_and_input_errors_convert() {
        let policy = crate::policy::Policy::default();
        let denial = policy.check_port(22).expect_err("22 is refused");
        let reason = denial.reason.clone();
        let r = Reject::from(denial);
        assert_eq!(r.code, "policy.denied");
        assert_eq!(r.message, format!("{reason}{POLICY_SUFFIX}"));

        let e = crate::host::normalize_target("http://x", 3389).expect_err("a URL");
        let text = e.to_string();
        let r = Reject::from(e);
        assert_eq!((r.code, r.message), ("input.invalid", text));
    }

    #[test]
    fn shutdown_closes_with_1001_everything_else_with_1008() {
        assert_eq!(Reject::shutdown("stopping").close_code(), 1001);
        for r in [
            Reject::input("x"),
            Reject::policy("x"),
            Reject::internal("x"),
            Reject::new(error_code::ORIGIN_DENIED, "x"),
            Reject::new(error_code::AUTH_REQUIRED, "x"),
            Reject::from(Refusal::Busy("total_concurrency", "x".into())),
        ] {
            assert_eq!(r.close_code(), 1008, "{r}");
        }
    }

    #[test]
    fn the_error_message_carries_code_and_text() {
        let json = serde_json::to_value(Reject::input("bad").to_message()).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"type": "error", "code": "input.invalid", "message": "bad"})
        );
    }
}
