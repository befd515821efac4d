//! The download offer's listing, fetched from the relay the first time a screen offers it (the
//! check form, a policy refusal), once per page load; the markup is `logic::downloads`.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::dom;
use super::markup::Markup;
use crate::logic::downloads::{offer_html, windows_offer, Offer, LISTING_PATH};

/// The Windows build as listed (`None`: not offered, or no listing).
pub type Listing = Rc<Option<Offer>>;

thread_local! {
    static LISTING: RefCell<Option<Listing>> = const { RefCell::new(None) };
}

/// The listing: `None` while it is fetched.
#[hook]
pub fn use_listing() -> Option<Listing> {
    let listing = use_state(|| LISTING.with(|l| l.borrow().clone()));
    {
        let listing = listing.clone();
        use_effect_with((), move |_| {
            if listing.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    let text = dom::get_text(LISTING_PATH).await.unwrap_or_default();
                    let got: Listing = Rc::new(windows_offer(&text));
                    LISTING.with(|l| *l.borrow_mut() = Some(got.clone()));
                    listing.set(Some(got));
                });
            }
        });
    }
    (*listing).clone()
}

/// The offer for `target` (as the CLI takes it), once the listing is there.
pub fn offer(listing: &Option<Listing>, target: &str) -> Html {
    match listing {
        None => html! {},
        Some(l) => html! {
            <Markup html={AttrValue::from(offer_html(l.as_ref().as_ref(), target, &dom::origin()))} />
        },
    }
}
