//! `accord hunt`: load STIX indicators (bundles, a TAXII collection, an Accord server), compile
//! them into one matcher, and read log files or standard input on every core.
//! Exit 0: nothing matched; 1: matches; 2: errors (a file or line that does not read is
//! reported and the rest is still hunted).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use accord_client::taxii_fetch;
use accord_client::{PullOptions, RemoteAuth};
use accord_hunt::read::{self, Context, Format, Outcome};
use accord_hunt::{Fields, Hit, Hunter, indicator};
use anyhow::{Context as _, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use crate::cli::{HuntArgs, HuntFormat, HuntOutput};
use crate::output::EXIT_ERROR;

/// Inputs are cut into chunks of about this size at line boundaries, read on every core.
const CHUNK: usize = 4 << 20;
/// Standard input is read in blocks of this size (each cut into chunks).
const STDIN_BLOCK: usize = 64 << 20;

/// An input that could not be read, or a line of it.
struct InputError {
    source: String,
    line: Option<u64>,
    message: String,
}

impl InputError {
    fn print(&self) {
        match self.line {
            Some(line) => eprintln!("error: {}:{line}: {}", self.source, self.message),
            None => eprintln!("error: {}: {}", self.source, self.message),
        }
    }
}

fn now_micros() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

fn auth(args: &HuntArgs) -> RemoteAuth {
    match (&args.token, &args.user, &args.password) {
        (Some(token), _, _) => RemoteAuth::Bearer(token.clone()),
        (None, Some(user), Some(password)) => {
            RemoteAuth::Basic { user: user.clone(), password: password.clone() }
        }
        _ => RemoteAuth::None,
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The TAXII API root and collection of `--taxii` or `--server`, if given.
fn remote(args: &HuntArgs, rt: &tokio::runtime::Runtime) -> anyhow::Result<Option<PullOptions>> {
    let Some(collection) = &args.collection else { return Ok(None) };
    let mut options = PullOptions::new("", collection, "");
    options.auth = auth(args);
    options.api_root_url = match (&args.taxii, &args.server) {
        (Some(url), _) => url.clone(),
        (None, Some(server)) => rt
            .block_on(taxii_fetch::default_api_root(server, &options))
            .with_context(|| format!("cannot find the TAXII API root of {server}"))?,
        (None, None) => return Err(anyhow!("--collection needs --taxii URL or --server URL")),
    };
    Ok(Some(options))
}

/// Reads the indicator files and the remote collection.
fn load_indicators(
    args: &HuntArgs,
    remote: Option<&PullOptions>,
    rt: &tokio::runtime::Runtime,
    now: i64,
    errors: &mut Vec<InputError>,
) -> anyhow::Result<indicator::Loaded> {
    let mut documents: Vec<(String, Value)> = Vec::new();
    for file in &args.indicators {
        let source = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(InputError { source, line: None, message: format!("cannot read: {e}") });
                continue;
            }
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => {
                if indicator::objects_of(&v).is_empty() {
                    errors.push(InputError {
                        source,
                        line: None,
                        message: "not a STIX bundle, TAXII envelope or list of STIX objects".into(),
                    });
                } else {
                    documents.push((source, v));
                }
            }
            Err(e) => errors.push(InputError {
                source,
                line: Some(e.line() as u64),
                message: format!("not JSON: {e}"),
            }),
        }
    }
    if let Some(options) = remote {
        let bar = spinner();
        bar.set_message("fetching indicators");
        let objects = rt
            .block_on(taxii_fetch::fetch_objects(options, |n| {
                bar.set_message(format!("{n} objects fetched"))
            }))
            .with_context(|| {
                format!(
                    "cannot read the collection {} at {}",
                    options.remote_collection, options.api_root_url
                )
            })?;
        bar.finish_and_clear();
        documents.push((options.api_root_url.clone(), Value::Array(objects)));
    }
    let all: Vec<&Value> = documents.iter().flat_map(|(_, d)| indicator::objects_of(d)).collect();
    let loaded = indicator::load(all, now);
    // the documents' trees are freed on the side while the indicators compile
    std::thread::spawn(move || drop(documents));
    Ok(loaded)
}

fn spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn byte_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Files named and every file below named folders (sorted); `-` is standard input.
fn inputs(paths: &[PathBuf], errors: &mut Vec<InputError>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if paths.is_empty() {
        found.push(PathBuf::from("-"));
    }
    for path in paths {
        if path.as_os_str() == "-" {
            found.push(path.clone());
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let mut below = Vec::new();
                walk(path, &mut below, errors);
                below.sort();
                found.extend(below);
            }
            Ok(_) => found.push(path.clone()),
            Err(e) => errors.push(InputError {
                source: path.display().to_string(),
                line: None,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    found
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(InputError { source: dir.display().to_string(), line: None, message: e.to_string() });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            walk(&path, found, errors);
        } else if kind.is_file() {
            found.push(path);
        }
    }
}

/// Cuts `data` into chunks ending at line ends.
fn chunks(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while rest.len() > CHUNK {
        let cut = memchr_last_newline(&rest[..CHUNK]).map_or_else(
            // a line longer than a chunk: up to its end
            || rest[CHUNK..].iter().position(|&b| b == b'\n').map_or(rest.len(), |i| CHUNK + i + 1),
            |i| i + 1,
        );
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn memchr_last_newline(b: &[u8]) -> Option<usize> {
    b.iter().rposition(|&c| c == b'\n')
}

/// Reads `data` (whole lines) on every core; the outcome in line order, lines from 1.
fn hunt_parallel(
    hunter: &Hunter,
    format: Format,
    data: &[u8],
    context: &Context,
    bar: &ProgressBar,
) -> Outcome {
    if format == Format::Csv {
        let out = read::hunt_csv(hunter, data, context);
        bar.inc(data.len() as u64);
        return out;
    }
    let pieces = chunks(data);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(pieces.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Outcome)> = Vec::with_capacity(pieces.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(piece) = pieces.get(i) else { break };
                        mine.push((i, read::hunt_lines(hunter, format, piece, context)));
                        bar.inc(piece.len() as u64);
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
    let mut total = Outcome::default();
    for (_, mut piece) in done {
        piece.shift(total.lines);
        total.append(piece);
    }
    total
}

fn format_of(args: &HuntArgs, name: Option<&str>, head: &[u8]) -> Format {
    match args.format {
        HuntFormat::Auto => read::detect(name, head),
        HuntFormat::Json => Format::Json,
        HuntFormat::Text => Format::Text,
        HuntFormat::Csv => Format::Csv,
        HuntFormat::Syslog => Format::Syslog,
        HuntFormat::Access => Format::Access,
    }
}

/// Hunts one file: mapped into memory (read when it cannot be).
fn hunt_file(
    hunter: &Hunter,
    args: &HuntArgs,
    path: &Path,
    context: &Context,
    bar: &ProgressBar,
) -> Result<(Outcome, u64), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let len = file.metadata().map_err(|e| format!("cannot read: {e}"))?.len();
    let name = path.file_name().and_then(|n| n.to_str());
    if len == 0 {
        return Ok((Outcome::default(), 0));
    }
    // SAFETY: read-only; a log file appended to while it is read only grows past the mapped
    // length. (A file truncated meanwhile could stop the hunt with SIGBUS, as `grep` may.)
    let map = unsafe { memmap2::Mmap::map(&file) };
    let owned;
    let data: &[u8] = match &map {
        Ok(m) => m,
        Err(_) => {
            owned = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
            &owned
        }
    };
    let format = format_of(args, name, &data[..data.len().min(64 << 10)]);
    let mut out = hunt_parallel(hunter, format, data, context, bar);
    if hunter.has_multi() {
        let mut more = hunter.finish(&out.kept, context.now);
        out.hits.append(&mut more);
        out.hits.sort_by_key(|h| (h.line, h.indicator));
    }
    Ok((out, data.len() as u64))
}

/// Hunts standard input block by block.
fn hunt_stdin(
    hunter: &Hunter,
    args: &HuntArgs,
    context: &Context,
    bar: &ProgressBar,
) -> Result<(Outcome, u64), String> {
    let mut stdin = std::io::stdin().lock();
    let mut total = Outcome::default();
    let mut buffer: Vec<u8> = Vec::with_capacity(STDIN_BLOCK);
    let mut format = None;
    let mut bytes = 0u64;
    loop {
        let before = buffer.len();
        buffer.resize(STDIN_BLOCK.max(before * 2), 0);
        let mut filled = before;
        let mut eof = false;
        while filled < buffer.len() {
            match stdin.read(&mut buffer[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read: {e}")),
            }
        }
        buffer.truncate(filled);
        let format =
            *format.get_or_insert_with(|| format_of(args, None, &buffer[..buffer.len().min(64 << 10)]));
        // CSV records may span lines: read it whole
        if format == Format::Csv && !eof {
            continue;
        }
        let cut = if eof { buffer.len() } else { memchr_last_newline(&buffer).map_or(0, |i| i + 1) };
        if cut > 0 {
            let mut out = hunt_parallel(hunter, format, &buffer[..cut], context, bar);
            out.shift(total.lines);
            total.append(out);
            bytes += cut as u64;
            buffer.drain(..cut);
        }
        if eof {
            break;
        }
    }
    if hunter.has_multi() {
        let mut more = hunter.finish(&total.kept, context.now);
        total.hits.append(&mut more);
        total.hits.sort_by_key(|h| (h.line, h.indicator));
    }
    Ok((total, bytes))
}

fn time_text(t: Option<i64>) -> Option<String> {
    let t = jiff::Timestamp::from_microsecond(t?).ok()?;
    Some(t.to_string())
}

fn print_hits(hunter: &Hunter, source: &str, hits: &[Hit], output: HuntOutput) -> anyhow::Result<()> {
    let mut o = std::io::BufWriter::new(std::io::stdout().lock());
    match output {
        HuntOutput::Json => {
            for h in hits {
                let i = hunter.indicator(h.indicator);
                let line = json!({
                    "indicator": i.id,
                    "name": i.name,
                    "file": source,
                    "line": h.line,
                    "value": h.value,
                    "time": time_text(h.time),
                });
                writeln!(o, "{line}")?;
            }
        }
        HuntOutput::Table => {
            let places: Vec<String> = hits.iter().map(|h| format!("{source}:{}", h.line)).collect();
            let width = places.iter().map(|p| p.chars().count()).max().unwrap_or(0);
            let value_width = hits.iter().map(|h| h.value.chars().count().min(64)).max().unwrap_or(0);
            for (h, place) in hits.iter().zip(&places) {
                let i = hunter.indicator(h.indicator);
                let what = match &i.name {
                    Some(name) => format!("{name} ({})", i.id),
                    None => i.id.clone(),
                };
                let time = time_text(h.time).unwrap_or_else(|| "-".into());
                writeln!(o, "{place:<width$}  {:<value_width$}  {time}  {what}", h.value)?;
            }
        }
    }
    o.flush()?;
    Ok(())
}

/// Sightings per indicator: count, first and last time seen.
fn sightings(hunter: &Hunter, all: &[Hit], identity: &str, now: i64) -> Vec<Value> {
    let mut by: std::collections::BTreeMap<u32, (u64, i64, i64)> = std::collections::BTreeMap::new();
    for h in all {
        let t = h.time.unwrap_or(now);
        let e = by.entry(h.indicator).or_insert((0, t, t));
        e.0 += 1;
        e.1 = e.1.min(t);
        e.2 = e.2.max(t);
    }
    let stamp = |t: i64| accord_hunt::event::stix_time(t).replace(".000000Z", "Z");
    by.into_iter()
        .map(|(i, (count, first, last))| {
            json!({
                "type": "sighting",
                "spec_version": "2.1",
                "id": format!("sighting--{}", uuid_v4()),
                "created": stamp(now),
                "modified": stamp(now),
                "created_by_ref": identity,
                "sighting_of_ref": hunter.indicator(i).id,
                "count": count.min(999_999_999),
                "first_seen": stamp(first),
                "last_seen": stamp(last),
                "where_sighted_refs": [identity],
            })
        })
        .collect()
}

fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    // without randomness from the OS the clock keeps ids apart
    if getrandom::fill(&mut b).is_err() {
        b[..16].copy_from_slice(&(now_micros() as u128).to_le_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

pub fn run(args: HuntArgs) -> anyhow::Result<ExitCode> {
    let now = now_micros();
    let context = Context { now };
    let mut errors: Vec<InputError> = Vec::new();
    let mut fields = Fields::new();
    if let Some(file) = &args.mapping {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the mapping file {}", file.display()))?;
        fields.add_mapping(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    }
    if args.indicators.is_empty() && args.collection.is_none() {
        return Err(anyhow!(
            "no indicators: give --indicators FILE…, or --taxii URL / --server URL with --collection ID"
        ));
    }
    let rt = runtime()?;
    let remote = remote(&args, &rt)?;
    let loaded = load_indicators(&args, remote.as_ref(), &rt, now, &mut errors)?;
    for s in &loaded.skipped {
        if s.is_error() {
            eprintln!("warning: indicator {s}");
        }
    }
    let skipped_valid = loaded.skipped.iter().filter(|s| !s.is_error()).count();
    let (hunter, refused) = Hunter::new(fields, loaded.indicators);
    for (i, message) in &refused {
        eprintln!("warning: indicator {}: bad pattern: {message}", i.id);
    }
    let stats = hunter.stats();
    let files = inputs(&args.paths, &mut errors);
    for e in &errors {
        e.print();
    }
    let mut error_count = errors.len() as u64;
    let total_bytes: u64 = files
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = byte_bar(total_bytes);
    let started = Instant::now();
    let (mut lines, mut bytes, mut matches) = (0u64, 0u64, 0u64);
    let mut all_hits: Vec<Hit> = Vec::new();
    for path in &files {
        let stdin = path.as_os_str() == "-";
        let source = if stdin { "-".to_owned() } else { path.display().to_string() };
        bar.set_message(source.clone());
        let result = if stdin {
            hunt_stdin(&hunter, &args, &context, &bar)
        } else {
            hunt_file(&hunter, &args, path, &context, &bar)
        };
        match result {
            Ok((out, n)) => {
                lines += out.lines;
                bytes += n;
                matches += out.hits.len() as u64;
                bar.suspend(|| -> anyhow::Result<()> {
                    print_hits(&hunter, &source, &out.hits, args.output)?;
                    for e in &out.errors {
                        InputError { source: source.clone(), line: Some(e.line), message: e.message.clone() }
                            .print();
                    }
                    let unshown = out.error_count.saturating_sub(out.errors.len() as u64);
                    if unshown > 0 {
                        eprintln!("error: {source}: {unshown} more lines could not be read");
                    }
                    Ok(())
                })?;
                error_count += out.error_count;
                if args.sightings {
                    all_hits.extend(out.hits);
                }
            }
            Err(message) => {
                bar.suspend(|| InputError { source, line: None, message }.print());
                error_count += 1;
            }
        }
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    eprintln!(
        "Hunted {} indicator{} ({} equality, {} CIDR, {} substring, {} evaluated on each event, {} multi-observation{}) in {} line{} of {} input{} ({mb:.1} MB, {:.0} MB/s): {matches} match{}{}.",
        hunter.len(),
        if hunter.len() == 1 { "" } else { "s" },
        stats.equality_atoms,
        stats.network_atoms,
        stats.substring_atoms,
        stats.general,
        stats.multi,
        if skipped_valid > 0 {
            format!("; {skipped_valid} revoked, expired, not yet valid or not STIX")
        } else {
            String::new()
        },
        lines,
        if lines == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if elapsed > 0.0 { mb / elapsed } else { 0.0 },
        if matches == 1 { "" } else { "es" },
        if error_count > 0 {
            format!(", {error_count} error{}", if error_count == 1 { "" } else { "s" })
        } else {
            String::new()
        },
    );
    if args.sightings && !all_hits.is_empty() {
        let options =
            remote.as_ref().ok_or_else(|| anyhow!("--sightings needs --server URL or --taxii URL"))?;
        let identity = args.identity.as_deref().unwrap_or_default();
        let objects = sightings(&hunter, &all_hits, identity, now);
        let status = rt
            .block_on(taxii_fetch::add_objects(options, &objects))
            .with_context(|| format!("cannot post sightings to {}", options.api_root_url))?;
        let success = status.get("success_count").and_then(Value::as_u64).unwrap_or(0);
        let failures = status.get("failure_count").and_then(Value::as_u64).unwrap_or(0);
        eprintln!(
            "Posted {} sighting{}: {success} stored, {failures} refused.",
            objects.len(),
            if objects.len() == 1 { "" } else { "s" }
        );
        if let Some(list) = status.get("failures").and_then(Value::as_array) {
            for f in list {
                eprintln!(
                    "error: sighting {} refused: {}",
                    f.get("id").and_then(Value::as_str).unwrap_or("?"),
                    f.get("message").and_then(Value::as_str).unwrap_or("")
                );
            }
        }
        if failures > 0 {
            error_count += failures;
        }
    }
    // the process ends here: freeing the compiled indicators one by one would only take time
    std::mem::forget(hunter);
    Ok(if error_count > 0 {
        ExitCode::from(EXIT_ERROR)
    } else if matches > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
