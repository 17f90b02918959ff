//! OSV range evaluation against the cases of `fixtures/ranges.txt` (its header gives the
//! format), with one `check` helper.

use accord_version::{Affected, Ecosystem, Event, Range, RangeKind, Verdict, VersionError, affected};

const CASES: &str = include_str!("fixtures/ranges.txt");

struct Case {
    ecosystem: Ecosystem,
    ranges: Vec<Range>,
    versions: Vec<String>,
    version: String,
}

fn read_range(text: &str) -> Range {
    let mut words = text.split_whitespace();
    let kind = match words.next().expect("a range type") {
        "SEMVER" => RangeKind::Semver,
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "GIT" => RangeKind::Git,
        other => panic!("unknown range type {other:?}"),
    };
    let events = words
        .map(|word| {
            let (name, v) = word.split_once('=').unwrap_or_else(|| panic!("not name=version: {word:?}"));
            match name {
                "introduced" => Event::Introduced(v.into()),
                "fixed" => Event::Fixed(v.into()),
                "last_affected" => Event::LastAffected(v.into()),
                "limit" => Event::Limit(v.into()),
                other => panic!("unknown event {other:?}"),
            }
        })
        .collect();
    Range { kind, events }
}

fn read_case(line: &str) -> (Case, &str) {
    let (input, expected) = line.split_once(" => ").expect("INPUT => VERDICT");
    let fields: Vec<&str> = input.split(" | ").map(str::trim).collect();
    let [ecosystem, ranges, versions, version] = fields[..] else { panic!("four fields: {line}") };
    let ranges = if ranges == "-" { Vec::new() } else { ranges.split(';').map(read_range).collect() };
    let versions =
        if versions == "-" { Vec::new() } else { versions.split(',').map(|v| v.trim().to_owned()).collect() };
    let ecosystem = ecosystem.parse().expect("an OSV ecosystem");
    (Case { ecosystem, ranges, versions, version: version.to_owned() }, expected.trim())
}

fn verdict_name(result: &Result<Verdict, VersionError>) -> &'static str {
    match result {
        Ok(Verdict::Affected) => "affected",
        Ok(Verdict::NotAffected) => "not-affected",
        Ok(Verdict::NotEvaluated) => "not-evaluated",
        Err(_) => "error",
    }
}

/// Evaluates `input` with [`affected`] and with a compiled [`Affected`] (where the entry
/// compiles) and compares with `expected`; on a mismatch returns what was got.
fn check(input: &Case, expected: &str) -> Result<(), String> {
    let got = affected(input.ecosystem, &input.ranges, &input.versions, &input.version);
    if verdict_name(&got) != expected {
        return Err(format!("got {got:?}"));
    }
    if let Ok(compiled) = Affected::compile(input.ecosystem, &input.ranges, &input.versions) {
        let again = compiled.verdict(&input.version);
        if verdict_name(&again) != expected {
            return Err(format!("compiled: got {again:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_fixture_case_gives_its_verdict() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (i, line) in CASES.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        count += 1;
        let (case, expected) = read_case(line);
        if let Err(got) = check(&case, expected) {
            failures.push(format!("ranges.txt:{}: {line}\n    {got}", i + 1));
        }
    }
    assert!(count >= 50, "only {count} cases read");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn an_invalid_version_is_named_in_the_error() {
    let (case, _) = read_case("npm | SEMVER introduced=banana fixed=1.0.0 | - | 0.5.0 => error");
    let err = affected(case.ecosystem, &case.ranges, &case.versions, &case.version).unwrap_err();
    assert!(err.to_string().contains("\"banana\""), "{err}");
    let (case, _) = read_case("Android | ECOSYSTEM introduced=0 fixed=14 | - | 13 => error");
    let err = affected(case.ecosystem, &case.ranges, &case.versions, &case.version).unwrap_err();
    assert_eq!(err, VersionError::Unordered { ecosystem: Ecosystem::Android });
}
