//! One check's connection to the relay: the `use_check_run` hook owns the run's state (the pure
//! [`CheckRun`] machine in a reducer), the page clock for live timers, and the socket task,
//! which it aborts when a new check starts or the component goes away.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::future::{abortable, AbortHandle};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message, WebSocketError};
use rdpcheck_report::wire::{ClientMessage, ProbeRequest};
use yew::prelude::*;

use crate::logic::session::{ws_url, CheckRun};
use crate::logic::validate::CheckInput;
use crate::ui::dom;

/// Seconds without any message from the relay before the page gives up.
pub const IDLE_TIMEOUT_S: u32 = 90;

/// How often the live timers move while a check runs.
const TICK: Duration = Duration::from_millis(100);

/// The reducer around [`CheckRun`]. The page clock is not in it: the 100 ms tick only moves
/// `now`, it never copies the run.
#[derive(Default, PartialEq)]
pub struct RunState {
    pub run: CheckRun,
}

pub enum Action {
    Start(f64),
    Text(String, f64),
    Closed(u16, String, String),
    TimedOut,
}

impl Reducible for RunState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut run = match action {
            Action::Start(t) => {
                return Rc::new(RunState {
                    run: CheckRun::connecting(t),
                })
            }
            _ => self.run.clone(),
        };
        match action {
            Action::Start(_) => {}
            Action::Text(text, t) => run.apply_text(&text, t),
            Action::Closed(code, reason, url) => run.closed(code, &reason, &url),
            Action::TimedOut => run.timed_out(IDLE_TIMEOUT_S),
        }
        Rc::new(RunState { run })
    }
}

/// What a component gets from [`use_check_run`].
pub struct CheckRunHandle {
    pub state: UseReducerHandle<RunState>,
    /// Page clock (ms) as of the last tick, for the live timers.
    pub now: f64,
    /// Starts a check with this input and relay token (empty: none), replacing any running one.
    pub start: Callback<(CheckInput, String)>,
}

#[hook]
pub fn use_check_run() -> CheckRunHandle {
    let state = use_reducer(RunState::default);
    let now = use_state(|| 0.0_f64);
    let socket = use_mut_ref(|| None::<AbortHandle>);

    // Live timer: tick while a check runs.
    {
        let now = now.clone();
        use_effect_with(state.run.is_active(), move |active| {
            let running = Rc::new(Cell::new(*active));
            if *active {
                let running = running.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    while running.get() {
                        now.set(dom::now());
                        yew::platform::time::sleep(TICK).await;
                    }
                });
            }
            move || running.set(false)
        });
    }

    // Leaving the page closes the socket.
    {
        let socket = socket.clone();
        use_effect_with((), move |_| move || abort(&socket));
    }

    let start = {
        let dispatcher = state.dispatcher();
        let now = now.clone();
        Callback::from(move |(input, token): (CheckInput, String)| {
            abort(&socket);
            let (protocol, host) = dom::protocol_and_host();
            let url = ws_url(&protocol, &host, Some(token.as_str()));
            let request = ClientMessage::Probe(ProbeRequest {
                target: input.target.to_target(),
                gateway: input.gateway.as_ref().map(|g| g.to_target()),
                samples: Some(input.samples),
                udp: Some(true),
                client: None,
            });
            let t = dom::now();
            now.set(t);
            dispatcher.dispatch(Action::Start(t));
            let (task, handle) = abortable(run_socket(url, request, dispatcher.clone()));
            *socket.borrow_mut() = Some(handle);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = task.await;
            });
        })
    };
    CheckRunHandle {
        now: *now,
        state,
        start,
    }
}

fn abort(socket: &Rc<RefCell<Option<AbortHandle>>>) {
    if let Some(h) = socket.borrow_mut().take() {
        h.abort();
    }
}

/// Opens the socket, sends the request and feeds every message to the reducer until the
/// socket closes or the relay goes quiet for too long. Dropping it (abort) closes the socket.
async fn run_socket(
    url: String,
    request: ClientMessage,
    dispatcher: UseReducerDispatcher<RunState>,
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
                dispatcher.dispatch(Action::TimedOut);
                return;
            }
        };
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
