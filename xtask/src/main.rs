//! `cargo xtask`: the project's automation in Rust, the same on every OS.
//!
//! - `setup`: system packages (apt-get on Debian/Ubuntu), rustup targets, wasm-bindgen-cli.
//! - `build`: the wasm dashboard, the headless node, the native dashboard and the desktop app.
//! - `run`: setup, build, then the desktop app (or, with no display, the headless node).
//! - `test`: setup, then everything CI checks: invariants, module layers, tidy, fmt, clippy, unit/integration
//!   tests, Windows and macOS type checks, the journal's tests under Wine (IOCP), the wire format's fuzz targets,
//!   browser and desktop end to end.
//! - `test-windows`: the journal's tests cross-compiled with mingw and run under Wine.
//! - `screenshot`: every dashboard panel of a node at a live table, under Xvfb, written to target/screenshots/
//!   (`--update-docs` copies them into docs/screenshots/ for the README).
//! - `fuzz`: the wire format's cargo-fuzz targets, N seconds each (nightly).
//! - `measure-idle`: idle CPU and RSS of the release binaries, and the dashboard's start to first live frame.
//! - `layers`: the modules inside each crate import only downwards through their layers (`--suggest <dir>`
//!   derives a crate's layers from its imports).
//! - `tidy`: file sizes, no silenced dead code, a `//!` doc on every file, a thin desktop shell, clippy.toml.

mod build;
mod cross;
mod e2e;
mod fuzz;
mod invariants;
mod layers;
mod measure;
mod process;
mod rust_source;
mod setup;
mod tidy;
mod wine;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "BitCraps project automation")]
struct Args {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install what building and testing needs: system packages, rustup targets, wasm-bindgen-cli.
    Setup,
    /// Build everything (debug unless --release).
    Build {
        #[arg(long)]
        release: bool,
    },
    /// Build only the wasm dashboard into target/<profile>/dashboard-web.
    BuildWeb {
        #[arg(long)]
        release: bool,
    },
    /// Set up, build (release) and start the desktop app, or the headless node when there is no display.
    Run {
        /// Start the headless node even where a display exists.
        #[arg(long)]
        headless: bool,
    },
    /// Run every check and test (what CI runs).
    Test,
    /// Cross-compile the journal's tests for x86_64-pc-windows-gnu and run them under Wine (IOCP).
    TestWindows,
    /// Check the architecture invariants with `cargo tree`.
    Invariants,
    /// Check that modules inside each crate import only downwards through the crate's layers (xtask/src/layers.rs).
    Layers {
        /// Instead, print a LAYERS entry for the crate in this folder (e.g. core/node), derived from its imports.
        #[arg(long, value_name = "CRATE_DIR")]
        suggest: Option<String>,
    },
    /// Check file sizes, silenced dead code, `//!` module docs, the desktop shell's size and clippy.toml.
    Tidy,
    /// Type-check the product's crates, the tray app included, for Windows (MSVC) and macOS (aarch64).
    CheckCross,
    /// Run only the end-to-end tests (browser, desktop, whole game, notifications, screenshots), after building.
    E2e {
        /// Run just this one.
        #[arg(long, value_enum)]
        only: Option<e2e::Test>,
    },
    /// Run only the desktop-notification end-to-end test (dunst under Xvfb), after building bitcraps-node.
    E2eNotifications,
    /// Take a screenshot of every dashboard panel under Xvfb into target/screenshots/.
    Screenshot {
        /// Also copy them into docs/screenshots/ (the README's images).
        #[arg(long)]
        update_docs: bool,
    },
    /// Run the wire format's fuzz targets (nightly, cargo-fuzz) for N seconds each.
    Fuzz {
        #[arg(long, default_value_t = fuzz::DEFAULT_SECONDS)]
        seconds: u64,
    },
    /// Idle CPU and RSS of the release binaries, 30 s each, and the dashboard's start-up time (Linux, under Xvfb).
    MeasureIdle,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match args.command {
        Task::Setup => setup::run(),
        Task::Build { release } => build::all(release),
        Task::BuildWeb { release } => build::web(release),
        Task::Run { headless } => run(headless),
        Task::Test => test(),
        Task::TestWindows => wine::test_windows(),
        Task::Invariants => invariants::check(),
        Task::Layers { suggest: None } => layers::check(),
        Task::Layers { suggest: Some(dir) } => layers::suggest(&dir),
        Task::Tidy => tidy::check(),
        Task::CheckCross => cross::check(),
        Task::E2e { only } => {
            build::all(false)?;
            match only {
                Some(test) => e2e::run_one(test),
                None => e2e::run_all(),
            }
        }
        Task::E2eNotifications => {
            process::cargo(&["build", "-p", "bitcraps-cli", "--bin", "bitcraps-node"])?;
            e2e::notifications::run()
        }
        Task::Fuzz { seconds } => fuzz::run(seconds),
        Task::MeasureIdle => measure::run(),
        Task::Screenshot { update_docs } => {
            build::all(false)?;
            e2e::screenshot::run(update_docs)
        }
    }
}

fn run(headless: bool) -> anyhow::Result<()> {
    setup::run()?;
    build::all(true)?;
    let bin = build::target_dir()?.join("release");
    let has_display = cfg!(any(windows, target_os = "macos"))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if has_display && !headless {
        println!("Starting the BitCraps desktop app (tray icon; Open Dashboard from its menu).");
        process::run(&mut std::process::Command::new(bin.join(exe("bitcraps"))))
    } else {
        println!("No display: starting the headless node; open the printed URL in a browser.");
        process::run(&mut std::process::Command::new(bin.join(exe("bitcraps-node"))))
    }
}

fn test() -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    setup::run()?;
    invariants::check()?;
    layers::check()?;
    tidy::check()?;
    process::cargo(&["fmt", "--all", "--check"])?;
    process::cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    process::cargo(&["clippy", "-p", "bitcraps-ui", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"])?;
    process::cargo(&["test", "--workspace"])?;
    fuzz::run(fuzz::DEFAULT_SECONDS)?;
    cross::check()?;
    wine::test_windows()?;
    build::all(false)?;
    e2e::run_all()?;
    println!("xtask test: all checks passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `name` with the platform's executable suffix.
pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}
