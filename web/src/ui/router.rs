//! The page's router: the current location as a context, in-page navigation through the
//! browser's history (`pushState`, `popstate`), and links that navigate without reloading.
//! Seven screens need no more than this; it replaces yew-router and its dependencies (about
//! 55 KiB of wasm). The URL rules are pure, in `logic/route.rs`.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::logic::route::query_param;
pub use crate::logic::route::Route;

/// Where the page is: path and query string (without `?`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Location {
    pub path: String,
    pub query: String,
}

impl Location {
    pub fn route(&self) -> Route {
        Route::from_path(&self.path)
    }

    /// A query parameter, decoded; empty when absent.
    pub fn param(&self, name: &str) -> String {
        query_param(&self.query, name)
    }

    fn parse(url: &str) -> Location {
        let url = url.split('#').next().unwrap_or_default();
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        Location {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            query: query.into(),
        }
    }

    fn of_window() -> Location {
        let loc = web_sys::window().map(|w| w.location());
        let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            loc.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
        };
        Location::parse(&format!(
            "{}{}",
            get(web_sys::Location::pathname),
            get(web_sys::Location::search)
        ))
    }
}

/// Goes to a URL; `true` replaces the current history entry.
type Go = dyn Fn(&str, bool);

/// Moves the page to another URL of the same origin.
#[derive(Clone)]
pub struct Navigator {
    go: Rc<Go>,
}

impl PartialEq for Navigator {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.go, &other.go)
    }
}

impl Navigator {
    /// A new history entry.
    pub fn push(&self, url: &str) {
        (self.go)(url, false);
    }

    /// Replaces the current entry (e.g. while typing a search).
    pub fn replace(&self, url: &str) {
        (self.go)(url, true);
    }
}

#[derive(Properties, PartialEq)]
pub struct RouterProps {
    pub children: Html,
    /// Keep the location in memory, starting at `/`, and never touch the browser's URL (tests).
    #[prop_or_default]
    pub memory: bool,
}

/// Provides [`Location`] and [`Navigator`] to everything inside.
#[component]
pub fn Router(props: &RouterProps) -> Html {
    let memory = props.memory;
    let location = use_state(|| {
        if memory {
            Location::parse("/")
        } else {
            Location::of_window()
        }
    });
    let navigator = {
        let location = location.clone();
        use_memo((), move |_| Navigator {
            go: Rc::new(move |url: &str, replace: bool| {
                if !memory {
                    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                        let null = wasm_bindgen::JsValue::NULL;
                        let _ = if replace {
                            h.replace_state_with_url(&null, "", Some(url))
                        } else {
                            h.push_state_with_url(&null, "", Some(url))
                        };
                    }
                }
                location.set(Location::parse(url));
            }),
        })
    };
    // Back and forward.
    {
        let location = location.clone();
        use_effect_with(memory, move |memory| {
            let listener = (!*memory).then(|| {
                let closure = Closure::<dyn Fn()>::new(move || location.set(Location::of_window()));
                if let Some(w) = web_sys::window() {
                    let _ = w.add_event_listener_with_callback(
                        "popstate",
                        closure.as_ref().unchecked_ref(),
                    );
                }
                closure
            });
            move || {
                if let (Some(closure), Some(w)) = (listener, web_sys::window()) {
                    let _ = w.remove_event_listener_with_callback(
                        "popstate",
                        closure.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    html! {
        <ContextProvider<Location> context={(*location).clone()}>
            <ContextProvider<Navigator> context={(*navigator).clone()}>
                { props.children.clone() }
            </ContextProvider<Navigator>>
        </ContextProvider<Location>>
    }
}

#[hook]
pub fn use_location() -> Location {
    use_context::<Location>().unwrap_or_default()
}

#[hook]
pub fn use_navigator() -> Option<Navigator> {
    use_context::<Navigator>()
}

/// A plain left click: one that navigates in-page (new tab and friends still work).
pub fn is_plain_click(e: &MouseEvent) -> bool {
    !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0)
}

/// A click that should navigate in-page: a plain left click.
pub fn navigate_on_click(navigator: &Option<Navigator>, url: String) -> Callback<MouseEvent> {
    let navigator = navigator.clone();
    Callback::from(move |e: MouseEvent| {
        if !is_plain_click(&e) {
            return;
        }
        if let Some(n) = &navigator {
            e.prevent_default();
            n.push(&url);
        }
    })
}
