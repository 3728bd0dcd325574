//! `cargo xtask setup`: installs what building and testing need, and only what is missing.

use std::process::Command;

use anyhow::Context;

use crate::process::{output, run as run_command, workspace_root};

/// Debian/Ubuntu packages: building (Tauri's WebKitGTK, tray, D-Bus), running the dashboard (GL), and testing
/// (Xvfb, xdotool, a D-Bus daemon, ImageMagick for screenshots, Chromium + driver, promtool, a Vulkan
/// software renderer for egui_kittest snapshots), and Wine + mingw for the journal's Windows tests.
const APT_PACKAGES: &[&str] = &[
    "pkg-config",
    "build-essential",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "libdbus-1-dev",
    "libxkbcommon-x11-0",
    "libgl1-mesa-dri",
    "libegl1",
    "mesa-vulkan-drivers",
    "xvfb",
    "xdotool",
    "dbus",
    "dunst",
    "imagemagick",
    "chromium",
    "chromium-driver",
    "prometheus",
    "wine",
    "wine64",
    "gcc-mingw-w64-x86-64",
];

const RUST_TARGETS: &[&str] =
    &["wasm32-unknown-unknown", "x86_64-pc-windows-gnu", "x86_64-pc-windows-msvc", "aarch64-apple-darwin"];

pub fn run() -> anyhow::Result<()> {
    system_packages()?;
    run_command(Command::new("rustup").arg("target").arg("add").args(RUST_TARGETS).current_dir(workspace_root()))?;
    wasm_bindgen_cli()
}

fn system_packages() -> anyhow::Result<()> {
    if !cfg!(target_os = "linux") {
        println!("setup: no system packages needed on this OS beyond the Rust toolchain and a C compiler");
        println!(
            "  (macOS: `xcode-select --install`; Windows: Visual Studio Build Tools; WebView2 ships with Windows)"
        );
        return Ok(());
    }
    let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let debian_like = os_release
        .lines()
        .any(|l| (l.starts_with("ID=") || l.starts_with("ID_LIKE=")) && (l.contains("debian") || l.contains("ubuntu")));
    if !debian_like {
        println!("setup: not Debian/Ubuntu; install the equivalents of these packages yourself:");
        println!("  {}", APT_PACKAGES.join(" "));
        println!("  (Fedora: webkit2gtk4.1-devel libappindicator-gtk3-devel librsvg2-devel openssl-devel");
        println!(
            "   libxdo-devel dbus-devel xorg-x11-server-Xvfb xdotool ImageMagick chromium chromedriver golang-github-prometheus)"
        );
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        println!("setup: all {} system packages present", APT_PACKAGES.len());
        return Ok(());
    }
    let root = output(Command::new("id").arg("-u")).map(|uid| uid.trim() == "0").unwrap_or(false);
    let apt = |args: &[&str]| -> anyhow::Result<()> {
        let mut cmd = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            cmd.arg("apt-get");
        }
        run_command(cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive"))
    };
    println!("setup: installing {}", missing.join(" "));
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install).context("installing system packages (needs root or sudo)")
}

fn installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_ok_and(|status| status.contains("install ok installed"))
}

/// wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
fn wasm_bindgen_cli() -> anyhow::Result<()> {
    let version = locked_version("wasm-bindgen")?;
    let present = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if present.split_whitespace().nth(1) == Some(version.as_str()) {
        println!("setup: wasm-bindgen {version} present");
        return Ok(());
    }
    // `--locked` fails for wasm-bindgen-cli with this toolchain (see design notes), so it is left out.
    run_command(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

/// The version of `crate_name` recorded in Cargo.lock.
pub fn locked_version(crate_name: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{crate_name}\"\nversion = \"");
    let start = lock.find(&needle).with_context(|| format!("{crate_name} is not in Cargo.lock"))? + needle.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")? + start;
    Ok(lock[start..end].to_owned())
}
