//! The severity of a whole record, as one level of the CVSS qualitative rating scale: what a
//! list shows in a badge and what it filters on.
//!
//! [`record_severity`] takes the highest CVSS base score among the record's `severity` entries
//! (top-level and per package; `CVSS_V3` and `CVSS_V4`, read strictly by `accord-cvss`; a vector
//! it refuses is passed over) and rates it as the CVSS specifications do. A record without a
//! score falls back on the GitHub-style `database_specific.severity` text (`MODERATE` is
//! `MEDIUM`), and otherwise has no severity.

use std::fmt;
use std::str::FromStr;

use super::{Record, SeverityType};

/// A level of the CVSS qualitative severity rating scale (CVSS v3.1 section 5, the same in
/// v4.0), written in upper case (`CRITICAL`) as OSV databases write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SeverityLevel {
    /// Score 0.0.
    None,
    /// 0.1 – 3.9.
    Low,
    /// 4.0 – 6.9.
    Medium,
    /// 7.0 – 8.9.
    High,
    /// 9.0 – 10.0.
    Critical,
}

impl SeverityLevel {
    /// Every level, most severe first.
    pub const ALL: [SeverityLevel; 5] = [Self::Critical, Self::High, Self::Medium, Self::Low, Self::None];

    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `NONE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
            Self::Critical => "CRITICAL",
        }
    }

    /// The level of a GitHub-style severity text (`database_specific.severity`): the five
    /// names in any case, and `MODERATE` for `MEDIUM`.
    pub fn from_text(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("moderate") {
            return Some(Self::Medium);
        }
        Self::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(text))
    }
}

impl From<accord_cvss::Severity> for SeverityLevel {
    fn from(s: accord_cvss::Severity) -> Self {
        match s {
            accord_cvss::Severity::None => Self::None,
            accord_cvss::Severity::Low => Self::Low,
            accord_cvss::Severity::Medium => Self::Medium,
            accord_cvss::Severity::High => Self::High,
            accord_cvss::Severity::Critical => Self::Critical,
        }
    }
}

impl fmt::Display for SeverityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The refusal of a text that names no level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a severity (CRITICAL, HIGH, MEDIUM, LOW or NONE)")]
pub struct UnknownSeverity(pub String);

/// Reads the five names in any case (and `MODERATE`, as [`SeverityLevel::from_text`]).
impl FromStr for SeverityLevel {
    type Err = UnknownSeverity;

    fn from_str(text: &str) -> Result<Self, UnknownSeverity> {
        Self::from_text(text).ok_or_else(|| UnknownSeverity(text.to_owned()))
    }
}

impl serde::Serialize for SeverityLevel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The highest CVSS base score among the record's `CVSS_V3` and `CVSS_V4` vectors (top-level
/// and per package) that `accord-cvss` reads, with the vector it came from.
pub fn highest_cvss(record: &Record) -> Option<(f64, accord_cvss::Cvss)> {
    record
        .severity
        .iter()
        .chain(record.affected.iter().flat_map(|a| a.severity.iter()))
        .filter(|s| matches!(s.kind, SeverityType::CvssV3 | SeverityType::CvssV4))
        .filter_map(|s| accord_cvss::Cvss::parse(s.score.trim()).ok())
        .map(|v| (v.base_score(), v))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// The severity of a record: the rating of its highest CVSS base score, else its
/// `database_specific.severity` text, else none.
pub fn record_severity(record: &Record) -> Option<SeverityLevel> {
    if let Some((score, _)) = highest_cvss(record) {
        return Some(accord_cvss::Severity::of(score).into());
    }
    record
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(|v| v.as_str())
        .and_then(SeverityLevel::from_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn record(extra: Value) -> Record {
        let mut r = json!({ "id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-01-01T00:00:00Z" });
        if let (Value::Object(r), Value::Object(extra)) = (&mut r, extra) {
            r.extend(extra);
        }
        super::super::parse_record(&r.to_string()).expect("a valid record")
    }

    fn check(extra: Value, expected: Option<SeverityLevel>) {
        assert_eq!(record_severity(&record(extra.clone())), expected, "{extra}");
    }

    fn cvss3(metrics: &str) -> Value {
        json!({ "type": "CVSS_V3", "score": format!("CVSS:3.1/{metrics}") })
    }

    #[test]
    fn cvss_v3_scores_rate_as_the_specification_says() {
        use SeverityLevel::*;
        for (metrics, level) in [
            ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Critical), // 9.8
            ("AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", High),     // 7.5
            ("AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", Medium),   // 5.4
            ("AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N", Low),      // 2.5
            ("AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", None),     // 0.0
        ] {
            check(json!({ "severity": [cvss3(metrics)] }), Some(level));
        }
        // CVSS 3.0 vectors are scored with the 3.1 rules.
        let v30 = json!({ "type": "CVSS_V3", "score": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" });
        check(json!({ "severity": [v30] }), Some(Critical));
    }

    #[test]
    fn cvss_v4_base_scores_rate_too() {
        let v4 = |metrics: &str| json!({ "type": "CVSS_V4", "score": format!("CVSS:4.0/{metrics}") });
        // 9.3 and 6.9 in FIRST's calculator.
        check(
            json!({ "severity": [v4("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")] }),
            Some(SeverityLevel::Critical),
        );
        check(
            json!({ "severity": [v4("AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N")] }),
            Some(SeverityLevel::Medium),
        );
        // The base score (CVSS-B 9.3), not the score with the threat metric (CVSS-BT 8.1).
        check(
            json!({ "severity": [v4("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")] }),
            Some(SeverityLevel::Critical),
        );
    }

    #[test]
    fn the_highest_score_of_every_entry_wins() {
        let low = cvss3("AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N");
        let high = cvss3("AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
        check(json!({ "severity": [low.clone(), high.clone()] }), Some(SeverityLevel::High));
        // Per-package severities count, across packages.
        let affected = json!([
            { "package": { "ecosystem": "npm", "name": "a" }, "severity": [low] },
            { "package": { "ecosystem": "npm", "name": "b" }, "severity": [high] },
        ]);
        check(json!({ "affected": affected }), Some(SeverityLevel::High));
        // A score beats the database's text.
        check(
            json!({ "severity": [cvss3("AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N")], "database_specific": { "severity": "CRITICAL" } }),
            Some(SeverityLevel::Low),
        );
    }

    #[test]
    fn without_a_readable_score_the_database_text_decides() {
        use SeverityLevel::*;
        for (text, level) in [
            ("CRITICAL", Some(Critical)),
            ("HIGH", Some(High)),
            ("MODERATE", Some(Medium)),
            ("moderate", Some(Medium)),
            ("Medium", Some(Medium)),
            ("LOW", Some(Low)),
            ("NONE", Some(None)),
            ("UNKNOWN", Option::None),
        ] {
            check(json!({ "database_specific": { "severity": text } }), level);
        }
        // A vector accord-cvss refuses (a metric missing) and a CVSS v2 vector are passed over.
        let broken = json!({ "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H" });
        check(json!({ "severity": [broken], "database_specific": { "severity": "HIGH" } }), Some(High));
        let v2 = json!({ "type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P" });
        check(json!({ "severity": [v2] }), Option::None);
    }

    #[test]
    fn no_score_and_no_text_is_no_severity() {
        check(json!({}), None);
        check(json!({ "database_specific": { "source": "x" } }), None);
        check(json!({ "database_specific": { "severity": 7 } }), None);
    }

    #[test]
    fn levels_read_and_write_their_names() {
        for level in SeverityLevel::ALL {
            assert_eq!(level.as_str().parse::<SeverityLevel>(), Ok(level));
            assert_eq!(level.as_str().to_lowercase().parse::<SeverityLevel>(), Ok(level));
            assert_eq!(serde_json::to_value(level).unwrap(), json!(level.as_str()));
        }
        let err = "urgent".parse::<SeverityLevel>().unwrap_err();
        assert!(err.to_string().contains("\"urgent\""), "{err}");
        assert!(SeverityLevel::Critical > SeverityLevel::High && SeverityLevel::Low > SeverityLevel::None);
    }
}
