//! The OSV schema's evaluation of `SEMVER` ranges, written here with the `semver` crate's
//! precedence: the independent reference the scanner and OSV API tests compare against.

pub fn sv(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v).ok()
}

/// Whether `v` falls in one range given as `(event, version)` pairs; `None` for a version the
/// `semver` crate does not read, or an event other than `introduced`, `fixed`, `last_affected`.
pub fn in_range(events: &[(String, String)], v: &semver::Version) -> Option<bool> {
    use std::cmp::Ordering::*;
    let mut steps: Vec<(Option<semver::Version>, u8)> = Vec::new();
    for (kind, at) in events {
        let at_v = if kind == "introduced" && at == "0" { None } else { Some(sv(at)?) };
        let order = match kind.as_str() {
            "introduced" => 0,
            "fixed" => 1,
            "last_affected" => 2,
            _ => return None,
        };
        steps.push((at_v, order));
    }
    steps.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => a.1.cmp(&b.1),
        (None, Some(_)) => Less,
        (Some(_), None) => Greater,
        (Some(x), Some(y)) => x.cmp_precedence(y).then(a.1.cmp(&b.1)),
    });
    let mut affected = false;
    for (at, order) in &steps {
        let here = at.as_ref().map_or(Less, |a| a.cmp_precedence(v));
        match order {
            0 if here != Greater => affected = true,
            1 if here != Greater => affected = false,
            2 if here == Less => affected = false,
            _ => {}
        }
    }
    Some(affected)
}
