//! Check a host: the form (host, port, gateway, or a saved .rdp file), the live stages as the
//! relay streams them, then the report.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message, WebSocketError};
use rdpcheck_report::wire::{ClientMessage, ProbeRequest};
use rdpcheck_report::Report;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

use super::report::ReportView;
use super::timeline::Timeline;
use super::{dom, CheckQuery};
use crate::logic::errors::UserError;
use crate::logic::format::{ms, severity_word, stage_title, status_word};
use crate::logic::rdp::{fill_from_rdp, FormFill};
use crate::logic::session::{ws_url, CheckRun, Phase};
use crate::logic::timeline::{bars_from_live, layout};
use crate::logic::validate::{validate_form_with, CheckInput, Field, FieldError, IdnaToAscii};

/// IDNA the browser's own way, for names with non-ASCII characters: the host part of
/// `new URL("http://" + name)` (WHATWG URL host parsing, UTS #46).
struct BrowserIdna;

impl IdnaToAscii for BrowserIdna {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        web_sys::Url::new(&format!("http://{name}"))
            .map(|url| url.hostname())
            .map_err(|e| format!("{e:?}"))
    }
}

/// Seconds without any message from the relay before the page gives up.
pub const IDLE_TIMEOUT_S: u32 = 90;

/// `/check?host=&port=&gateway=`
#[component]
pub fn CheckRoute() -> Html {
    let q = use_location()
        .and_then(|l| l.query::<CheckQuery>().ok())
        .unwrap_or_default();
    html! { <CheckPage host={q.host} port={q.port} gateway={q.gateway} /> }
}

#[derive(Properties, PartialEq, Clone)]
pub struct CheckPageProps {
    #[prop_or_default]
    pub host: AttrValue,
    #[prop_or_default]
    pub port: AttrValue,
    #[prop_or_default]
    pub gateway: AttrValue,
}

#[component]
pub fn CheckPage(props: &CheckPageProps) -> Html {
    html! {
        <>
            <section class="card intro">
                <h1>{ "Check a host" }</h1>
                <p>{ "The relay runs the handshakes a Remote Desktop client runs — DNS, TCP, RDP negotiation, \
                      TLS, the NLA challenge (no credentials are ever sent), repeated handshakes — and names \
                      the stage where a client would fail." }</p>
            </section>
            <CheckPanel host={props.host.clone()} port={props.port.clone()} gateway={props.gateway.clone()} />
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
    /// Called with each finished report (the explain page marks its causes with it).
    #[prop_or_default]
    pub on_report: Option<Callback<Rc<Report>>>,
    /// Heading level 2 title inside the panel (the explain page embeds it).
    #[prop_or_default]
    pub title: Option<AttrValue>,
}

/// The reducer around [`CheckRun`], plus the page clock for live timers.
#[derive(Default, PartialEq)]
struct RunState {
    run: CheckRun,
    now: f64,
}

enum Action {
    Start(f64),
    Text(String, f64),
    Closed(u16, String, String),
    TimedOut,
    Tick(f64),
}

impl Reducible for RunState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut run = self.run.clone();
        let mut now = self.now;
        match action {
            Action::Start(t) => {
                run = CheckRun::connecting(t);
                now = t;
            }
            Action::Text(text, t) => {
                run.apply_text(&text, t);
                now = t;
            }
            Action::Closed(code, reason, url) => run.closed(code, &reason, &url),
            Action::TimedOut => run.timed_out(IDLE_TIMEOUT_S),
            Action::Tick(t) => {
                if !run.is_active() {
                    return self;
                }
                now = t;
            }
        }
        Rc::new(RunState { run, now })
    }
}

fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

fn field_id(f: Field) -> &'static str {
    match f {
        Field::Host => "check-host",
        Field::Port => "check-port",
        Field::Gateway => "check-gateway",
        Field::Samples => "check-samples",
    }
}

#[component]
pub fn CheckPanel(props: &CheckPanelProps) -> Html {
    let host = use_state(|| props.host.to_string());
    let port = use_state(|| props.port.to_string());
    let gateway = use_state(|| props.gateway.to_string());
    let samples = use_state(|| "5".to_string());
    let errors = use_state(Vec::<FieldError>::new);
    let rdp = use_state(|| None::<Result<FormFill, String>>);
    let paste = use_state(String::new);
    let token = use_state(|| dom::session_token().unwrap_or_default());
    let state = use_reducer(RunState::default);
    let generation = use_mut_ref(|| 0u32);
    let ticking = use_mut_ref(|| Rc::new(Cell::new(false)));

    // The URL may change while the page stays (a link to another /check?host=).
    {
        let (host, port, gateway) = (host.clone(), port.clone(), gateway.clone());
        use_effect_with(
            (
                props.host.clone(),
                props.port.clone(),
                props.gateway.clone(),
            ),
            move |(h, p, g)| {
                host.set(h.to_string());
                port.set(p.to_string());
                gateway.set(g.to_string());
            },
        );
    }

    // Live timer: tick while a check runs.
    {
        let active = state.run.is_active();
        let dispatcher = state.dispatcher();
        let ticking = ticking.clone();
        use_effect_with(active, move |active| {
            let flag = Rc::new(Cell::new(*active));
            *ticking.borrow_mut() = flag.clone();
            if *active {
                let flag = flag.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    while flag.get() {
                        yew::platform::time::sleep(Duration::from_millis(100)).await;
                        if flag.get() {
                            dispatcher.dispatch(Action::Tick(dom::now()));
                        }
                    }
                });
            }
            move || flag.set(false)
        });
    }

    // Tell the owner, and move focus to the verdict, when a report arrives.
    {
        let on_report = props.on_report.clone();
        let done = match &state.run.phase {
            Phase::Done(r) => Some(Rc::new(r.report.clone())),
            _ => None,
        };
        use_effect_with(done, move |done| {
            if let Some(r) = done {
                if let Some(cb) = &on_report {
                    cb.emit(r.clone());
                }
                dom::focus("verdict-title");
            }
        });
    }

    let start = {
        let state = state.clone();
        let generation = generation.clone();
        let token = token.clone();
        Callback::from(move |input: CheckInput| {
            *generation.borrow_mut() += 1;
            let my_gen = *generation.borrow();
            let generation = generation.clone();
            let (protocol, host) = dom::protocol_and_host();
            let url = ws_url(&protocol, &host, Some(token.as_str()));
            let request = ClientMessage::Probe(ProbeRequest {
                target: input.target.to_target(),
                gateway: input.gateway.as_ref().map(|g| g.to_target()),
                samples: Some(input.samples),
                udp: Some(true),
            });
            let dispatcher = state.dispatcher();
            dispatcher.dispatch(Action::Start(dom::now()));
            wasm_bindgen_futures::spawn_local(async move {
                run_socket(url, request, dispatcher, move || {
                    *generation.borrow() == my_gen
                })
                .await;
            });
        })
    };

    let onsubmit = {
        let (host, port, gateway, samples, errors) = (
            host.clone(),
            port.clone(),
            gateway.clone(),
            samples.clone(),
            errors.clone(),
        );
        let token = token.clone();
        let start = start.clone();
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.run.is_active() {
                return;
            }
            dom::set_session_token(token.trim());
            match validate_form_with(&host, &port, &gateway, &samples, Some(&BrowserIdna)) {
                Ok(input) => {
                    errors.set(Vec::new());
                    start.emit(input);
                }
                Err(list) => {
                    if let Some(first) = list.first() {
                        dom::focus(field_id(first.field));
                    }
                    errors.set(list);
                }
            }
        })
    };

    let apply_fill = {
        let (host, port, gateway, rdp, errors) = (
            host.clone(),
            port.clone(),
            gateway.clone(),
            rdp.clone(),
            errors.clone(),
        );
        Callback::from(move |result: Result<FormFill, String>| {
            if let Ok(f) = &result {
                host.set(f.host.clone());
                port.set(f.port.to_string());
                gateway.set(f.gateway.clone().unwrap_or_default());
                errors.set(Vec::new());
            }
            rdp.set(Some(result));
        })
    };
    let read_files = {
        let apply_fill = apply_fill.clone();
        Callback::from(move |files: Option<web_sys::FileList>| {
            let Some(file) = files.and_then(|f| f.get(0)) else {
                return;
            };
            let apply_fill = apply_fill.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = match dom::read_file(file).await {
                    Ok(bytes) => fill_from_rdp(&bytes),
                    Err(e) => Err(e),
                };
                apply_fill.emit(result);
            });
        })
    };
    let on_file = {
        let read_files = read_files.clone();
        Callback::from(move |e: Event| {
            let files = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files());
            read_files.emit(files);
        })
    };
    let on_drop = {
        let read_files = read_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            read_files.emit(e.data_transfer().and_then(|d| d.files()));
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_paste_apply = {
        let paste = paste.clone();
        let apply_fill = apply_fill.clone();
        Callback::from(move |_| apply_fill.emit(fill_from_rdp(paste.as_bytes())))
    };

    let set = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: Event| s.set(input_value(&e)))
    };
    let set_input = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                s.set(i.value());
            }
        })
    };
    let set_paste = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                paste.set(t.value());
            }
        })
    };

    let error_for = |f: Field| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
    };
    let field = |f: Field,
                 label: &str,
                 value: &UseStateHandle<String>,
                 hint: &str,
                 extra: Html|
     -> Html {
        let id = field_id(f);
        let err_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let err = error_for(f);
        let describedby = if err.is_some() {
            format!("{hint_id} {err_id}")
        } else {
            hint_id.clone()
        };
        html! {
            <div class={classes!("field", err.is_some().then_some("invalid"))}>
                <label for={id}>{ label.to_string() }</label>
                <input id={id} name={id} type="text" value={(**value).clone()} oninput={set_input(value)} onchange={set(value)}
                    autocomplete="off" autocapitalize="off" spellcheck="false"
                    aria-invalid={err.is_some().then_some("true")} aria-describedby={describedby} />
                <span id={hint_id} class="hint">{ hint.to_string() }</span>
                if let Some(m) = err { <span id={err_id} class="field-error" role="alert">{ m }</span> }
                { extra }
            </div>
        }
    };

    let run = &state.run;
    let busy = run.is_active();
    let title = props
        .title
        .clone()
        .unwrap_or(AttrValue::Static("Host to check"));
    html! {
        <div class="check-panel">
            <form class="card check-form" novalidate=true {onsubmit} ondrop={on_drop} ondragover={on_dragover}
                aria-labelledby="check-form-title">
                <h2 id="check-form-title">{ title }</h2>
                <div class="form-grid">
                    { field(Field::Host, "Host", &host, "Name or IP address, as the client uses it (HOST or HOST:PORT).", html!{}) }
                    { field(Field::Port, "Port", &port, "Empty for 3389.", html!{}) }
                    { field(Field::Gateway, "RD Gateway (optional)", &gateway, "GATEWAY or GATEWAY:PORT (443 if empty), only if the client uses one.", html!{}) }
                </div>
                <div class="rdp-file">
                    <label for="check-rdp">{ "Or use a saved connection (.rdp): " }</label>
                    <input id="check-rdp" type="file" accept=".rdp,application/x-rdp" onchange={on_file} />
                    <span class="hint">{ "Drop it anywhere on this form. It is read here, in your browser, and never uploaded." }</span>
                    <details>
                        <summary>{ "Paste the .rdp file's text instead" }</summary>
                        <label for="check-rdp-text" class="sr-only">{ ".rdp file text" }</label>
                        <textarea id="check-rdp-text" rows="4" value={(*paste).clone()} oninput={set_paste}
                            placeholder="full address:s:rdp.example.com:3389" />
                        <button type="button" onclick={on_paste_apply}>{ "Fill the form from it" }</button>
                    </details>
                    { rdp_note(&rdp) }
                </div>
                <details class="advanced">
                    <summary>{ "Options" }</summary>
                    { field(Field::Samples, "Repeated handshakes", &samples, "0 to 20; more handshakes measure stability better but take longer.", html!{}) }
                </details>
                if needs_token(run) || !token.is_empty() {
                    <div class="field">
                        <label for="check-token">{ "Relay access token" }</label>
                        <input id="check-token" type="password" value={(*token).clone()} oninput={set_input(&token)}
                            autocomplete="off" aria-describedby="check-token-hint" />
                        <span id="check-token-hint" class="hint">{ "Kept in this browser tab only (session storage)." }</span>
                    </div>
                }
                <div class="actions">
                    <button type="submit" class="primary" disabled={busy}>{ if busy { "Checking…" } else { "Run the check" } }</button>
                </div>
            </form>
            { live(run, state.now) }
            if let Phase::Done(r) = &run.phase {
                <ReportView report={Rc::new(r.report.clone())} full={Rc::new(r.full.clone())}
                    redacted={r.redacted.clone().map(Rc::new)} />
            }
        </div>
    }
}

fn needs_token(run: &CheckRun) -> bool {
    matches!(&run.phase, Phase::Failed(e) if e.needs_token)
}

fn rdp_note(rdp: &Option<Result<FormFill, String>>) -> Html {
    match rdp {
        None => html! {},
        Some(Err(e)) => html! { <p class="field-error" role="alert">{ e.clone() }</p> },
        Some(Ok(f)) => html! {
            <div class="note" role="status">
                <p>{ format!("Filled from the file: {}:{}, {}.", f.host, f.port, f.gateway_usage) }</p>
                if !f.notes.is_empty() {
                    <ul>{ for f.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                }
            </div>
        },
    }
}

fn error_box(e: &UserError) -> Html {
    html! {
        <div class="card error" role="alert">
            <h2>{ e.title.clone() }</h2>
            if !e.detail.is_empty() { <p class="detail">{ e.detail.clone() }</p> }
            <p>{ e.action.clone() }</p>
        </div>
    }
}

/// The stages and findings as they stream in.
fn live(run: &CheckRun, now: f64) -> Html {
    if matches!(run.phase, Phase::Idle) {
        return html! {};
    }
    let elapsed = run
        .running_stage()
        .map(|s| s.started_ms + (now - s.seen_at).max(0.0))
        .unwrap_or(0.0);
    let geometry = layout(&bars_from_live(&run.stages, elapsed));
    let status = match &run.phase {
        Phase::Connecting => "Connecting to the relay…".to_string(),
        Phase::Running => match run.running_stage() {
            Some(s) => format!("Running: {}", stage_title(s.name)),
            None => "Running…".to_string(),
        },
        Phase::Done(_) => "Finished.".to_string(),
        Phase::Failed(_) => "Stopped.".to_string(),
        Phase::Idle => String::new(),
    };
    // Once the report is in, it shows everything the progress did (and more).
    let show_progress =
        run.is_active() || (matches!(run.phase, Phase::Failed(_)) && !run.stages.is_empty());
    html! {
        <>
            if show_progress {
                <section class="card live" aria-labelledby="live-title">
                    <h2 id="live-title">{ "Progress" }</h2>
                    <p class="live-status" role="status">{ status }{ format!(" {}", ms((now - run.started_at).max(0.0))) }</p>
                    <ol class="stage-list" aria-live="polite" aria-relevant="additions text">
                        { for run.stages.iter().map(|s| {
                            let (class, word, time) = match &s.result {
                                Some(r) => (status_word(r.status), status_word(r.status).to_string(), ms(r.duration_ms)),
                                None => ("running", "running".to_string(), ms((now - s.seen_at).max(0.0))),
                            };
                            html! {
                                <li class={classes!("stage", class)}>
                                    <span class={classes!("status", class)}>{ word }</span>
                                    <span class="stage-name">{ stage_title(s.name) }</span>
                                    <span class="num">{ time }</span>
                                    if let Some(r) = &s.result { <span class="stage-summary">{ r.summary.clone() }</span> }
                                </li>
                            }
                        }) }
                    </ol>
                    <Timeline {geometry} />
                    if !run.findings.is_empty() {
                        <h3>{ "Findings so far" }</h3>
                        <ul class="findings" aria-live="polite">
                            { for run.findings.iter().map(|f| html! {
                                <li class={classes!("finding", severity_word(f.severity))}>
                                    <span class={classes!("sev", severity_word(f.severity))}>{ severity_word(f.severity) }</span>
                                    <code class="finding-code">{ f.code.to_string() }</code>
                                    <span>{ f.summary.clone() }</span>
                                </li>
                            }) }
                        </ul>
                    }
                </section>
            }
            if let Phase::Failed(e) = &run.phase { { error_box(e) } }
        </>
    }
}

/// Opens the socket, sends the request and feeds every message to the reducer until the
/// socket closes, the relay goes quiet for too long, or a newer check replaces this one.
async fn run_socket(
    url: String,
    request: ClientMessage,
    dispatcher: UseReducerDispatcher<RunState>,
    current: impl Fn() -> bool,
) {
    let ws = match WebSocket::open(&url) {
        Ok(ws) => ws,
        Err(_) => {
            dispatcher.dispatch(Action::Closed(1006, String::new(), url));
            return;
        }
    };
    let (mut sink, mut stream) = ws.split();
    let text = serde_json::to_string(&request).unwrap_or_default();
    // Resolves once the socket is open; a failed open shows up on the stream.
    let _ = sink.send(Message::Text(text)).await;
    loop {
        let next = stream.next();
        let idle = yew::platform::time::sleep(Duration::from_secs(u64::from(IDLE_TIMEOUT_S)));
        futures::pin_mut!(next, idle);
        let item = match futures::future::select(next, idle).await {
            futures::future::Either::Left((item, _)) => item,
            futures::future::Either::Right(_) => {
                if current() {
                    dispatcher.dispatch(Action::TimedOut);
                }
                return;
            }
        };
        if !current() {
            return;
        }
        match item {
            Some(Ok(Message::Text(t))) => dispatcher.dispatch(Action::Text(t, dom::now())),
            Some(Ok(Message::Bytes(_))) => {}
            Some(Err(WebSocketError::ConnectionClose(ev))) => {
                dispatcher.dispatch(Action::Closed(ev.code, ev.reason, url));
                return;
            }
            Some(Err(_)) => {
                // A connection error is followed by the close event, which carries the code.
            }
            None => {
                dispatcher.dispatch(Action::Closed(1006, String::new(), url));
                return;
            }
        }
    }
}
