//! CVE JSON 5 records of advisories that have a CVE id: the CNA container Accord would submit
//! to the CVE program for them, written by `accord_formats::cve`.
//!
//! The advisory is found as [`App::advisory_osv`] finds it: an imported OSV record by id or
//! alias, or a case advisory by `ACCORD-YYYY-NNNN` / `x_ACCORD-YYYY-NNNN`. An imported record is
//! written from its OSV text; a case advisory from its OSV rendering
//! ([`case_advisory_osv`](crate::advisories::case_advisory_osv): summary, details, CVSS,
//! credits, references, dates), with the vendors' products of the case as `affected` (see
//! [`case_products`]).
//!
//! **Who the CNA is.** A CVE record names the CNA that assigned the id (`assignerOrgId`,
//! `assignerShortName`) and wrote the container (`providerMetadata`). The CVE program gives each
//! CNA its organisation UUID and short name; an operator who is a CNA sets them with
//! [`App::with_cve_assigner`] (`accord serve --cve-org-id … --cve-org-short-name …`). Without
//! them, records name [`default_cve_assigner`]: the short name `accord` and an id that stands
//! for no real CNA, so such records are previews, not submissions.

use std::sync::Arc;

use accord_formats::cve::{self, Assigner, CveId, Limit, Product, Status, VersionEntry, VersionRange};
use accord_formats::osv;
use accord_model::ValidationError;
use serde_json::Value;

use crate::advisories::{OsvDocument, case_advisory_id, case_advisory_osv, osv_document};
use crate::{App, AppError};

/// The assigner of records when the operator has named none: short name `accord`, and as
/// organisation id the UUID version 5 of the name `accord` in the URL namespace, with its
/// version bits set to 4, because the CVE schema accepts only version 4 UUIDs there. Fixed, so
/// documents keep their entity tags across restarts; it belongs to no CNA.
pub fn default_cve_assigner() -> Assigner {
    let v5 = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"accord");
    let v4_form = uuid::Builder::from_random_bytes(*v5.as_bytes()).into_uuid();
    Assigner {
        org_id: v4_form.hyphenated().to_string().parse().expect("a version 4 UUID is an organisation id"),
        short_name: "accord".parse().expect("a valid short name"),
    }
}

/// A CNA as the operator names it: its organisation id as the CVE program gave it (a version 4
/// UUID) and its short name (2–32 characters). The error names the field (`cve_org_id`,
/// `cve_org_short_name`).
pub fn parse_cve_assigner(org_id: &str, short_name: &str) -> Result<Assigner, AppError> {
    let org_id = org_id.trim().parse().map_err(|e| ValidationError::new("cve_org_id", e))?;
    let short_name = short_name.trim().parse().map_err(|e| ValidationError::new("cve_org_short_name", e))?;
    Ok(Assigner { org_id, short_name })
}

impl App {
    /// The CNA the CVE records name (see the [module documentation](self) and
    /// [`parse_cve_assigner`]).
    pub fn with_cve_assigner(mut self, org_id: &str, short_name: &str) -> Result<Self, AppError> {
        self.cve_assigner = Arc::new(parse_cve_assigner(org_id, short_name)?);
        Ok(self)
    }

    /// The CNA the CVE records name.
    pub fn cve_assigner(&self) -> &Assigner {
        &self.cve_assigner
    }

    /// An advisory's CVE JSON 5 record, with a strong entity tag (SHA-256 of the text).
    ///
    /// The CVE id is `cve` when given, which must be one of the advisory's CVE ids; else `id`
    /// itself when it is one of them (asked for by a CVE alias); else the advisory's own id when
    /// it is a CVE id; else the first of its CVE aliases (by year, then number). An advisory
    /// without CVE id, or a `cve` that is not one of its ids, is not found.
    pub async fn advisory_cve(&self, id: &str, cve: Option<&str>) -> Result<OsvDocument, AppError> {
        let (record, products) = if let Some(local) = case_advisory_id(id) {
            let (_, document) = self.store.advisory(local).await?.ok_or(AppError::NotFound("advisory"))?;
            let document: Value =
                serde_json::from_str(&document).map_err(|e| AppError::Internal(e.to_string()))?;
            (case_advisory_osv(local, &document)?, Some(case_products(&document)))
        } else {
            let stored = self.store.osv_advisory(id).await?.ok_or(AppError::NotFound("advisory"))?;
            let record = osv::parse_record(&stored.document)
                .map_err(|e| AppError::Internal(format!("stored advisory {id}: {e}")))?;
            (record, None)
        };
        let cve_id = choose_cve(id, &record, cve)?;
        Ok(osv_document(render_cve(&record, &cve_id, &self.cve_assigner, products)?))
    }
}

/// The text of the CVE record of `cve_id` written from an advisory's OSV record, with the
/// products of a case advisory when it names some.
pub(crate) fn render_cve(
    record: &osv::Record,
    cve_id: &CveId,
    assigner: &Assigner,
    products: Option<Vec<Product>>,
) -> Result<String, AppError> {
    let mut written = cve::from_osv(record, cve_id, assigner);
    if let Some(products) = products.filter(|p| !p.is_empty()) {
        written.containers.cna.affected = products;
    }
    serde_json::to_string(&written).map_err(|e| AppError::Internal(e.to_string()))
}

/// The CVE id of the record to write (see [`App::advisory_cve`]).
fn choose_cve(asked: &str, record: &osv::Record, cve: Option<&str>) -> Result<CveId, AppError> {
    let ids = cve::cve_ids(record);
    let find = |wanted: &str| ids.iter().find(|i| i.as_str() == wanted).cloned();
    match cve {
        Some(wanted) => find(wanted.trim()).ok_or(AppError::NotFound("CVE id")),
        None => find(asked)
            .or_else(|| find(record.id.as_str()))
            .or_else(|| ids.first().cloned())
            .ok_or(AppError::NotFound("CVE id")),
    }
}

/// The products of a case advisory's document, one per vendor statement:
///
/// * `affected`: `defaultStatus: affected`, since the vendor named no version that is not;
/// * `fixed`: versions before the fixed one affected (`{"version": "0", "lessThan": fixed,
///   "versionType": "custom"}`: the case does not say how the product numbers its versions),
///   every other one `unaffected`;
/// * `not_affected`: `defaultStatus: unaffected`;
/// * `under_investigation`, or a `fixed` without a version: `defaultStatus: unknown`.
///
/// A statement whose vendor or product the schema cannot hold (empty, over 512 or 2,048
/// characters) is left out.
pub fn case_products(document: &Value) -> Vec<Product> {
    let entries = document.get("affected").and_then(Value::as_array).into_iter().flatten();
    let text = |v: &Value, key: &str, max: usize| {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.chars().count() <= max)
            .map(str::to_owned)
    };
    let mut products = Vec::new();
    for a in entries {
        let (Some(vendor), Some(product)) = (text(a, "vendor", 512), text(a, "product", 2048)) else {
            continue;
        };
        let mut p = Product { vendor: Some(vendor), product: Some(product), ..Product::default() };
        match (a.get("status").and_then(Value::as_str), text(a, "fixed_version", 1024)) {
            (Some("affected"), _) => p.default_status = Some(Status::Affected),
            (Some("fixed"), Some(fixed)) => {
                p.default_status = Some(Status::Unaffected);
                p.versions = vec![VersionEntry::Range(VersionRange {
                    version: "0".to_owned(),
                    status: Status::Affected,
                    version_type: "custom".to_owned(),
                    limit: Limit::LessThan(fixed),
                    changes: Vec::new(),
                })];
            }
            (Some("not_affected"), _) => p.default_status = Some(Status::Unaffected),
            _ => p.default_status = Some(Status::Unknown),
        }
        products.push(p);
    }
    products
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_default_assigner_is_fixed_and_schema_shaped() {
        let a = default_cve_assigner();
        assert_eq!(a, default_cve_assigner());
        assert_eq!(a.short_name.as_str(), "accord");
        let id = uuid::Uuid::parse_str(a.org_id.as_str()).unwrap();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        // Derived from the v5 UUID of `accord`: only the version bits differ.
        let v5 = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"accord");
        let differing: Vec<usize> = (0..16).filter(|&i| id.as_bytes()[i] != v5.as_bytes()[i]).collect();
        assert_eq!(differing, [6], "{id} / {v5}");
    }

    fn record(id: &str, aliases: &[&str]) -> osv::Record {
        osv::parse_record(
            &json!({ "id": id, "modified": "2024-01-01T00:00:00Z", "aliases": aliases }).to_string(),
        )
        .unwrap()
    }

    #[test]
    fn which_cve_id_is_written() {
        let chosen = |asked: &str, r: &osv::Record, cve: Option<&str>| {
            choose_cve(asked, r, cve).map(|c| c.to_string()).map_err(|e| e.to_string())
        };
        let ghsa = record("GHSA-aaaa-bbbb-cccc", &["CVE-2099-0200", "CVE-2099-0100"]);
        assert_eq!(chosen("GHSA-aaaa-bbbb-cccc", &ghsa, None), Ok("CVE-2099-0100".into()));
        assert_eq!(chosen("CVE-2099-0200", &ghsa, None), Ok("CVE-2099-0200".into()));
        assert_eq!(chosen("GHSA-aaaa-bbbb-cccc", &ghsa, Some("CVE-2099-0200")), Ok("CVE-2099-0200".into()));
        assert_eq!(
            chosen("GHSA-aaaa-bbbb-cccc", &ghsa, Some("CVE-2099-0300")),
            Err("CVE id not found".into())
        );
        assert_eq!(chosen("GHSA-aaaa-bbbb-cccc", &ghsa, Some("not a CVE")), Err("CVE id not found".into()));
        let cve = record("CVE-2099-0500", &["CVE-2099-0001"]);
        assert_eq!(chosen("CVE-2099-0500", &cve, None), Ok("CVE-2099-0500".into()));
        let none = record("RUSTSEC-2099-0001", &["GHSA-aaaa-bbbb-cccc"]);
        assert_eq!(chosen("RUSTSEC-2099-0001", &none, None), Err("CVE id not found".into()));
    }

    #[test]
    fn case_statements_become_products() {
        let document = json!({ "affected": [
            { "vendor": "Microsoft", "product": "Example TLS", "status": "fixed", "fixed_version": "3.2.1" },
            { "vendor": "Cisco", "product": "Example TLS", "status": "not_affected", "justification": "vulnerable_code_not_present" },
            { "vendor": "Oracle", "product": "Example TLS", "status": "affected" },
            { "vendor": "Acme", "product": "Example TLS", "status": "under_investigation" },
            { "vendor": "", "product": "Example TLS", "status": "affected" },
        ] });
        let written = serde_json::to_value(case_products(&document)).unwrap();
        assert_eq!(
            written,
            json!([
                { "vendor": "Microsoft", "product": "Example TLS", "defaultStatus": "unaffected", "versions": [
                    { "version": "0", "status": "affected", "versionType": "custom", "lessThan": "3.2.1" },
                ] },
                { "vendor": "Cisco", "product": "Example TLS", "defaultStatus": "unaffected" },
                { "vendor": "Oracle", "product": "Example TLS", "defaultStatus": "affected" },
                { "vendor": "Acme", "product": "Example TLS", "defaultStatus": "unknown" },
            ])
        );
    }

    #[tokio::test]
    async fn demo_advisories_with_cve_ids_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let key = accord_model::seal::SealingKey::from_hex(&crate::new_sealing_key_hex().unwrap()).unwrap();
        let app = App::open(&crate::StoreLocation::Sqlite(dir.path().to_path_buf()))
            .unwrap()
            .with_sealing_key(key)
            .with_log_signer(crate::log::new_log_signer("test.example/log").unwrap())
            .with_cve_assigner("7a3f0c52-1d4e-4b8a-9c6e-2f5b8d9e0a14", "DEMO-CNA")
            .unwrap();
        assert!(app.load_demo("2026-01-06T08:00:00Z".parse().unwrap()).await.unwrap());
        let written = |doc: &OsvDocument| -> Value { serde_json::from_str(&doc.json).unwrap() };

        let doc = app.advisory_cve("x_DEMO-2025-0009", None).await.unwrap();
        let record = written(&doc);
        assert_eq!(record["cveMetadata"]["cveId"], "CVE-2099-0003");
        assert_eq!(record["cveMetadata"]["assignerOrgId"], "7a3f0c52-1d4e-4b8a-9c6e-2f5b8d9e0a14");
        assert_eq!(record["containers"]["cna"]["providerMetadata"]["shortName"], "DEMO-CNA");
        assert_eq!(
            record["containers"]["cna"]["affected"][0]["packageName"],
            "org.example.kestrel:kestrel-core"
        );
        {
            use sha2::Digest;
            assert_eq!(doc.etag, hex::encode(sha2::Sha256::digest(doc.json.as_bytes())));
        }
        // The same document each time; another CVE id, another document.
        assert_eq!(app.advisory_cve("x_DEMO-2025-0009", None).await.unwrap().etag, doc.etag);
        let other = app.advisory_cve("x_DEMO-2025-0009", Some("CVE-2099-0004")).await.unwrap();
        assert_eq!(written(&other)["cveMetadata"]["cveId"], "CVE-2099-0004");
        assert_ne!(other.etag, doc.etag);
        let by_alias = app.advisory_cve("CVE-2099-0004", None).await.unwrap();
        assert_eq!(by_alias.json, other.json);

        let case = app.advisories(&Default::default()).await.unwrap().advisories;
        let case = case.iter().find(|a| a.source == "accord").expect("the demo publishes a case");
        let record = written(&app.advisory_cve(&case.id, None).await.unwrap());
        assert_eq!(record["cveMetadata"]["cveId"], "CVE-2099-0005");
        let vendors: Vec<&str> = record["containers"]["cna"]["affected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["vendor"].as_str().unwrap())
            .collect();
        assert_eq!(vendors.len(), 3, "{record}");
        assert!(record["containers"]["cna"]["metrics"].as_array().unwrap().len() == 2, "{record}");
        assert_eq!(written(&app.advisory_cve(&format!("x_{}", case.id), None).await.unwrap()), record);

        for (id, cve) in
            [("x_DEMO-2025-0002", None), ("x_DEMO-2025-0009", Some("CVE-2099-0005")), ("x_NOPE-1", None)]
        {
            let e = app.advisory_cve(id, cve).await.unwrap_err();
            assert!(matches!(e, AppError::NotFound(_)), "{id}: {e}");
        }
        assert!(matches!(
            app.clone().with_cve_assigner("8254265b-2729-56b6-b9e3-3dfca2d5bfca", "accord"),
            Err(AppError::Invalid(v)) if v.field == "cve_org_id"
        ));
        assert!(matches!(
            app.with_cve_assigner("8254265b-2729-46b6-b9e3-3dfca2d5bfca", "x"),
            Err(AppError::Invalid(v)) if v.field == "cve_org_short_name"
        ));
    }
}
