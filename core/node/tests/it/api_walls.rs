//! Attacks on the control API from a web page in the user's browser and from idle sockets: DNS rebinding (a
//! foreign `Host`), a foreign page opening the events socket (`Origin`), a huge first message before
//! authentication, and more unauthenticated sockets than the node keeps.

use bitcraps_api::{ErrorCode, ServerMessage};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::{get, next_message, start_node};

/// `GET url` with a `Host` header of our choosing: the status.
async fn get_with_host(url: String, host: &'static str, token: String) -> u16 {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let response = agent
            .get(&url)
            .header("Host", host)
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("request completes");
        response.status().as_u16()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebound_host_is_refused_even_with_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let base = node.api_url().to_owned();
    let token = node.token().to_owned();
    for path in ["/api/v1/snapshot", "/healthz", "/metrics"] {
        assert_eq!(get_with_host(format!("{base}{path}"), "evil.example", token.clone()).await, 403, "{path}");
        assert_eq!(get_with_host(format!("{base}{path}"), "evil.example:80", token.clone()).await, 403, "{path}");
    }
    let (status, _) = get(format!("{base}/api/v1/snapshot"), Some(token)).await;
    assert_eq!(status, 200, "the node's own address still works");
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_page_cannot_open_the_events_socket() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let url = format!("{}/api/v1/events", node.api_url().replace("http://", "ws://"));
    let mut request = url.clone().into_client_request().unwrap();
    request.headers_mut().insert("Origin", "http://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    assert!(refused.is_err(), "a foreign Origin must not get a socket");
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("Origin", node.api_url().parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the node's own page connects");
    let auth = serde_json::json!({"type": "auth", "token": node.token()}).to_string();
    socket.send(Message::text(auth)).await.unwrap();
    assert!(next_message(&mut socket).await.is_some(), "authenticated: the snapshot arrives");
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthenticated_sockets_are_bounded_in_size_and_number() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |_| {}).await;
    let url = format!("{}/api/v1/events", node.api_url().replace("http://", "ws://"));
    // A first message far over the cap closes the socket instead of being buffered.
    let (mut socket, _) = tokio_tungstenite::connect_async(url.clone()).await.unwrap();
    let _ = socket.send(Message::text("x".repeat(1 << 20))).await;
    match next_message(&mut socket).await {
        None => {}
        Some(ServerMessage::Error { code, .. }) => assert_eq!(code, ErrorCode::Unauthorized),
        Some(other) => panic!("the oversized first message got {other:?}"),
    }
    assert!(next_message(&mut socket).await.is_none(), "the oversized first message ends the socket");
    // Sockets that never authenticate: the node keeps a few, refuses the rest, and still serves.
    let mut idle = Vec::new();
    let mut refused = 0;
    for _ in 0..40 {
        match tokio_tungstenite::connect_async(url.clone()).await {
            Ok((socket, _)) => idle.push(socket),
            Err(_) => refused += 1,
        }
    }
    assert!(refused >= 20, "only {refused} of 40 idle sockets refused");
    let (status, _) = get(format!("{}/healthz", node.api_url()), None).await;
    assert_eq!(status, 200);
    drop(idle);
    node.shutdown().await.unwrap();
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_notification_opens_the_dashboard_without_the_token_on_a_command_line() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), |c| c.alerts.notifications = true).await;
    // What `xdg-open` gets is this page's path; the token is inside it, readable by the owner only.
    let page = dir.path().join("open-dashboard.html");
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains(&node.dashboard_url()), "{text}");
    assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(!page.display().to_string().contains(node.token()));
    node.shutdown().await.unwrap();
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_data_dir_is_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let node = start_node(&data_dir, |_| {}).await;
    assert_eq!(std::fs::metadata(&data_dir).unwrap().permissions().mode() & 0o777, 0o700);
    node.shutdown().await.unwrap();
}
