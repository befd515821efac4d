//! `/`: start from the error.

use yew::prelude::*;

use super::explain::{PasteForm, Symptoms};
use super::router::Link;

#[component]
pub fn Home() -> Html {
    html! {
        <>
            <section class="card intro">
                <h1>{ "Why does Remote Desktop fail to connect?" }</h1>
                <p>{ "Start from what the client showed: rdpcheck says what the code means, the likely causes in \
                      order, and the check that tells them apart. Then run those checks against the host." }</p>
                <PasteForm />
            </section>
            <Symptoms />
            <section class="card" aria-labelledby="direct-title">
                <h2 id="direct-title">{ "Or check a host directly" }</h2>
                <p>{ "Run the handshakes a client runs — DNS, TCP, RDP negotiation, TLS, the NLA challenge — and \
                      see the stage where a client would fail. No credentials are ever sent." }</p>
                <p><Link to="/check" classes="button">{ "Check a host" }</Link></p>
            </section>
        </>
    }
}
