//! stub

/// A pattern the user added in the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserPattern {
    pub signal: String,
    pub lang: String,
    pub pattern: String,
}
