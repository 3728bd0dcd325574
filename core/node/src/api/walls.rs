//! The API's walls against a web page in the user's browser and a crowd of idle sockets:
//! - **Host allow-list** (DNS rebinding): a request's `Host` must name this machine's loopback (`127.0.0.1`,
//!   `localhost`, `[::1]`) or the bound address, at the API's port; `api.allow_remote = true` lifts it.
//! - **Origin check** on the events WebSocket: a browser's `Origin` must be the node's own page; clients that send
//!   no `Origin` (native dashboard, CLI, tests) are not browsers and pass.
//! - **Unauthenticated sockets** are capped ([`PENDING_SOCKETS`]) and their messages bounded
//!   ([`MAX_MESSAGE_BYTES`]) before anything is read.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use bitcraps_api::ErrorCode;

use super::{ApiState, error};

/// Largest WebSocket message (and frame) the events socket reads: commands and the token are far smaller.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Events sockets that have not yet authenticated, at most; more are refused with 503.
pub const PENDING_SOCKETS: usize = 16;

/// Where the API listens and whether remote clients are allowed, fixed at start.
#[derive(Debug, Clone)]
pub struct Walls {
    addr: SocketAddr,
    allow_remote: bool,
    pending: Arc<AtomicUsize>,
}

impl Walls {
    pub fn new(addr: SocketAddr, allow_remote: bool) -> Self {
        Self { addr, allow_remote, pending: Arc::default() }
    }

    /// Is `host` (a `Host` header value) this machine's API?
    pub fn host_allowed(&self, host: &str) -> bool {
        if self.allow_remote {
            return true;
        }
        let port = self.addr.port();
        let bound = self.addr.ip();
        let names = [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            SocketAddr::new(bound, port).to_string(),
        ];
        names.iter().any(|name| name.eq_ignore_ascii_case(host))
    }

    /// Is `origin` (an `Origin` header value, if any) the node's own page?
    pub fn origin_allowed(&self, origin: Option<&str>) -> bool {
        match origin {
            None => true,
            Some(origin) => {
                origin.strip_prefix("http://").is_some_and(|host| !host.contains('/') && self.host_allowed(host))
            }
        }
    }

    /// Takes a place for an unauthenticated socket, or `None` when [`PENDING_SOCKETS`] are taken.
    pub fn admit_pending(&self) -> Option<PendingSlot> {
        let taken = self.pending.fetch_add(1, Ordering::AcqRel);
        let slot = PendingSlot(Arc::clone(&self.pending));
        (taken < PENDING_SOCKETS).then_some(slot)
    }
}

/// A place among the unauthenticated sockets; given back when dropped.
#[derive(Debug)]
pub struct PendingSlot(Arc<AtomicUsize>);

impl Drop for PendingSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Middleware: refuses a request whose `Host` is not this machine's API (403).
pub async fn require_local_host(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    if !state.walls.host_allowed(header_text(request.headers(), header::HOST).unwrap_or_default()) {
        state.shared.metrics.count_request("forbidden_host", 403);
        return error(ErrorCode::ForbiddenHost, "the Host header does not name this node's API");
    }
    next.run(request).await
}

/// The text of `name` in `headers`, if present and visible ASCII.
pub fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_at_our_port_pass_unless_remote_is_allowed() {
        let walls = Walls::new(SocketAddr::from(([127, 0, 0, 1], 7000)), false);
        for host in ["127.0.0.1:7000", "localhost:7000", "LOCALHOST:7000", "[::1]:7000"] {
            assert!(walls.host_allowed(host), "{host}");
        }
        for host in ["evil.example", "evil.example:7000", "127.0.0.1:7001", "localhost", ""] {
            assert!(!walls.host_allowed(host), "{host}");
        }
        assert!(Walls::new(SocketAddr::from(([0, 0, 0, 0], 7000)), true).host_allowed("192.168.1.9:7000"));
    }

    #[test]
    fn a_browser_origin_must_be_the_nodes_own_page() {
        let walls = Walls::new(SocketAddr::from(([127, 0, 0, 1], 7000)), false);
        assert!(walls.origin_allowed(None));
        assert!(walls.origin_allowed(Some("http://127.0.0.1:7000")));
        for origin in ["http://evil.example", "https://127.0.0.1:7000", "http://127.0.0.1:7000/x", "null"] {
            assert!(!walls.origin_allowed(Some(origin)), "{origin}");
        }
    }

    #[test]
    fn pending_sockets_are_capped_and_given_back() {
        let walls = Walls::new(SocketAddr::from(([127, 0, 0, 1], 7000)), false);
        let slots: Vec<_> = (0..PENDING_SOCKETS).map(|_| walls.admit_pending()).collect();
        assert!(slots.iter().all(Option::is_some));
        assert!(walls.admit_pending().is_none());
        drop(slots);
        assert!(walls.admit_pending().is_some());
    }
}
