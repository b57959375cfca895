//! Usage errors (exit code 2) and how any error is printed.

use std::fmt;

/// The command line asks for something invalid: a flag value out of its range, a date outside
/// the data, an account that appears nowhere. The message names the flag and what it accepts.
/// `main` exits with code 2 for it; every other error exits with 1.
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// A usage error with this message.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}

/// True when `err` (or anything it wraps) is a usage error.
pub fn is_usage(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<Usage>())
}

/// The error and its causes, one per line, skipping a cause whose text the message already
/// contains. Many errors put their cause in their own message ("cannot read X: permission
/// denied") and also report it as their source; printing both doubled it.
pub fn describe(err: &anyhow::Error) -> String {
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !msg.contains(&text) {
            msg.push_str("\n  caused by: ");
            msg.push_str(&text);
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let io_text = io.to_string();
        // Like a thiserror variant "cannot read {path}: {source}" with #[source].
        #[derive(Debug)]
        struct Read(std::io::Error);
        impl fmt::Display for Read {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "cannot read a.txt: {}", self.0)
            }
        }
        impl std::error::Error for Read {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err = anyhow::Error::new(Read(io));
        assert_eq!(describe(&err), format!("cannot read a.txt: {io_text}"));
        // A cause the message does not mention is kept.
        let err: anyhow::Error = Err::<(), _>(std::io::Error::other("disk on fire"))
            .context("cannot store the import")
            .unwrap_err();
        assert_eq!(
            describe(&err),
            "cannot store the import\n  caused by: disk on fire"
        );
        assert!(!is_usage(&err));
        assert!(is_usage(&usage("--window: no")));
        assert!(is_usage(
            &Err::<(), _>(usage("--gap: no"))
                .context("report")
                .unwrap_err()
        ));
    }
}
