//! The task that plays the mesh tables: mesh deliveries and API commands in; broadcasts, sync answers, stored
//! rounds, journal records and the published view out; the machines' timers in between.
//!
//! A final round is appended to the table journal (every signed message of it, acknowledged once durable) and
//! then written to SQLite in one transaction; only then does the view show it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bitcraps_api::{ErrorCode, HostTable, RollSummary};
use bitcraps_ledger::GameError;
use bitcraps_net::mesh::{Delivery, MeshHandle};
use bitcraps_net::metrics::NetStatus;
use bitcraps_net::now_ms;
use bitcraps_rules::{BetError, BetKind, FieldVariant, OddsLimit, TableRules};
use bitcraps_storage::Db;
use bitcraps_wire::{
    Action, MeshFrame, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage, TableId, TableParams,
};
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, watch};

use crate::config::ConsensusConfig;
use crate::machine::{FinalRound, Machine, Output};
use crate::store;
use crate::sync_timer::SyncTimer;
use crate::view::{Counters, GameCommand, GameRefusal, GamesView, RECENT_ROLLS, Request, balance_changes};

/// Least time between two sync requests for one table.
const SYNC_EVERY_MS: u64 = 200;

/// What the service needs.
#[derive(Debug)]
pub struct ServiceParts {
    /// The node's database.
    pub db: Db,
    /// Where the round and state-sync latencies go.
    pub net: Arc<NetStatus>,
    /// Where the tables are published for the API, and where its commands come from.
    pub games: Arc<GamesView>,
    pub key: SigningKey,
    pub config: ConsensusConfig,
    pub mesh: MeshHandle,
    pub deliveries: mpsc::Receiver<Delivery>,
    pub journal: bitcraps_journal::Appender,
    /// The largest frame a link carries (`net.max_frame_bytes`): sync answers stay below it.
    pub max_frame_bytes: usize,
    pub shutdown: watch::Receiver<bool>,
}

struct Service {
    max_frame_bytes: usize,
    db: Db,
    net: Arc<NetStatus>,
    games: Arc<GamesView>,
    key: SigningKey,
    me: NodeId,
    config: ConsensusConfig,
    mesh: MeshHandle,
    journal: bitcraps_journal::Appender,
    machines: BTreeMap<TableId, Machine>,
    adverts: BTreeMap<TableId, SignedMessage>,
    rolls: BTreeMap<TableId, VecDeque<RollSummary>>,
    last_sync: BTreeMap<TableId, u64>,
    syncs: SyncTimer,
    counters: Counters,
}

/// Loads the stored mesh tables and starts the service task.
pub fn spawn(parts: ServiceParts) -> Result<tokio::task::JoinHandle<()>, GameError> {
    let ServiceParts { db, net, games, key, config, mesh, mut deliveries, journal, max_frame_bytes, mut shutdown } =
        parts;
    let me = NodeId(key.verifying_key().to_bytes());
    let now = now_ms();
    let mut service = Service {
        max_frame_bytes,
        db: db.clone(),
        net,
        games: games.clone(),
        key,
        me,
        config,
        mesh,
        journal,
        machines: BTreeMap::new(),
        adverts: BTreeMap::new(),
        rolls: BTreeMap::new(),
        last_sync: BTreeMap::new(),
        syncs: SyncTimer::default(),
        counters: Counters::default(),
    };
    let stored = store::load(&db.lock())?;
    for (state, advert) in stored {
        let id = state.id;
        let recent = bitcraps_storage::mesh_rounds::recent(&db.lock(), &id, RECENT_ROLLS)?;
        service.rolls.insert(id, recent.iter().map(roll_summary).collect());
        let opens_at = now + u64::from(state.params.roll_interval_ms);
        service
            .machines
            .insert(id, Machine::new(service.key.clone(), service.config.clone(), state, opens_at).restarted());
        service.adverts.insert(id, advert);
    }
    tracing::info!(tables = service.machines.len(), "table protocol started");
    let (requests_tx, mut requests) = mpsc::channel::<Request>(64);
    games.connect(requests_tx);
    service.publish();
    Ok(tokio::spawn(async move {
        loop {
            let next = service.machines.values().map(Machine::next_deadline).min().unwrap_or(u64::MAX);
            let wait = Duration::from_millis(next.saturating_sub(now_ms()).min(60_000));
            tokio::select! {
                () = async { let _ = shutdown.wait_for(|stop| *stop).await; } => break,
                delivery = deliveries.recv() => match delivery {
                    Some(d) => service.on_delivery(d).await,
                    None => break,
                },
                Some((command, reply)) = requests.recv() => {
                    let answer = service.on_command(command).await;
                    let _ = reply.send(answer);
                }
                () = tokio::time::sleep(wait) => {}
            }
            service.tick().await;
            // Once per wake-up, not per message: a round's two dozen messages change the view once.
            service.publish();
        }
    }))
}

impl Service {
    async fn tick(&mut self) {
        let now = now_ms();
        let due: Vec<TableId> =
            self.machines.iter().filter(|(_, m)| m.next_deadline() <= now).map(|(id, _)| *id).collect();
        for id in due {
            if let Some(m) = self.machines.get_mut(&id) {
                let out = m.tick(now);
                self.handle(id, out, None).await;
            }
        }
    }

    async fn on_delivery(&mut self, delivery: Delivery) {
        match delivery {
            Delivery::Message { message, signed, from } => self.on_message(message, signed, from).await,
            Delivery::SyncRequest { from, table, from_round } => self.answer_sync(from, table, from_round).await,
            Delivery::SyncResponse { from, table, messages } => {
                let count = messages.len();
                let before = self.machines.get(&table).map(|m| (m.state().round(), m.attempt()));
                for signed in messages {
                    match signed.verify() {
                        Ok(message) if *message.payload.table() == table => {
                            self.on_message(message, signed, from).await;
                        }
                        _ => tracing::debug!(peer = %from, "dropped an invalid message of a sync answer"),
                    }
                }
                self.last_sync.remove(&table);
                let after = self.machines.get(&table).map(|m| (m.state().round(), m.attempt()));
                tracing::debug!(%table, peer = %from, count, ?before, ?after, "applied a sync answer (round, attempt)");
                if let Some(took) = self.syncs.answered(from, table, Instant::now()) {
                    self.net.observe_state_sync(took, now_ms());
                }
            }
            Delivery::PeerUp { peer } => {
                // Hand the new neighbour what this node holds of every table in progress, and ask for what it
                // holds beyond: after a partition heals, both sides converge on the same attempt.
                let tables: Vec<(TableId, u64)> =
                    self.machines.iter().map(|(id, m)| (*id, m.state().round())).collect();
                for (table, round) in tables {
                    self.answer_sync(peer, table, u64::MAX).await;
                    self.send_sync_request(peer, table, round).await;
                }
            }
        }
    }

    async fn on_message(&mut self, message: Message, signed: SignedMessage, from: NodeId) {
        let table = *message.payload.table();
        if let Payload::TableAdvert { .. } = message.payload {
            if !self.machines.contains_key(&table) {
                self.adopt_table(&signed).await;
            }
            return;
        }
        let now = now_ms();
        let Some(machine) = self.machines.get_mut(&table) else {
            self.request_sync(from, table, 0).await;
            return;
        };
        let out = machine.on_message(&message, &signed, from, now);
        self.handle(table, out, Some(from)).await;
    }

    async fn adopt_table(&mut self, advert: &SignedMessage) {
        let now = now_ms();
        let created = store::create(&mut self.db.lock(), advert, now);
        match created {
            Ok(state) => {
                let id = state.id;
                tracing::info!(table = %id, host = %state.host, "learned a table");
                self.journal_append(std::slice::from_ref(advert)).await;
                let opens_at = now + u64::from(state.params.roll_interval_ms);
                self.machines.insert(id, Machine::new(self.key.clone(), self.config.clone(), state, opens_at));
                self.adverts.insert(id, advert.clone());
            }
            Err(e) => tracing::warn!(error = %e, "could not store a table advert"),
        }
    }

    async fn handle(&mut self, table: TableId, outputs: Vec<Output>, from: Option<NodeId>) {
        for output in outputs {
            match output {
                Output::Broadcast(signed) => self.mesh.broadcast(signed).await,
                Output::Final(done) => self.on_final(table, *done).await,
                Output::Equivocation { origin, first, second } => {
                    tracing::warn!(%table, %origin, "equivocation: two signed messages for one slot; banning");
                    let stored =
                        store::record_equivocation(&self.db.lock(), &table, &origin, &first, &second, now_ms());
                    if let Err(e) = stored {
                        tracing::warn!(error = %e, "could not keep the equivocation proof");
                    }
                    self.counters.equivocations += 1;
                    // The proof goes to every node (most already have both messages and drop the copies): a node
                    // that saw only one of them would name the equivocator a revealer, the others withheld, and
                    // with the bad players not signing neither view might reach a quorum.
                    self.mesh.broadcast(first).await;
                    self.mesh.broadcast(second).await;
                    self.mesh.ban(origin, "equivocation").await;
                }
                Output::Behind { peer } => self.request_sync(from.unwrap_or(peer), table, u64::MAX).await,
                Output::AttemptFailed { round, attempt } => {
                    tracing::info!(%table, round, attempt, "attempt without a quorum; restarting the round");
                    self.counters.attempts_failed += 1;
                }
            }
        }
    }

    async fn on_final(&mut self, table: TableId, done: FinalRound) {
        self.journal_append(&done.messages).await;
        let now = now_ms();
        if let Err(e) = store::commit_round(&mut self.db.lock(), &done, now) {
            tracing::error!(%table, round = done.round, error = %e, "could not store a final round; leaving the table");
            self.machines.remove(&table);
            return;
        }
        self.counters.rounds_final += 1;
        self.counters.forfeits += done.effects.forfeited.len() as u64;
        // A quorum agreed these players committed and then withheld their reveal: ban them (and the joiners that
        // did the same here, so one cannot hold up every round's reveal phase).
        for player in done.view.withheld.iter().chain(&done.silent_joiners) {
            if *player != self.me {
                self.mesh.ban(*player, "withheld").await;
            }
        }
        self.net.observe_round(Duration::from_millis(done.latency_ms), now);
        for (player, why) in &done.effects.refused {
            if *player == self.me {
                tracing::info!(%table, round = done.round, why, "an action of this node was refused");
            }
        }
        let entries = done.effects.action_entries.iter().chain(&done.effects.roll_entries);
        let changes = balance_changes(&table, done.next.players.keys(), entries);
        let point_before = done.effects.outcome.as_ref().and_then(|o| o.phase_before.point()).map_or(0, |p| p.number());
        let rolls = self.rolls.entry(table).or_default();
        rolls.push_front(RollSummary {
            round: done.round,
            d1: done.dice.d1(),
            d2: done.dice.d2(),
            point: done.next.engine.phase().point().map_or(0, |p| p.number()),
            point_before,
            latency_ms: done.latency_ms as f64,
            forfeited: done.view.withheld.iter().map(NodeId::to_hex).collect(),
            changes,
        });
        rolls.truncate(RECENT_ROLLS);
    }

    async fn journal_append(&self, messages: &[SignedMessage]) {
        let appends = messages.iter().map(|m| self.journal.append(postcard::to_stdvec(m).unwrap_or_default()));
        for result in futures_util::future::join_all(appends).await {
            if let Err(e) = result {
                tracing::warn!(error = %e, "table journal append failed");
            }
        }
    }

    async fn request_sync(&mut self, peer: NodeId, table: TableId, from_round: u64) {
        let now = now_ms();
        if self.last_sync.get(&table).is_some_and(|t| now < t + SYNC_EVERY_MS) {
            return;
        }
        self.last_sync.insert(table, now);
        let from_round = if from_round == u64::MAX {
            self.machines.get(&table).map_or(0, |m| m.state().round())
        } else {
            from_round
        };
        tracing::debug!(%table, %peer, from_round, "asking for a sync");
        self.send_sync_request(peer, table, from_round).await;
    }

    async fn send_sync_request(&mut self, peer: NodeId, table: TableId, from_round: u64) {
        self.syncs.sent(peer, table, Instant::now());
        self.mesh.send(peer, MeshFrame::SyncRequest { table, from_round }).await;
    }

    /// Sends `peer` the advert, the final rounds from `from_round` (whole rounds, about half a frame) and, if they
    /// fit, the messages of the attempt in progress; the answer always fits one frame.
    async fn answer_sync(&mut self, peer: NodeId, table: TableId, from_round: u64) {
        let (Some(advert), Some(machine)) = (self.adverts.get(&table), self.machines.get(&table)) else { return };
        // A link frame carries a tag byte and the mesh frame; keep a margin for the frame's own fields.
        let limit = self.max_frame_bytes.saturating_sub(64);
        let mut messages = vec![advert.clone()];
        if from_round < machine.state().round() {
            let db = self.db.lock();
            match bitcraps_storage::mesh_rounds::messages_from(&db, &table, from_round, limit / 2) {
                Ok(rounds) => messages.extend(rounds),
                Err(e) => tracing::warn!(error = %e, "could not read rounds for a sync answer"),
            }
        }
        let stored = messages.len();
        messages.extend(machine.current_messages());
        let fits = |m: &Vec<SignedMessage>| {
            m.len() <= bitcraps_wire::message::MAX_SYNC_MESSAGES
                && MeshFrame::SyncResponse { table, messages: m.clone() }.encode().len() <= limit
        };
        if !fits(&messages) {
            messages.truncate(stored);
        }
        while !fits(&messages) && messages.len() > 1 {
            messages.pop();
        }
        tracing::debug!(%table, %peer, from_round, count = messages.len(), "answering a sync request");
        self.mesh.send(peer, MeshFrame::SyncResponse { table, messages }).await;
    }

    async fn on_command(&mut self, command: GameCommand) -> Result<String, GameRefusal> {
        let now = now_ms();
        let answer = match command {
            GameCommand::Host(host) => self.host(&host, now).await,
            GameCommand::Join { table, buy_in } => {
                let me = self.me;
                let machine = self.machine(&table)?;
                if machine.state().players.contains_key(&me) {
                    return Err(GameRefusal::new(ErrorCode::AlreadySeated, format!("already seated at table {table}")));
                }
                let max = machine.state().params.max_buy_in;
                if buy_in == 0 || buy_in > max {
                    return Err(GameRefusal::new(ErrorCode::InvalidValue, format!("buy-in must be 1 to {max}")));
                }
                machine.queue(Action::Join { buy_in }, now);
                Ok(format!("joining table {table} with {buy_in} chips"))
            }
            GameCommand::Leave { table } => {
                self.seated_machine(&table)?.queue(Action::Leave, now);
                Ok(format!("leaving table {table} before the next roll"))
            }
            GameCommand::Bet { table, kind, amount } => {
                let kind: BetKind =
                    kind.parse().map_err(|e: BetError| GameRefusal::new(ErrorCode::InvalidBet, e.to_string()))?;
                let me = self.me;
                let machine = self.seated_machine(&table)?;
                let state = machine.state();
                let seat = state.players.get(&me).copied().ok_or_else(|| not_seated(&table))?;
                let mut engine = state.engine.clone();
                let placement = engine
                    .place_bet(seat, kind, amount, state.round())
                    .map_err(|e| GameRefusal::new(bet_code(&e), e.to_string()))?;
                let chips = state.chips(&me);
                if placement.total() > chips {
                    return Err(GameRefusal::new(
                        ErrorCode::InsufficientBalance,
                        format!("{} needed, {chips} held", placement.total()),
                    ));
                }
                let round = state.round();
                machine.queue(Action::Bet { kind, amount }, now);
                Ok(format!("{kind} {amount} queued for roll {round}"))
            }
            GameCommand::Remove { table, bet_id } => {
                self.seated_machine(&table)?.queue(Action::RemoveBet { bet_id }, now);
                Ok(format!("bet {bet_id} comes down before the next roll"))
            }
        };
        self.publish();
        answer
    }

    async fn host(&mut self, host: &HostTable, now: u64) -> Result<String, GameRefusal> {
        let params = table_params(host)?;
        if host.buy_in == 0 || host.buy_in > host.max_buy_in {
            return Err(GameRefusal::new(
                ErrorCode::InvalidValue,
                format!("buy_in must be 1 to max_buy_in ({})", host.max_buy_in),
            ));
        }
        let mut nonce = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let table = TableId::derive(&self.me, now, &nonce);
        let payload = Payload::TableAdvert { table, params, host_buy_in: host.buy_in, created_ms: now, round: 0 };
        let advert = SignedMessage::sign(
            &Message { version: PROTOCOL_VERSION, origin: self.me, timestamp_ms: now, payload },
            &self.key,
        );
        self.adopt_table(&advert).await;
        if !self.machines.contains_key(&table) {
            return Err(GameRefusal::new(ErrorCode::Storage, "could not store the new table"));
        }
        self.mesh.broadcast(advert).await;
        Ok(format!("table {table} opened"))
    }

    fn machine(&mut self, table: &TableId) -> Result<&mut Machine, GameRefusal> {
        self.machines
            .get_mut(table)
            .ok_or_else(|| GameRefusal::new(ErrorCode::UnknownTable, format!("no table {table} known")))
    }

    fn seated_machine(&mut self, table: &TableId) -> Result<&mut Machine, GameRefusal> {
        let me = self.me;
        let machine = self.machine(table)?;
        if machine.state().players.contains_key(&me) { Ok(machine) } else { Err(not_seated(table)) }
    }

    fn publish(&self) {
        self.games.publish(&self.me, &self.machines, &self.rolls, self.counters);
    }
}

/// The API's code for a bet the rules engine refused.
fn bet_code(e: &BetError) -> ErrorCode {
    match e {
        BetError::UnknownBetKind { .. } => ErrorCode::UnknownBetKind,
        BetError::ZeroAmount => ErrorCode::ZeroAmount,
        BetError::BelowTableMin { .. } => ErrorCode::BelowTableMin,
        BetError::AboveTableMax { .. } => ErrorCode::AboveTableMax,
        BetError::OddsAboveLimit { .. } => ErrorCode::OddsAboveLimit,
        BetError::NoBaseBet { .. } => ErrorCode::NoBaseBet,
        BetError::RollClosed { .. } => ErrorCode::RollClosed,
        BetError::RollNotOpen { .. } => ErrorCode::RollNotOpen,
        BetError::NotAllowedInPhase { .. } => ErrorCode::NotAllowedInPhase,
        BetError::IndivisibleAmount { .. } => ErrorCode::IndivisibleAmount,
        BetError::UnknownBet { .. } => ErrorCode::UnknownBet,
        BetError::NotYourBet { .. } => ErrorCode::NotYourBet,
        BetError::ContractBet { .. } => ErrorCode::ContractBet,
        BetError::OddsStillUp { .. } => ErrorCode::OddsStillUp,
        BetError::AlwaysWorking { .. } => ErrorCode::AlwaysWorking,
        BetError::NotSeated { .. } => ErrorCode::NotSeated,
        BetError::AlreadySeated { .. } => ErrorCode::AlreadySeated,
        BetError::InsufficientBalance { .. } => ErrorCode::InsufficientBalance,
        _ => ErrorCode::InvalidBet,
    }
}

fn not_seated(table: &TableId) -> GameRefusal {
    GameRefusal::new(ErrorCode::NotSeated, format!("not seated at table {table}"))
}

/// Checks a host's choices and turns them into table parameters.
fn table_params(h: &HostTable) -> Result<TableParams, GameRefusal> {
    let bad = |m: String| Err(GameRefusal::new(ErrorCode::InvalidValue, m));
    if h.min_bet == 0 || h.min_bet > h.max_bet {
        return bad(format!("min_bet must be at least 1 and at most max_bet ({})", h.max_bet));
    }
    if !(1..=16).contains(&h.max_seats) {
        return bad("max_seats must be 1 to 16".into());
    }
    if !(100..=600_000).contains(&h.roll_interval_ms) {
        return bad("roll_interval_ms must be 100 to 600000".into());
    }
    let field = match h.field_pays_on_12 {
        2 => FieldVariant::DoubleTwelve,
        3 => FieldVariant::TripleTwelve,
        other => return bad(format!("field_pays_on_12 must be 2 or 3, not {other}")),
    };
    let odds = match h.odds_multiple {
        0 => OddsLimit::ThreeFourFive,
        n @ 1..=100 => OddsLimit::Times(n),
        n => return bad(format!("odds_multiple must be 0 (3-4-5x) or 1 to 100, not {n}")),
    };
    let rules = TableRules { min_bet: h.min_bet, max_bet: h.max_bet, odds, field, ..TableRules::default() };
    Ok(TableParams { rules, roll_interval_ms: h.roll_interval_ms, max_buy_in: h.max_buy_in, max_seats: h.max_seats })
}

fn roll_summary(r: &bitcraps_storage::mesh_rounds::RoundRow) -> RollSummary {
    RollSummary {
        round: r.round,
        d1: r.dice.0,
        d2: r.dice.1,
        point: 0,
        point_before: 0,
        latency_ms: r.latency_ms as f64,
        forfeited: r.withheld.iter().map(NodeId::to_hex).collect(),
        changes: Vec::new(),
    }
}
