//! Every way a check can fail to produce a report, in words a user can act on.

use rdpcheck_report::wire::error_code;

/// What went wrong, what it means and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Stable kind: the relay's error code, or `relay.unreachable`, `relay.closed`,
    /// `relay.timeout`, `relay.protocol`.
    pub code: String,
    pub title: String,
    /// The relay's own message, or what the page saw.
    pub detail: String,
    /// What to do next.
    pub action: String,
    /// The relay wants a token: show the token field.
    pub needs_token: bool,
}

impl UserError {
    /// The relay may not check this target: running rdpcheck on the user's own computer can
    /// (the page offers the download with this refusal).
    pub fn offers_download(&self) -> bool {
        self.code == error_code::POLICY_DENIED
    }
}

pub const UNREACHABLE: &str = "relay.unreachable";
pub const CLOSED: &str = "relay.closed";
pub const TIMEOUT: &str = "relay.timeout";
pub const PROTOCOL: &str = "relay.protocol";

/// An `error` message from the relay.
pub fn from_relay(code: &str, message: &str) -> UserError {
    let (title, action) = match code {
        error_code::INPUT_INVALID => (
            "The relay did not accept this target",
            "Correct the host, port or gateway and run the check again.",
        ),
        error_code::POLICY_DENIED => (
            "This relay is not allowed to check that target",
            "The relay's operator limits which networks and ports it may reach (private addresses \
             are usually refused). Check a public name, ask the operator, or run \
             rdpcheck from a computer that can reach the host (below).",
        ),
        error_code::LIMIT_RATE => (
            "Too many checks from your address",
            "Wait a minute, then run the check again.",
        ),
        error_code::LIMIT_BUSY => (
            "The relay is busy with other checks",
            "Try again in a few seconds.",
        ),
        error_code::AUTH_REQUIRED => (
            "This relay needs an access token",
            "Enter the token the relay's operator gave you, then run the check again.",
        ),
        error_code::HOST_DENIED => (
            "The relay does not answer under this address",
            "Open the page at the address the relay's operator gave you; if this one should work, \
             the operator adds it with --public-url.",
        ),
        error_code::ORIGIN_DENIED => (
            "The relay refused this page's origin",
            "Open the page from the relay's own address (the relay only serves checks to pages it \
             served itself).",
        ),
        error_code::SHUTDOWN => (
            "The relay is shutting down",
            "Wait a moment and run the check again.",
        ),
        error_code::INTERNAL => (
            "The relay failed while checking",
            "Run the check again; if it keeps failing, send the message below to the relay's operator.",
        ),
        _ => (
            "The relay refused the check",
            "Read the relay's message below; run the check again once it is resolved.",
        ),
    };
    UserError {
        code: code.to_string(),
        title: title.to_string(),
        detail: message.to_string(),
        action: action.to_string(),
        needs_token: code == error_code::AUTH_REQUIRED,
    }
}

/// The WebSocket could not be opened, or failed before anything arrived.
pub fn unreachable(url: &str) -> UserError {
    UserError {
        code: UNREACHABLE.to_string(),
        title: "Cannot reach the relay".to_string(),
        detail: format!("The WebSocket to {url} could not be opened."),
        action: "The relay that served this page is down, restarting, or a proxy in between blocks \
                 WebSockets. Reload the page and try again; the explanations and the knowledge base \
                 keep working without the relay."
            .to_string(),
        needs_token: false,
    }
}

/// The socket closed before the report.
pub fn closed_early(code: u16, reason: &str) -> UserError {
    let detail = if reason.is_empty() {
        format!(
            "The connection to the relay closed (WebSocket code {code}) before the report arrived."
        )
    } else {
        format!("The connection to the relay closed (WebSocket code {code}: {reason}) before the report arrived.")
    };
    UserError {
        code: CLOSED.to_string(),
        title: "The relay stopped before the report".to_string(),
        detail,
        action:
            "Run the check again. If it keeps stopping, the relay may be restarting or a proxy \
                 cuts long-lived connections."
                .to_string(),
        needs_token: false,
    }
}

/// No message for too long.
pub fn timed_out(seconds: u32) -> UserError {
    UserError {
        code: TIMEOUT.to_string(),
        title: "The check timed out".to_string(),
        detail: format!("Nothing arrived from the relay for {seconds} s."),
        action: "Run the check again; if it keeps timing out, the relay is overloaded or the \
                 connection to it is cut by a proxy."
            .to_string(),
        needs_token: false,
    }
}

/// A message the page cannot read (a relay of another version).
pub fn protocol(detail: &str) -> UserError {
    UserError {
        code: PROTOCOL.to_string(),
        title: "The relay answered in a way this page does not understand".to_string(),
        detail: detail.to_string(),
        action: "Reload the page (the relay may have been updated since it was loaded)."
            .to_string(),
        needs_token: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_relay_code_has_its_own_advice() {
        let codes = [
            error_code::INPUT_INVALID,
            error_code::POLICY_DENIED,
            error_code::LIMIT_RATE,
            error_code::LIMIT_BUSY,
            error_code::AUTH_REQUIRED,
            error_code::ORIGIN_DENIED,
            error_code::HOST_DENIED,
            error_code::INTERNAL,
            error_code::SHUTDOWN,
        ];
        let titles: Vec<String> = codes.iter().map(|c| from_relay(c, "m").title).collect();
        for (i, t) in titles.iter().enumerate() {
            assert!(!titles[..i].contains(t), "{t} twice");
        }
        let e = from_relay(error_code::POLICY_DENIED, "10.0.0.0/8 is not allowed");
        assert_eq!(e.detail, "10.0.0.0/8 is not allowed");
        assert!(from_relay(error_code::AUTH_REQUIRED, "").needs_token);
        assert!(from_relay(error_code::POLICY_DENIED, "").offers_download());
        assert!(!from_relay(error_code::LIMIT_RATE, "").offers_download());
        assert!(closed_early(1006, "").detail.contains("1006"));
    }
}
