//! The options and the reading of libFuzzer's logs (a run itself is `cargo xtask fuzz --short`).

use super::report::Stats;
use super::*;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn options() {
    let o = parse(&args(&["--time", "7", "x224_reply", "--jobs", "2"])).expect("parses");
    assert_eq!((o.mode, o.secs, o.jobs), (Mode::Run, 7, 2));
    assert_eq!(o.targets, ["x224_reply"]);
    assert_eq!(parse(&[]).expect("parses").secs, DEFAULT_SECS);
    assert_eq!(parse(&args(&["--seed"])).expect("parses").mode, Mode::Seed);
    assert!(parse(&args(&["--time"])).is_err());
    assert!(parse(&args(&["--time", "0"])).is_err());
    assert!(parse(&args(&["--fast"])).is_err());
}

#[test]
fn stats_from_a_libfuzzer_log() {
    let log = "#2\tINITED cov: 88 ft: 90 corp: 3/1200b exec/s: 0 rss: 40Mb\n\
               #1024\tNEW    cov: 95 ft: 120 corp: 4/1300b lim: 4 exec/s: 512 rss: 41Mb\n\
               #37045\tDONE   cov: 101 ft: 140 corp: 9/1500b lim: 33 exec/s: 4116 rss: 366Mb\n\
               Done 37045 runs in 9 second(s)\n\
               stat::number_of_executed_units: 37045\n\
               stat::average_exec_per_sec:     4116\n\
               stat::new_units_added:          6\n";
    let s = Stats::parse(log);
    assert_eq!(
        (
            s.runs,
            s.exec_per_sec,
            s.new_units,
            s.start_cov,
            s.cov,
            s.features
        ),
        (
            Some(37045),
            Some(4116),
            Some(6),
            Some(88),
            Some(101),
            Some(140)
        )
    );
}
