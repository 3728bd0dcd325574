//! The X display of the end-to-end tests: windows found by title with xdotool, keys typed into them, screenshots
//! with ImageMagick's `import`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use super::support::{screenshot_path, wait_for};
use crate::process::output;

/// Waits for a window on `display` whose title matches the ASCII regex `pattern` (xdotool's regex misses non-ASCII
/// characters) and satisfies `check`; returns its id and title.
pub fn window(
    display: &str,
    what: &str,
    pattern: &str,
    limit: Duration,
    check: impl Fn(&str) -> bool,
) -> anyhow::Result<(String, String)> {
    wait_for(what, limit, || {
        let ids = output(Command::new("xdotool").args(["search", "--name", pattern]).env("DISPLAY", display));
        ids.ok()?.lines().find_map(|id| {
            let name = output(Command::new("xdotool").args(["getwindowname", id]).env("DISPLAY", display)).ok()?;
            let name = name.trim().to_owned();
            check(&name).then(|| (id.to_owned(), name))
        })
    })
}

/// Focuses `window` and types `keys` (xdotool key names, e.g. `ctrl+2`) into it.
pub fn press(display: &str, window: &str, keys: &str) -> anyhow::Result<()> {
    crate::process::run(Command::new("xdotool").args(["windowfocus", "--sync", window]).env("DISPLAY", display))
        .context("focusing the window")?;
    crate::process::run(Command::new("xdotool").args(["key", keys]).env("DISPLAY", display))
}

/// The screen of `display`, cropped to `geometry` (`WxH+X+Y`; none: the whole screen), into
/// `target/screenshots/<name>`.
pub fn screenshot(display: &str, name: &str, geometry: Option<&str>) -> anyhow::Result<PathBuf> {
    let path = screenshot_path(name)?;
    let mut cmd = Command::new("import");
    cmd.args(["-window", "root"]);
    if let Some(geometry) = geometry {
        cmd.args(["-crop", geometry]);
    }
    crate::process::run(cmd.arg(&path).env("DISPLAY", display))?;
    Ok(path)
}
