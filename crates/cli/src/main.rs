//! The `walkaway` binary: parses arguments, validates every flag into settings once
//! (`config`), wires the stages (import -> store -> analysis -> report) and is the only place
//! that prints or exits.
//!
//! Exit codes: 0 success, 1 error (message on stderr), 2 usage error (from clap, or an invalid
//! flag value found by `config`).

mod app;
mod args;
mod chat;
mod commands;
mod config;
mod errors;
mod ingest;
mod memory;
mod people;
mod plan;
mod private;
mod progress;
mod report;
mod style;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    memory::tune();
    let cli = args::Cli::parse();
    match config::settings(cli).and_then(commands::run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Broken pipes (e.g. `walkaway report | head`) are not errors worth a message.
            if err
                .chain()
                .filter_map(|c| c.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("walkaway: error: {}", errors::describe(&err));
            if errors::is_usage(&err) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
