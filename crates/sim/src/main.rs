//! `walkaway-sim`: writes the demo data, generates single histories, runs the validation, and
//! measures the coverage of every interval by sample size (`minimums`).
//!
//! The binary is a thin shell over the library so that everything it prints can be tested
//! without a process: argument parsing here, the work in `walkaway_sim`.

use std::path::PathBuf;
use std::process::ExitCode;

use walkaway_sim::{Scenario, demo, generate, presets, whatsapp};

const USAGE: &str = "usage:
  walkaway-sim demo --out DIR
  walkaway-sim generate --scenario NAME [--seed N] --out FILE
  walkaway-sim validate [--seeds N] [--gap MINUTES] [--elapsed-seeds N]
  walkaway-sim minimums [--reps N] [--seed S] [--bootstrap-reps N]
scenarios: sooner, as_before, later, never, monitoring, pursuit";

enum Cmd {
    Demo {
        out: PathBuf,
    },
    Generate {
        scenario: Scenario,
        seed: u64,
        out: PathBuf,
    },
    Validate {
        seeds: u64,
        gap: Option<i64>,
        /// Histories per scenario evaluated at every data end (0: skip that section).
        elapsed_seeds: u64,
    },
    Minimums {
        reps: u32,
        seed: u64,
        bootstrap_reps: u32,
    },
}

fn parse(args: &[String]) -> Result<Cmd, String> {
    let (cmd, rest) = args.split_first().ok_or("missing command")?;
    let mut out = None;
    let mut seed = 1u64;
    let mut seeds = 300u64;
    let mut elapsed_seeds = walkaway_sim::verdicts::DEFAULT_SEEDS;
    let mut scenario = None;
    let mut gap = None;
    let mut reps = walkaway_sim::minimums::DEFAULT_REPS;
    let mut bootstrap_reps = walkaway_sim::minimums::BOOTSTRAP_REPS;
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => {
                seed = value()?
                    .parse()
                    .map_err(|_| "--seed must be a non-negative integer".to_owned())?
            }
            "--seeds" => {
                seeds = value()?
                    .parse()
                    .map_err(|_| "--seeds must be a non-negative integer".to_owned())?
            }
            "--elapsed-seeds" => {
                elapsed_seeds = value()?
                    .parse()
                    .map_err(|_| "--elapsed-seeds must be a non-negative integer".to_owned())?
            }
            "--reps" => {
                reps = value()?
                    .parse()
                    .ok()
                    .filter(|r| *r > 0)
                    .ok_or("--reps must be a positive integer")?
            }
            "--bootstrap-reps" => {
                bootstrap_reps = value()?
                    .parse()
                    .ok()
                    .filter(|r| *r > 0)
                    .ok_or("--bootstrap-reps must be a positive integer")?
            }
            "--gap" => {
                let minutes: i64 = value()?
                    .parse()
                    .map_err(|_| "--gap must be a whole number of minutes".to_owned())?;
                if minutes <= 0 {
                    return Err("--gap must be positive".to_owned());
                }
                gap = Some(minutes.saturating_mul(60_000));
            }
            "--scenario" => {
                let v = value()?;
                scenario =
                    Some(Scenario::parse(&v).ok_or_else(|| format!("unknown scenario {v:?}"))?)
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match cmd.as_str() {
        "demo" => Ok(Cmd::Demo {
            out: out.ok_or("demo needs --out DIR")?,
        }),
        "generate" => Ok(Cmd::Generate {
            scenario: scenario.ok_or("generate needs --scenario NAME")?,
            seed,
            out: out.ok_or("generate needs --out FILE")?,
        }),
        "validate" => Ok(Cmd::Validate {
            seeds,
            gap,
            elapsed_seeds,
        }),
        "minimums" => Ok(Cmd::Minimums {
            reps,
            seed,
            bootstrap_reps,
        }),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn run(cmd: Cmd) -> Result<(), String> {
    match cmd {
        Cmd::Demo { out } => {
            let n = demo::write_demo(&out)?;
            eprintln!("wrote {n} demo files under {}", out.display());
        }
        Cmd::Generate {
            scenario,
            seed,
            out,
        } => {
            let sim = generate(&presets::validation_params(seed, scenario));
            let text = whatsapp::render_android_en_us(&sim.chat);
            std::fs::write(&out, text)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            let t = &sim.truth;
            println!(
                "scenario {} seed {seed}: true partner median before D {:.2} h, after D {}, \
                 expected compared_to_usual {}",
                scenario.as_str(),
                t.partner_median_before_hours,
                t.partner_median_after_hours
                    .map_or("none (never)".to_owned(), |h| format!("{h:.2} h")),
                t.expected_compared
            );
        }
        Cmd::Validate {
            seeds,
            gap,
            elapsed_seeds,
        } => {
            let table = walkaway_sim::validate::run(seeds, gap);
            print!("{}", table.markdown());
            if elapsed_seeds > 0 {
                // Always the adaptive G: the data end changes the messages G is chosen from,
                // exactly as `--as-of` does in a report.
                let by_end = walkaway_sim::verdicts::run(elapsed_seeds, &Scenario::ALL);
                print!("\n{}", by_end.markdown());
            }
        }
        Cmd::Minimums {
            reps,
            seed,
            bootstrap_reps,
        } => {
            let settings = walkaway_sim::minimums::Settings {
                reps,
                seed,
                bootstrap_reps,
            };
            print!("{}", walkaway_sim::minimums::run(&settings).markdown());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            ExitCode::from(2)
        }
        Ok(cmd) => match run(cmd) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}
