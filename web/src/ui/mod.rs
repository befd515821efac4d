//! The Yew components (wasm32 only). Each screen has its own URL (see [`Route`]).

mod check;
mod dom;
mod explain;
mod home;
mod kb;
mod report;
mod shared;
mod timeline;
mod widgets;

use yew::prelude::*;
use yew_router::prelude::*;

pub use check::{CheckPage, CheckPanel};
pub use explain::{ExplainPage, ExplainView};
pub use kb::{KbArticlePage, KbIndexPage, KbTablePage};
pub use report::ReportView;
pub use shared::{SharedPage, SharedView};

/// Every screen of the page.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Home,
    /// `?q=<pasted text>`
    #[at("/explain")]
    Explain,
    /// `?host=H&port=P&gateway=G` pre-fills the form; the check starts on the user's click.
    #[at("/check")]
    Check,
    #[at("/kb")]
    Kb,
    #[at("/kb/codes/:table")]
    KbTable { table: String },
    #[at("/kb/:id")]
    KbArticle { id: String },
    /// `#v1.<payload>`: a shared report.
    #[at("/r")]
    Shared,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// Query of `/explain`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExplainQuery {
    #[serde(default)]
    pub q: String,
}

/// Query of `/check`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub port: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gateway: String,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <home::Home /> },
        Route::Explain => html! { <explain::ExplainRoute /> },
        Route::Check => html! { <check::CheckRoute /> },
        Route::Kb => html! { <KbIndexPage /> },
        Route::KbTable { table } => html! { <KbTablePage {table} /> },
        Route::KbArticle { id } => html! { <KbArticlePage {id} /> },
        Route::Shared => html! { <SharedPage /> },
        Route::NotFound => html! {
            <section class="card">
                <h1>{ "Page not found" }</h1>
                <p>{ "This address is not a page of rdpcheck. " }
                   <Link<Route> to={Route::Home}>{ "Start from the error" }</Link<Route>>
                   { " or " }
                   <Link<Route> to={Route::Kb}>{ "browse the knowledge base" }</Link<Route>>{ "." }</p>
            </section>
        },
    }
}

#[component]
fn Nav() -> Html {
    let route = use_route::<Route>();
    let navigator = use_navigator();
    let current = |r: &Route| -> Option<&'static str> {
        let on = match (&route, r) {
            (Some(Route::Kb | Route::KbArticle { .. } | Route::KbTable { .. }), Route::Kb) => true,
            (Some(a), b) => a == b,
            _ => false,
        };
        on.then_some("page")
    };
    html! {
        <header class="site-header">
            <Link<Route> to={Route::Home} classes="brand">{ "rdpcheck" }</Link<Route>>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/" aria-current={current(&Route::Home)} onclick={nav_click(&navigator, Route::Home)}>{ "Explain an error" }</a></li>
                    <li><a href="/check" aria-current={current(&Route::Check)} onclick={nav_click(&navigator, Route::Check)}>{ "Check a host" }</a></li>
                    <li><a href="/kb" aria-current={current(&Route::Kb)} onclick={nav_click(&navigator, Route::Kb)}>{ "Knowledge base" }</a></li>
                </ul>
            </nav>
        </header>
    }
}

/// A plain link that navigates in-app on a normal click (new tab and friends still work).
pub(crate) fn nav_click(navigator: &Option<Navigator>, route: Route) -> Callback<MouseEvent> {
    let navigator = navigator.clone();
    Callback::from(move |e: MouseEvent| {
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
            return;
        }
        if let Some(n) = &navigator {
            e.prevent_default();
            n.push(&route);
        }
    })
}

#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <a class="skip" href="#main">{ "Skip to content" }</a>
            <Nav />
            <main id="main" tabindex="-1">
                <Switch<Route> render={switch} />
            </main>
            <footer class="site-footer">
                <p>{ "rdpcheck never sends a credential: the check stops at the NTLM challenge. " }
                   { "Explanations and the knowledge base work without the relay." }</p>
            </footer>
        </BrowserRouter>
    }
}

/// Mounts the page on `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
