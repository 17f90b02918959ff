//! `accord version compare`: the version order of an ecosystem, as the scanner and the OSV
//! query API use it (`accord-version`).

use std::cmp::Ordering;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use accord_version::Ecosystem;
use anyhow::{Context, anyhow};

use crate::cli::{CompareArgs, VersionArgs, VersionCommand};
use crate::output::{self, EXIT_ERROR};

pub fn run(args: VersionArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        VersionCommand::Compare(args) => compare(args),
    }
}

fn symbol(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

fn ecosystem(name: &str) -> anyhow::Result<Ecosystem> {
    name.parse::<Ecosystem>().map_err(|e| {
        let known: Vec<&str> =
            Ecosystem::ALL.iter().filter(|e| e.scheme().is_some()).map(|e| e.name()).collect();
        anyhow!("{e}\nhint: ecosystems with a version order: {}", known.join(", "))
    })
}

fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let eco = ecosystem(&args.ecosystem)?;
    if args.batch {
        return batch(eco);
    }
    let (Some(a), Some(b)) = (args.a.as_deref(), args.b.as_deref()) else {
        return Err(anyhow!("give two versions, or --batch to read pairs from standard input"));
    };
    match accord_version::compare(eco, a, b) {
        Ok(o) => {
            output::out(symbol(o))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(EXIT_ERROR))
        }
    }
}

/// One answer per input line `A B`: `<`, `=`, `>`, or `invalid` (either version invalid, or
/// the line is not two versions).
fn batch(eco: Ecosystem) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = line.with_context(|| format!("reading standard input, line {}", n + 1))?;
        let mut parts = line.split_whitespace();
        let answer = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => accord_version::compare(eco, a, b).map_or("invalid", symbol),
            _ => "invalid",
        };
        writeln!(out, "{answer}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
