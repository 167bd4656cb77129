//! Diagnosis of the conditions behind IBM HTTP Server's SSL02xx messages.
pub mod catalogue;
