//! Ignored advisories: `--ignore ID` and the ignore file.
//!
//! The ignore file has one advisory per line: its id (or an alias: a CVE or GHSA id), then
//! optionally `# reason`, in which `until=YYYY-MM-DD` sets the last day the entry applies:
//!
//! ```text
//! # lines starting with # are comments
//! RUSTSEC-2020-0071   # no call path reaches localtime_r  until=2026-12-31
//! GHSA-xxxx-xxxx-xxxx
//! ```
//!
//! An entry past its date no longer applies (the caller says so). Today's date is a parameter:
//! this crate reads no clock.

use std::collections::HashSet;

use jiff::civil::Date;

use crate::scan::Report;

/// One ignored advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The advisory id or alias.
    pub id: String,
    /// Why, if given.
    pub reason: Option<String>,
    /// The last day it applies, if any.
    pub until: Option<Date>,
    /// Its line in the ignore file (`None` for `--ignore`).
    pub line: Option<u32>,
}

impl Ignore {
    /// An ignore from the command line: no reason, no end.
    pub fn id(id: &str) -> Self {
        Ignore { id: id.trim().to_owned(), reason: None, until: None, line: None }
    }

    /// Whether it still applies on `today`.
    pub fn applies(&self, today: Date) -> bool {
        self.until.is_none_or(|until| today <= until)
    }
}

/// A line of the ignore file that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct IgnoreError {
    /// The line (from 1).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Reads an ignore file.
pub fn parse(text: &str) -> Result<Vec<Ignore>, IgnoreError> {
    let mut ignores = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let (head, comment) = match raw.split_once('#') {
            Some((h, c)) => (h.trim(), Some(c.trim())),
            None => (raw.trim(), None),
        };
        if head.is_empty() {
            continue;
        }
        let mut words = head.split_whitespace();
        let id = words.next().unwrap_or_default().to_owned();
        if let Some(extra) = words.next() {
            return Err(IgnoreError {
                line,
                message: format!(
                    "one advisory id per line; {extra:?} follows {id:?} (write a reason after #)"
                ),
            });
        }
        let mut until = None;
        let mut reason_words = Vec::new();
        for word in comment.unwrap_or_default().split_whitespace() {
            match word.strip_prefix("until=") {
                Some(date) => {
                    until = Some(date.parse::<Date>().map_err(|e| IgnoreError {
                        line,
                        message: format!("until={date}: not a date YYYY-MM-DD ({e})"),
                    })?)
                }
                None => reason_words.push(word),
            }
        }
        let reason = (!reason_words.is_empty()).then(|| reason_words.join(" "));
        ignores.push(Ignore { id, reason, until, line: Some(line) });
    }
    Ok(ignores)
}

/// Removes from the report's findings, warnings and unevaluated lists every advisory whose id
/// or alias is in `ids`; answers how many were removed.
pub fn apply(report: &mut Report, ids: &HashSet<&str>) -> usize {
    let ignored: Vec<bool> = report
        .advisories
        .iter()
        .map(|a| ids.contains(a.id.as_str()) || a.aliases.iter().any(|x| ids.contains(x.as_str())))
        .collect();
    let before = report.findings.len() + report.warnings.len() + report.not_evaluated.len();
    for list in [&mut report.findings, &mut report.warnings, &mut report.not_evaluated] {
        list.retain(|f| !ignored[f.advisory]);
    }
    before - (report.findings.len() + report.warnings.len() + report.not_evaluated.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_reasons_and_dates() {
        let text = "# comment\n\nRUSTSEC-2020-0071  # no path  until=2026-12-31\nGHSA-aaaa-bbbb-cccc\nCVE-1 #until=2020-01-01 old\n";
        let got = parse(text).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].id, "RUSTSEC-2020-0071");
        assert_eq!(got[0].reason.as_deref(), Some("no path"));
        assert_eq!(got[0].until, Some(jiff::civil::date(2026, 12, 31)));
        assert_eq!(got[0].line, Some(3));
        assert_eq!(got[1].reason, None);
        assert_eq!(got[2].reason.as_deref(), Some("old"));
    }

    #[test]
    fn expiry_is_inclusive_of_the_last_day() {
        let i = &parse("X # until=2026-11-29").unwrap()[0];
        assert!(i.applies(jiff::civil::date(2026, 11, 28)));
        assert!(i.applies(jiff::civil::date(2026, 11, 29)));
        assert!(!i.applies(jiff::civil::date(2026, 11, 30)));
        assert!(Ignore::id("X").applies(jiff::civil::date(3000, 1, 1)));
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(parse("A\nB C\n").unwrap_err().line, 2);
        let e = parse("A # until=2026-13-01").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("until=2026-13-01"), "{e}");
    }
}
