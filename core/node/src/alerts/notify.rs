//! Desktop notifications: the notices of one evaluation grouped into one notification, shown through a small
//! [`Notifier`] trait. [`DesktopNotifier`] is the real one (`notify-rust`: D-Bus on Linux/BSD, the native APIs
//! elsewhere); it runs on its own named thread behind a bounded queue, and with no notification service it logs
//! that once and keeps running.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use bitcraps_api::AlertSeverity;

use super::engine::Notice;
use super::throttle::NoticeKind;

/// Application name the notifications carry.
pub const APP_NAME: &str = "BitCraps Node";

/// One desktop notification.
#[derive(Debug, Clone, PartialEq)]
pub struct DesktopNotification {
    pub summary: String,
    pub body: String,
    pub severity: AlertSeverity,
    /// Notices grouped into it.
    pub count: usize,
}

/// Groups the notices of one cycle: one notification however many rules changed at once.
pub fn group(notices: &[Notice]) -> Option<DesktopNotification> {
    let first = notices.first()?;
    let severity = notices.iter().map(|n| n.severity).max().unwrap_or(first.severity);
    let title = |n: &Notice| {
        let what = match n.kind {
            NoticeKind::Firing => "firing",
            NoticeKind::Escalated => "escalated",
            NoticeKind::Repeat => "still firing",
            NoticeKind::Resolved => "resolved",
        };
        format!("{} {} ({})", n.rule, what, n.severity.as_str())
    };
    let summary = if notices.len() == 1 {
        format!("BitCraps alert: {}", title(first))
    } else {
        format!("BitCraps: {} alert changes", notices.len())
    };
    let body = if notices.len() == 1 {
        first.message.clone()
    } else {
        notices.iter().map(|n| format!("{}: {}", title(n), n.message)).collect::<Vec<_>>().join("\n")
    };
    Some(DesktopNotification { summary, body, severity, count: notices.len() })
}

/// Shows notifications.
pub trait Notifier: Send + Sync + std::fmt::Debug {
    /// Queues `notification`; never blocks the caller.
    fn notify(&self, notification: DesktopNotification);
}

/// Shows nothing (notifications turned off in config).
#[derive(Debug, Default)]
pub struct NoNotifier;

impl Notifier for NoNotifier {
    fn notify(&self, _: DesktopNotification) {}
}

/// The real notifier: a named thread showing queued notifications with `notify-rust`.
#[derive(Debug)]
pub struct DesktopNotifier {
    queue: SyncSender<DesktopNotification>,
}

impl DesktopNotifier {
    /// Starts the notification thread. The notification's action (where supported) opens the dashboard through
    /// a launcher page written to `data_dir` (owner-only), so the token in `dashboard_url` never appears on a
    /// command line (`ps`) or in a log: only the page's path does.
    pub fn start(dashboard_url: &str, data_dir: &std::path::Path) -> std::io::Result<Self> {
        let launcher = data_dir.join(LAUNCHER_PAGE);
        crate::paths::write_private(&launcher, launcher_page(dashboard_url).as_bytes())?;
        let target = launcher.display().to_string();
        let (queue, rx) = sync_channel(16);
        std::thread::Builder::new().name("alert-notifier".into()).spawn(move || run(&rx, &target))?;
        Ok(Self { queue })
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, notification: DesktopNotification) {
        match self.queue.try_send(notification) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(n)) => tracing::warn!(summary = %n.summary, "notification queue full; dropped"),
        }
    }
}

/// The launcher page in the data dir that forwards to the dashboard (with its token in the URL fragment).
pub const LAUNCHER_PAGE: &str = "open-dashboard.html";

/// A page that forwards the browser to `url` at once.
pub fn launcher_page(url: &str) -> String {
    let url = url.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    format!(
        "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={url}\">\
         <title>BitCraps dashboard</title><a href=\"{url}\">Open the BitCraps dashboard</a>\n"
    )
}

fn run(rx: &Receiver<DesktopNotification>, dashboard_url: &str) {
    let mut failing = false;
    while let Ok(n) = rx.recv() {
        match show(&n, dashboard_url) {
            Ok(()) => {
                if failing {
                    tracing::info!("desktop notifications work again");
                }
                failing = false;
            }
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "cannot show desktop notifications (no notification service?); alerts stay in the dashboard and the log");
            }
            Err(e) => tracing::debug!(error = %e, "desktop notification failed"),
        }
    }
}

fn show(n: &DesktopNotification, dashboard_url: &str) -> Result<(), notify_rust::error::Error> {
    let mut notification = notify_rust::Notification::new();
    notification.appname(APP_NAME).summary(&n.summary).body(&n.body).icon(match n.severity {
        AlertSeverity::Critical => "dialog-error",
        AlertSeverity::Warning => "dialog-warning",
        AlertSeverity::Info => "dialog-information",
    });
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        notification.urgency(match n.severity {
            AlertSeverity::Critical => notify_rust::Urgency::Critical,
            AlertSeverity::Warning => notify_rust::Urgency::Normal,
            AlertSeverity::Info => notify_rust::Urgency::Low,
        });
        notification.action("default", "Open dashboard");
        let handle = notification.show()?;
        let url = dashboard_url.to_owned();
        // Waits for the action on a thread of its own, so the queue keeps moving; it ends when the notification closes.
        let waiter = std::thread::Builder::new().name("alert-action".into()).spawn(move || {
            handle.wait_for_action(|action| {
                if action == "default" {
                    open_dashboard(&url);
                }
            });
        });
        if let Err(e) = waiter {
            tracing::debug!(error = %e, "no thread for the notification action");
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        let _ = dashboard_url;
        notification.show()?;
    }
    Ok(())
}

#[cfg(all(unix, not(target_os = "macos")))]
fn open_dashboard(url: &str) {
    if let Err(e) = std::process::Command::new("xdg-open").arg(url).spawn() {
        tracing::warn!(error = %e, "cannot open the dashboard from the notification");
    }
}
