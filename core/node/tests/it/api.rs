//! The control API: authentication, commands, metrics exposition, identity across restarts.

use bitcraps_api::{ServerMessage, Snapshot};

use crate::support::{events, get, next_message, post, samples_taken, start_node};

#[tokio::test(flavor = "multi_thread")]
async fn no_token_or_wrong_token_gets_401_and_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let base = node.api_url().to_owned();
    let token = node.token().to_owned();
    for path in ["/api/v1/snapshot", "/metrics"] {
        let (status, body) = get(format!("{base}{path}"), None).await;
        assert_eq!(status, 401, "{path}");
        assert!(!body.contains(node.node_id()), "{path} leaked data: {body}");
        let (status, _) = get(format!("{base}{path}"), Some("0".repeat(64))).await;
        assert_eq!(status, 401, "{path} with a wrong token");
        let (status, body) = get(format!("{base}{path}"), Some(token.clone())).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) = get(format!("{base}/healthz"), None).await;
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, body) = post(format!("{base}/api/v1/commands"), "wrong".into(), r#"{"type":"shutdown"}"#).await;
    assert_eq!(status, 401, "{body}");
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_carries_the_node_and_live_samples() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    samples_taken(&node, 2).await;
    let (status, body) = get(format!("{}/api/v1/snapshot", node.api_url()), Some(node.token().to_owned())).await;
    assert_eq!(status, 200);
    let snapshot: Snapshot = serde_json::from_str(&body).unwrap();
    assert_eq!(snapshot.node.node_id, node.node_id());
    assert!(snapshot.resources.len() >= 2, "{} samples", snapshot.resources.len());
    let last = snapshot.resources.last().unwrap();
    assert!(last.rss_bytes > 1_000_000, "RSS measured: {}", last.rss_bytes);
    assert!(last.system_memory_total_bytes > last.system_memory_used_bytes);
    assert!(snapshot.node.db_size_bytes > 0);
    let journal = &snapshot.node.journal;
    assert!(["io_uring", "epoll", "iocp", "gcd", "std"].contains(&journal.backend.as_str()), "{journal:?}");
    assert!(!journal.reason.is_empty(), "the snapshot says why this backend");
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_refuses_a_wrong_header_or_first_message() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let url = format!("{}/api/v1/events", node.api_url().replace("http://", "ws://"));
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    request.headers_mut().insert("Authorization", "Bearer nope".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {other:?}"),
    }
    let mut socket = events(&node, None, "not-the-token").await;
    match next_message(&mut socket).await {
        Some(ServerMessage::Error { code, .. }) => assert_eq!(code, bitcraps_api::ErrorCode::Unauthorized),
        other => panic!("expected an unauthorized error, got {other:?}"),
    }
    assert_eq!(next_message(&mut socket).await, None, "closed after refusing, no data");
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_change_the_node_or_explain_the_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let url = format!("{}/api/v1/commands", node.api_url());
    let token = node.token().to_owned();
    let (status, body) = post(url.clone(), token.clone(), r#"{"type":"set_sampler_interval","interval_ms":250}"#).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(node.snapshot().node.sampler_interval_ms, 250);
    let (status, body) = post(url.clone(), token.clone(), r#"{"type":"set_sampler_interval","interval_ms":1}"#).await;
    assert_eq!(status, 422);
    assert!(body.contains("sampler.interval_ms") && body.contains("100 to 60000"), "{body}");
    let (status, body) = post(url.clone(), token.clone(), r#"{"type":"self_destruct"}"#).await;
    assert_eq!(status, 400);
    assert!(body.contains("bad_command"), "{body}");
    let (status, _) = post(url, token, r#"{"type":"shutdown"}"#).await;
    assert_eq!(status, 200);
    tokio::time::timeout(std::time::Duration::from_secs(2), node.stop_requested()).await.unwrap();
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn identity_and_token_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_node(dir.path(), |_| {}).await;
    let (id, token) = (first.node_id().to_owned(), first.token().to_owned());
    first.shutdown().await.unwrap();
    let second = start_node(dir.path(), |_| {}).await;
    assert_eq!(second.node_id(), id);
    assert_eq!(second.token(), token);
    second.shutdown().await.unwrap();
    #[cfg(unix)]
    for file in ["identity.key", "api-token"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_pass_promtool() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    samples_taken(&node, 1).await;
    let (status, text) = get(format!("{}/metrics", node.api_url()), Some(node.token().to_owned())).await;
    assert_eq!(status, 200);
    assert!(text.contains("bitcraps_process_resident_memory_bytes"), "{text}");
    node.shutdown().await.unwrap();
    let mut promtool = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is installed (Debian package prometheus; `cargo xtask setup` installs it)");
    std::io::Write::write_all(promtool.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    drop(promtool.stdin.take());
    let output = promtool.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn root_explains_how_to_build_the_dashboard_until_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let web = tempfile::tempdir().unwrap();
    let web_dir = web.path().to_owned();
    let node = start_node(dir.path(), |c| c.api.web_dir = Some(web_dir)).await;
    let (status, body) = get(format!("{}/", node.api_url()), None).await;
    assert_eq!(status, 404);
    assert!(body.contains("cargo xtask build-web"), "{body}");
    // Built while the node runs: the next request gets the dashboard.
    std::fs::write(web.path().join("index.html"), "<title>dashboard</title>").unwrap();
    let (status, body) = get(format!("{}/", node.api_url()), None).await;
    assert_eq!((status, body.as_str()), (200, "<title>dashboard</title>"));
    node.shutdown().await.unwrap();
}
