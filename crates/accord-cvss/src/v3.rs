//! CVSS v3.1 scores (specification section 7), also used for v3.0 vectors.

use crate::Cvss;

/// Roundup as defined in Appendix A of the v3.1 specification: the smallest number with one
/// decimal that is equal to or higher than its input, computed on an integer scaled by 100,000
/// so that binary floating-point error (4.000000000001 for 4.0) does not push a score up.
pub(crate) fn roundup(input: f64) -> f64 {
    let scaled = (input * 100_000.0).round() as i64;
    if scaled % 10_000 == 0 { scaled as f64 / 100_000.0 } else { ((scaled / 10_000) + 1) as f64 / 10.0 }
}

/// The metrics of one vector, with each environmental metric resolved against the base metric
/// it modifies (a Modified metric that is not set takes the base value).
struct Metrics<'a> {
    cvss: &'a Cvss,
}

impl Metrics<'_> {
    fn base(&self, key: &str) -> &'static str {
        self.cvss.get(key).expect("base metrics are mandatory")
    }

    fn optional(&self, key: &str) -> &'static str {
        self.cvss.get(key).unwrap_or("X")
    }

    fn modified(&self, key: &str) -> &'static str {
        self.cvss.get(&format!("M{key}")).unwrap_or_else(|| self.base(key))
    }
}

fn attack_vector(value: &str) -> f64 {
    match value {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        _ => 0.2, // P
    }
}

fn attack_complexity(value: &str) -> f64 {
    if value == "L" { 0.77 } else { 0.44 }
}

fn privileges_required(value: &str, scope_changed: bool) -> f64 {
    match (value, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        (_, false) => 0.27, // H
        (_, true) => 0.5,
    }
}

fn user_interaction(value: &str) -> f64 {
    if value == "N" { 0.85 } else { 0.62 }
}

fn impact(value: &str) -> f64 {
    match value {
        "H" => 0.56,
        "L" => 0.22,
        _ => 0.0, // N
    }
}

fn exploit_code_maturity(value: &str) -> f64 {
    match value {
        "F" => 0.97,
        "P" => 0.94,
        "U" => 0.91,
        _ => 1.0, // X, H
    }
}

fn remediation_level(value: &str) -> f64 {
    match value {
        "W" => 0.97,
        "T" => 0.96,
        "O" => 0.95,
        _ => 1.0, // X, U
    }
}

fn report_confidence(value: &str) -> f64 {
    match value {
        "R" => 0.96,
        "U" => 0.92,
        _ => 1.0, // X, C
    }
}

fn requirement(value: &str) -> f64 {
    match value {
        "H" => 1.5,
        "L" => 0.5,
        _ => 1.0, // X, M
    }
}

pub(crate) fn base_score(cvss: &Cvss) -> f64 {
    let m = Metrics { cvss };
    let changed = m.base("S") == "C";
    let iss = 1.0 - (1.0 - impact(m.base("C"))) * (1.0 - impact(m.base("I"))) * (1.0 - impact(m.base("A")));
    let impact = if changed { 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15) } else { 6.42 * iss };
    let exploitability = 8.22
        * attack_vector(m.base("AV"))
        * attack_complexity(m.base("AC"))
        * privileges_required(m.base("PR"), changed)
        * user_interaction(m.base("UI"));
    if impact <= 0.0 {
        0.0
    } else if changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    }
}

fn temporal_factor(m: &Metrics) -> f64 {
    exploit_code_maturity(m.optional("E"))
        * remediation_level(m.optional("RL"))
        * report_confidence(m.optional("RC"))
}

pub(crate) fn temporal_score(cvss: &Cvss) -> f64 {
    roundup(base_score(cvss) * temporal_factor(&Metrics { cvss }))
}

pub(crate) fn environmental_score(cvss: &Cvss) -> f64 {
    let m = Metrics { cvss };
    let changed = m.modified("S") == "C";
    let miss = (1.0
        - (1.0 - requirement(m.optional("CR")) * impact(m.modified("C")))
            * (1.0 - requirement(m.optional("IR")) * impact(m.modified("I")))
            * (1.0 - requirement(m.optional("AR")) * impact(m.modified("A"))))
    .min(0.915);
    let modified_impact =
        if changed { 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13) } else { 6.42 * miss };
    let modified_exploitability = 8.22
        * attack_vector(m.modified("AV"))
        * attack_complexity(m.modified("AC"))
        * privileges_required(m.modified("PR"), changed)
        * user_interaction(m.modified("UI"));
    if modified_impact <= 0.0 {
        0.0
    } else if changed {
        roundup(roundup((1.08 * (modified_impact + modified_exploitability)).min(10.0)) * temporal_factor(&m))
    } else {
        roundup(roundup((modified_impact + modified_exploitability).min(10.0)) * temporal_factor(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::roundup;

    #[test]
    fn roundup_follows_appendix_a() {
        assert_eq!(roundup(4.02), 4.1);
        assert_eq!(roundup(4.0), 4.0);
        assert_eq!(roundup(4.000_000_000_000_001), 4.0);
        assert_eq!(roundup(0.0), 0.0);
        assert_eq!(roundup(9.95), 10.0);
        assert_eq!(roundup(10.0), 10.0);
    }
}
