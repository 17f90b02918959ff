//! `accord pattern check` and `accord pattern match`: STIX 2.1 patterns from the command line
//! (`accord-pattern`).

use std::process::ExitCode;

use accord_pattern::{ObservationSet, Pattern};
use anyhow::{Context, anyhow};
use serde_json::Value;

use crate::cli::{PatternArgs, PatternCommand};
use crate::output;

/// Exit code of a pattern that is not valid (`check`) or does not match (`match`); bad input
/// (an unreadable file, a pattern `match` cannot use) is an error, exit 2.
const EXIT_NO: u8 = 1;

/// Deeply nested patterns are parsed and evaluated recursively: a thread with room for the
/// deepest one the parser accepts.
const STACK: usize = 64 << 20;

pub fn run(args: PatternArgs) -> anyhow::Result<ExitCode> {
    std::thread::Builder::new()
        .name("pattern".into())
        .stack_size(STACK)
        .spawn(move || match args.command {
            PatternCommand::Check { pattern } => check(&pattern),
            PatternCommand::Match { pattern, file } => matches(&pattern, &file),
        })
        .context("cannot start the pattern thread")?
        .join()
        .map_err(|_| anyhow!("the pattern thread stopped unexpectedly"))?
}

fn check(pattern: &str) -> anyhow::Result<ExitCode> {
    match Pattern::parse(pattern) {
        Ok(_) => {
            output::out("ok")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(EXIT_NO))
        }
    }
}

fn matches(pattern: &str, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let shown = file.display();
    let pattern = Pattern::parse(pattern).map_err(|e| anyhow!("the pattern is not valid: {e}"))?;
    let matcher = pattern.compile().map_err(|e| anyhow!("the pattern cannot be evaluated: {e}"))?;
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {shown}"))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow!("{shown}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
    let objects = match &doc {
        Value::Object(bundle) if bundle.get("type").and_then(Value::as_str) == Some("bundle") => {
            bundle.get("objects").and_then(Value::as_array).cloned().unwrap_or_default()
        }
        Value::Array(objects) => objects.clone(),
        _ => return Err(anyhow!("{shown}: expected a STIX bundle or a list of STIX objects")),
    };
    let observations = ObservationSet::from_objects(&objects).map_err(|e| anyhow!("{shown}: {e}"))?;
    let found = matcher.matches(observations.observations()).map_err(|e| anyhow!("{shown}: {e}"))?;
    let matched = found.is_some();
    output::out(&serde_json::to_string_pretty(&found.unwrap_or_default())?)?;
    Ok(if matched { ExitCode::SUCCESS } else { ExitCode::from(EXIT_NO) })
}
