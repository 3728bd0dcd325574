//! The native dashboard as a child process: `bitcraps-dashboard` beside this executable (the installers ship it
//! there as a sidecar), connected to the embedded node. The token goes through the environment, never the command
//! line, where other users could read it.

use std::path::PathBuf;
use std::process::{Child, Command};

use anyhow::Context;
use bitcraps_api::TOKEN_ENV;

/// The dashboard child, if one was started.
#[derive(Default)]
pub struct Dashboard {
    child: Option<Child>,
}

impl Dashboard {
    /// Starts the dashboard unless one is already running.
    pub fn open(&mut self, api_url: &str, token: &str) -> anyhow::Result<()> {
        if self.running()? {
            tracing::info!("dashboard already open");
            return Ok(());
        }
        self.spawn(api_url, token, &[])
    }

    /// Shows the Game tab with the Host a table dialog open: a running dashboard is replaced by one started with
    /// `--host-table` (the dashboard takes no commands from outside).
    pub fn open_host_table(&mut self, api_url: &str, token: &str) -> anyhow::Result<()> {
        self.close();
        self.spawn(api_url, token, &["--host-table"])
    }

    fn running(&mut self) -> anyhow::Result<bool> {
        match &mut self.child {
            Some(child) => Ok(child.try_wait()?.is_none()),
            None => Ok(false),
        }
    }

    fn spawn(&mut self, api_url: &str, token: &str, args: &[&str]) -> anyhow::Result<()> {
        let exe = executable()?;
        let child = Command::new(&exe)
            .arg("--connect")
            .arg(api_url)
            .args(args)
            .env(TOKEN_ENV, token)
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        tracing::info!(pid = child.id(), ?args, "dashboard opened");
        self.child = Some(child);
        Ok(())
    }

    /// Stops the dashboard child, if it runs.
    pub fn close(&mut self) {
        if let Some(mut child) = self.child.take() {
            // It may have exited already; either way it is gone afterwards.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn executable() -> anyhow::Result<PathBuf> {
    let name = format!("bitcraps-dashboard{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().context("locating this executable")?;
    let beside = exe.parent().map(|dir| dir.join(&name)).context("this executable has no folder")?;
    anyhow::ensure!(beside.is_file(), "{} is missing: build it with `cargo build -p bitcraps-ui`", beside.display());
    Ok(beside)
}
