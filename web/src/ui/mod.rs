//! The Yew components (wasm32 only). Each screen has its own URL (see [`Route`]).

mod check;
mod dom;
mod ed25519;
mod explain;
mod home;
mod kb;
mod kbload;
mod markup;
pub mod module;
mod report;
mod router;
mod shared;
mod widgets;

use yew::prelude::*;

pub use check::{CheckPage, CheckPanel};
pub use explain::{ExplainPage, ExplainView};
pub use kb::{KbArticlePage, KbIndexPage, KbTablePage};
use kbload::WithKb;
pub use report::ReportPanel;
use router::{navigate_on_click, use_navigator};
pub use router::{use_location, Link, Route, Router};
pub use shared::{SharedPage, SharedView};

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <home::Home /> },
        Route::Explain => html! { <WithKb><explain::ExplainRoute /></WithKb> },
        Route::Check => html! { <check::CheckRoute /> },
        Route::Kb => html! { <WithKb><KbIndexPage /></WithKb> },
        Route::KbTable { table } => html! { <WithKb><KbTablePage {table} /></WithKb> },
        Route::KbArticle { id } => html! { <WithKb><KbArticlePage {id} /></WithKb> },
        Route::Shared => html! { <SharedPage /> },
        Route::NotFound => html! {
            <section class="card">
                <h1>{ "Page not found" }</h1>
                <p>{ "This address is not a page of rdpcheck. " }
                   <Link to="/">{ "Start from the error" }</Link>
                   { " or " }
                   <Link to="/kb">{ "browse the knowledge base" }</Link>{ "." }</p>
            </section>
        },
    }
}

/// The screen of the current location.
#[component]
fn Screen() -> Html {
    switch(use_location().route())
}

#[component]
fn Nav() -> Html {
    let route = use_location().route();
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
        <header class="site-header">
            <Link to="/" classes="brand">{ "rdpcheck" }</Link>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/" aria-current={current(&Route::Home)} onclick={nav_click(Route::Home)}>{ "Explain an error" }</a></li>
                    <li><a href="/check" aria-current={current(&Route::Check)} onclick={nav_click(Route::Check)}>{ "Check a host" }</a></li>
                    <li><a href="/kb" aria-current={current(&Route::Kb)} onclick={nav_click(Route::Kb)}>{ "Knowledge base" }</a></li>
                </ul>
            </nav>
        </header>
    }
}

#[component]
pub fn App() -> Html {
    // Effects run after the whole first render (children first): the screen is in the DOM
    // with its handlers attached. `cargo xtask bench page` reads this mark.
    use_effect_with((), |_| dom::mark("rdpcheck:interactive"));
    html! {
        <Router>
            <a class="skip" href="#main">{ "Skip to content" }</a>
            <Nav />
            <main id="main" tabindex="-1">
                <Screen />
            </main>
            <footer class="site-footer">
                <p>{ "rdpcheck never sends a credential: the check stops at the NTLM challenge. " }
                   { "Explanations and the knowledge base work without the relay." }</p>
            </footer>
        </Router>
    }
}

/// Mounts the page on `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
