//! `accord`: the command line. Parses arguments and wires the crates together; the rules live
//! in `accord-app`, the HTTP layer in `accord-server`.

mod admin;
mod cli;
mod db;
mod env;
mod hunt;
mod import_osv;
mod log;
mod output;
mod pattern;
mod scan;
mod scan_server;
mod serve;
mod signature;
mod taxii;
mod version;
mod witness;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Serve(args) => serve::run(args),
        cli::Command::Admin(args) => admin::run(args),
        cli::Command::Signature(args) => signature::run(args),
        cli::Command::Taxii(args) => taxii::run(args),
        cli::Command::Version(args) => version::run(args),
        cli::Command::Db(args) => db::run(args),
        cli::Command::Scan(args) => scan::run(args),
        cli::Command::Pattern(args) => pattern::run(args),
        cli::Command::Log(args) => log::run(args),
        cli::Command::Hunt(args) => hunt::run(args),
        cli::Command::Witness(args) => witness::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => output::report_error(&e),
    }
}
