//! Integration tests of accord-lockfile: small hand-written files of every format, and the real
//! lockfiles of the shared fixtures.

mod real_files_a;
mod real_files_b;
