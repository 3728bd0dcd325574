//! [`Db`]: the node's one SQLite connection behind a mutex, the narrow handle every service gets instead of
//! the whole node state.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

/// A shared handle on the node's database connection. Cloning shares the connection.
#[derive(Debug, Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Wraps an open connection (see [`crate::open`]).
    pub fn new(conn: Connection) -> Self {
        Self(Arc::new(Mutex::new(conn)))
    }

    /// The connection. Held briefly: one statement or one transaction.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        // Every critical section leaves the connection whole (a transaction rolls back on drop), so a poisoned
        // lock still holds a usable connection.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
