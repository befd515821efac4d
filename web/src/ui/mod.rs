//! The Yew components (wasm32 only). Each screen has its own URL (see [`Route`]).

mod check;
mod dom;
mod downloads;
mod ed25519;
mod explain;
mod home;
mod kb;
mod kbload;
pub mod kbmodule;
mod markup;
pub mod module;
mod report;
mod router;
mod shared;
mod widgets;

use yew::prelude::*;

pub use check::{check_page, CheckPanel};
pub use explain::{explain_page, ExplainView};
pub use kb::KbScreen;
use kbload::WithKb;
use markup::Markup;
pub use report::ReportPanel;
use router::{navigate_on_click, use_navigator};
pub use router::{use_location, Route, Router};
pub use shared::SharedView;

/// The screen at a location (plain functions, not components, where a screen keeps no state of
/// its own and writes nothing from the knowledge base before `WithKb` has it: each component
/// type costs the page's wasm a kilobyte or two).
fn switch(l: &router::Location) -> Html {
    match l.route() {
        Route::Home => home::home(),
        Route::Explain => html! { <WithKb>{ explain_page(l.param("q").into()) }</WithKb> },
        Route::Check => check_page(l.param("host"), l.param("port"), l.param("gateway")),
        route @ (Route::Kb | Route::KbTable { .. } | Route::KbArticle { .. }) => {
            html! { <WithKb><KbScreen {route} /></WithKb> }
        }
        Route::Shared => html! { <SharedView from_page=true /> },
        Route::NotFound => html! {
            <Markup html={AttrValue::Static("<section class=\"card\"><h1>Page not found</h1><p>This address is not a page of rdpcheck. \
                <a href=\"/\">Start from the error</a> or <a href=\"/kb\">browse the knowledge base</a>.</p></section>")} />
        },
    }
}

/// Everything inside the router: the header and its navigation, the screen of the current
/// location, the footer.
#[component]
fn Page() -> Html {
    let location = use_location();
    let route = location.route();
    let navigator = use_navigator();
    let current = |r: &Route| -> Option<&'static str> {
        let on = match (&route, r) {
            (Route::Kb | Route::KbArticle { .. } | Route::KbTable { .. }, Route::Kb) => true,
            (a, b) => a == b,
        };
        on.then_some("page")
    };
    let nav_click = |r: Route| navigate_on_click(&navigator, r.path());
    html! {
        <>
            <a class="skip" href="#main">{ "Skip to content" }</a>
            <header class="site-header">
                <a href="/" class="brand" onclick={nav_click(Route::Home)}>{ "rdpcheck" }</a>
                <nav aria-label="Main">
                    <ul>
                        <li><a href="/" aria-current={current(&Route::Home)} onclick={nav_click(Route::Home)}>{ "Explain an error" }</a></li>
                        <li><a href="/check" aria-current={current(&Route::Check)} onclick={nav_click(Route::Check)}>{ "Check a host" }</a></li>
                        <li><a href="/kb" aria-current={current(&Route::Kb)} onclick={nav_click(Route::Kb)}>{ "Knowledge base" }</a></li>
                    </ul>
                </nav>
            </header>
            <main id="main" tabindex="-1">{ switch(&location) }</main>
            { Html::from_html_unchecked(AttrValue::Static(FOOTER)) }
        </>
    }
}

const FOOTER: &str = "<footer class=\"site-footer\"><p>rdpcheck never sends a credential: the check \
    stops at the NTLM challenge. Explanations and the knowledge base work without the relay.</p></footer>";

#[component]
pub fn App() -> Html {
    // Effects run after the whole first render (children first): the screen is in the DOM
    // with its handlers attached. `cargo xtask bench page` reads this mark.
    use_effect_with((), |_| dom::mark("rdpcheck:interactive"));
    html! { <Router><Page /></Router> }
}

/// Mounts the page on `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
