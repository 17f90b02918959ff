//! Integration tests of accord-pattern.

mod corpus;
mod errors;
mod evaluation;
mod properties;
