//! `accord admin import-osv PATH…`: OSV data sets into the store, offline, all or nothing.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_app::advisories::{OsvFile, is_zip, osv_files_in_zip};
use accord_app::{App, AppError, Caller};
use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;

pub async fn run(app: &App, paths: &[PathBuf], now: Timestamp) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    if files.is_empty() {
        return Err(anyhow!("no OSV JSON file found in {}", shown(paths)));
    }
    let file_count = files.len();
    let bar = progress_bar(file_count as u64);
    let progress = {
        let bar = bar.clone();
        Arc::new(move |n| bar.inc(n))
    };
    let counts = app.import_osv_files(&Caller::Operator, files, progress, now).await;
    bar.finish_and_clear();
    let counts = counts.map_err(refused)?;
    let records = counts.added + counts.updated + counts.unchanged;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "Imported {records} OSV record{} from {} file{} in {seconds:.2} s ({:.0} records/s): {} added, {} updated, {} unchanged.",
        if records == 1 { "" } else { "s" },
        file_count,
        if file_count == 1 { "" } else { "s" },
        records as f64 / seconds.max(1e-9),
        counts.added,
        counts.updated,
        counts.unchanged,
    );
    Ok(())
}

/// The reason first (file, JSON path, what is wrong), then that nothing was stored.
fn refused(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(v) => anyhow!("{}; nothing was imported", v.message),
        other => anyhow!("{other}; nothing was imported"),
    }
}

fn shown(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

pub(crate) fn progress_bar(files: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(files);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message("reading");
    bar
}

/// A zip archive's JSON members, every `*.json` below a folder (sorted), or one JSON file.
pub(crate) fn collect(path: &Path, files: &mut Vec<OsvFile>) -> anyhow::Result<()> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        let mut found = Vec::new();
        walk(path, &mut found)?;
        // Read by the threads that parse them.
        files.extend(found.into_iter().map(OsvFile::at));
        return Ok(());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    if is_zip(&bytes) {
        files.extend(osv_files_in_zip(&name, &bytes, u64::MAX)?);
    } else {
        files.push(OsvFile::new(name, bytes));
    }
    Ok(())
}

/// The `*.json` files below `dir` in path order: each folder's entries sorted by name, depth
/// first (the order of sorting the whole paths, without comparing them component by component).
fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    entries.sort_unstable_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().with_context(|| format!("cannot read {}", path.display()))?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
            found.push(path);
        }
    }
    Ok(())
}
