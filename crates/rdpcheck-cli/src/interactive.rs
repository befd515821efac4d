//! Started with no arguments from a console (a double-click on Windows opens one): ask for the
//! host or a .rdp file, run the check with live progress, show the report, and wait for Enter
//! before the window closes. A `.rdp` file dropped on the program arrives as its only argument
//! and is checked as `probe --rdp-file`. Nothing here blocks when stdin is not a terminal: then
//! the arguments are used as given (and no arguments is the usual usage error).

use std::ffi::OsString;
use std::io::{BufRead, Write};

/// How to run, from the arguments and whether stdin is a console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Parse the arguments as they are.
    Normal,
    /// Ask for the host (no arguments, a console).
    Ask,
    /// These arguments instead (a .rdp file given alone); `wait` for Enter afterwards when a
    /// console is attached.
    Rewritten { args: Vec<OsString>, wait: bool },
}

const SUBCOMMANDS: &[&str] = &["probe", "explain", "help"];

pub fn mode(args: &[OsString], console: bool) -> Mode {
    match args {
        [_] if console => Mode::Ask,
        [program, only] => {
            let text = only.to_string_lossy();
            let is_rdp = text.to_ascii_lowercase().ends_with(".rdp");
            if is_rdp && !text.starts_with('-') && !SUBCOMMANDS.contains(&text.as_ref()) {
                Mode::Rewritten {
                    args: vec![
                        program.clone(),
                        "probe".into(),
                        "--rdp-file".into(),
                        only.clone(),
                    ],
                    wait: console,
                }
            } else {
                Mode::Normal
            }
        }
        _ => Mode::Normal,
    }
}

/// Wrong answers allowed before giving up (a console that sends nothing useful).
const MAX_TRIES: usize = 5;

/// The arguments for one answer: a host, or a .rdp file (quotes from drag-and-drop removed).
/// `Err` says what was wrong.
pub fn answer(line: &str, exists: &dyn Fn(&str) -> bool) -> Result<Vec<OsString>, String> {
    let text = line.trim().trim_matches('"').trim();
    if text.is_empty() {
        return Err(
            "type a computer name or address (e.g. rdp.example.com or 10.0.0.5:3389)".into(),
        );
    }
    if text.to_ascii_lowercase().ends_with(".rdp") {
        if !exists(text) {
            return Err(format!("there is no file {text}"));
        }
        return Ok(vec!["probe".into(), "--rdp-file".into(), text.into()]);
    }
    if text.contains(char::is_whitespace) {
        return Err(format!(
            "{text:?} is not a computer name: names have no spaces"
        ));
    }
    rdpcheck_probe::parse_target(text, rdpcheck_probe::ProbeOptions::DEFAULT_PORT)
        .map_err(|e| e.to_string())?;
    Ok(vec!["probe".into(), text.into()])
}

pub const INTRO: &str = "\
rdpcheck — finds where a Remote Desktop connection fails, and why.
It runs the handshakes a Remote Desktop client runs against the computer you name, stops
before any password is sent, and reads (never changes) this computer's Remote Desktop settings.
";

/// Ask until an answer is usable; `None` when input ends or after [`MAX_TRIES`] bad answers.
pub fn ask(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    exists: &dyn Fn(&str) -> bool,
) -> Option<Vec<OsString>> {
    let _ = writeln!(out, "{INTRO}");
    for _ in 0..MAX_TRIES {
        let _ = write!(
            out,
            "Computer to check (name or address, optionally :port), or a .rdp file: "
        );
        let _ = out.flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        match answer(&line, exists) {
            Ok(args) => {
                let _ = writeln!(out);
                return Some(args);
            }
            Err(why) => {
                let _ = writeln!(out, "  {why}");
            }
        }
    }
    None
}

/// "Press Enter to close this window." and wait (returns at once when input ends).
pub fn wait_for_enter(input: &mut dyn BufRead, out: &mut dyn Write) {
    let _ = write!(out, "\nPress Enter to close this window.");
    let _ = out.flush();
    let mut line = String::new();
    let _ = input.read_line(&mut line);
}

/// The whole start: run `cli` with the process's arguments, asking first when started bare from
/// a console, and waiting for Enter at the end whenever this mode opened the conversation.
pub fn start(cli: impl Fn(Vec<OsString>) -> std::process::ExitCode) -> std::process::ExitCode {
    use std::io::IsTerminal;
    let args: Vec<OsString> = std::env::args_os().collect();
    let console = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    match mode(&args, console) {
        Mode::Normal => cli(args),
        Mode::Rewritten { args, wait } => {
            let code = cli(args);
            if wait {
                wait_for_enter(&mut stdin.lock(), &mut std::io::stdout());
            }
            code
        }
        Mode::Ask => {
            let exists = |p: &str| std::path::Path::new(p).is_file();
            let answer = ask(&mut stdin.lock(), &mut std::io::stdout(), &exists);
            let code = match answer {
                Some(rest) => {
                    let mut full = vec![args.first().cloned().unwrap_or_else(|| "rdpcheck".into())];
                    full.extend(rest);
                    cli(full)
                }
                None => std::process::ExitCode::from(2),
            };
            wait_for_enter(&mut stdin.lock(), &mut std::io::stdout());
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn arguments_decide_the_mode() {
        assert_eq!(mode(&os(&["rdpcheck"]), true), Mode::Ask);
        assert_eq!(
            mode(&os(&["rdpcheck"]), false),
            Mode::Normal,
            "never ask without a console"
        );
        assert_eq!(mode(&os(&["rdpcheck", "probe", "h"]), true), Mode::Normal);
        assert_eq!(mode(&os(&["rdpcheck", "explain"]), true), Mode::Normal);
        assert_eq!(
            mode(
                &os(&["rdpcheck.exe", r"C:\Users\a\Desktop\Work PC.RDP"]),
                true
            ),
            Mode::Rewritten {
                args: os(&[
                    "rdpcheck.exe",
                    "probe",
                    "--rdp-file",
                    r"C:\Users\a\Desktop\Work PC.RDP"
                ]),
                wait: true
            }
        );
        assert_eq!(
            mode(&os(&["rdpcheck", "saved.rdp"]), false),
            Mode::Rewritten {
                args: os(&["rdpcheck", "probe", "--rdp-file", "saved.rdp"]),
                wait: false
            }
        );
        assert_eq!(mode(&os(&["rdpcheck", "--x.rdp"]), true), Mode::Normal);
        assert_eq!(mode(&os(&["rdpcheck", "host.example"]), true), Mode::Normal);
    }

    #[test]
    fn answers_become_probe_arguments() {
        let yes = |_: &str| true;
        let no = |_: &str| false;
        assert_eq!(
            answer(" rdp.example.com \r\n", &yes),
            Ok(os(&["probe", "rdp.example.com"]))
        );
        assert_eq!(
            answer("10.0.0.5:3390", &yes),
            Ok(os(&["probe", "10.0.0.5:3390"]))
        );
        assert_eq!(
            answer("\"C:\\x\\Work.rdp\"\n", &yes),
            Ok(os(&["probe", "--rdp-file", r"C:\x\Work.rdp"]))
        );
        assert!(answer("C:\\x\\gone.rdp", &no).is_err_and(|e| e.contains("no file")));
        assert!(answer("   ", &yes).is_err());
        assert!(answer("two words", &yes).is_err());
        assert!(answer("0x7f.0.0.1", &yes).is_err_and(|e| e.contains("ambiguous")));
    }

    #[test]
    fn the_prompt_asks_again_until_an_answer_is_usable() {
        let mut input = "\nnot a host\nrdp.example.com\n".as_bytes();
        let mut out = Vec::new();
        let args = ask(&mut input, &mut out, &|_| true);
        assert_eq!(args, Some(os(&["probe", "rdp.example.com"])));
        let shown = String::from_utf8_lossy(&out);
        assert!(shown.starts_with(INTRO), "{shown}");
        assert_eq!(shown.matches("Computer to check").count(), 3, "{shown}");
        assert!(shown.contains("names have no spaces"), "{shown}");
    }

    #[test]
    fn the_prompt_gives_up_at_end_of_input_or_after_five_tries() {
        let mut out = Vec::new();
        assert_eq!(ask(&mut "".as_bytes(), &mut out, &|_| true), None);
        let mut input = "\n\n\n\n\nrdp.example.com\n".as_bytes();
        assert_eq!(ask(&mut input, &mut Vec::new(), &|_| true), None);
        let mut out = Vec::new();
        wait_for_enter(&mut "".as_bytes(), &mut out);
        assert!(String::from_utf8_lossy(&out).contains("Press Enter"));
    }
}
