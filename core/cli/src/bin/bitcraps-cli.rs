//! `bitcraps-cli`: the operator's command line.
//!
//! One subcommand per module below; the runbook's later commands (`network status`, `consensus metrics`, ...)
//! slot in as further variants of [`Command`], each with a nested subcommand enum when it has several verbs.
//! Today: `odds`, `journal verify` and `journal replay`; none needs a running node.

use clap::{Parser, Subcommand};

#[path = "cli/journal_replay.rs"]
mod journal_replay;

/// Operate a BitCraps node from the command line.
#[derive(Debug, Parser)]
#[command(name = "bitcraps-cli", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Payout and exact house edge (per bet resolved and per roll) of every bet type and variant, computed by
    /// driving the rules engine over all dice outcomes.
    Odds(odds::Args),
    /// The table journal in a node's data dir.
    #[command(subcommand)]
    Journal(journal::Command),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Odds(args) => odds::run(&args),
        Command::Journal(command) => journal::run(&command),
    }
}

/// `bitcraps-cli journal …`: read-only checks of the table journal.
mod journal {
    use std::path::PathBuf;

    /// Verbs of `journal`.
    #[derive(Debug, clap::Subcommand)]
    pub enum Command {
        /// Verify every segment's frames, CRCs and hash chain; exit 1 if anything is damaged.
        Verify {
            /// The node's data dir (default: the per-OS data dir).
            #[arg(long)]
            data_dir: Option<PathBuf>,
        },
        /// Recompute a mesh table's rounds from the journal's signed messages and compare each with SQLite;
        /// exit 1 on any mismatch, 2 if the replay fails.
        Replay(crate::journal_replay::Args),
    }

    pub fn run(command: &Command) -> anyhow::Result<()> {
        match command {
            Command::Verify { data_dir } => {
                let dir = bitcraps_node::paths::data_dir(data_dir.as_deref())?.join(bitcraps_node::paths::JOURNAL_DIR);
                let report = bitcraps_journal::verify(&dir)?;
                println!("{report}");
                if !report.is_intact() {
                    std::process::exit(1);
                }
                Ok(())
            }
            Command::Replay(args) => match crate::journal_replay::run(args) {
                Ok(true) => Ok(()),
                Ok(false) => std::process::exit(1),
                Err(e) => {
                    eprintln!("error: {e:#}");
                    std::process::exit(2)
                }
            },
        }
    }
}

/// `bitcraps-cli odds`: the odds table from `bitcraps_rules::edge::edge_table()`; no number is entered by hand.
mod odds {
    use anyhow::Context;
    use bitcraps_rules::edge::{EdgeRow, edge_table};

    /// Options of `odds`.
    #[derive(Debug, clap::Args)]
    pub struct Args {
        /// Print JSON (exact rationals as "numer/denom" strings beside float copies) instead of a table.
        #[arg(long)]
        pub json: bool,
    }

    pub fn run(args: &Args) -> anyhow::Result<()> {
        let rows = edge_table().context("computing the house edges")?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&rows)?);
        } else {
            print!("{}", render(&rows));
        }
        Ok(())
    }

    const HEADERS: [&str; 7] = ["bet", "variant", "payout", "edge/resolved", "exact", "edge/roll", "exact"];

    /// The rows as an aligned text table: percentages to 3 decimals, then the exact fraction.
    fn render(rows: &[EdgeRow]) -> String {
        let cells: Vec<[String; 7]> = rows
            .iter()
            .map(|r| {
                [
                    r.bet.clone(),
                    r.variant.clone(),
                    r.payout.clone(),
                    percent(r.edge_per_resolved_f64),
                    r.edge_per_resolved.to_string(),
                    percent(r.edge_per_roll_f64),
                    r.edge_per_roll.to_string(),
                ]
            })
            .collect();
        let mut widths = HEADERS.map(str::len);
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let header = HEADERS.map(str::to_owned);
        line(&mut out, &header, &widths);
        line(&mut out, &widths.map(|w| "-".repeat(w)), &widths);
        for row in &cells {
            line(&mut out, row, &widths);
        }
        out
    }

    /// One line; text columns align left, numbers (columns 3 and 5) right.
    fn line(out: &mut String, cells: &[String; 7], widths: &[usize; 7]) {
        let mut parts = Vec::with_capacity(7);
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i == 3 || i == 5 { parts.push(format!("{cell:>width$}")) } else { parts.push(format!("{cell:<width$}")) }
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    }

    fn percent(fraction: f64) -> String {
        format!("{:.3} %", fraction * 100.0)
    }
}
