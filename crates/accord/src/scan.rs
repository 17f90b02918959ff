//! `accord scan PATH…`: find lockfiles, SBOMs and package lists, read them in parallel, match
//! their packages against the advisory database (or an Accord server's OSV API), print.
//! Exit 0: nothing found; 1: vulnerabilities (or warnings with `--deny warnings`); 2: errors
//! (a file that does not read is reported and the others are still scanned).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use accord_lockfile::{Kind, Note, Parsed};
use accord_scan::ignore::{self, Ignore};
use accord_scan::{Database, FileError, Located, Outcome, Query, Report, package_list};
use anyhow::{Context, anyhow};

use crate::cli::{Deny, ScanArgs, ScanFormat};
use crate::db::database_path;
use crate::output::EXIT_ERROR;

/// Folders never walked into: version control, dependencies installed from the lockfiles
/// themselves, build output.
const SKIPPED: &[&str] = &[".git", ".hg", ".svn", "node_modules", "target", ".venv", "venv", "__pycache__"];

#[derive(Debug, Clone, Copy)]
enum Format {
    Lockfile(Kind),
    PackageList,
}

fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?;
    if package_list::is_package_list(name) {
        return Some(Format::PackageList);
    }
    Kind::detect(name).map(Format::Lockfile)
}

/// The files to read: named files (of a known format, else an error), and every file of a
/// known format below named folders, sorted.
fn find(paths: &[PathBuf], errors: &mut Vec<FileError>) -> Vec<(PathBuf, Format)> {
    let mut found = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let mut below = Vec::new();
                walk(path, &mut below, errors);
                below.sort_by(|a, b| a.0.cmp(&b.0));
                found.extend(below);
            }
            Ok(_) => match format_of(path) {
                Some(f) => found.push((path.clone(), f)),
                None => errors.push(FileError {
                    source: path.display().to_string(),
                    line: None,
                    message:
                        "not a lockfile, SBOM or package list this scanner reads (see `accord scan --help`)"
                            .into(),
                }),
            },
            Err(e) => errors.push(FileError {
                source: path.display().to_string(),
                line: None,
                message: e.to_string(),
            }),
        }
    }
    found
}

fn walk(dir: &Path, found: &mut Vec<(PathBuf, Format)>, errors: &mut Vec<FileError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(FileError { source: dir.display().to_string(), line: None, message: e.to_string() });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if !entry.file_name().to_str().is_some_and(|n| SKIPPED.contains(&n)) {
                walk(&path, found, errors);
            }
        } else if kind.is_file()
            && let Some(f) = format_of(&path)
        {
            found.push((path, f));
        }
    }
}

fn read_one(path: &Path, format: Format) -> Result<Parsed, FileError> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FileError {
        source: source.clone(),
        line: None,
        message: format!("cannot read: {e}"),
    })?;
    let parsed = match format {
        Format::Lockfile(kind) => accord_lockfile::parse(kind, &text),
        Format::PackageList => package_list::parse(&text),
    };
    parsed.map_err(|e| FileError { source, line: e.line, message: e.message })
}

/// Reads every file on every core; results in the files' order.
fn read_all(files: &[(PathBuf, Format)]) -> Vec<Result<Parsed, FileError>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Result<Parsed, FileError>)> = Vec::with_capacity(files.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((path, format)) = files.get(i) else { break };
                        mine.push((i, read_one(path, *format)));
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            done.extend(h.join().unwrap_or_default());
        }
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn load_ignores(args: &ScanArgs) -> anyhow::Result<Vec<Ignore>> {
    let mut ignores: Vec<Ignore> = args.ignore.iter().map(|id| Ignore::id(id)).collect();
    if let Some(file) = &args.ignore_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the ignore file {}", file.display()))?;
        let listed = ignore::parse(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
        let today = jiff::Zoned::now().date();
        for i in listed {
            if i.applies(today) {
                ignores.push(i);
            } else {
                eprintln!(
                    "note: {}:{}: the ignore of {} ended on {}; it no longer applies",
                    file.display(),
                    i.line.unwrap_or(0),
                    i.id,
                    i.until.map(|d| d.to_string()).unwrap_or_default(),
                );
            }
        }
    }
    Ok(ignores)
}

fn open_database(path: &Path) -> anyhow::Result<Database> {
    let file = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow!(
                "no advisory database at {}\nhint: build one with `accord db import --db {} OSV.zip` (an OSV data set, e.g. https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip), or scan with --server URL",
                path.display(),
                path.display()
            )
        } else {
            anyhow!("cannot read the advisory database {}: {e}", path.display())
        }
    })?;
    // SAFETY: the map is read-only, and `accord db import` never changes a database file in
    // place: it writes a new file and renames it over the old one, so this map keeps the old
    // file's pages. (Another program truncating the file while a scan runs could still stop
    // the scan with SIGBUS; that is the price of reading only the pages a scan needs.)
    let map = unsafe { memmap2::Mmap::map(&file) }
        .with_context(|| format!("cannot map the advisory database {}", path.display()))?;
    Database::from_storage(std::sync::Arc::new(map))
        .with_context(|| format!("{} is not a usable advisory database", path.display()))
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let ignores = load_ignores(&args)?;
    // the database first: without it there is nothing to scan against
    let database = match &args.server {
        Some(_) => None,
        None => Some(open_database(&database_path(args.db.clone())?)?),
    };
    let mut errors = Vec::new();
    let files = find(&args.paths, &mut errors);
    let mut packages: Vec<Located> = Vec::new();
    let mut notes: Vec<(Arc<str>, Note)> = Vec::new();
    for ((path, _), parsed) in files.iter().zip(read_all(&files)) {
        match parsed {
            Ok(parsed) => {
                let source: Arc<str> = path.display().to_string().into();
                notes.extend(parsed.notes.into_iter().map(|n| (source.clone(), n)));
                packages.extend(
                    parsed.packages.into_iter().map(|package| Located { source: source.clone(), package }),
                );
            }
            Err(e) => errors.push(e),
        }
    }
    let queries: Vec<Query<'_>> = packages
        .iter()
        .map(|l| Query {
            ecosystem: &l.package.ecosystem,
            name: &l.package.name,
            version: &l.package.version,
        })
        .collect();
    let mut report: Report = match (&database, &args.server) {
        (Some(db), _) => accord_scan::scan(db, &queries).context("scanning")?,
        (None, Some(url)) => crate::scan_server::scan(url, &queries)?,
        (None, None) => unreachable!("a database is opened unless --server is given"),
    };
    let ids: HashSet<&str> = ignores.iter().map(|i| i.id.as_str()).collect();
    let ignored = ignore::apply(&mut report, &ids);
    let outcome = Outcome { packages: &packages, report: &report, errors: &errors };
    let version = env!("CARGO_PKG_VERSION");
    let text = match args.format {
        ScanFormat::Json => outcome.to_json(),
        ScanFormat::Table => outcome.to_table(),
        ScanFormat::Sarif => accord_scan::sarif::to_sarif(&outcome, version),
        ScanFormat::CyclonedxVex => accord_scan::cyclonedx::to_cyclonedx_vex(&outcome, version),
    };
    if !text.is_empty() {
        crate::output::out(text.trim_end())?;
    }
    for (source, note) in &notes {
        match note.line {
            Some(line) => eprintln!("note: {source}:{line}: {}", note.message),
            None => eprintln!("note: {source}: {}", note.message),
        }
    }
    for e in &errors {
        match e.line {
            Some(line) => eprintln!("error: {}:{line}: {}", e.source, e.message),
            None => eprintln!("error: {}: {}", e.source, e.message),
        }
    }
    eprintln!(
        "Scanned {} package{} in {} file{}: {} vulnerabilit{}, {} warning{}{}{}{}.",
        packages.len(),
        if packages.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        report.findings.len(),
        if report.findings.len() == 1 { "y" } else { "ies" },
        report.warnings.len(),
        if report.warnings.len() == 1 { "" } else { "s" },
        if report.not_evaluated.is_empty() {
            String::new()
        } else {
            format!(", {} not evaluated (commit ranges only)", report.not_evaluated.len())
        },
        if ignored == 0 { String::new() } else { format!(", {ignored} ignored") },
        if errors.is_empty() {
            String::new()
        } else {
            format!(", {} error{}", errors.len(), if errors.len() == 1 { "" } else { "s" })
        },
    );
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    Ok(if !errors.is_empty() {
        ExitCode::from(EXIT_ERROR)
    } else if !report.findings.is_empty() || (deny_warnings && !report.warnings.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
