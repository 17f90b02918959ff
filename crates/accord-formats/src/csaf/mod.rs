//! CSAF 2.0 (OASIS Common Security Advisory Framework): `csaf_security_advisory` and
//! `csaf_vex` documents, rendered from a neutral [`Advisory`] that the OSV records
//! ([`from_osv`]) and the advisories of coordinated disclosure are turned into.
//!
//! What the rendering guarantees, so that every document passes the CSAF schema and its
//! mandatory tests (section 6.1 of the standard):
//! * every product has one id (`CSAFPID-0001`, …) defined once in the product tree, and one
//!   status per vulnerability;
//! * every `known_affected` product has a remediation (an action statement) and every
//!   `known_not_affected` product a VEX justification flag (an impact statement);
//! * a product has at most one CVSS v3 score per vulnerability; CVSS v4.0 vectors, which
//!   CSAF 2.0 cannot carry as scores, are kept as a note;
//! * one vulnerability per CVE id, each CVE once; the other ids go to `ids`;
//! * version ranges are `product_version_range` branches written as `vers` strings, single
//!   versions are `product_version` branches;
//! * the revision history is numbered from 1 without gaps, and `tracking.version` is its last
//!   number.

mod osv;
pub mod vers;

use jiff::Timestamp;
use serde_json::{Map, Value, json};

pub use osv::from_osv;
pub use vers::{End, Interval};

/// The CSAF version written.
pub const CSAF_VERSION: &str = "2.0";

/// The TLP label of every document Accord publishes as CSAF (CSAF 2.0 uses TLP 1.0 labels;
/// WHITE is TLP 2.0's CLEAR).
pub const TLP_LABEL: &str = "WHITE";

/// `document.category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// `csaf_security_advisory`.
    SecurityAdvisory,
    /// `csaf_vex`.
    Vex,
}

impl Category {
    /// The value of `document.category`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::SecurityAdvisory => "csaf_security_advisory",
            Category::Vex => "csaf_vex",
        }
    }
}

/// An advisory as CSAF needs it, whatever it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Advisory {
    /// `document.tracking.id` (the VEX document adds `-VEX`, see [`tracking_id`]).
    pub tracking_id: String,
    /// A one-line summary, if any.
    pub summary: Option<String>,
    /// The full description, if any.
    pub details: Option<String>,
    /// When the advisory was first published.
    pub initial_release: Timestamp,
    /// When it last changed.
    pub current_release: Timestamp,
    /// When it changed after its first publication, oldest first: one revision each. Empty
    /// when only `current_release` is known: then a `current_release` after
    /// `initial_release` is one revision.
    pub changes: Vec<Timestamp>,
    /// When it was withdrawn, if it was.
    pub withdrawn: Option<Timestamp>,
    /// Its CVE ids.
    pub cves: Vec<String>,
    /// Its other ids: `(system, id)`, such as `("GHSA", "GHSA-…")`.
    pub ids: Vec<(String, String)>,
    /// Links about it.
    pub references: Vec<Reference>,
    /// Who is credited.
    pub acknowledgments: Vec<String>,
    /// CVSS vectors (v3.x and v4.0) that apply to every affected product.
    pub cvss: Vec<String>,
    /// The products (or packages) and what the advisory states about them.
    pub products: Vec<Product>,
}

/// A link of an advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The URL (only `http`/`https` URLs that are valid URIs are written).
    pub url: String,
    /// What it is.
    pub summary: String,
}

/// A product (a vendor's product, or a package of an ecosystem) and its statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// The vendor, or the ecosystem of a package.
    pub family: Family,
    /// The product or package name.
    pub name: String,
    /// The package URL without version, if it has one.
    pub purl: Option<String>,
    /// The `vers` scheme of its versions (`generic` for a vendor's product).
    pub vers_scheme: String,
    /// CVSS vectors that apply to this product only (they win over the advisory's).
    pub cvss: Vec<String>,
    /// What is stated about which of its versions.
    pub statements: Vec<Statement>,
}

/// What a product's branch hangs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Family {
    /// A vendor (`vendor` branch).
    Vendor(String),
    /// A package ecosystem (`product_family` branch).
    Ecosystem(String),
}

/// Which versions a [`Statement`] is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Versions {
    /// Every version (or the versions are not known).
    All,
    /// An interval of versions.
    Range(Interval),
    /// One version.
    Exactly(String),
}

/// The status of some versions of a product.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    /// Affected, with what to do about it.
    Affected(Remediation),
    /// Fixed.
    Fixed,
    /// Not affected, with the VEX justification (a CSAF flag label such as
    /// `vulnerable_code_not_present`).
    NotAffected(String),
    /// Still being investigated.
    UnderInvestigation,
}

/// What to do about affected versions (`remediations[].category` and `details`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Remediation {
    /// `vendor_fix`, `workaround`, `mitigation`, `none_available` or `no_fix_planned`.
    pub category: &'static str,
    /// The text.
    pub details: String,
}

/// One statement about some versions of a product.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Statement {
    /// Which versions.
    pub versions: Versions,
    /// Their status.
    pub status: Status,
}

/// The publisher and where documents live.
#[derive(Debug, Clone)]
pub struct Context {
    /// `document.publisher.name`.
    pub publisher_name: String,
    /// `document.publisher.namespace`: the publisher's URL.
    pub publisher_namespace: String,
    /// The document's own URL (a `self` reference), if it has one.
    pub self_url: Option<String>,
    /// The advisory's web page (an `external` reference), if it has one.
    pub page_url: Option<String>,
    /// The version of the program writing the document (`tracking.generator`).
    pub generator_version: String,
}

/// The publisher of every document, as the provider metadata states it too.
pub fn publisher(ctx: &Context) -> Value {
    json!({
        "category": "coordinator",
        "name": ctx.publisher_name,
        "namespace": ctx.publisher_namespace,
    })
}

/// The tracking id of an advisory's document of a category: the advisory's id, with `-VEX`
/// for the VEX document (both live in the same folder of a provider).
pub fn tracking_id(id: &str, category: Category) -> String {
    match category {
        Category::SecurityAdvisory => id.to_owned(),
        Category::Vex => format!("{id}-VEX"),
    }
}

/// The file name of a document (CSAF 2.0 section 5.1): the tracking id in lower case, every
/// character other than `+`, `-`, `a-z` and `0-9` replaced by `_`, then `.json`.
pub fn file_name(tracking_id: &str) -> String {
    let mut name: String = tracking_id
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' { c } else { '_' })
        .collect();
    name.push_str(".json");
    name
}

/// Whether a URL may be written where CSAF wants a URI: `http`/`https` and only characters a
/// URI may hold.
pub fn usable_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && url.len() <= 2048
        && url.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b))
        && percent_escapes_are_whole(url)
}

fn percent_escapes_are_whole(url: &str) -> bool {
    let b = url.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || (b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

fn timestamp(t: Timestamp) -> String {
    // Seconds are enough and keep the text stable (no sub-second noise).
    let secs = t.as_second();
    Timestamp::from_second(secs).map(|t| t.to_string()).unwrap_or_else(|_| t.to_string())
}

/// A product with its id, in the order of the tree.
struct Leaf<'a> {
    id: String,
    product: &'a Product,
    statement: &'a Statement,
}

fn leaf_name(product: &Product, versions: &Versions) -> String {
    let family = match &product.family {
        Family::Vendor(v) => v.clone(),
        Family::Ecosystem(e) => format!("({e})"),
    };
    let (first, second) = match &product.family {
        Family::Vendor(_) => (family, product.name.clone()),
        Family::Ecosystem(_) => (product.name.clone(), family),
    };
    match versions {
        Versions::All => format!("{first} {second}"),
        Versions::Range(i) => format!("{first} {second} {}", vers::describe(i)),
        Versions::Exactly(v) => format!("{first} {second} {v}"),
    }
}

fn leaf_product(leaf: &Leaf<'_>) -> Value {
    let mut product = Map::new();
    product.insert("name".into(), json!(leaf_name(leaf.product, &leaf.statement.versions)));
    product.insert("product_id".into(), json!(leaf.id));
    let purl = match (&leaf.product.purl, &leaf.statement.versions) {
        (Some(p), Versions::Exactly(v)) => vers::purl_at(p, v),
        (Some(p), _) => Some(p.clone()),
        (None, _) => None,
    };
    if let Some(purl) = purl {
        product.insert("product_identification_helper".into(), json!({ "purl": purl }));
    }
    Value::Object(product)
}

/// The leaves of one product name.
type ByName<'l, 'a> = Vec<(&'a str, Vec<&'l Leaf<'a>>)>;

/// The product tree: family → product name → version (range) leaves.
fn product_tree(leaves: &[Leaf<'_>]) -> Value {
    let mut families: Vec<(&Family, ByName<'_, '_>)> = Vec::new();
    for leaf in leaves {
        let fam = match families.iter_mut().find(|(f, _)| *f == &leaf.product.family) {
            Some(f) => f,
            None => {
                families.push((&leaf.product.family, Vec::new()));
                families.last_mut().expect("just pushed")
            }
        };
        match fam.1.iter_mut().find(|(n, _)| *n == leaf.product.name) {
            Some((_, l)) => l.push(leaf),
            None => fam.1.push((&leaf.product.name, vec![leaf])),
        }
    }
    let branches: Vec<Value> = families
        .into_iter()
        .map(|(family, products)| {
            let (category, name) = match family {
                Family::Vendor(v) => ("vendor", v),
                Family::Ecosystem(e) => ("product_family", e),
            };
            let products: Vec<Value> = products
                .into_iter()
                .map(|(name, leaves)| {
                    if let [only] = leaves.as_slice()
                        && only.statement.versions == Versions::All
                    {
                        return json!({ "category": "product_name", "name": name, "product": leaf_product(only) });
                    }
                    let versions: Vec<Value> = leaves
                        .iter()
                        .map(|leaf| {
                            let (category, branch_name) = match &leaf.statement.versions {
                                Versions::All => ("product_version_range", format!("vers:{}/*", leaf.product.vers_scheme)),
                                Versions::Range(i) => ("product_version_range", vers::vers(&leaf.product.vers_scheme, i)),
                                Versions::Exactly(v) => ("product_version", v.clone()),
                            };
                            json!({ "category": category, "name": branch_name, "product": leaf_product(leaf) })
                        })
                        .collect();
                    json!({ "category": "product_name", "name": name, "branches": versions })
                })
                .collect();
            json!({ "category": category, "name": name, "branches": products })
        })
        .collect();
    json!({ "branches": branches })
}

/// The CVSS v3 score object of a vector (`None` for a vector that does not read or is not v3).
fn cvss_v3(vector: &str) -> Option<Value> {
    let cvss = accord_cvss::Cvss::parse(vector).ok()?;
    let version = match cvss.version() {
        accord_cvss::Version::V3_0 => "3.0",
        accord_cvss::Version::V3_1 => "3.1",
        accord_cvss::Version::V4_0 => return None,
    };
    let score = cvss.base_score();
    Some(json!({
        "version": version,
        "vectorString": vector,
        "baseScore": score,
        "baseSeverity": cvss.severity().to_string().to_uppercase(),
    }))
}

fn is_v4(vector: &str) -> bool {
    vector.starts_with("CVSS:4.0/") && accord_cvss::Cvss::parse(vector).is_ok()
}

/// Renders an advisory as a CSAF 2.0 document of a category; `None` when CSAF does not apply
/// (no product: both categories need a product tree and product statuses).
pub fn render(advisory: &Advisory, category: Category, ctx: &Context) -> Option<Value> {
    // Leaves: one per distinct (product, statement), numbered in order.
    let mut leaves: Vec<Leaf<'_>> = Vec::new();
    for product in &advisory.products {
        for statement in &product.statements {
            let seen = leaves.iter().any(|l| {
                l.product.family == product.family
                    && l.product.name == product.name
                    && l.statement == statement
            });
            if !seen {
                leaves.push(Leaf { id: format!("CSAFPID-{:04}", leaves.len() + 1), product, statement });
            }
        }
    }
    if leaves.is_empty() {
        return None;
    }
    let ids_where = |keep: &dyn Fn(&Status) -> bool| -> Vec<String> {
        leaves.iter().filter(|l| keep(&l.statement.status)).map(|l| l.id.clone()).collect()
    };
    let mut status = Map::new();
    for (key, list) in [
        ("known_affected", ids_where(&|s| matches!(s, Status::Affected(_)))),
        ("fixed", ids_where(&|s| matches!(s, Status::Fixed))),
        ("known_not_affected", ids_where(&|s| matches!(s, Status::NotAffected(_)))),
        ("under_investigation", ids_where(&|s| matches!(s, Status::UnderInvestigation))),
    ] {
        if !list.is_empty() {
            status.insert(key.into(), json!(list));
        }
    }

    // Action statements: one remediation per distinct (category, text).
    let mut remediations: Vec<(&Remediation, Vec<String>)> = Vec::new();
    for leaf in &leaves {
        if let Status::Affected(r) = &leaf.statement.status {
            match remediations.iter_mut().find(|(x, _)| *x == r) {
                Some((_, ids)) => ids.push(leaf.id.clone()),
                None => remediations.push((r, vec![leaf.id.clone()])),
            }
        }
    }
    let remediations: Vec<Value> = remediations
        .into_iter()
        .map(|(r, ids)| json!({ "category": r.category, "details": r.details, "product_ids": ids }))
        .collect();

    // Impact statements: a flag per justification.
    let mut flags: Vec<(&str, Vec<String>)> = Vec::new();
    for leaf in &leaves {
        if let Status::NotAffected(label) = &leaf.statement.status {
            match flags.iter_mut().find(|(x, _)| *x == label) {
                Some((_, ids)) => ids.push(leaf.id.clone()),
                None => flags.push((label, vec![leaf.id.clone()])),
            }
        }
    }
    let flags: Vec<Value> =
        flags.into_iter().map(|(label, ids)| json!({ "label": label, "product_ids": ids })).collect();

    // Scores: the first v3 vector of the product, else of the advisory; one per product.
    let mut scores: Vec<(String, Vec<String>)> = Vec::new();
    for leaf in leaves.iter().filter(|l| matches!(l.statement.status, Status::Affected(_))) {
        let vector = leaf.product.cvss.iter().chain(&advisory.cvss).find(|v| cvss_v3(v).is_some()).cloned();
        if let Some(vector) = vector {
            match scores.iter_mut().find(|(v, _)| *v == vector) {
                Some((_, ids)) => ids.push(leaf.id.clone()),
                None => scores.push((vector, vec![leaf.id.clone()])),
            }
        }
    }
    let scores: Vec<Value> = scores
        .into_iter()
        .filter_map(|(v, ids)| cvss_v3(&v).map(|score| json!({ "cvss_v3": score, "products": ids })))
        .collect();

    let title = advisory.summary.clone().filter(|s| !s.trim().is_empty());
    let description = advisory
        .details
        .clone()
        .filter(|d| !d.trim().is_empty())
        .or_else(|| title.clone())
        .unwrap_or_else(|| format!("{} has no description; see its references.", advisory.tracking_id));
    let mut vuln_notes = vec![json!({ "category": "description", "title": "Details", "text": description })];
    let v4: Vec<&String> = advisory
        .cvss
        .iter()
        .chain(advisory.products.iter().flat_map(|p| &p.cvss))
        .filter(|v| is_v4(v))
        .collect();
    if !v4.is_empty() {
        let mut text = String::from("CVSS v4.0 vectors (CSAF 2.0 has no field for them): ");
        let mut seen: Vec<&String> = Vec::new();
        for v in v4 {
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        text.push_str(&seen.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "));
        vuln_notes.push(json!({ "category": "other", "title": "CVSS v4.0", "text": text }));
    }
    let references: Vec<Value> = advisory
        .references
        .iter()
        .filter(|r| usable_url(&r.url))
        .fold(Vec::<&Reference>::new(), |mut acc, r| {
            if !acc.iter().any(|x| x.url == r.url) {
                acc.push(r);
            }
            acc
        })
        .into_iter()
        .map(|r| json!({ "category": "external", "summary": r.summary, "url": r.url }))
        .collect();
    let ids: Vec<Value> =
        advisory.ids.iter().map(|(system, text)| json!({ "system_name": system, "text": text })).collect();
    let acknowledgments: Vec<String> =
        advisory.acknowledgments.iter().filter(|n| !n.trim().is_empty()).cloned().collect();

    let vulnerability = |cve: Option<&String>| -> Value {
        let mut v = Map::new();
        if let Some(cve) = cve {
            v.insert("cve".into(), json!(cve));
        }
        if !ids.is_empty() {
            v.insert("ids".into(), json!(ids));
        }
        if let Some(t) = &title {
            v.insert("title".into(), json!(t));
        }
        v.insert("notes".into(), json!(vuln_notes));
        v.insert("product_status".into(), Value::Object(status.clone()));
        if !remediations.is_empty() {
            v.insert("remediations".into(), json!(remediations));
        }
        if !flags.is_empty() {
            v.insert("flags".into(), json!(flags));
        }
        if !scores.is_empty() {
            v.insert("scores".into(), json!(scores));
        }
        if !references.is_empty() {
            v.insert("references".into(), json!(references));
        }
        if !acknowledgments.is_empty() {
            v.insert("acknowledgments".into(), json!([{ "names": acknowledgments }]));
        }
        v.insert("release_date".into(), json!(timestamp(advisory.initial_release)));
        Value::Object(v)
    };
    let vulnerabilities: Vec<Value> = if advisory.cves.is_empty() {
        vec![vulnerability(None)]
    } else {
        advisory.cves.iter().map(|c| vulnerability(Some(c))).collect()
    };

    // The document.
    let tracking = tracking_id(&advisory.tracking_id, category);
    let initial = timestamp(advisory.initial_release);
    let changes: Vec<Timestamp> = if advisory.changes.is_empty() {
        Some(advisory.current_release).filter(|c| *c > advisory.initial_release).into_iter().collect()
    } else {
        advisory.changes.clone()
    };
    let mut history = vec![json!({ "date": initial, "number": "1", "summary": "Initial version." })];
    let mut latest = advisory.initial_release;
    for (n, change) in changes.iter().enumerate() {
        // Dates never go back in the history (a revision recorded with an earlier date).
        latest = latest.max(*change);
        history
            .push(json!({ "date": timestamp(latest), "number": (n + 2).to_string(), "summary": "Updated." }));
    }
    let current = timestamp(latest);
    let version = history.len().to_string();
    let mut doc_notes = Vec::new();
    if let Some(t) = &title {
        doc_notes.push(json!({ "category": "summary", "title": "Summary", "text": t }));
    }
    if let Some(w) = advisory.withdrawn {
        doc_notes.push(json!({
            "category": "general",
            "title": "Withdrawn",
            "text": format!("This advisory was withdrawn on {}: it should not be relied on.", timestamp(w)),
        }));
    }
    let mut doc_refs = Vec::new();
    if let Some(url) = ctx.self_url.as_deref().filter(|u| usable_url(u)) {
        doc_refs.push(json!({ "category": "self", "summary": "This document", "url": url }));
    }
    if let Some(url) = ctx.page_url.as_deref().filter(|u| usable_url(u)) {
        doc_refs.push(json!({ "category": "external", "summary": "The advisory's web page", "url": url }));
    }
    let mut document = Map::new();
    document.insert("category".into(), json!(category.as_str()));
    document.insert("csaf_version".into(), json!(CSAF_VERSION));
    document.insert(
        "title".into(),
        json!(match &title {
            Some(t) => format!("{}: {t}", advisory.tracking_id),
            None => advisory.tracking_id.clone(),
        }),
    );
    document.insert("lang".into(), json!("en"));
    document.insert("publisher".into(), publisher(ctx));
    document.insert(
        "distribution".into(),
        json!({ "tlp": { "label": TLP_LABEL, "url": "https://www.first.org/tlp/" } }),
    );
    if !doc_notes.is_empty() {
        document.insert("notes".into(), json!(doc_notes));
    }
    if !doc_refs.is_empty() {
        document.insert("references".into(), json!(doc_refs));
    }
    document.insert(
        "tracking".into(),
        json!({
            "id": tracking,
            "status": "final",
            "version": version,
            "initial_release_date": initial,
            "current_release_date": current,
            "revision_history": history,
            "generator": {
                "engine": { "name": "Accord", "version": ctx.generator_version },
                "date": current,
            },
        }),
    );
    let mut out = Map::new();
    out.insert("document".into(), Value::Object(document));
    out.insert("product_tree".into(), product_tree(&leaves));
    out.insert("vulnerabilities".into(), json!(vulnerabilities));
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_section_5_1() {
        assert_eq!(file_name("GHSA-xq3w-v528-46rv"), "ghsa-xq3w-v528-46rv.json");
        assert_eq!(file_name("x_DEMO-2025-0001-VEX"), "x_demo-2025-0001-vex.json");
        assert_eq!(file_name("Example Corp: SA/1"), "example_corp__sa_1.json");
    }

    #[test]
    fn only_http_uris_are_usable() {
        assert!(usable_url("https://example.com/a?b=c#d"));
        assert!(usable_url("http://example.com/%20x"));
        assert!(!usable_url("https://example.com/a b"));
        assert!(!usable_url("https://example.com/%zz"));
        assert!(!usable_url("ftp://example.com/"));
        assert!(!usable_url("https:///nohost"));
        assert!(!usable_url("https://example.com/\"x\""));
    }
}
