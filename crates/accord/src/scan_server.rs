//! `accord scan --server URL`: the server's OSV API says which advisories affect each package
//! (`POST /v1/querybatch`, in batches of 1000); their records (`GET /v1/vulns/{id}`) are read
//! into a database of just those advisories, which gives each finding its fixed versions,
//! severity and kind exactly as a local scan would.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use accord_client::osv_api::{OsvApi, PackageQuery};
use accord_scan::{DatabaseBuilder, Query, Report};
use anyhow::{Context, anyhow};

pub fn scan(url: &str, queries: &[Query<'_>]) -> anyhow::Result<Report> {
    let api = OsvApi::new(url)?;
    // each distinct package version is asked once
    let mut distinct: Vec<PackageQuery<'_>> = Vec::new();
    let mut slot_of: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let slots: Vec<usize> = queries
        .iter()
        .map(|q| {
            *slot_of.entry((q.ecosystem, q.name, q.version)).or_insert_with(|| {
                distinct.push(PackageQuery { ecosystem: q.ecosystem, name: q.name, version: q.version });
                distinct.len() - 1
            })
        })
        .collect();
    let answers =
        api.query_batch(&distinct).with_context(|| format!("asking {url} which advisories apply"))?;
    let mut ids: Vec<&str> = answers.iter().flatten().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    let texts = fetch_all(&api, &ids)?;
    let mut builder = DatabaseBuilder::new();
    for (id, text) in ids.iter().zip(&texts) {
        let record = accord_formats::osv::parse_record(text)
            .map_err(|e| anyhow!("{url}: the record of {id} does not read as OSV: {e}"))?;
        builder.add(&record);
    }
    let db = builder.finish()?;
    let mut report = accord_scan::scan(&db, queries)?;
    // keep what the server answered
    let answered: HashSet<(usize, &str)> = answers
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |id| (i, id.as_str())))
        .collect();
    let advisories = &report.advisories;
    let keep =
        |f: &accord_scan::Finding| answered.contains(&(slots[f.package], advisories[f.advisory].id.as_str()));
    let findings = report.findings.iter().filter(|f| keep(f)).cloned().collect();
    let warnings = report.warnings.iter().filter(|f| keep(f)).cloned().collect();
    let not_evaluated = report.not_evaluated.iter().filter(|f| keep(f)).cloned().collect();
    report.findings = findings;
    report.warnings = warnings;
    report.not_evaluated = not_evaluated;
    Ok(report)
}

/// The records' texts, fetched on a few connections at once, in the ids' order.
fn fetch_all(api: &OsvApi, ids: &[&str]) -> anyhow::Result<Vec<String>> {
    let next = AtomicUsize::new(0);
    let texts: Mutex<Vec<Option<String>>> = Mutex::new(vec![None; ids.len()]);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..ids.len().clamp(1, 8) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = ids.get(i) else { break };
                    match api.vuln(id) {
                        Ok(t) => texts.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(t),
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.into());
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e.context("fetching advisory records"));
    }
    Ok(texts.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().flatten().collect())
}
