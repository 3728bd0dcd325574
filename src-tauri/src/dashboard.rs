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
        if let Some(child) = &mut self.child
            && child.try_wait()?.is_none()
        {
            tracing::info!(pid = child.id(), "dashboard already open");
            return Ok(());
        }
        let exe = executable()?;
        let child = Command::new(&exe)
            .arg("--connect")
            .arg(api_url)
            .env(TOKEN_ENV, token)
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        tracing::info!(pid = child.id(), "dashboard opened");
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
