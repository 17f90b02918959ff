//! CycloneDX 1.5 VEX (JSON): the affected packages as components (with purls where their
//! ecosystem has a purl type), and one vulnerability per advisory found, rated, with its
//! aliases as references, the components it affects, and `analysis.state: exploitable` (the
//! scanner knows a vulnerable version is present, not whether it is reachable). Informational
//! advisories are not vulnerabilities and are left out.

use std::collections::HashMap;

use serde::Serialize;

use crate::output::Outcome;
use crate::purl::purl;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    bom_format: &'static str,
    spec_version: &'static str,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Component<'a>>,
    vulnerabilities: Vec<Vulnerability<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    tools: Tools<'a>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: [ToolComponent<'a>; 1],
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Component<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Reference<'a> {
    id: &'a str,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    source: Source,
    severity: &'static str,
}

#[derive(Serialize)]
struct Analysis {
    state: &'static str,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: String,
}

#[derive(Serialize)]
struct Vulnerability<'a> {
    id: &'a str,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference<'a>>,
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    analysis: Analysis,
    affects: Vec<Affects>,
}

fn osv_source(id: &str) -> Source {
    Source { name: "OSV", url: format!("https://osv.dev/vulnerability/{id}") }
}

fn severity(level: Option<&str>) -> &'static str {
    match level {
        Some("CRITICAL") => "critical",
        Some("HIGH") => "high",
        Some("MEDIUM") => "medium",
        Some("LOW") => "low",
        Some("NONE") => "none",
        _ => "unknown",
    }
}

/// The VEX document of a scan's findings; `version` is the tool's version.
pub fn to_cyclonedx_vex(outcome: &Outcome<'_>, version: &str) -> String {
    let report = outcome.report;
    let mut components: Vec<Component<'_>> = Vec::new();
    let mut component_of: HashMap<(&str, &str, &str), String> = HashMap::new();
    let mut vulnerabilities: Vec<Vulnerability<'_>> = Vec::new();
    let mut vulnerability_of: HashMap<usize, usize> = HashMap::new();
    for f in &report.findings {
        let p = &outcome.located(f).package;
        let key = (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str());
        let bom_ref = component_of
            .entry(key)
            .or_insert_with(|| {
                let purl = purl(&p.ecosystem, &p.name, &p.version);
                let bom_ref = purl
                    .clone()
                    .unwrap_or_else(|| format!("accord:{}/{}@{}", p.ecosystem, p.name, p.version));
                components.push(Component {
                    kind: "library",
                    bom_ref: bom_ref.clone(),
                    name: &p.name,
                    version: &p.version,
                    purl,
                });
                bom_ref
            })
            .clone();
        let a = &report.advisories[f.advisory];
        let v = *vulnerability_of.entry(f.advisory).or_insert_with(|| {
            vulnerabilities.push(Vulnerability {
                id: &a.id,
                source: osv_source(&a.id),
                references: a.aliases.iter().map(|x| Reference { id: x, source: osv_source(x) }).collect(),
                ratings: vec![Rating {
                    source: osv_source(&a.id),
                    severity: severity(a.severity.as_deref()),
                }],
                description: a.summary.as_deref(),
                recommendation: None,
                analysis: Analysis { state: "exploitable" },
                affects: Vec::new(),
            });
            vulnerabilities.len() - 1
        });
        let vuln = &mut vulnerabilities[v];
        if !vuln.affects.iter().any(|x| x.reference == bom_ref) {
            vuln.affects.push(Affects { reference: bom_ref });
        }
        if !f.fixed.is_empty() {
            let text = format!("Upgrade {} to {}", p.name, f.fixed.join(" or "));
            match &mut vuln.recommendation {
                Some(r) if !r.contains(&text) => {
                    r.push_str("; ");
                    r.push_str(&text);
                }
                Some(_) => {}
                None => vuln.recommendation = Some(text),
            }
        }
    }
    let bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.5",
        version: 1,
        metadata: Metadata {
            tools: Tools { components: [ToolComponent { kind: "application", name: "accord", version }] },
        },
        components,
        vulnerabilities,
    };
    serde_json::to_string_pretty(&bom).expect("the document always serializes")
}
