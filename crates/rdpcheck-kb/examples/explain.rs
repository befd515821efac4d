//! Prints the explanation for the words given on the command line:
//! `cargo run -p rdpcheck-kb --example explain -- "Error code: 0x904 Extended error code: 0x7"`

fn main() {
    let input = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    match rdpcheck_kb::explain(&input) {
        Ok(ex) => print!("{}", rdpcheck_kb::render_text(&ex)),
        Err(e) => eprintln!("{e}"),
    }
}
