//! The knowledge base: every code table and article, searchable and linkable.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::router::{use_location, use_navigator, Link, Route};
use super::widgets::{article_body, article_link, prose};
use crate::logic::kbsearch::{search, Hit};

#[component]
pub fn KbIndexPage() -> Html {
    let q = use_location().param("q");
    let navigator = use_navigator();
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(i) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            if let Some(n) = &navigator {
                n.replace(&Route::Kb.with_query(&[("q", &i.value())]));
            }
        }
    });
    let hits = search(&q, 60);
    html! {
        <>
            <section class="card intro">
                <h1>{ "Knowledge base" }</h1>
                <p>{ "Every Remote Desktop code rdpcheck knows, and one article per cause: how to confirm it \
                      and how to fix it on your side and on the host." }</p>
                <form role="search" class="kb-search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <label for="kb-q">{ "Search codes and articles" }</label>
                    <input id="kb-q" type="search" value={q.clone()} {oninput}
                        placeholder="0x904, certificate, ERRCONNECT_…, clock" autocomplete="off" />
                </form>
            </section>
            if !q.trim().is_empty() {
                <section class="card" aria-labelledby="kb-results">
                    <h2 id="kb-results" aria-live="polite">{ format!("{} result{} for \"{}\"", hits.len(), if hits.len() == 1 { "" } else { "s" }, q.trim()) }</h2>
                    <ul class="hits">{ for hits.iter().map(hit) }</ul>
                </section>
            }
            <section class="card" aria-labelledby="kb-tables">
                <h2 id="kb-tables">{ "Code tables" }</h2>
                <ul class="kb-list">
                    { for rdpcheck_kb::tables().iter().map(|t| html! {
                        <li>
                            <Link to={Route::KbTable { table: t.id.clone() }.path()}>{ t.title.clone() }</Link>
                            <span class="muted">{ format!(" — {} codes; shown as \"{}\"", t.entries.len(), t.label) }</span>
                        </li>
                    }) }
                </ul>
            </section>
            <section class="card" aria-labelledby="kb-articles">
                <h2 id="kb-articles">{ "Causes and fixes" }</h2>
                <ul class="kb-list">
                    { for rdpcheck_kb::articles().iter().map(|a| html! {
                        <li>{ article_link(&a.id, &a.title) }</li>
                    }) }
                </ul>
            </section>
        </>
    }
}

fn hit(h: &Hit) -> Html {
    match h {
        Hit::Article { id, title } => {
            html! { <li><span class="kind">{ "article" }</span>{ article_link(id, title) }</li> }
        }
        Hit::Code {
            table,
            table_title,
            hex,
            name,
            short,
        } => html! {
            <li>
                <span class="kind">{ "code" }</span>
                <Link to={Route::KbTable { table: table.clone() }.path()}>
                    <code>{ hex.clone() }</code>{ format!(" {name}") }
                </Link>
                <span class="muted">{ format!(" — {short} ({table_title})") }</span>
            </li>
        },
        Hit::Finding { code, meaning } => html! {
            <li>
                <span class="kind">{ "finding" }</span>
                <Link to={Route::Explain.with_query(&[("q", code)])}><code>{ code.clone() }</code></Link>
                <span class="muted">{ format!(" — {meaning}") }</span>
            </li>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct KbArticleProps {
    pub id: AttrValue,
}

#[component]
pub fn KbArticlePage(props: &KbArticleProps) -> Html {
    let Some(a) = rdpcheck_kb::article(&props.id) else {
        return not_found("article", &props.id);
    };
    let findings: Vec<_> = rdpcheck_kb::findings()
        .iter()
        .filter(|f| f.articles.iter().any(|x| x == &a.id))
        .collect();
    html! {
        <article class="card kb-article" aria-labelledby="article-title">
            <p class="crumbs"><Link to="/kb">{ "Knowledge base" }</Link>{ " / article" }</p>
            <h1 id="article-title">{ a.title.clone() }</h1>
            { article_body(a, 2) }
            if !a.client_codes.is_empty() || !findings.is_empty() {
                <h2>{ "What points here" }</h2>
                <ul class="pointers">
                    { for a.client_codes.iter().map(|c| html! {
                        <li><Link to={Route::Explain.with_query(&[("q", c)])}><code>{ c.clone() }</code></Link></li>
                    }) }
                    { for findings.iter().map(|f| html! {
                        <li><code class="finding-code">{ f.code.to_string() }</code>{ format!(" — {}", f.meaning) }</li>
                    }) }
                </ul>
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct KbTableProps {
    pub table: AttrValue,
}

#[component]
pub fn KbTablePage(props: &KbTableProps) -> Html {
    let Some(t) = rdpcheck_kb::tables()
        .iter()
        .find(|t| t.id == props.table.as_str())
    else {
        return not_found("code table", &props.table);
    };
    let title_of = |id: &str| {
        rdpcheck_kb::article(id)
            .map(|a| a.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    html! {
        <article class="card kb-table" aria-labelledby="table-title">
            <p class="crumbs"><Link to="/kb">{ "Knowledge base" }</Link>{ " / code table" }</p>
            <h1 id="table-title">{ t.title.clone() }</h1>
            { prose(&t.description) }
            <div class="table-wrap">
                <table class="codes">
                    <caption class="sr-only">{ t.title.clone() }</caption>
                    <thead><tr><th scope="col">{ "Code" }</th><th scope="col">{ "Name" }</th><th scope="col">{ "Meaning" }</th><th scope="col">{ "Causes" }</th></tr></thead>
                    <tbody>
                        { for t.entries.iter().map(|e| {
                            let arts: Vec<String> = match &e.articles {
                                Some(a) => a.clone(),
                                None => e.group.as_ref()
                                    .and_then(|g| t.groups.iter().find(|x| &x.id == g))
                                    .map(|g| g.articles.clone())
                                    .unwrap_or_default(),
                            };
                            html! {
                                <tr id={format!("code-{}", e.hex.to_ascii_lowercase())}>
                                    <th scope="row"><code>{ e.hex.clone() }</code><br /><span class="muted">{ e.decimal }</span></th>
                                    <td><code class="wrap">{ e.name.clone() }</code>
                                        if !e.documented { <br /><span class="muted">{ "not in Microsoft's documentation" }</span> }</td>
                                    <td>
                                        if !e.short.is_empty() { <strong>{ e.short.clone() }</strong><br /> }
                                        { e.meaning.split_whitespace().collect::<Vec<_>>().join(" ") }
                                    </td>
                                    <td><ul class="plain">{ for arts.iter().map(|a| html! { <li>{ article_link(a, &title_of(a)) }</li> }) }</ul></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if !t.ranges.is_empty() {
                <h2>{ "Ranges" }</h2>
                <ul>{ for t.ranges.iter().map(|r| html! {
                    <li><strong>{ format!("{}–{} {}", r.start, r.end, r.name) }</strong>{ format!(": {}", r.meaning.split_whitespace().collect::<Vec<_>>().join(" ")) }</li>
                }) }</ul>
            }
        </article>
    }
}

fn not_found(what: &str, id: &str) -> Html {
    html! {
        <section class="card error" role="alert">
            <h1>{ format!("No {what} called \"{id}\"") }</h1>
            <p><Link to="/kb">{ "Browse the knowledge base" }</Link>{ "." }</p>
        </section>
    }
}
