//! Loads the node's stored history for the Resources tab's 1-hour view: one `ehttp` GET of the range endpoint per
//! metric (a thread per request natively, `fetch` on the web), answers handed back over a channel and folded into
//! [`DashboardState::stored`] on the next frame. Nothing blocks a frame.
//!
//! A load starts when the 1-hour view is shown and its data is older than [`REFRESH_S`], and never while the
//! previous one is still answering. The window ends at the node's clock (`node.now_ms`), not the local one.

use std::sync::mpsc;
use std::time::Duration;

use bitcraps_api::MetricRange;

use crate::connection::ConnectConfig;
use crate::state::DashboardState;
use crate::stored_history::{HOUR_MS, HOUR_STEP_MS, REFRESH_S, parse_answer, range_url};

use super::charts::stored_metrics;

/// Longest wait for one answer.
const TIMEOUT: Duration = Duration::from_secs(10);

type Answer = (String, Result<MetricRange, String>);

/// Sends the range requests and collects their answers.
#[derive(Debug)]
pub struct HistoryLoader {
    sender: mpsc::Sender<Answer>,
    receiver: mpsc::Receiver<Answer>,
    /// Monotonic time (seconds) from which the next load may start.
    next_at: f64,
}

impl Default for HistoryLoader {
    fn default() -> Self {
        let (sender, receiver) = mpsc::channel();
        Self { sender, receiver, next_at: 0.0 }
    }
}

impl HistoryLoader {
    /// Folds in the answers that arrived; when `wanted` (the 1-hour view is on screen) and due, starts a new load.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        now: f64,
        config: &ConnectConfig,
        state: &mut DashboardState,
        wanted: bool,
    ) {
        while let Ok((metric, answer)) = self.receiver.try_recv() {
            state.stored.receive(&metric, answer);
        }
        let Some(node_now_ms) = state.snapshot.as_ref().map(|s| s.node.now_ms) else { return };
        if !wanted || state.stored.pending > 0 {
            return;
        }
        if now < self.next_at {
            ctx.request_repaint_after(Duration::from_secs_f64(self.next_at - now));
            return;
        }
        self.next_at = now + REFRESH_S;
        ctx.request_repaint_after(Duration::from_secs_f64(REFRESH_S));
        state.stored.begin_load(node_now_ms);
        let from_ms = node_now_ms.saturating_sub(HOUR_MS);
        for metric in stored_metrics() {
            let url = range_url(&config.api_url, metric, from_ms, node_now_ms, HOUR_STEP_MS);
            let mut request = ehttp::Request::get(url);
            request.headers.insert("Authorization", format!("Bearer {}", config.token));
            request.timeout = Some(TIMEOUT);
            let sender = self.sender.clone();
            let wake = ctx.clone();
            state.stored.pending += 1;
            ehttp::fetch(request, move |result| {
                let answer = result.and_then(|response| parse_answer(response.status, &response.bytes));
                // The loader may be gone (the app closed): then nobody needs the answer.
                let _unwanted = sender.send((metric.to_owned(), answer));
                wake.request_repaint();
            });
        }
    }
}
