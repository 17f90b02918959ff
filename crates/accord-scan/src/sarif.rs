//! SARIF 2.1.0 for code scanning (GitHub's upload accepts it): one rule per advisory, one
//! result per (package, advisory) located at the file and line the package was found on,
//! vulnerabilities at level `error` (critical, high) or `warning`, informational advisories at
//! level `note`. `security-severity` (a CVSS-like number GitHub sorts by) stands for the
//! severity level.

use std::collections::HashMap;

use serde::Serialize;

use crate::output::Outcome;
use crate::scan::Finding;

/// The schema URI written in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: &'static str,
    version: &'a str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Text,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: HashMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

/// A path as a relative URI reference: forward slashes, no leading `./`, reserved bytes
/// percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn security_severity(level: Option<&str>) -> Option<&'static str> {
    match level? {
        "CRITICAL" => Some("9.5"),
        "HIGH" => Some("8.0"),
        "MEDIUM" => Some("5.5"),
        "LOW" => Some("2.0"),
        "NONE" => Some("0.0"),
        _ => None,
    }
}

/// The SARIF log of a scan; `version` is the tool's version.
pub fn to_sarif(outcome: &Outcome<'_>, version: &str) -> String {
    let report = outcome.report;
    let mut rule_of: HashMap<usize, usize> = HashMap::new();
    let mut rules = Vec::new();
    let mut results = Vec::new();
    let listed = report.findings.iter().map(|f| (f, false)).chain(report.warnings.iter().map(|f| (f, true)));
    for (f, warning) in listed {
        let a = &report.advisories[f.advisory];
        let rule_index = *rule_of.entry(f.advisory).or_insert_with(|| {
            let summary = a.summary.clone().unwrap_or_else(|| format!("Advisory {}", a.id));
            let mut tags = vec!["security".to_owned(), "dependency".to_owned()];
            tags.extend(a.informational.iter().cloned());
            rules.push(Rule {
                id: a.id.clone(),
                name: a.id.replace('-', ""),
                short_description: Text { text: summary.clone() },
                full_description: Text {
                    text: if a.aliases.is_empty() {
                        summary.clone()
                    } else {
                        format!("{summary} (aliases: {})", a.aliases.join(", "))
                    },
                },
                help_uri: format!("https://osv.dev/vulnerability/{}", a.id),
                help: Text { text: format!("{summary}\nSee https://osv.dev/vulnerability/{}", a.id) },
                properties: RuleProperties {
                    security_severity: security_severity(a.severity.as_deref()),
                    tags,
                },
            });
            rules.len() - 1
        });
        results.push(result(outcome, f, rule_index, warning));
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver { name: "accord", information_uri: "https://osv.dev", version, rules },
            },
            results,
        }],
    };
    serde_json::to_string_pretty(&log).expect("the log always serializes")
}

fn result(outcome: &Outcome<'_>, f: &Finding, rule_index: usize, warning: bool) -> SarifResult {
    let l = outcome.located(f);
    let a = &outcome.report.advisories[f.advisory];
    let p = &l.package;
    let level = match (warning, a.severity.as_deref()) {
        (true, _) => "note",
        (false, Some("CRITICAL" | "HIGH")) => "error",
        (false, _) => "warning",
    };
    let fixed = if f.fixed.is_empty() {
        "no fixed version is known".to_owned()
    } else {
        format!("fixed in {}", f.fixed.join(", "))
    };
    let what =
        a.informational.as_deref().map_or("is affected by".to_owned(), |k| format!("has a {k} advisory,"));
    SarifResult {
        rule_id: a.id.clone(),
        rule_index,
        level,
        message: Text {
            text: format!("{} {} ({}) {what} {}: {fixed}", p.name, p.version, p.ecosystem, a.id),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&l.source) },
                region: Region { start_line: p.line.unwrap_or(1).max(1) },
            },
        }],
        partial_fingerprints: HashMap::from([(
            "accordPackage/v1",
            format!("{}/{}/{}/{}", a.id, p.ecosystem, p.name, p.version),
        )]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(super::uri("./a b/Cargo.lock"), "a%20b/Cargo.lock");
        assert_eq!(super::uri("dir\\x.json"), "dir/x.json");
    }
}
