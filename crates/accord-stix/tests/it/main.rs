//! Integration tests of accord-stix: the rules on small hand-made objects, and the real STIX
//! 2.1 content published with the official schemas.

mod fixtures;
mod mutations;
mod rules;
mod schemas;
mod stix2_oracle;
