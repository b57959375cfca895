//! The `walkaway` binary: parses arguments, validates them into settings, wires the stages
//! (import -> store -> analysis -> report) and is the only place that prints or exits.
//!
//! Exit codes: 0 success, 1 error (message on stderr), 2 usage error (from clap).

mod args;
mod chat;
mod commands;
mod config;
mod progress;
mod report;
mod style;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
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
            let mut msg = format!("walkaway: error: {err}");
            for cause in err.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}
