//! Check a host: the form (host, port, gateway, or a saved .rdp file), the live stages as the
//! relay streams them, then the report (rendered by the report module, `ReportPanel`).
//! `CheckPanel` only composes:
//!
//! - `form.rs`: `<CheckForm>` and its `text_field`s (validation before anything is sent),
//! - `rdp_input.rs`: `<RdpFileInput>` (file picker, drop, pasted text),
//! - `live.rs`: `live_progress` (and why a check stopped),
//! - `socket.rs`: `use_check_run`, the run's state, clock and WebSocket.

mod form;
mod live;
mod rdp_input;
mod socket;

use std::rc::Rc;

use yew::prelude::*;

use self::form::CheckForm;
use self::live::live_progress;
use self::socket::use_check_run;
use super::downloads::use_listing;
use super::kbload::{prefetch, WithKb};
use super::module;
use super::report::ReportPanel;
use crate::logic::evidence::Evidence;
use crate::logic::session::Phase;

/// `/check?host=&port=&gateway=`: the form pre-filled; the check starts on the user's click.
pub fn check_page(host: String, port: String, gateway: String) -> Html {
    html! {
        <>
            <section class="card intro">
                <h1>{ "Check a host" }</h1>
                <p>{ "The relay runs the handshakes a Remote Desktop client runs — DNS, TCP, RDP negotiation, \
                      TLS, the NLA challenge (no credentials are ever sent), repeated handshakes — and names \
                      the stage where a client would fail." }</p>
            </section>
            <CheckPanel host={host} port={port} gateway={gateway} />
        </>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct CheckPanelProps {
    #[prop_or_default]
    pub host: AttrValue,
    #[prop_or_default]
    pub port: AttrValue,
    #[prop_or_default]
    pub gateway: AttrValue,
    /// Called when a check has finished, with what it found (the explain page marks its
    /// causes with it).
    #[prop_or_default]
    pub on_evidence: Option<Callback<Rc<Evidence>>>,
    /// Heading level 2 title inside the panel (the explain page embeds it).
    #[prop_or_default]
    pub title: Option<AttrValue>,
}

/// The form, the progress of the running check and its report.
#[component]
pub fn CheckPanel(props: &CheckPanelProps) -> Html {
    let check = use_check_run();
    let run = &check.state.run;
    // The download offer's listing (fetched on this screen only) and the target last sent,
    // for the command line a refusal offers.
    let listing = use_listing();
    let sent = use_state(String::new);
    let on_start = {
        let (sent, start) = (sent.clone(), check.start.clone());
        Callback::from(
            move |(input, token): (crate::logic::validate::CheckInput, String)| {
                sent.set(input.target.to_target());
                start.emit((input, token));
            },
        )
    };
    let done = match &run.phase {
        Phase::Done(r) => Some(r.clone()),
        _ => None,
    };

    // The report shows the knowledge base's fixes: fetch it while the form is filled in.
    use_effect_with((), |_| prefetch(false));
    // A check started: fetch the report module while it runs, so the report shows at once.
    use_effect_with(run.is_active(), |active| {
        if *active {
            module::prefetch();
        }
    });

    // Tell the owner what the check found once it has finished (the report is in).
    {
        let on_evidence = props.on_evidence.clone();
        let evidence = done.as_ref().map(|_| Rc::new(run.evidence()));
        use_effect_with(done.clone(), move |_| {
            if let (Some(e), Some(cb)) = (evidence, &on_evidence) {
                cb.emit(e);
            }
        });
    }

    let needs_token = matches!(&run.phase, Phase::Failed(e) if e.needs_token);
    let refused = matches!(&run.phase, Phase::Failed(e) if e.offers_download());
    let title = props
        .title
        .clone()
        .unwrap_or(AttrValue::Static("Host to check"));
    html! {
        <div class="check-panel">
            <CheckForm host={props.host.clone()} port={props.port.clone()} gateway={props.gateway.clone()}
                {title} busy={run.is_active()} {needs_token} {on_start} listing={listing.clone()}
                offer={!refused} />
            { live_progress(&check.state, check.now, &listing, &sent) }
            if let Some(r) = done {
                <WithKb optional=true>
                    <ReportPanel signed={r.full.clone()} redacted={r.redacted.clone()} />
                </WithKb>
            }
        </div>
    }
}
