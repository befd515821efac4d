//! Merging the layers, the defaults and the checks, and the example file.

use super::*;

#[test]
fn defaults_listen_on_loopback() {
    let c = Config::resolve(Args::default()).expect("defaults work");
    assert!(c.listen.ip().is_loopback());
    assert_eq!(c.listen.port(), 8080);
    assert_eq!(c.auth, None);
}

#[test]
fn public_listener_needs_an_access_decision() {
    let args = Args {
        listen: Some("0.0.0.0:8080".parse().expect("addr")),
        ..Args::default()
    };
    let e = Config::resolve(args).expect_err("refused");
    assert!(e.contains("--auth"), "{e}");
    let args = Args {
        listen: Some("0.0.0.0:8080".parse().expect("addr")),
        auth: Some("none".into()),
        ..Args::default()
    };
    assert!(Config::resolve(args).is_ok());
}

#[test]
fn connection_limits_default_and_read_from_the_file() {
    let l = Config::resolve(Args::default()).expect("defaults").limits;
    assert_eq!(
        (
            l.header_timeout_s,
            l.idle_timeout_s,
            l.write_timeout_s,
            l.max_connections,
            l.max_connections_per_client,
            l.failed_auth_per_minute,
        ),
        (10, 30, 10, 4096, 64, 10)
    );
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("relay.toml");
    std::fs::write(
        &path,
        "public_url = \"https://rdpcheck.example.com\"\n[limits]\nheader_timeout_s = 2\n\
         idle_timeout_s = 0\nwrite_timeout_s = 500\nmax_connections = 100\n\
         max_connections_per_client = 5\nfailed_auth_per_minute = 3\n",
    )
    .expect("write");
    let c = Config::resolve(Args {
        config: Some(path.clone()),
        public_url: vec!["http://relay.corp:8080".into()],
        ..Args::default()
    })
    .expect("config");
    let l = c.limits;
    assert_eq!(
        (
            l.header_timeout_s,
            l.idle_timeout_s,
            l.write_timeout_s,
            l.max_connections,
            l.max_connections_per_client,
            l.failed_auth_per_minute,
        ),
        (2, 1, 60, 100, 5, 3)
    );
    assert_eq!(
        c.public_urls,
        [
            OwnName::new(true, "rdpcheck.example.com", 443),
            OwnName::new(false, "relay.corp", 8080)
        ]
    );
    std::fs::write(
        &path,
        "public_url = [\"https://a.example\", \"https://b.example:8443\"]\n",
    )
    .expect("write");
    let c = Config::resolve(Args {
        config: Some(path.clone()),
        ..Args::default()
    })
    .expect("a list");
    assert_eq!(c.public_urls.len(), 2);
    std::fs::write(&path, "public_url = \"https://a.example/app\"\n").expect("write");
    let e = Config::resolve(Args {
        config: Some(path),
        ..Args::default()
    })
    .expect_err("a path");
    assert!(e.starts_with("public_url: "), "{e}");
}

#[test]
fn the_example_config_has_every_key_right() {
    let file: FileConfig =
        toml::from_str(include_str!("../../relay.example.toml")).expect("relay.example.toml");
    assert_eq!(file.public_url.into_vec(), ["https://rdpcheck.example.com"]);
    assert_eq!(
        file.trusted_proxies,
        ["127.0.0.1/32".parse::<IpNet>().expect("cidr")]
    );
    assert_eq!(
        file.limits_backend.as_deref(),
        Some("redis://10.20.0.7:6379/")
    );
    let l = file.limits;
    assert_eq!(l.write_timeout_s, Some(10));
    assert_eq!(l.max_connections_per_client, Some(64));
    assert_eq!(l.header_timeout_s, Some(10));
}

#[test]
fn token_auth_needs_tokens() {
    let args = Args {
        auth: Some("token".into()),
        ..Args::default()
    };
    assert!(Config::resolve(args).is_err());
}

#[test]
fn trusted_proxies_add_up_from_the_file_and_the_flags() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("relay.toml");
    std::fs::write(&path, "trusted_proxies = [\"10.0.0.0/24\"]\n").expect("write");
    let c = Config::resolve(Args {
        config: Some(path.clone()),
        trusted_proxy: vec!["2001:db8::/64".parse().expect("cidr")],
        ..Args::default()
    })
    .expect("config");
    assert_eq!(c.trusted_proxies.len(), 2);
    std::fs::write(&path, "trusted_proxies = [\"10.0.0.300/24\"]\n").expect("write");
    let e = Config::resolve(Args {
        config: Some(path),
        ..Args::default()
    })
    .expect_err("not a CIDR");
    assert!(e.contains("trusted_proxies"), "{e}");
}

/// Every key of the example config is in the README's settings table.
#[test]
fn the_readme_table_names_every_key_of_the_example_config() {
    let readme = include_str!("../../../README.md");
    let example: toml::Table =
        toml::from_str(include_str!("../../relay.example.toml")).expect("example");
    let mut keys = Vec::new();
    for (key, value) in &example {
        match value.as_table() {
            Some(table) => keys.extend(table.keys().map(|k| format!("`{k}`"))),
            None => keys.push(format!("`{key}`")),
        }
    }
    let table: String = readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .collect::<Vec<_>>()
        .join("\n");
    for key in keys {
        assert!(table.contains(&key), "README's settings table lacks {key}");
    }
}

#[test]
fn the_limits_backend_is_a_redis_url_and_the_flag_wins() {
    assert!(Config::resolve(Args::default())
        .expect("defaults")
        .limits_backend
        .is_none());
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("relay.toml");
    std::fs::write(&path, "limits_backend = \"redis://10.0.0.7:6379/\"\n").expect("write");
    let backend = |args: Args| Config::resolve(args).map(|c| c.limits_backend.map(|b| b.shown));
    let file_only = Args {
        config: Some(path.clone()),
        ..Args::default()
    };
    assert_eq!(backend(file_only), Ok(Some("10.0.0.7:6379".into())));
    let both = Args {
        config: Some(path),
        limits_backend: Some("redis://127.0.0.1:7000/".into()),
        ..Args::default()
    };
    assert_eq!(backend(both), Ok(Some("127.0.0.1:7000".into())));
    let bad = Args {
        limits_backend: Some("10.0.0.7:6379".into()),
        ..Args::default()
    };
    let e = backend(bad).expect_err("not a URL");
    assert!(
        e.starts_with("limits_backend: ") && e.contains("redis://HOST:PORT/"),
        "{e}"
    );
}
