//! Differential test against Red Hat's `cvss` library (Python), the reference implementation
//! FIRST's calculators were checked against: every score and severity must be equal.

use accord_cvss::{Cvss, Severity, Version};

use crate::generate::{Rng, V3, vector};

const RANDOM_PER_VERSION: usize = 6000;

fn severity(name: &str) -> Severity {
    match name {
        "None" => Severity::None,
        "Low" => Severity::Low,
        "Medium" => Severity::Medium,
        "High" => Severity::High,
        "Critical" => Severity::Critical,
        other => panic!("unknown severity {other:?}"),
    }
}

/// Every CVSS 3.1 base vector (2,592 of them).
fn every_v31_base_vector() -> Vec<String> {
    let mut vectors = vec!["CVSS:3.1".to_owned()];
    for (metric, values, _) in V3.iter().take(8) {
        vectors = vectors
            .iter()
            .flat_map(|v| values.iter().map(move |value| format!("{v}/{metric}:{value}")))
            .collect();
    }
    vectors
}

#[test]
fn scores_and_severities_equal_the_reference_library() {
    let Some(python) = accord_testkit::python_oracles() else { return };
    let mut rng = Rng::new(0x00C0_FFEE);
    // Each case: the vector, and which of the oracle's answers its score() must equal.
    let mut v3 = Vec::new();
    for text in every_v31_base_vector() {
        v3.push((text, false, false));
    }
    for _ in 0..RANDOM_PER_VERSION {
        let g = vector(&mut rng, "CVSS:3.1");
        v3.push((g.text, g.temporal, g.environmental));
    }
    let v4: Vec<_> = (0..RANDOM_PER_VERSION).map(|_| vector(&mut rng, "CVSS:4.0")).collect();

    // One line per 3.1 vector, two per 4.0 vector (as given, then its base metrics alone).
    let mut input = String::new();
    for (text, ..) in &v3 {
        input.push_str(text);
        input.push('\n');
    }
    for g in &v4 {
        input.push_str(&format!("{}\n{}\n", g.text, g.base_only));
    }
    let output = accord_testkit::run_python(&python, "cvss_oracle.py", &[], &input).unwrap();
    let mut lines = output.lines();
    let mut differences = Vec::new();
    let mut compared = 0;

    for (text, temporal, environmental) in &v3 {
        let answer = lines.next().expect("one answer per vector");
        let fields: Vec<&str> = answer.split(' ').collect();
        assert_eq!(fields.len(), 6, "{text}: the oracle said {answer}");
        let scores: Vec<f64> = fields[..3].iter().map(|s| s.parse().unwrap()).collect();
        // base, temporal, environmental: score() picks the last group that is set.
        let expected = if *environmental {
            2
        } else if *temporal {
            1
        } else {
            0
        };
        let cvss = Cvss::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(cvss.version(), Version::V3_1);
        let ours = (cvss.base_score(), Severity::of(cvss.base_score()), cvss.score(), cvss.severity());
        let theirs = (scores[0], severity(fields[3]), scores[expected], severity(fields[3 + expected]));
        if ours != theirs {
            differences.push(format!("{text}: ours {ours:?}, cvss {theirs:?}"));
        }
        compared += 1;
    }
    for g in &v4 {
        let full = lines.next().expect("one answer per vector");
        let base = lines.next().expect("one answer per vector");
        let parse = |answer: &str| {
            let (score, name) =
                answer.split_once(' ').unwrap_or_else(|| panic!("{}: the oracle said {answer}", g.text));
            (score.parse::<f64>().unwrap(), severity(name))
        };
        let cvss = Cvss::parse(&g.text).unwrap_or_else(|e| panic!("{}: {e}", g.text));
        let ours = (cvss.score(), cvss.severity(), cvss.base_score(), Severity::of(cvss.base_score()));
        let (score, sev) = parse(full);
        let (base_score, base_sev) = parse(base);
        let theirs = (score, sev, base_score, base_sev);
        if ours != theirs {
            differences.push(format!("{}: ours {ours:?}, cvss {theirs:?}", g.text));
        }
        compared += 1;
    }
    assert!(lines.next().is_none(), "the oracle answered more lines than it was given");
    assert_eq!(compared, v3.len() + v4.len());
    assert!(
        differences.is_empty(),
        "{} of {compared} vectors score differently:\n{}",
        differences.len(),
        differences.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
