//! `accord db import`: OSV data sets compiled into the scanner's database file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use accord_app::AppError;
use accord_app::advisories::parse_osv_files;
use accord_scan::DatabaseBuilder;
use anyhow::{Context, anyhow};

use crate::cli::{DbArgs, DbCommand};
use crate::env;
use crate::import_osv::{collect, progress_bar};

/// The database file: `--db`/`ACCORD_SCAN_DB`, else `osv.db` in the user's cache folder.
pub fn database_path(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p);
    }
    let cache = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".cache"),
            None => {
                return Err(anyhow!(
                    "no database given and no cache folder known (neither XDG_CACHE_HOME nor HOME is set); pass --db PATH or set {}",
                    env::SCAN_DB
                ));
            }
        },
    };
    Ok(cache.join("accord").join("osv.db"))
}

pub fn run(args: DbArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        DbCommand::Import { db, sources } => import(&database_path(db)?, &sources),
    }
}

fn import(path: &Path, sources: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut files = Vec::new();
    for source in sources {
        collect(source, &mut files)?;
    }
    if files.is_empty() {
        return Err(anyhow!(
            "no OSV JSON file found in {}",
            sources.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ));
    }
    let bar = progress_bar(files.len() as u64);
    let records = parse_osv_files(&files, &|n| bar.inc(n), &|r| r);
    let records = match records {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            let reason = match e {
                AppError::Invalid(v) => v.message,
                other => other.to_string(),
            };
            return Err(anyhow!("{reason}; the database was not written"));
        }
    };
    bar.set_message("indexing");
    let mut builder = DatabaseBuilder::new();
    for r in &records {
        builder.add(r);
    }
    let counts = builder.counts();
    let db = builder.finish().context("cannot build the database")?;
    bar.set_message("writing");
    write_atomically(path, db.to_bytes())?;
    bar.finish_and_clear();
    eprintln!(
        "Indexed {} advisories ({} affected entries, {} packages) from {} file{} in {:.2} s; left out {} withdrawn and {} repeated; {} entries have a range version their ecosystem cannot read (only their explicit versions match). Wrote {} ({:.1} MB).",
        counts.indexed,
        counts.entries,
        db.package_count(),
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        counts.withdrawn,
        counts.duplicates,
        counts.unreadable_ranges,
        path.display(),
        db.to_bytes().len() as f64 / 1e6,
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a temporary file beside `path`, syncs it, then renames it over `path`: a reader sees
/// the old database or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let name = path.file_name().ok_or_else(|| anyhow!("{} is not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
