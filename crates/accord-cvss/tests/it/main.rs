//! Integration tests of accord-cvss: the FIRST specifications' examples, the errors, a property
//! test of the normalised vector, and a differential test against Red Hat's `cvss` library.

mod errors;
mod generate;
mod oracle;
mod roundtrip;
mod spec_examples;
