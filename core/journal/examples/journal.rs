//! A minimal stand-in for `bitcraps-cli journal …` until the CLI wires the library in:
//! `cargo run -p bitcraps-journal --example journal -- verify DIR` prints the verification report (exit code 1
//! unless the chain is intact); `… -- replay DIR` prints one line per record (sequence number, hash prefix,
//! payload size) and stops with the error at corruption.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(command), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: journal verify|replay DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    match command.as_str() {
        "verify" => match bitcraps_journal::verify(&dir) {
            Ok(report) => {
                println!("{report}");
                if report.is_intact() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        "replay" => {
            let records = match bitcraps_journal::replay(&dir) {
                Ok(records) => records,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            for record in records {
                match record {
                    Ok(r) => println!("#{} {:02x?} {} bytes", r.seq, &r.hash[..4], r.payload.len()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: journal verify|replay DIR");
            ExitCode::from(2)
        }
    }
}
