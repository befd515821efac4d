//! The check form: host, port, gateway (or a saved .rdp file), options, and the relay token
//! when the relay asks for one. It validates before anything is sent.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use rdpcheck_report::ClientId;

use super::rdp_input::{read_files, Fill, RdpFileInput};
use crate::logic::downloads::cli_target;
use crate::logic::validate::{validate_form_with, CheckInput, Field, FieldError, IdnaToAscii};
use crate::ui::downloads::{offer, Listing};

/// IDNA the browser's own way, for names with non-ASCII characters: the host part of
/// `new URL("http://" + name)` (WHATWG URL host parsing, UTS #46).
pub struct BrowserIdna;

impl IdnaToAscii for BrowserIdna {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        web_sys::Url::new(&format!("http://{name}"))
            .map(|url| url.hostname())
            .map_err(|e| format!("{e:?}"))
    }
}
use crate::ui::dom;

fn field_id(f: Field) -> &'static str {
    match f {
        Field::Host => "check-host",
        Field::Port => "check-port",
        Field::Gateway => "check-gateway",
        Field::Samples => "check-samples",
    }
}

#[derive(Properties, PartialEq)]
pub struct CheckFormProps {
    #[prop_or_default]
    pub host: AttrValue,
    #[prop_or_default]
    pub port: AttrValue,
    #[prop_or_default]
    pub gateway: AttrValue,
    pub title: AttrValue,
    /// A check is running: the button waits.
    pub busy: bool,
    /// The relay asked for a token: show its field.
    pub needs_token: bool,
    /// A valid form was submitted: the input and the relay token (empty: none).
    pub on_start: Callback<(CheckInput, String)>,
    /// The relay's downloads (`None` while fetched): the offer below the form, for the host
    /// as typed.
    pub listing: Option<Listing>,
    /// Offer the download below the form (not while a refusal offers it).
    pub offer: bool,
}

#[component]
pub fn CheckForm(props: &CheckFormProps) -> Html {
    let host = use_state(|| props.host.to_string());
    let port = use_state(|| props.port.to_string());
    let gateway = use_state(|| props.gateway.to_string());
    let samples = use_state(|| "5".to_string());
    let errors = use_state(Vec::<FieldError>::new);
    let rdp = use_state(|| None::<Fill>);
    let token = use_state(|| dom::session_token().unwrap_or_default());
    // The client family the verdict is judged for; `None`: the relay's default.
    let client = use_state(|| None::<ClientId>);

    // The URL may change while the page stays (a link to another /check?host=).
    {
        let (host, port, gateway) = (host.clone(), port.clone(), gateway.clone());
        use_effect_with(
            (
                props.host.clone(),
                props.port.clone(),
                props.gateway.clone(),
            ),
            move |(h, p, g)| {
                host.set(h.to_string());
                port.set(p.to_string());
                gateway.set(g.to_string());
            },
        );
    }

    let onsubmit = {
        let (host, port, gateway, samples, errors, token, client) = (
            host.clone(),
            port.clone(),
            gateway.clone(),
            samples.clone(),
            errors.clone(),
            token.clone(),
            client.clone(),
        );
        let (busy, on_start) = (props.busy, props.on_start.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            let token = token.trim().to_string();
            dom::set_session_token(&token);
            match validate_form_with(&host, &port, &gateway, &samples, Some(&BrowserIdna)) {
                Ok(mut input) => {
                    input.client = *client;
                    errors.set(Vec::new());
                    on_start.emit((input, token));
                }
                Err(list) => {
                    if let Some(first) = list.first() {
                        dom::focus(field_id(first.field));
                    }
                    errors.set(list);
                }
            }
        })
    };
    let on_fill = {
        let (host, port, gateway, rdp, errors) = (
            host.clone(),
            port.clone(),
            gateway.clone(),
            rdp.clone(),
            errors.clone(),
        );
        Callback::from(move |result: Fill| {
            if let Ok(f) = &result {
                host.set(f.host.clone());
                port.set(f.port.to_string());
                gateway.set(f.gateway.clone().unwrap_or_default());
                errors.set(Vec::new());
            }
            rdp.set(Some(result));
        })
    };
    let on_drop = {
        let on_fill = on_fill.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            read_files(e.data_transfer().and_then(|d| d.files()), on_fill.clone());
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());

    let field =
        |f: Field, label: &'static str, value: &UseStateHandle<String>, hint: &'static str| {
            let error = errors
                .iter()
                .find(|e| e.field == f)
                .map(|e| AttrValue::from(e.message.clone()));
            let value = value.clone();
            text_field(
                field_id(f),
                label,
                hint,
                AttrValue::from((*value).clone()),
                error,
                Callback::from(move |v| value.set(v)),
            )
        };
    let busy = props.busy;
    html! {
        <form class="card check-form" novalidate=true {onsubmit} ondrop={on_drop} ondragover={on_dragover}
            aria-labelledby="check-form-title">
            <h2 id="check-form-title">{ props.title.clone() }</h2>
            <div class="form-grid">
                { field(Field::Host, "Host", &host, "Name or IP address, as the client uses it (HOST or HOST:PORT).") }
                { field(Field::Port, "Port", &port, "Empty for 3389.") }
                { field(Field::Gateway, "RD Gateway (optional)", &gateway, "GATEWAY or GATEWAY:PORT (443 if empty), only if the client uses one.") }
            </div>
            <RdpFileInput on_fill={on_fill} last={(*rdp).clone()} />
            <details class="advanced">
                <summary>{ "Options" }</summary>
                { field(Field::Samples, "Repeated handshakes", &samples, "0 to 20; more handshakes measure stability better but take longer.") }
            </details>
            { client_select(&client) }
            if props.needs_token || !token.is_empty() {
                <div class="field">
                    <label for="check-token">{ "Relay access token" }</label>
                    <input id="check-token" type="password" value={(*token).clone()} oninput={on_input(&token)}
                        autocomplete="off" aria-describedby="check-token-hint" />
                    <span id="check-token-hint" class="hint">{ "Kept in this browser tab only (session storage)." }</span>
                </div>
            }
            <div class="actions">
                <button type="submit" class="primary" disabled={busy}>{ if busy { "Checking…" } else { "Run the check" } }</button>
            </div>
            if props.offer { { offer(&props.listing, &cli_target(&host, &port)) } }
        </form>
    }
}

/// "Your Remote Desktop client": the verdict's headline is judged for it (every family's
/// outcome is in the report either way); unchosen, the relay judges for mstsc on Windows 11.
fn client_select(client: &UseStateHandle<Option<ClientId>>) -> Html {
    let onchange = {
        let client = client.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                client.set(s.value().parse().ok());
            }
        })
    };
    let chosen = **client;
    html! {
        <div class="field">
            <label for="check-client">{ "Your Remote Desktop client" }</label>
            <select id="check-client" {onchange} aria-describedby="check-client-hint">
                <option value="" selected={chosen.is_none()}>{ "Not sure (judged for mstsc on Windows 11)" }</option>
                { for ClientId::ALL.iter().map(|c| html! {
                    <option value={c.as_str()} selected={chosen == Some(*c)}>{ rdpcheck_words::client_name(*c) }</option>
                }) }
            </select>
            <span id="check-client-hint" class="hint">{ "The verdict is judged for this client; the report lists every client's outcome." }</span>
        </div>
    }
}

fn on_input(s: &UseStateHandle<String>) -> Callback<InputEvent> {
    let s = s.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(i) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            s.set(i.value());
        }
    })
}

/// A labelled text input with its hint and, when invalid, its error (announced, and linked
/// with aria-describedby). `on_change` gets every new value.
fn text_field(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: AttrValue,
    error: Option<AttrValue>,
    on_change: Callback<String>,
) -> Html {
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let describedby = if error.is_some() {
        format!("{hint_id} {err_id}")
    } else {
        hint_id.clone()
    };
    let value_of = |e: &Event| {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
    };
    let oninput = {
        let on_change = on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = value_of(&e) {
                on_change.emit(v);
            }
        })
    };
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = value_of(&e) {
            on_change.emit(v);
        }
    });
    let invalid = error.is_some();
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={id}>{ label }</label>
            <input id={id} name={id} type="text" {value} {oninput} {onchange}
                autocomplete="off" autocapitalize="off" spellcheck="false"
                aria-invalid={invalid.then_some("true")} aria-describedby={describedby} />
            <span id={hint_id} class="hint">{ hint }</span>
            if let Some(m) = error { <span id={err_id} class="field-error" role="alert">{ m }</span> }
        </div>
    }
}
