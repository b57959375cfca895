//! Simulated chat histories with known behaviour.
//!
//! walkaway's forecast and step-back verdicts are statistical claims; the only way to know they
//! are right is to run them on histories whose truth is known. This crate generates such
//! histories ([`sim`]), renders them as a WhatsApp export ([`whatsapp`]) and
//! in every format walkaway reads ([`formats`]), writes the committed
//! demo data ([`demo`]), measures how often the analysis recovers the truth ([`validate`]), and
//! measures the coverage of every interval by sample size, which sets each figure's minimum data
//! ([`minimums`]).
#![forbid(unsafe_code)]

pub mod civil;
pub mod demo;
pub mod formats;
pub mod minimums;
pub mod presets;
pub mod rng;
pub mod sim;
pub mod text;
pub mod validate;
pub mod verdicts;
pub mod whatsapp;

pub use sim::{Clock, Injection, Params, Persona, Scenario, Sim, Truth, generate};
