//! One check's connection to the relay: the `use_check_run` hook owns the run's state (the pure
//! [`CheckRun`] machine in a reducer), the page clock for live timers, and the socket (a few
//! lines of JavaScript, `open_socket` in ui/page.js), which it closes when a new check starts
//! or the component goes away.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::logic::session::{probe_request, ws_url, CheckRun};
use crate::logic::validate::CheckInput;
use crate::ui::dom;

#[wasm_bindgen(module = "/src/ui/page.js")]
extern "C" {
    /// Returns the function that closes the socket without calling back.
    fn open_socket(
        url: &str,
        request: &str,
        idle_ms: u32,
        on_text: &Closure<dyn FnMut(String)>,
        on_close: &Closure<dyn FnMut(u16, String)>,
    ) -> js_sys::Function;
}

/// An open socket and the callbacks it calls; dropping it closes the socket.
struct Socket {
    close: js_sys::Function,
    _on_text: Closure<dyn FnMut(String)>,
    _on_close: Closure<dyn FnMut(u16, String)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = self.close.call0(&JsValue::NULL);
    }
}

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
    let socket = use_mut_ref(|| None::<Socket>);

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
            let request = probe_request(
                &input.target.to_target(),
                input.gateway.as_ref().map(|g| g.to_target()).as_deref(),
                input.samples,
                input.client,
            );
            let t = dom::now();
            now.set(t);
            dispatcher.dispatch(Action::Start(t));
            *socket.borrow_mut() = Some(connect(&url, &request, dispatcher.clone()));
        })
    };
    CheckRunHandle {
        now: *now,
        state,
        start,
    }
}

fn abort(socket: &Rc<RefCell<Option<Socket>>>) {
    // Taken out first: dropping it calls into JavaScript.
    let old = socket.borrow_mut().take();
    drop(old);
}

/// Opens the socket, sends the request and feeds every message to the reducer until the
/// socket closes or the relay goes quiet for too long.
fn connect(url: &str, request: &str, dispatcher: UseReducerDispatcher<RunState>) -> Socket {
    let on_text = {
        let dispatcher = dispatcher.clone();
        Closure::<dyn FnMut(String)>::new(move |t: String| {
            dispatcher.dispatch(Action::Text(t, dom::now()));
        })
    };
    let on_close = {
        let url = url.to_string();
        Closure::<dyn FnMut(u16, String)>::new(move |code: u16, reason: String| {
            dispatcher.dispatch(if code == 0 {
                Action::TimedOut
            } else {
                Action::Closed(code, reason, url.clone())
            });
        })
    };
    let close = open_socket(url, request, IDLE_TIMEOUT_S * 1000, &on_text, &on_close);
    Socket {
        close,
        _on_text: on_text,
        _on_close: on_close,
    }
}
