//! How the command line reports: data on stdout, messages on stderr, exit codes 0/1/2.

use std::io::Write;
use std::process::ExitCode;

/// Exit code for errors.
pub const EXIT_ERROR: u8 = 2;

/// Prints an error with its causes and a hint when there is an obvious fix.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(e) {
        return ExitCode::SUCCESS;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {e}");
    for cause in e.chain().skip(1) {
        let _ = writeln!(err, "  caused by: {cause}");
    }
    if let Some(hint) = hint(e) {
        let _ = writeln!(err, "hint: {hint}");
    }
    ExitCode::from(EXIT_ERROR)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn hint(e: &anyhow::Error) -> Option<&'static str> {
    let text = format!("{e:#}");
    if text.contains("Address already in use") {
        Some("another process listens on that address; choose another with --listen 127.0.0.1:PORT")
    } else if text.contains("organization not found") {
        Some("list organization ids with `accord admin org list`")
    } else if text.contains("user not found") {
        Some("list users with `accord admin user list`")
    } else if text.contains("local collection") && text.contains("not found") {
        Some("list local collections with `accord admin taxii collections --api-root NAME`")
    } else if text.contains("--cve-org-id") {
        Some(
            "use the organisation UUID and short name the CVE program lists for your CNA \
             (its CNA partner page); leave both out if you are not a CNA",
        )
    } else if text.contains("no administrator to record") {
        Some("start `accord serve` once, or add one with `accord admin user add --role admin`")
    } else {
        None
    }
}

/// Writes a line to stdout; a closed pipe becomes an error that exits quietly.
pub fn out(line: impl std::fmt::Display) -> anyhow::Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(o, "{line}")?;
    Ok(())
}

/// Writes a value as pretty JSON to stdout.
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    out(serde_json::to_string_pretty(value)?)
}
