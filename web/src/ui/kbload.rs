//! The knowledge base is a file of its own next to the page (`rdpcheck_kb::BUNDLE_FILE`, about
//! 32 KiB compressed), fetched from the page's origin the first time a screen needs it, so the
//! home screen loads without it. It is a static file: the explain and knowledge-base screens work
//! wherever the page is served, with or without the relay's API.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::dom;

/// Where the knowledge base stands.
#[derive(Clone, Debug, PartialEq)]
pub enum KbStatus {
    Idle,
    Loading,
    Ready,
    Failed(String),
}

struct Shared {
    status: KbStatus,
    /// The bundle's text, once loaded: the report module gets it for the verdict's fixes.
    text: Option<Rc<str>>,
    /// Components to re-render when the fetch settles: (id, re-render).
    waiting: Vec<(u32, Callback<()>)>,
    next_id: u32,
}

thread_local! {
    static SHARED: RefCell<Shared> = RefCell::new(Shared {
        status: if rdpcheck_kb::is_loaded() { KbStatus::Ready } else { KbStatus::Idle },
        text: None,
        waiting: Vec::new(),
        next_id: 0,
    });
}

pub fn status() -> KbStatus {
    SHARED.with(|s| s.borrow().status.clone())
}

/// The knowledge base's text as fetched (`None` before, or when it was compiled in).
pub fn bundle_text() -> Option<Rc<str>> {
    SHARED.with(|s| s.borrow().text.clone())
}

/// Starts fetching the knowledge base unless it is there or on its way (e.g. when the user
/// starts typing an error code, so that the explanation has it by the time it is asked for).
pub fn prefetch() {
    let start = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        let idle = matches!(s.status, KbStatus::Idle | KbStatus::Failed(_));
        if idle {
            s.status = KbStatus::Loading;
        }
        idle
    });
    if start {
        wasm_bindgen_futures::spawn_local(async {
            let (status, text) = match fetch().await {
                Ok(text) => {
                    dom::mark("rdpcheck:kb");
                    (KbStatus::Ready, Some(text))
                }
                Err(e) => (KbStatus::Failed(e), None),
            };
            let waiting = SHARED.with(|s| {
                let mut s = s.borrow_mut();
                s.status = status;
                s.text = text;
                std::mem::take(&mut s.waiting)
            });
            for (_, rerender) in waiting {
                rerender.emit(());
            }
        });
    }
}

async fn fetch() -> Result<Rc<str>, String> {
    let url = format!("/{}", rdpcheck_kb::BUNDLE_FILE);
    let text = dom::get_text(&url).await.map_err(|e| match e {
        dom::GetError::NoAnswer => "the page's server did not answer".to_string(),
        dom::GetError::Status(status) => format!("{url} answered HTTP {status}"),
        dom::GetError::Unreadable => format!("{url} could not be read"),
    })?;
    rdpcheck_kb::load_bundle(&text)?;
    Ok(text.into())
}

/// The knowledge base's status; fetches it if needed and re-renders the component when it
/// arrives (or fails).
#[hook]
pub fn use_kb() -> KbStatus {
    let rerender = use_force_update();
    let current = status();
    use_effect_with((), move |_| {
        prefetch();
        let id = SHARED.with(|s| {
            let mut s = s.borrow_mut();
            if s.status != KbStatus::Loading {
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
        if id.is_none() && status() != current {
            rerender.force_update();
        }
        move || {
            if let Some(id) = id {
                SHARED.with(|s| s.borrow_mut().waiting.retain(|(i, _)| *i != id));
            }
        }
    });
    status()
}

#[derive(Properties, PartialEq)]
pub struct WithKbProps {
    pub children: Html,
    /// The children still make sense without the knowledge base (a report without its fixes):
    /// render them when it cannot be loaded, with a note.
    #[prop_or_default]
    pub optional: bool,
}

/// Renders its children once the knowledge base is loaded.
#[component]
pub fn WithKb(props: &WithKbProps) -> Html {
    match use_kb() {
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
