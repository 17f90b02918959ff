//! Integration tests of the `accord` binary: the real server on a random loopback port with a
//! temporary data folder, and the command line.

mod advisories;
mod advisories_cve;
mod advisory_pages;
mod api;
mod architecture;
mod cli;
mod csaf;
mod cvd;
mod cvd_web;
mod demo;
mod durability;
mod hunt;
mod log;
mod notifications;
mod ops;
mod osv_api;
mod pattern;
mod pull;
mod scan;
mod semver_reference;
mod signing;
mod taxii;
mod tlp;
mod web;
mod witness;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use accord_testkit::TestServer;

pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_accord"))
}

pub fn demo_server() -> TestServer {
    TestServer::start(bin(), &["--demo"]).expect("start the demo server")
}

pub fn empty_server() -> TestServer {
    TestServer::start(bin(), &[]).expect("start a server")
}

/// Runs the command line on the store in `data` (no standard input).
pub fn accord(data: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("ACCORD_DATA", data)
        .env_remove("ACCORD_DATABASE")
        .stdin(Stdio::null())
        .output()
        .expect("run accord")
}
