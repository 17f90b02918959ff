//! The package index over every real OSV record of the shared fixtures: each `introduced` and
//! `last_affected` version of a SEMVER or ECOSYSTEM range is found affected, each `fixed`
//! version not (unless another range of the same advisory covers it), and every listed version
//! is found.

use std::path::Path;

use accord_version::{Event, PackageEntry, PackageIndex, Range, RangeKind};
use serde_json::Value;

struct Record {
    id: String,
    entries: Vec<(String, String, Vec<Range>, Vec<String>)>,
}

fn read(path: &Path) -> Record {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut entries = Vec::new();
    for a in v["affected"].as_array().into_iter().flatten() {
        let (Some(eco), Some(name)) = (a["package"]["ecosystem"].as_str(), a["package"]["name"].as_str())
        else {
            continue; // no package: commit ranges of a repository only
        };
        let ranges = a["ranges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| Range {
                kind: match r["type"].as_str() {
                    Some("SEMVER") => RangeKind::Semver,
                    Some("ECOSYSTEM") => RangeKind::Ecosystem,
                    _ => RangeKind::Git,
                },
                events: r["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        let e = e.as_object()?;
                        let (k, v) = e.iter().next()?;
                        let v = v.as_str()?.to_owned();
                        Some(match k.as_str() {
                            "introduced" => Event::Introduced(v),
                            "fixed" => Event::Fixed(v),
                            "last_affected" => Event::LastAffected(v),
                            _ => Event::Limit(v),
                        })
                    })
                    .collect(),
            })
            .collect();
        let versions = a["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        entries.push((eco.to_owned(), name.to_owned(), ranges, versions));
    }
    Record { id: v["id"].as_str().unwrap().to_owned(), entries }
}

fn records() -> Option<Vec<Record>> {
    let root = accord_testkit::shared_fixtures("osv")?;
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json")
                && path.file_name().is_some_and(|n| n != "osv-schema.json")
            {
                out.push(read(&path));
            }
        }
    }
    Some(out)
}

#[test]
fn every_boundary_of_every_real_advisory_is_answered_as_its_ranges_say() {
    let Some(records) = records() else { return };
    assert!(records.len() > 21_000, "{} records", records.len());
    let mut index = PackageIndex::new();
    let mut unreadable = Vec::new();
    let mut unreadable_entries = std::collections::HashSet::new();
    for (n, r) in records.iter().enumerate() {
        for (eco, name, ranges, versions) in &r.entries {
            let entry = PackageEntry { ecosystem: eco, name, ranges, versions };
            if let Err(e) = index.add(n, &entry) {
                unreadable.push(format!("{} ({eco} {name}): {e}", r.id));
                unreadable_entries.insert((n, eco.as_str(), name.as_str()));
            }
        }
    }
    // Every answer is asked of the index as built (each entry evaluated) and of the same index
    // with its answers worked out in advance (`finish`): they must agree.
    let mut finished = index.clone();
    finished.finish();
    let disagreements = std::cell::RefCell::new(Vec::new());
    let ask = |eco: &str, name: &str, v: &str| {
        let mut slow = index.affecting(eco, name, Some(v));
        let mut fast = finished.affecting(eco, name, Some(v));
        slow.sort_unstable();
        fast.sort_unstable();
        if slow != fast {
            disagreements.borrow_mut().push(format!("{eco} {name} {v}: {slow:?} vs {fast:?}"));
        }
        fast
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, r) in records.iter().enumerate() {
        for (eco, name, ranges, versions) in &r.entries {
            for v in versions {
                checked += 1;
                if !ask(eco, name, v).contains(&n) {
                    failures.push(format!("{}: listed {eco} {name} {v} not found", r.id));
                }
            }
            if unreadable_entries.contains(&(n, eco.as_str(), name.as_str())) {
                continue;
            }
            for range in ranges.iter().filter(|r| r.kind != RangeKind::Git) {
                let fixed: Vec<&str> = range
                    .events
                    .iter()
                    .filter_map(|e| if let Event::Fixed(v) = e { Some(v.as_str()) } else { None })
                    .collect();
                for e in &range.events {
                    let (v, want) = match e {
                        Event::Introduced(v) if v != "0" && !fixed.contains(&v.as_str()) => (v, true),
                        Event::LastAffected(v) => (v, true),
                        _ => continue,
                    };
                    checked += 1;
                    if ask(eco, name, v).contains(&n) != want {
                        failures.push(format!("{}: {eco} {name} {v} should be affected", r.id));
                    }
                }
            }
        }
    }
    // A fixed version is not affected by its own advisory unless another of its entries or
    // ranges for the same package says so: checked through the whole advisory.
    for (n, r) in records.iter().enumerate() {
        for (eco, name, ranges, _) in &r.entries {
            for range in ranges.iter().filter(|r| r.kind != RangeKind::Git) {
                for e in &range.events {
                    let Event::Fixed(v) = e else { continue };
                    let covered = r.entries.iter().any(|(e2, n2, ranges2, versions2)| {
                        e2 == eco
                            && n2 == name
                            && (versions2.contains(v)
                                || ranges2
                                    .iter()
                                    .any(|r2| !std::ptr::eq(r2, range) && r2.kind != RangeKind::Git))
                    });
                    if covered
                        || unreadable.iter().any(|u| u.starts_with(&format!("{} ({eco} {name})", r.id)))
                    {
                        continue;
                    }
                    checked += 1;
                    if ask(eco, name, v).contains(&n) {
                        failures.push(format!("{}: {eco} {name} {v} is fixed", r.id));
                    }
                }
            }
        }
    }
    eprintln!("{checked} answers checked; {} entries could not be read: {unreadable:#?}", unreadable.len());
    assert!(checked > 50_000, "{checked}");
    let disagreements = disagreements.into_inner();
    assert!(
        disagreements.is_empty(),
        "{} disagreements: {:#?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(10)]
    );
    assert!(
        failures.is_empty(),
        "{} failures, first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(20)]
    );
    assert!(
        unreadable.len() < 50,
        "{} unreadable entries: {:#?}",
        unreadable.len(),
        &unreadable[..unreadable.len().min(30)]
    );
}
