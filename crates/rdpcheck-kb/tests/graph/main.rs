//! Integrity of the knowledge graph: codes ↔ articles ↔ findings (`integrity`), parsing round
//! trips (`lookup`), and robustness of `explain` (`explain`). One test binary.

mod clients;
mod explain;
mod integrity;
mod lookup;
mod sources;
mod vocabulary;
