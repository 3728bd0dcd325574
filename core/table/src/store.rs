//! Mesh tables in SQLite: a table is created (by its host, or on a peer's advert) and every final round is
//! written in one transaction — ledger entries, bet rows, the roll, the engine state, the agreed seats and
//! balances, and the signed messages that made the round final — so a killed node keeps whole rounds only, and
//! the start-up check (`bitcraps_ledger::check`) covers mesh tables like local ones.

use bitcraps_rules::{PlayerId, Table};
use bitcraps_wire::{NodeId, Payload, SignedMessage, TableId};
use rusqlite::Connection;

use crate::machine::FinalRound;
use crate::state::TableState;
use bitcraps_ledger::{Account, Book, store as ledger_store};
use bitcraps_ledger::{GameError, TableStatus};
use bitcraps_storage::mesh_rounds::{self, RoundRow};
use bitcraps_storage::mesh_tables::{self, MeshTableRow};
use bitcraps_storage::{bets, craps_tables, rolls};

/// Creates a table from its host's signed advert (already signature-checked); returns its state.
pub fn create(conn: &mut Connection, advert: &SignedMessage, now_ms: u64) -> Result<TableState, GameError> {
    let message = advert.decode_unverified().map_err(|e| GameError::Inconsistent(e.to_string()))?;
    let Payload::TableAdvert { table, params, host_buy_in, created_ms, .. } = message.payload else {
        return Err(GameError::Inconsistent("not a table advert".into()));
    };
    let tx = conn.transaction()?;
    let local = craps_tables::insert(&tx, &Table::new(params.rules), now_ms)?;
    let (state, mint) = TableState::open(table, local, message.origin, params, created_ms, host_buy_in)
        .map_err(|e| GameError::Inconsistent(e.to_string()))?;
    ledger_store::post(&tx, std::slice::from_ref(&mint), now_ms)?;
    craps_tables::save(&tx, local, TableStatus::Open, &state.engine, now_ms)?;
    mesh_tables::insert(
        &tx,
        &MeshTableRow {
            id: table,
            local,
            host: message.origin,
            params,
            advert: advert.clone(),
            created_ms,
            players: players_of(&state),
            balances: balances_of(&state.book),
            state_hash: state.hash,
        },
    )?;
    tx.commit()?;
    Ok(state)
}

/// Writes a final round (`done.next` is the state after it) in one transaction.
pub fn commit_round(conn: &mut Connection, done: &FinalRound, now_ms: u64) -> Result<(), GameError> {
    let next = &done.next;
    let local = next.local;
    let fx = &done.effects;
    let tx = conn.transaction()?;
    ledger_store::post(&tx, &fx.action_entries, now_ms)?;
    for bet in &fx.placed {
        bets::insert(&tx, local, bet, now_ms)?;
    }
    for bet in &fx.taken_down {
        bets::take_down(&tx, local, bet.0)?;
    }
    if let Some(outcome) = &fx.outcome {
        ledger_store::post(&tx, &fx.roll_entries, now_ms)?;
        bets::settle_all(&tx, local, outcome.roll_number, &outcome.resolutions)?;
        rolls::insert(&tx, local, outcome, fx.roll_entries.len(), now_ms)?;
    }
    craps_tables::save(&tx, local, TableStatus::Open, &next.engine, now_ms)?;
    mesh_tables::save_state(&tx, &next.id, &players_of(next), &balances_of(&next.book), &next.hash)?;
    let row = RoundRow {
        round: done.round,
        attempt: done.attempt,
        dice: (done.dice.d1(), done.dice.d2()),
        state_hash: next.hash,
        revealers: done.view.revealers.len(),
        withheld: done.view.withheld.clone(),
        latency_ms: done.latency_ms,
        final_at_ms: now_ms,
    };
    mesh_rounds::insert(&tx, &next.id, &row, &done.messages)?;
    tx.commit()?;
    Ok(())
}

/// Every stored mesh table's state and its advert.
pub fn load(conn: &Connection) -> Result<Vec<(TableState, SignedMessage)>, GameError> {
    let mut out = Vec::new();
    for row in mesh_tables::all(conn)? {
        let stored = craps_tables::get(conn, row.local)?.ok_or(GameError::UnknownTable(row.local))?;
        if stored.status != TableStatus::Open {
            continue;
        }
        let mut balances = Vec::with_capacity(row.balances.len());
        for (key, balance) in &row.balances {
            let account: Account =
                key.parse().map_err(|e| GameError::Inconsistent(format!("mesh table {}: {e}", row.id)))?;
            balances.push((account, *balance));
        }
        let state = TableState {
            id: row.id,
            local: row.local,
            host: row.host,
            params: row.params,
            created_ms: row.created_ms,
            engine: stored.table,
            players: row.players.iter().map(|(n, p, _)| (*n, PlayerId(*p))).collect(),
            missed: row.players.iter().filter(|(_, _, m)| *m > 0).map(|(n, _, m)| (*n, *m)).collect(),
            book: Book::from_balances(balances),
            hash: row.state_hash,
        };
        if state.compute_hash() != state.hash {
            return Err(GameError::Inconsistent(format!(
                "mesh table {}: stored state does not match its hash",
                row.id
            )));
        }
        out.push((state, row.advert));
    }
    Ok(out)
}

/// Keeps an equivocation's proof.
pub fn record_equivocation(
    conn: &Connection,
    table: &TableId,
    origin: &NodeId,
    first: &SignedMessage,
    second: &SignedMessage,
    now_ms: u64,
) -> Result<(), GameError> {
    Ok(mesh_rounds::insert_proof(conn, table, origin, first, second, now_ms)?)
}

fn players_of(state: &TableState) -> Vec<(NodeId, u64, u32)> {
    state.players.iter().map(|(n, p)| (*n, p.0, state.missed.get(n).copied().unwrap_or(0))).collect()
}

fn balances_of(book: &Book) -> Vec<(String, i64)> {
    book.balances().map(|(a, b)| (a.to_string(), b)).collect()
}
