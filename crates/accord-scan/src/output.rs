//! What a scan prints: the JSON document, the table for people, and the shared shape of the
//! scanned packages (where each was found) and of the files that could not be read.

use std::sync::Arc;

use accord_lockfile::Package;
use serde::Serialize;

use crate::scan::{Finding, Report};

/// A package and the file it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file, as the user named it (a path).
    pub source: Arc<str>,
    /// The package, with its line when the format has lines.
    pub package: Package,
}

/// A file that could not be read, or read as its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The file.
    pub source: String,
    /// The line at fault, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

/// A scan's outcome, as the writers take it.
#[derive(Debug, Clone, Copy)]
pub struct Outcome<'a> {
    /// Every package scanned; findings refer to them by index.
    pub packages: &'a [Located],
    /// What matched.
    pub report: &'a Report,
    /// Files that could not be read.
    pub errors: &'a [FileError],
}

#[derive(Serialize)]
struct JsonPackage<'a> {
    ecosystem: &'a str,
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    package: JsonPackage<'a>,
    advisory: &'a str,
    aliases: &'a [String],
    fixed: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    informational: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    findings: Vec<JsonFinding<'a>>,
    warnings: Vec<JsonFinding<'a>>,
    not_evaluated: Vec<JsonFinding<'a>>,
    errors: &'a [FileError],
}

impl<'a> Outcome<'a> {
    /// The package of a finding.
    pub fn located(&self, f: &Finding) -> &'a Located {
        &self.packages[f.package]
    }

    fn json_finding(&self, f: &'a Finding) -> JsonFinding<'a> {
        let l = &self.packages[f.package];
        let a = &self.report.advisories[f.advisory];
        JsonFinding {
            source: &l.source,
            line: l.package.line,
            package: JsonPackage {
                ecosystem: &l.package.ecosystem,
                name: &l.package.name,
                version: &l.package.version,
            },
            advisory: &a.id,
            aliases: &a.aliases,
            fixed: &f.fixed,
            severity: a.severity.as_deref(),
            summary: a.summary.as_deref(),
            informational: a.informational.as_deref(),
        }
    }

    /// `{"findings": […], "warnings": […], "not_evaluated": […], "errors": […]}`.
    pub fn to_json(&self) -> String {
        let list = |l: &'a [Finding]| l.iter().map(|f| self.json_finding(f)).collect();
        let doc = JsonDocument {
            findings: list(&self.report.findings),
            warnings: list(&self.report.warnings),
            not_evaluated: list(&self.report.not_evaluated),
            errors: self.errors,
        };
        serde_json::to_string_pretty(&doc).expect("the document always serializes")
    }

    /// Aligned columns for people: package, version, advisory, severity, fixed, file; the
    /// warnings in a second table. Empty when there is nothing to show.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        for (title, list) in [("Vulnerabilities", &self.report.findings), ("Warnings", &self.report.warnings)]
        {
            if list.is_empty() {
                continue;
            }
            let mut rows: Vec<[String; 6]> =
                vec![["PACKAGE", "VERSION", "ADVISORY", "SEVERITY", "FIXED", "FILE"].map(String::from)];
            for f in list.iter() {
                let l = &self.packages[f.package];
                let a = &self.report.advisories[f.advisory];
                let severity = match (&a.informational, &a.severity) {
                    (Some(kind), _) => kind.clone(),
                    (None, Some(s)) => s.clone(),
                    (None, None) => "-".to_owned(),
                };
                let fixed = if f.fixed.is_empty() { "-".to_owned() } else { f.fixed.join(", ") };
                let file = match l.package.line {
                    Some(line) => format!("{}:{line}", l.source),
                    None => l.source.to_string(),
                };
                rows.push([
                    format!("{} ({})", l.package.name, l.package.ecosystem),
                    l.package.version.clone(),
                    a.id.clone(),
                    severity,
                    fixed,
                    file,
                ]);
            }
            let widths: Vec<usize> =
                (0..6).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
            out.push_str(&format!("{title} ({})\n", list.len()));
            for row in &rows {
                let mut line = String::new();
                for (c, cell) in row.iter().enumerate() {
                    if c == 5 {
                        line.push_str(cell);
                    } else {
                        line.push_str(&format!("{cell:<w$}  ", w = widths[c]));
                    }
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }
}
