//! The desktop app `bitcraps` under test: a private home (data and config dirs), an Xvfb display and a D-Bus
//! session, and its launches (the first, and second ones that single-instance forwards).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::support::{Guard, binary, dbus_session, fresh_dir, xvfb};

/// A display, a session bus and a home for the desktop app.
pub struct DesktopSession {
    _xvfb: Guard,
    _dbus: Guard,
    pub display: String,
    bus: String,
    pub home: PathBuf,
    pub exe: PathBuf,
}

impl DesktopSession {
    /// A fresh home `target/e2e/<name>` with Xvfb and D-Bus running; the app and dashboard must be built.
    pub fn new(name: &str) -> anyhow::Result<Self> {
        let home = fresh_dir(name)?;
        let (xvfb, display) = xvfb()?;
        let (dbus, bus) = dbus_session()?;
        let exe = binary("bitcraps")?;
        binary("bitcraps-dashboard")?;
        Ok(Self { _xvfb: xvfb, _dbus: dbus, display, bus, home, exe })
    }

    /// The app's data dir (the node's `api-url`, `api-token`, database, logs).
    pub fn data_dir(&self) -> PathBuf {
        self.home.join("data").join("bitcraps")
    }

    /// Writes the app's `config.toml`.
    pub fn write_config(&self, toml: &str) -> anyhow::Result<()> {
        let dir = self.home.join("config").join("bitcraps");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("config.toml"), toml)?;
        Ok(())
    }

    /// `bitcraps` with `args`, in this session's environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args(args)
            .env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_RUNTIME_DIR", &self.home)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null());
        cmd
    }

    /// The first launch: the tray app with its embedded node.
    pub fn start(&self) -> anyhow::Result<Guard> {
        Guard::spawn(&mut self.command(&[]), "bitcraps")
    }

    /// Launches the app again with `flag`; single-instance forwards it to the running app and the launch exits.
    pub fn second_launch(&self, flag: &str) -> anyhow::Result<()> {
        let mut second = Guard::spawn(&mut self.command(&[flag]), &format!("bitcraps {flag}"))?;
        second.wait_exit(Duration::from_secs(30))?;
        Ok(())
    }
}
