//! Shared test helpers: an in-process node on a temp data dir, HTTP and WebSocket clients.

use std::path::Path;

use bitcraps_api::ServerMessage;
use bitcraps_node::{Config, Node, NodeHandle, NodeOptions};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

/// A node started in-process on `data_dir` with a fast sampler.
pub async fn start_node(data_dir: &Path, tweak: impl FnOnce(&mut Config)) -> NodeHandle {
    let mut config = Config::default();
    config.sampler.interval_ms = 100;
    config.net.listen = ([127, 0, 0, 1], 0).into();
    config.net.mdns = false;
    tweak(&mut config);
    Node::start(NodeOptions { config, data_dir: data_dir.to_owned() }).await.expect("node starts")
}

/// Waits (up to 10 s) until the node has taken `count` resource samples.
pub async fn samples_taken(node: &NodeHandle, count: usize) {
    for _ in 0..200 {
        if node.snapshot().resources.len() >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the node took fewer than {count} samples in 10 s");
}

/// `GET url` with an optional bearer token: (status, body).
pub async fn get(url: String, token: Option<String>) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut request = agent.get(&url);
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.call().expect("request completes");
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap_or_default())
    })
    .await
    .unwrap()
}

/// `POST url` with a JSON body and the token: (status, body).
pub async fn post(url: String, token: String, body: &'static str) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent
            .post(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .content_type("application/json")
            .send(body)
            .expect("request completes");
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap_or_default())
    })
    .await
    .unwrap()
}

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the events socket (`since` optional) and authenticates with a first message.
pub async fn events(node: &NodeHandle, since: Option<u64>, token: &str) -> Socket {
    use futures_util::SinkExt;
    let base = node.api_url().replace("http://", "ws://");
    let url = match since {
        Some(id) => format!("{base}/api/v1/events?since={id}"),
        None => format!("{base}/api/v1/events"),
    };
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("websocket connects");
    let auth = serde_json::json!({"type": "auth", "token": token}).to_string();
    socket.send(Message::text(auth)).await.unwrap();
    socket
}

/// The next server message, or `None` when the socket closes (5 s at most).
pub async fn next_message(socket: &mut Socket) -> Option<ServerMessage> {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await.ok()??;
        match frame.ok()? {
            Message::Text(text) => return Some(serde_json::from_str(text.as_str()).expect("valid server message")),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}
