//! The report module's exports (wasm-bindgen, `--target web`). The page's shell imports this
//! module only when a finished or shared report must be shown (web/src/ui/report.js); it is
//! never part of the page's start-up. Each export is the library function of the same name.

// Talc instead of the default dlmalloc: the same job in fewer bytes (BENCHMARKS.md).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod exports {
    use rdpcheck_report::wire::SignedReport;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// A rendered report (see `rdpcheck_web_report::View`).
    #[wasm_bindgen(getter_with_clone)]
    pub struct Rendered {
        pub html: String,
        pub status: String,
        pub title: String,
        pub started_at: String,
    }

    /// The report in `report` (its JSON text), rendered; throws a string saying why it is not
    /// a report.
    #[wasm_bindgen]
    pub fn view(report: &str) -> Result<Rendered, String> {
        let v = rdpcheck_web_report::view(report)?;
        Ok(Rendered {
            html: v.html,
            status: v.status,
            title: v.title,
            started_at: v.started_at,
        })
    }

    /// A two-vantage link's two reports, compared and rendered (see
    /// `rdpcheck_web_report::vantage`).
    #[wasm_bindgen]
    pub fn vantage(
        local: &str,
        relay: &str,
        key_id: &str,
        verified: Option<bool>,
    ) -> Result<Rendered, String> {
        let v = rdpcheck_web_report::vantage(local, relay, key_id, verified)?;
        Ok(Rendered {
            html: v.html,
            status: v.status,
            title: v.title,
            started_at: v.started_at,
        })
    }

    #[wasm_bindgen]
    pub fn markdown(
        report: &str,
        verified: Option<String>,
        link: Option<String>,
        local: Option<String>,
    ) -> Result<String, String> {
        rdpcheck_web_report::markdown(
            report,
            verified.as_deref(),
            link.as_deref(),
            local.as_deref(),
        )
    }

    #[wasm_bindgen]
    pub fn share_link(origin: &str, report: &str, signature: &str, key_id: &str) -> String {
        rdpcheck_web_report::share_link(
            origin,
            &SignedReport {
                report: report.to_string(),
                signature: signature.to_string(),
                key_id: key_id.to_string(),
            },
        )
    }

    #[wasm_bindgen]
    pub fn load_kb(bundle: &str) -> Result<(), String> {
        rdpcheck_web_report::load_kb(bundle)
    }
}

fn main() {}
