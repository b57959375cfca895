//! Terminal styling that respects NO_COLOR and non-terminals.

use std::io::IsTerminal;

/// True when colour escapes may be written to stdout.
pub fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}
