//! `/`: start from the error.

use yew::prelude::*;

use super::explain::{symptoms, PasteForm};
use super::markup::Markup;

pub fn home() -> Html {
    html! {
        <>
            <section class="card intro">
                <Markup html={AttrValue::Static("<h1>Why does Remote Desktop fail to connect?</h1><p>Start from what the \
                    client showed: rdpcheck says what the code means, the likely causes in order, and the check that \
                    tells them apart. Then run those checks against the host.</p>")} />
                <PasteForm />
            </section>
            { symptoms() }
            <Markup html={AttrValue::Static("<section class=\"card\" aria-labelledby=\"direct-title\"><h2 id=\"direct-title\">\
                Or check a host directly</h2><p>Run the handshakes a client runs — DNS, TCP, RDP negotiation, TLS, the NLA \
                challenge — and see the stage where a client would fail. No credentials are ever sent.</p>\
                <p><a href=\"/check\" class=\"button\">Check a host</a></p></section>")} />
        </>
    }
}
