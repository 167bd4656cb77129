//! The shape of a kdbman rule (lint's own codes and probe's), apart from
//! the tables that list them, so that both tables and the lookups over
//! them depend on it and not on each other.

use crate::diagnose::catalogue::Severity;

/// A kdbman rule beyond the IHS catalogue (warnings GSKit does not give).
#[derive(Debug)]
pub struct ExtraRule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// Why it matters, for SARIF's rule help.
    pub help: &'static str,
}
