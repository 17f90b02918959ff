//! The metrics of each CVSS version, in the order of the specification's vector string, with
//! their names and the values they may take. Parsing, printing and error messages read these
//! tables; nothing else spells a metric out.

/// One metric of a vector string.
#[derive(Debug)]
pub(crate) struct Metric {
    /// The abbreviation used in vector strings, such as `AV`.
    pub key: &'static str,
    /// The name the specification gives it, such as `Attack Vector`.
    pub name: &'static str,
    /// Its values as written in vector strings, in the specification's order. `X` (Not
    /// Defined) is listed for every optional metric.
    pub values: &'static [&'static str],
    pub group: Group,
}

/// The metric groups; only base metrics are mandatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Base,
    /// CVSS v3.x Temporal, CVSS v4.0 Threat.
    Temporal,
    Environmental,
    /// CVSS v4.0 only: never changes the score.
    Supplemental,
}

impl Metric {
    pub fn mandatory(&self) -> bool {
        self.group == Group::Base
    }
}

const fn m(key: &'static str, name: &'static str, group: Group, values: &'static [&'static str]) -> Metric {
    Metric { key, name, values, group }
}

use Group::{Base, Environmental, Supplemental, Temporal};

const IMPACT: &[&str] = &["H", "L", "N"];
const MODIFIED_IMPACT: &[&str] = &["X", "H", "L", "N"];
const REQUIREMENT: &[&str] = &["X", "H", "M", "L"];

/// CVSS v3.1 (specification section 6, Table 15), which v3.0 shares.
pub(crate) const V3: &[Metric] = &[
    m("AV", "Attack Vector", Base, &["N", "A", "L", "P"]),
    m("AC", "Attack Complexity", Base, &["L", "H"]),
    m("PR", "Privileges Required", Base, &["N", "L", "H"]),
    m("UI", "User Interaction", Base, &["N", "R"]),
    m("S", "Scope", Base, &["U", "C"]),
    m("C", "Confidentiality", Base, IMPACT),
    m("I", "Integrity", Base, IMPACT),
    m("A", "Availability", Base, IMPACT),
    m("E", "Exploit Code Maturity", Temporal, &["X", "H", "F", "P", "U"]),
    m("RL", "Remediation Level", Temporal, &["X", "U", "W", "T", "O"]),
    m("RC", "Report Confidence", Temporal, &["X", "C", "R", "U"]),
    m("CR", "Confidentiality Requirement", Environmental, REQUIREMENT),
    m("IR", "Integrity Requirement", Environmental, REQUIREMENT),
    m("AR", "Availability Requirement", Environmental, REQUIREMENT),
    m("MAV", "Modified Attack Vector", Environmental, &["X", "N", "A", "L", "P"]),
    m("MAC", "Modified Attack Complexity", Environmental, &["X", "L", "H"]),
    m("MPR", "Modified Privileges Required", Environmental, &["X", "N", "L", "H"]),
    m("MUI", "Modified User Interaction", Environmental, &["X", "N", "R"]),
    m("MS", "Modified Scope", Environmental, &["X", "U", "C"]),
    m("MC", "Modified Confidentiality", Environmental, MODIFIED_IMPACT),
    m("MI", "Modified Integrity", Environmental, MODIFIED_IMPACT),
    m("MA", "Modified Availability", Environmental, MODIFIED_IMPACT),
];

const MODIFIED_SUBSEQUENT: &[&str] = &["X", "S", "H", "L", "N"];

/// CVSS v4.0 (specification section 7, Table 23).
pub(crate) const V4: &[Metric] = &[
    m("AV", "Attack Vector", Base, &["N", "A", "L", "P"]),
    m("AC", "Attack Complexity", Base, &["L", "H"]),
    m("AT", "Attack Requirements", Base, &["N", "P"]),
    m("PR", "Privileges Required", Base, &["N", "L", "H"]),
    m("UI", "User Interaction", Base, &["N", "P", "A"]),
    m("VC", "Vulnerable System Confidentiality Impact", Base, IMPACT),
    m("VI", "Vulnerable System Integrity Impact", Base, IMPACT),
    m("VA", "Vulnerable System Availability Impact", Base, IMPACT),
    m("SC", "Subsequent System Confidentiality Impact", Base, IMPACT),
    m("SI", "Subsequent System Integrity Impact", Base, IMPACT),
    m("SA", "Subsequent System Availability Impact", Base, IMPACT),
    m("E", "Exploit Maturity", Temporal, &["X", "A", "P", "U"]),
    m("CR", "Confidentiality Requirement", Environmental, REQUIREMENT),
    m("IR", "Integrity Requirement", Environmental, REQUIREMENT),
    m("AR", "Availability Requirement", Environmental, REQUIREMENT),
    m("MAV", "Modified Attack Vector", Environmental, &["X", "N", "A", "L", "P"]),
    m("MAC", "Modified Attack Complexity", Environmental, &["X", "L", "H"]),
    m("MAT", "Modified Attack Requirements", Environmental, &["X", "N", "P"]),
    m("MPR", "Modified Privileges Required", Environmental, &["X", "N", "L", "H"]),
    m("MUI", "Modified User Interaction", Environmental, &["X", "N", "P", "A"]),
    m("MVC", "Modified Vulnerable System Confidentiality Impact", Environmental, MODIFIED_IMPACT),
    m("MVI", "Modified Vulnerable System Integrity Impact", Environmental, MODIFIED_IMPACT),
    m("MVA", "Modified Vulnerable System Availability Impact", Environmental, MODIFIED_IMPACT),
    m("MSC", "Modified Subsequent System Confidentiality Impact", Environmental, MODIFIED_IMPACT),
    m("MSI", "Modified Subsequent System Integrity Impact", Environmental, MODIFIED_SUBSEQUENT),
    m("MSA", "Modified Subsequent System Availability Impact", Environmental, MODIFIED_SUBSEQUENT),
    m("S", "Safety", Supplemental, &["X", "N", "P"]),
    m("AU", "Automatable", Supplemental, &["X", "N", "Y"]),
    m("R", "Recovery", Supplemental, &["X", "A", "U", "I"]),
    m("V", "Value Density", Supplemental, &["X", "D", "C"]),
    m("RE", "Vulnerability Response Effort", Supplemental, &["X", "L", "M", "H"]),
    m("U", "Provider Urgency", Supplemental, &["X", "Clear", "Green", "Amber", "Red"]),
];
