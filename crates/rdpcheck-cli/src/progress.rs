//! Live progress on stderr while a check runs (only when stderr is a terminal).

use rdpcheck_report::Event;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::render::status_tag;

pub async fn print(mut rx: UnboundedReceiver<Event>) {
    while let Some(event) = rx.recv().await {
        match event {
            Event::StageStarted { name, .. } => eprint!("  {name:<16}…\r"),
            Event::StageFinished { result, .. } => eprintln!(
                "  {name:<16}{tag:<8}{ms:>8}  {summary}",
                name = result.name,
                tag = status_tag(result.status),
                ms = rdpcheck_words::ms(result.duration_ms),
                summary = result.summary
            ),
            Event::Finding { .. } => {}
        }
    }
}
