//! Config errors name the key, the value and what is allowed; unknown keys are rejected.

use std::path::Path;

use bitcraps_node::Config;

#[test]
fn bad_values_are_rejected_with_key_value_and_allowed() {
    // (file contents, key the error must name, value it must show, words from what is allowed)
    let cases = [
        ("[sampler]\ninterval_ms = 5", "sampler.interval_ms", "5", "100 to 60000"),
        ("[sampler]\ninterval_ms = 600000", "sampler.interval_ms", "600000", "100 to 60000"),
        ("[sampler]\nhistory_minutes = 1", "sampler.history_minutes", "1", "15 to 1440"),
        ("[sampler]\nretention_days = 0", "sampler.retention_days", "0", "1 to 3650"),
        ("[api]\nbind = \"0.0.0.0\"", "api.bind", "0.0.0.0", "allow_remote"),
        ("[api]\nevent_history = 2", "api.event_history", "2", "16 to 1000000"),
        ("[storage]\ncache_size_kib = 1", "storage.cache_size_kib", "1", "1024 to 4194304"),
        ("[log]\nmax_files = 0", "log.max_files", "0", "1 to 365"),
        ("[journal]\nbackend = \"floppy\"", "journal.backend", "floppy", "auto, std, compio, compio-poll, gcd"),
        ("[journal]\nsync_every_records = 0", "journal.sync_every_records", "0", "1 to 1000000"),
    ];
    for (text, key, value, allowed) in cases {
        let error = Config::parse(text, Path::new("test.toml")).unwrap_err().to_string();
        assert!(error.contains(key), "{text:?}: {error}");
        assert!(error.contains(value), "{text:?}: {error}");
        assert!(error.contains(allowed), "{text:?}: {error}");
    }
}

#[test]
fn unknown_keys_and_wrong_types_name_the_key() {
    let cases = [
        ("[sampler]\nintervall_ms = 500", "intervall_ms"),
        ("[samplr]\ninterval_ms = 500", "samplr"),
        ("[api]\nport = \"eighty\"", "port"),
        ("[api]\nport = 70000", "port"),
        ("[api]\nbind = \"localhost:80\"", "bind"),
    ];
    for (text, key) in cases {
        let error = Config::parse(text, Path::new("test.toml")).unwrap_err().to_string();
        assert!(error.contains(key), "{text:?}: {error}");
        assert!(error.contains("test.toml"), "names the file: {error}");
    }
}

#[test]
fn a_file_holds_only_what_differs_and_missing_means_defaults() {
    let config = Config::parse("[sampler]\ninterval_ms = 250\n", Path::new("t.toml")).unwrap();
    assert_eq!(config.sampler.interval_ms, 250);
    assert_eq!(config.api, Config::default().api);
    let missing = Config::load(Path::new("/nonexistent/bitcraps/config.toml")).unwrap();
    assert_eq!(missing, Config::default());
}
