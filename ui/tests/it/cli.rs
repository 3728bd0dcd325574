//! Where the native dashboard finds the node: `--connect` with the token from the environment, or a data dir.

use bitcraps_ui::native::{Cli, from_data_dir, resolve};
use clap::Parser as _;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bitcraps-ui-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn connect_takes_the_token_from_the_environment() {
    let cli = Cli::try_parse_from(["bitcraps-dashboard", "--connect", "http://127.0.0.1:4000"]).unwrap();
    let config = resolve(&cli, Some("tok\n".to_owned())).unwrap();
    assert_eq!(config.api_url, "http://127.0.0.1:4000");
    assert_eq!(config.token, "tok");
}

#[test]
fn connect_without_a_token_says_where_it_belongs() {
    let cli = Cli::try_parse_from(["bitcraps-dashboard", "--connect", "http://127.0.0.1:4000"]).unwrap();
    let err = resolve(&cli, None).unwrap_err().to_string();
    assert!(err.contains("BITCRAPS_TOKEN"), "{err}");
    let err = resolve(&cli, Some("  ".to_owned())).unwrap_err().to_string();
    assert!(err.contains("BITCRAPS_TOKEN"), "{err}");
}

#[test]
fn the_token_is_not_accepted_on_the_command_line() {
    assert!(Cli::try_parse_from(["bitcraps-dashboard", "--token", "x"]).is_err());
    assert!(Cli::try_parse_from(["bitcraps-dashboard", "--connect", "http://a", "--data-dir", "/tmp"]).is_err());
}

#[test]
fn data_dir_files_give_url_and_token() {
    let dir = temp_dir("files");
    std::fs::write(dir.join("api-url"), "http://127.0.0.1:43123\n").unwrap();
    std::fs::write(dir.join("api-token"), "secret\n").unwrap();
    let cli = Cli::try_parse_from(["bitcraps-dashboard", "--data-dir", dir.to_str().unwrap()]).unwrap();
    let config = resolve(&cli, None).unwrap();
    assert_eq!(config.api_url, "http://127.0.0.1:43123");
    assert_eq!(config.token, "secret");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn data_dir_without_token_is_a_clear_error() {
    let dir = temp_dir("no-token");
    std::fs::write(dir.join("api-url"), "http://127.0.0.1:43123\n").unwrap();
    let err = format!("{:#}", from_data_dir(&dir, None).unwrap_err());
    assert!(err.contains("api-token") && err.contains("BITCRAPS_TOKEN"), "{err}");
    let config = from_data_dir(&dir, Some("from-env".to_owned())).unwrap();
    assert_eq!(config.token, "from-env");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn data_dir_without_a_node_is_a_clear_error() {
    let dir = temp_dir("empty");
    let err = format!("{:#}", from_data_dir(&dir, None).unwrap_err());
    assert!(err.contains("api-url"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn tab_flag_opens_a_tab_by_label_and_rejects_unknown_ones() {
    let cli = Cli::try_parse_from(["bitcraps-dashboard", "--tab", "Resources"]).unwrap();
    assert_eq!(cli.tab, Some(bitcraps_ui::app::Tab::Resources));
    let error = Cli::try_parse_from(["bitcraps-dashboard", "--tab", "casino"]).unwrap_err().to_string();
    assert!(error.contains("health, game, resources, alerts"), "{error}");
}

#[test]
fn host_table_opens_the_game_tab_with_the_host_dialog() {
    let cli = Cli::try_parse_from(["bitcraps-dashboard", "--host-table"]).unwrap();
    assert!(cli.host_table);
    assert!(Cli::try_parse_from(["bitcraps-dashboard", "--host-table", "--tab", "alerts"]).is_err());
    let app = bitcraps_ui::DashboardApp::new(None, None);
    assert!(!app.host_dialog_open());
    let app = app.with_host_dialog();
    assert_eq!(app.tab(), bitcraps_ui::Tab::Game);
    assert!(app.host_dialog_open());
}
