//! The idle-time maintenance task: every [`CHECK_EVERY`] it asks [`bitcraps_storage::maintenance::is_due`] and
//! runs [`bitcraps_storage::maintenance::run`] on a blocking thread, so SQLite work never holds the async runtime.

use std::time::Duration;

use bitcraps_storage::maintenance::{is_due, run};
use bitcraps_storage::{Db, GamesConfig, StorageError, rolls};
use tokio::sync::watch;

use bitcraps_net::now_ms;

/// How often the task looks whether maintenance is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);

/// Runs the job on the node's database until shutdown: a check every [`CHECK_EVERY`].
pub fn spawn(db: Db, mut shutdown: watch::Receiver<bool>, config: GamesConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_run_ms = None;
        loop {
            if tokio::time::timeout(CHECK_EVERY, shutdown.wait_for(|stop| *stop)).await.is_ok() {
                return;
            }
            let db = db.clone();
            let config = config.clone();
            let ran = tokio::task::spawn_blocking(move || {
                let now = now_ms();
                let mut db = db.lock();
                let due = rolls::last_at_ms(&db).map(|last_roll| is_due(now, last_roll, last_run_ms, &config));
                match due {
                    Ok(true) => (Some(now), run(&mut db, now, &config).map(Some)),
                    Ok(false) => (None, Ok(None)),
                    Err(e) => (None, Err(StorageError::from(e))),
                }
            })
            .await;
            match ran {
                // A failed run counts as a run too: it is retried after the interval, not every minute.
                Ok((at, result)) => {
                    last_run_ms = at.or(last_run_ms);
                    match result {
                        Ok(Some(report)) => tracing::info!(?report, "database maintenance done"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "database maintenance failed"),
                    }
                }
                Err(e) => tracing::warn!(error = %e, "database maintenance task failed"),
            }
        }
    })
}
