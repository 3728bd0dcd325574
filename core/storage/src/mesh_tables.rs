//! The `mesh_tables` table: one row per table played over the mesh, beside its `craps_tables` row (which holds
//! the rules engine's state and names its escrow): the mesh id, the host, the parameters, the host's signed
//! advert, and the agreed state's seats, per-table balances and hash as of the last final round.

use bitcraps_wire::{NodeId, SignedMessage, TableId, TableParams};
use rusqlite::{Connection, params};

use crate::to_db_amount;
use crate::{StorageError, TableId as LocalTableId};

/// Creates the table.
pub const MIGRATION: &str = "
CREATE TABLE mesh_tables (
    mesh_id TEXT PRIMARY KEY,
    local_id INTEGER NOT NULL UNIQUE REFERENCES craps_tables (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    params BLOB NOT NULL,
    advert BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    players BLOB NOT NULL,
    balances BLOB NOT NULL,
    state_hash BLOB NOT NULL
) WITHOUT ROWID;
";

/// A stored mesh table.
#[derive(Debug, Clone)]
pub struct MeshTableRow {
    pub id: TableId,
    pub local: LocalTableId,
    pub host: NodeId,
    pub params: TableParams,
    pub advert: SignedMessage,
    pub created_ms: u64,
    /// Node, seat id, rounds missed in a row.
    pub players: Vec<(NodeId, u64, u32)>,
    /// Per-table balances by account key.
    pub balances: Vec<(String, i64)>,
    pub state_hash: [u8; 32],
}

/// Inserts a table.
pub fn insert(conn: &Connection, row: &MeshTableRow) -> Result<(), StorageError> {
    conn.prepare_cached(
        "INSERT INTO mesh_tables (mesh_id, local_id, host, params, advert, created_ms, players, balances, state_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        row.id.to_hex(),
        row.local.0,
        row.host.to_hex(),
        encode(&row.params),
        encode(&row.advert),
        to_db_amount(row.created_ms)?,
        encode(&row.players),
        encode(&row.balances),
        row.state_hash.as_slice(),
    ])?;
    Ok(())
}

/// Saves the agreed state after a round.
pub fn save_state(
    conn: &Connection,
    id: &TableId,
    players: &[(NodeId, u64, u32)],
    balances: &[(String, i64)],
    state_hash: &[u8; 32],
) -> Result<(), StorageError> {
    conn.prepare_cached("UPDATE mesh_tables SET players = ?2, balances = ?3, state_hash = ?4 WHERE mesh_id = ?1")?
        .execute(params![id.to_hex(), encode(&players), encode(&balances), state_hash.as_slice()])?;
    Ok(())
}

/// Every stored mesh table.
pub fn all(conn: &Connection) -> Result<Vec<MeshTableRow>, StorageError> {
    let mut stmt = conn.prepare(
        "SELECT mesh_id, local_id, host, params, advert, created_ms, players, balances, state_hash FROM mesh_tables",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Vec<u8>>(3)?,
            r.get::<_, Vec<u8>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Vec<u8>>(6)?,
            r.get::<_, Vec<u8>>(7)?,
            r.get::<_, Vec<u8>>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, local, host, params, advert, created, players, balances, hash) = row?;
        let bad = |what: &str| StorageError::Inconsistent(format!("mesh table {id}: stored {what} is malformed"));
        out.push(MeshTableRow {
            id: TableId::from_hex(&id).ok_or_else(|| bad("id"))?,
            local: LocalTableId(local),
            host: NodeId::from_hex(&host).ok_or_else(|| bad("host"))?,
            params: decode(&params).ok_or_else(|| bad("parameters"))?,
            advert: decode(&advert).ok_or_else(|| bad("advert"))?,
            created_ms: u64::try_from(created).unwrap_or(0),
            players: decode(&players).ok_or_else(|| bad("players"))?,
            balances: decode(&balances).ok_or_else(|| bad("balances"))?,
            state_hash: hash.try_into().map_err(|_| bad("state hash"))?,
        });
    }
    Ok(out)
}

pub(crate) fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).unwrap_or_default()
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    postcard::from_bytes(bytes).ok()
}
