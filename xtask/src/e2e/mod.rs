//! End-to-end tests: real processes on loopback, a real browser, a real X display.

pub mod browser;
pub mod desktop;
pub mod desktop_app;
pub mod game;
pub mod mesh;
pub mod notifications;
pub mod screenshot;
pub mod support;
pub mod x11;

/// Runs the browser, desktop, whole-game and notification end-to-end tests and the README screenshots (the binaries
/// must be built).
pub fn run_all() -> anyhow::Result<()> {
    <Test as clap::ValueEnum>::value_variants().iter().try_for_each(|test| run_one(*test))
}

/// One end-to-end test, for `cargo xtask e2e --only`; [`run_all`] runs them in this order.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Test {
    Browser,
    Desktop,
    Game,
    Notifications,
    Screenshot,
}

/// Runs one end-to-end test (the binaries must be built).
pub fn run_one(test: Test) -> anyhow::Result<()> {
    match test {
        Test::Browser => browser::run(),
        Test::Desktop => desktop::run(),
        Test::Game => game::run(),
        Test::Notifications => notifications::run(),
        Test::Screenshot => screenshot::run(false),
    }
}
