//! End-to-end tests: real processes on loopback, a real browser, a real X display.

pub mod browser;
pub mod desktop;
pub mod notifications;
pub mod screenshot;
pub mod support;

/// Runs the browser, desktop and notification end-to-end tests and the README screenshot (the binaries must be built).
pub fn run_all() -> anyhow::Result<()> {
    browser::run()?;
    desktop::run()?;
    notifications::run()?;
    screenshot::run()
}
