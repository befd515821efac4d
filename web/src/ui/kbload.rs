//! The knowledge base is a file of its own next to the page (`rdpcheck_web_kb::BUNDLE_FILE`,
//! about 50 KiB compressed), fetched from the page's origin the first time a screen needs it, so
//! the home screen loads without it. The explain and knowledge-base screens also need the
//! knowledge-base module that reads it and writes them (ui/kbmodule.rs); a report needs only the
//! text (the report module reads it for the verdict's fixes), so the module is loaded only for
//! those screens. Both are static files: the screens work wherever the page is served, with or
//! without the relay's API.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::dom;
use super::kbmodule::{self, KbModule};

/// Where the knowledge base (and, where asked for, its module) stands.
#[derive(Clone, Debug, PartialEq)]
pub enum KbStatus {
    Idle,
    Loading,
    Ready,
    Failed(String),
}

/// One of the two loads: the bundle's text, the module.
enum Load<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Load<T> {
    fn status(&self) -> KbStatus {
        match self {
            Load::Idle => KbStatus::Idle,
            Load::Loading => KbStatus::Loading,
            Load::Ready(_) => KbStatus::Ready,
            Load::Failed(why) => KbStatus::Failed(why.clone()),
        }
    }

    /// Marks it loading unless it is there or on its way; whether it must be started.
    fn start(&mut self) -> bool {
        let start = matches!(self, Load::Idle | Load::Failed(_));
        if start {
            *self = Load::Loading;
        }
        start
    }
}

struct Shared {
    text: Load<Rc<str>>,
    module: Load<KbModule>,
    /// Components to re-render when a load settles: (id, re-render), until they unmount.
    waiting: Vec<(u32, Callback<()>)>,
    next_id: u32,
}

thread_local! {
    static SHARED: RefCell<Shared> = const { RefCell::new(Shared {
        text: Load::Idle,
        module: Load::Idle,
        waiting: Vec::new(),
        next_id: 0,
    }) };
}

/// The text's status, or (`with_module`) the text's and the module's together.
pub fn status(with_module: bool) -> KbStatus {
    if kbmodule::native().is_some() {
        return KbStatus::Ready;
    }
    SHARED.with(|s| status_of(&s.borrow(), with_module))
}

/// The knowledge-base module with the knowledge base (`None` until `status(true)` is ready).
pub fn module() -> Option<KbModule> {
    kbmodule::native().or_else(|| {
        SHARED.with(|s| match &s.borrow().module {
            Load::Ready(m) => Some(m.clone()),
            _ => None,
        })
    })
}

/// The knowledge base's text as fetched (`None` before, or when it was compiled in).
pub fn bundle_text() -> Option<Rc<str>> {
    SHARED.with(|s| match &s.borrow().text {
        Load::Ready(t) => Some(t.clone()),
        _ => None,
    })
}

/// Starts fetching the knowledge base, and (`with_module`) loading its module, unless they are
/// there or on their way (e.g. when the user starts typing an error code, so that the
/// explanation has both by the time it is asked for).
pub fn prefetch(with_module: bool) {
    if kbmodule::native().is_some() {
        return;
    }
    let (fetch_text, load_module) = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        let fetch_text = s.text.start();
        let load_module = with_module && s.module.start();
        (fetch_text, load_module)
    });
    if load_module {
        // The module's import starts now, beside the bundle's fetch.
        kbmodule::prefetch();
    }
    if fetch_text {
        wasm_bindgen_futures::spawn_local(async {
            let text = fetch().await;
            if text.is_ok() {
                dom::mark("rdpcheck:kb");
            }
            SHARED.with(|s| {
                s.borrow_mut().text = match text {
                    Ok(t) => Load::Ready(t),
                    Err(e) => Load::Failed(e),
                }
            });
            give_module_its_text();
            settled();
        });
    } else if load_module {
        give_module_its_text();
    }
}

/// Once the text is there and the module is wanted, loads the module with it.
fn give_module_its_text() {
    let Some(text) = SHARED.with(|s| {
        let s = s.borrow();
        match (&s.text, &s.module) {
            (Load::Ready(t), Load::Loading) => Some(t.clone()),
            _ => None,
        }
    }) else {
        // The text failed: a wanted module fails with it (it is tried again with the text).
        SHARED.with(|s| {
            let mut s = s.borrow_mut();
            if let (Load::Failed(why), Load::Loading) = (&s.text, &s.module) {
                s.module = Load::Failed(why.clone());
            }
        });
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let module = kbmodule::load(&text).await;
        SHARED.with(|s| {
            s.borrow_mut().module = match module {
                Ok(m) => Load::Ready(m),
                Err(e) => Load::Failed(e),
            }
        });
        settled();
    });
}

/// Re-renders every component waiting for a load. They stay registered until they unmount:
/// the text and the module settle one after the other.
fn settled() {
    let waiting: Vec<Callback<()>> =
        SHARED.with(|s| s.borrow().waiting.iter().map(|(_, c)| c.clone()).collect());
    for rerender in waiting {
        rerender.emit(());
    }
}

async fn fetch() -> Result<Rc<str>, String> {
    let url = format!("/{}", rdpcheck_web_kb::BUNDLE_FILE);
    let text = dom::get_text(&url).await.map_err(|e| match e {
        dom::GetError::NoAnswer => "the page's server did not answer".to_string(),
        dom::GetError::Status(status) => format!("{url} answered HTTP {status}"),
        dom::GetError::Unreadable => format!("{url} could not be read"),
    })?;
    Ok(text.into())
}

/// The knowledge base's status (with its module: `with_module`); starts what is needed and
/// re-renders the component when it arrives (or fails).
#[hook]
pub fn use_kb(with_module: bool) -> KbStatus {
    let rerender = use_force_update();
    let current = status(with_module);
    use_effect_with(with_module, move |&with_module| {
        prefetch(with_module);
        let id = SHARED.with(|s| {
            let mut s = s.borrow_mut();
            if status_of(&s, with_module) != KbStatus::Loading {
                return None;
            }
            let id = s.next_id;
            s.next_id += 1;
            let rerender = rerender.clone();
            s.waiting
                .push((id, Callback::from(move |_| rerender.force_update())));
            Some(id)
        });
        // A status that changed between the render and this effect: render again now.
        if id.is_none() && status(with_module) != current {
            rerender.force_update();
        }
        move || {
            if let Some(id) = id {
                SHARED.with(|s| s.borrow_mut().waiting.retain(|(i, _)| *i != id));
            }
        }
    });
    status(with_module)
}

/// [`status`] on a borrowed state (inside `SHARED.with`).
fn status_of(s: &Shared, with_module: bool) -> KbStatus {
    match (s.text.status(), with_module.then(|| s.module.status())) {
        (KbStatus::Ready, Some(module)) => module,
        (text, _) => text,
    }
}

#[derive(Properties, PartialEq)]
pub struct WithKbProps {
    pub children: Html,
    /// The children still make sense without the knowledge base (a report without its fixes):
    /// render them when it cannot be loaded, with a note. They need only its text (the report
    /// module reads it), not the knowledge-base module.
    #[prop_or_default]
    pub optional: bool,
}

/// Renders its children once the knowledge base is loaded (and its module, unless `optional`).
#[component]
pub fn WithKb(props: &WithKbProps) -> Html {
    match use_kb(!props.optional) {
        KbStatus::Ready => props.children.clone(),
        KbStatus::Idle | KbStatus::Loading => html! {
            <p class="card muted" role="status">{ "Loading the knowledge base…" }</p>
        },
        KbStatus::Failed(why) => html! {
            <>
                <div class="card error" role="alert">
                    <h2>{ "The knowledge base could not be loaded" }</h2>
                    <p class="detail">{ why }</p>
                    <p>{ if props.optional {
                        "The report below is complete; only the fixes from the knowledge base are missing. Reload the page to try again."
                    } else {
                        "Reload the page to try again."
                    } }</p>
                </div>
                if props.optional { { props.children.clone() } }
            </>
        },
    }
}
