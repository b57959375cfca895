//! Command-line arguments as clap sees them. They are converted once into validated
//! settings (`config.rs`) before any work starts; nothing else in the binary reads raw
//! strings from the command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Is it two-sided? If you go quiet, will they reach out? Did stepping back change anything?
///
/// walkaway answers from your own message exports, on your own machine. Nothing leaves it.
#[derive(Debug, Parser)]
#[command(name = "walkaway", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import one or more exports into the local database (idempotent).
    Import(ImportArgs),
    /// List the chats in the database.
    Chats(ChatsArgs),
    /// Report on one chat: reciprocity, the forecast and, with a step-back, its outcome.
    Report(ReportArgs),
    /// Declare, follow and end a step-back plan.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// List people with their handles per source and suggested merges (nothing is merged
    /// without `link`).
    People(PeopleArgs),
    /// Link handles to a person: their chats are then reported together (`report PERSON`).
    Link(LinkArgs),
    /// Take handles away from a person again.
    Unlink(LinkArgs),
    /// Delete a chat or a person from the database for good: their messages, plans, handles
    /// and the import records that held nothing else; then the file is rewritten so that no
    /// trace of the text is left in it. Shows what it would delete unless given --yes.
    Forget(ForgetArgs),
    /// Open the app in your browser: drop exports, read the report. It runs inside the
    /// browser, served from this program on 127.0.0.1; nothing leaves this computer.
    App(AppArgs),
}

#[derive(Debug, Args)]
pub struct AppArgs {
    /// Port on 127.0.0.1 [default: a free one].
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Print the address without opening a browser.
    #[arg(long)]
    pub no_open: bool,
}

#[derive(Debug, Args)]
pub struct PeopleArgs {
    /// Print JSON instead of a list.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The person: an id or a name as `walkaway people` prints it.
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// Handles as `walkaway people` prints them: SOURCE:HANDLE, e.g. sms:+15550001111,
    /// instagram:sam.rivera, whatsapp:Sam.
    #[arg(required = true, value_name = "HANDLE")]
    pub handles: Vec<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// A chat id (`walkaway chats`) or a person: an id or a name as `walkaway people` prints it.
    #[arg(value_name = "CHAT|PERSON")]
    pub target: String,
    /// Delete; without it, only show what would be deleted.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args, Clone)]
pub struct DbArg {
    /// Database file [default: the platform data directory, e.g. ~/.local/share/walkaway/walkaway.db].
    #[arg(long, env = "WALKAWAY_DB", value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Time zone of exports without zone information (WhatsApp) [default: the system zone].
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Date order of a WhatsApp export whose dates are ambiguous: dmy, mdy or ymd.
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Export files (.txt, .zip, .json) or Instagram export folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Which participant is you (remembered for the chat).
    #[arg(long, value_name = "NAME")]
    pub me: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct ChatsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A chat id or title from `walkaway chats`, a person (id or name from `walkaway people`:
    /// every chat with them, merged across apps), or an export file to import first.
    #[arg(value_name = "CHAT | PERSON | EXPORT_PATH")]
    pub target: Option<String>,
    /// Which participant is you (remembered for the chat).
    #[arg(long, value_name = "NAME")]
    pub me: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print the JSON report (schema_version 1) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Safe to share: names become "You" and "Them", handles and message texts are left out
    /// (evidence shows only dates), in the text, HTML and JSON alike.
    #[arg(long)]
    pub redact: bool,
    /// Start date of a step-back (YYYY-MM-DD, local midnight); overrides a stored plan.
    #[arg(long, value_name = "DATE")]
    pub stepback: Option<String>,
    /// Step-back window in days, 1 to 365 [default: 14, or the stored plan's].
    #[arg(long, value_name = "DAYS")]
    pub window: Option<u32>,
    /// Fast-reply rule in minutes, 1 to 1440: replying faster breaks the plan [default: 30].
    #[arg(long, value_name = "MINUTES")]
    pub fast_reply: Option<u32>,
    /// Treat the data as ending at the end of this day (YYYY-MM-DD), from the chat's first day
    /// to today [default: when the export was made, as the export records it, else the export
    /// file's modification time, else the last message; the report says which].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Conversation gap in minutes, 1 to 10080 [default: chosen from the chat's own rhythm].
    #[arg(long, value_name = "MINUTES")]
    pub gap: Option<u32>,
    /// The partner's Instagram account, for likes and comments on their posts after the
    /// step-back (repeatable; it must appear in the imported Instagram activity).
    #[arg(long = "instagram", value_name = "ACCOUNT")]
    pub instagram: Vec<String>,
    /// Extra signal patterns file [default: signals.txt in the config directory, if present].
    #[arg(long, value_name = "FILE")]
    pub patterns: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Start a step-back plan on DATE (YYYY-MM-DD).
    Start(PlanStartArgs),
    /// How the current plan is going, in a few lines (--json: the full report).
    Status(PlanStatusArgs),
    /// End the current plan (it stays in `plan list`).
    End(PlanEndArgs),
    /// List every plan, active and ended.
    List(PlanListArgs),
    /// Show a plan's report again, by the id `plan list` prints.
    Show(PlanShowArgs),
}

#[derive(Debug, Args)]
pub struct PlanStartArgs {
    /// First day of the step-back (YYYY-MM-DD; not before the chat's first message; a future
    /// date is fine).
    #[arg(value_name = "DATE")]
    pub date: String,
    /// Chat id or title [default: the only chat].
    #[arg(long, value_name = "CHAT")]
    pub chat: Option<String>,
    /// Window in days to wait before judging, 1 to 365.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub window: u32,
    /// Replying faster than this many minutes breaks the plan, 1 to 1440.
    #[arg(long, value_name = "MINUTES", default_value_t = 30)]
    pub fast_reply: u32,
    /// The partner's Instagram account (repeatable).
    #[arg(long = "instagram", value_name = "ACCOUNT")]
    pub instagram: Vec<String>,
    /// End the chat's active plan (it stays in `plan list`) and start this one.
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct PlanStatusArgs {
    /// Chat id or title [default: the only chat].
    #[arg(long, value_name = "CHAT")]
    pub chat: Option<String>,
    /// Print the JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    /// Time zone [default: the system zone].
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Treat the data as ending at the end of this day (YYYY-MM-DD) [default: as `report`].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct PlanListArgs {
    /// Only this chat's plans (id or title).
    #[arg(long, value_name = "CHAT")]
    pub chat: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct PlanShowArgs {
    /// The plan's id, as `plan list` prints it.
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Print the JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Time zone [default: the system zone].
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Args)]
pub struct PlanEndArgs {
    /// Chat id or title [default: the only chat].
    #[arg(long, value_name = "CHAT")]
    pub chat: Option<String>,
    /// Last day of the plan (YYYY-MM-DD, not before its start) [default: today].
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
