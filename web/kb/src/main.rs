//! The knowledge-base module's exports (wasm-bindgen, `--target web`). The page's shell imports
//! this module with the knowledge base, the first time a screen needs them (web/src/ui/kbload.rs);
//! it is never part of the page's start-up. Each export is the library function of the same name.

// Talc instead of the default dlmalloc: the same job in fewer bytes (BENCHMARKS.md).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod exports {
    use rdpcheck_web_kb::Evidence;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// The explain screen's markup (see `rdpcheck_web_kb::Explained`).
    #[wasm_bindgen(getter_with_clone)]
    pub struct Explained {
        pub head: String,
        pub has_causes: bool,
        pub fixes: String,
    }

    /// `evidence`: a check's evidence as `Evidence::to_text` writes it.
    #[wasm_bindgen]
    pub fn explain(q: &str, evidence: Option<String>) -> Explained {
        let evidence = evidence.map(|e| Evidence::from_text(&e));
        let ex = rdpcheck_web_kb::explain(q, evidence.as_ref());
        Explained {
            head: ex.head,
            has_causes: ex.has_causes,
            fixes: ex.fixes,
        }
    }

    #[wasm_bindgen]
    pub fn kb_screen(path: &str) -> String {
        rdpcheck_web_kb::kb_screen(path)
    }

    /// Search hits (see `rdpcheck_web_kb::Found`).
    #[wasm_bindgen(getter_with_clone)]
    pub struct Found {
        pub count: u32,
        pub html: String,
    }

    #[wasm_bindgen]
    pub fn search(query: &str, limit: u32) -> Found {
        let found = rdpcheck_web_kb::search(query, limit as usize);
        Found {
            count: found.count as u32,
            html: found.html,
        }
    }

    #[wasm_bindgen]
    pub fn load_kb(bundle: &str) -> Result<(), String> {
        rdpcheck_web_kb::load_kb(bundle)
    }
}

fn main() {}
