//! Advisories as CSAF 2.0 documents, and the CSAF provider (CSAF 2.0 section 7): the provider
//! metadata, one folder per TLP label and year, `index.txt`, `changes.csv`, a ROLIE feed, and
//! `.sha256`, `.sha512` and OpenPGP `.asc` files beside each document.
//!
//! Every published advisory is TLP:CLEAR (CSAF 2.0's `WHITE`), so the provider has one folder,
//! `white/`. Each advisory that names products has two documents there: its security advisory
//! (`{id}.json`) and its VEX (`{id}-vex.json`). Documents are rendered when asked for, from the
//! stored advisory; the list behind `index.txt`, `changes.csv` and the feed is kept in memory
//! and rebuilt when an import or a publication changes the advisories.
//!
//! Signatures are detached OpenPGP signatures by the provider's Ed25519 key. A signature's
//! creation time is the document's `current_release_date` (or the key's creation, if later),
//! and Ed25519 signatures are deterministic, so a document's `.asc` is the same on every request.

use std::collections::HashMap;
use std::sync::Arc;

pub use accord_formats::csaf::Category;
use accord_formats::csaf::{
    self, Advisory, Context, Family, Product, Remediation, Statement, Status, Versions,
};
use accord_formats::osv;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::advisories::case_advisory_id;
use crate::{App, AppError};

/// The folder of every document: CSAF 2.0 names folders after the TLP label in lower case.
pub const TLP_FOLDER: &str = "white";

/// The ROLIE feed's file name in the TLP folder.
pub const FEED_FILE: &str = "feed-tlp-white.json";

/// The provider's OpenPGP signing key.
pub struct CsafSigner {
    key: pgp::composed::SignedSecretKey,
    public_armored: String,
    fingerprint: String,
    created: u32,
}

impl std::fmt::Debug for CsafSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsafSigner").field("fingerprint", &self.fingerprint).finish_non_exhaustive()
    }
}

fn pgp_error(what: &str) -> impl Fn(pgp::errors::Error) -> AppError + '_ {
    move |e| AppError::Internal(format!("{what}: {e}"))
}

impl CsafSigner {
    /// Makes a new Ed25519 signing key for `user_id` (such as `Accord CSAF <csaf@example.org>`);
    /// the signer and the key's armored secret text, to keep (readable by the operator only).
    pub fn generate(user_id: &str) -> Result<(CsafSigner, String), AppError> {
        use pgp::composed::{EncryptionCaps, KeyType, SecretKeyParamsBuilder};
        let mut params = SecretKeyParamsBuilder::default();
        params
            .key_type(KeyType::Ed25519Legacy)
            .can_certify(true)
            .can_sign(true)
            .can_encrypt(EncryptionCaps::None)
            .primary_user_id(user_id.to_owned());
        let params =
            params.build().map_err(|e| AppError::Internal(format!("OpenPGP key parameters: {e}")))?;
        let key = params.generate(rand::rngs::OsRng).map_err(pgp_error("cannot make an OpenPGP key"))?;
        let armored =
            key.to_armored_string(Default::default()).map_err(pgp_error("cannot write the OpenPGP key"))?;
        Ok((Self::from_key(key)?, armored))
    }

    /// Reads a key written by [`generate`](Self::generate) (an armored OpenPGP secret key
    /// without passphrase that can sign).
    pub fn from_armored(text: &str) -> Result<CsafSigner, AppError> {
        use pgp::composed::Deserializable;
        let (key, _) = pgp::composed::SignedSecretKey::from_string(text).map_err(|e| {
            AppError::Invalid(accord_model::ValidationError::new(
                "csaf_key",
                format!("not an armored OpenPGP secret key: {e}"),
            ))
        })?;
        Self::from_key(key)
    }

    fn from_key(key: pgp::composed::SignedSecretKey) -> Result<CsafSigner, AppError> {
        use pgp::types::KeyDetails;
        let public = pgp::composed::SignedPublicKey::from(key.clone());
        let public_armored = public
            .to_armored_string(Default::default())
            .map_err(pgp_error("cannot write the OpenPGP public key"))?;
        let fingerprint = hex::encode_upper(key.fingerprint().as_bytes());
        let created = key.created_at().as_secs();
        Ok(CsafSigner { key, public_armored, fingerprint, created })
    }

    /// The key's fingerprint, upper-case hex (40 digits for a v4 key).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The armored public key (what `public_openpgp_keys` points to).
    pub fn public_key(&self) -> &str {
        &self.public_armored
    }

    /// An armored detached signature of `data` made at `at` (or at the key's creation, if later).
    pub fn sign(&self, data: &[u8], at: Timestamp) -> Result<String, AppError> {
        use pgp::composed::{DetachedSignature, SubpacketConfig};
        use pgp::packet::{Subpacket, SubpacketData};
        use pgp::types::KeyDetails;
        let secs = u32::try_from(at.as_second().max(0)).unwrap_or(u32::MAX).max(self.created);
        let hashed = vec![
            Subpacket::regular(SubpacketData::IssuerFingerprint(self.key.fingerprint()))
                .map_err(pgp_error("signature"))?,
            Subpacket::regular(SubpacketData::SignatureCreationTime(pgp::types::Timestamp::from_secs(secs)))
                .map_err(pgp_error("signature"))?,
        ];
        let unhashed = vec![
            Subpacket::regular(SubpacketData::IssuerKeyId(self.key.legacy_key_id()))
                .map_err(pgp_error("signature"))?,
        ];
        let signature = DetachedSignature::sign_binary_data_with_subpackets(
            rand::rngs::OsRng,
            &self.key.primary_key,
            &pgp::types::Password::empty(),
            pgp::crypto::hash::HashAlgorithm::Sha512,
            data,
            SubpacketConfig::UserDefined { hashed, unhashed },
        )
        .map_err(pgp_error("cannot sign"))?;
        signature.to_armored_string(Default::default()).map_err(pgp_error("cannot write the signature"))
    }
}

/// The provider's settings.
#[derive(Debug, Clone)]
pub struct CsafSettings {
    /// `publisher.name` of every document and of the provider metadata.
    pub publisher_name: String,
    /// The signing key; without one there are no `.asc` files and the role is `csaf_provider`
    /// rather than `csaf_trusted_provider`.
    pub signer: Option<Arc<CsafSigner>>,
}

impl Default for CsafSettings {
    fn default() -> Self {
        CsafSettings { publisher_name: "Accord".to_owned(), signer: None }
    }
}

/// A document of the provider's folder.
#[derive(Debug, Clone)]
struct Entry {
    /// `{year}/{file name}`, relative to the TLP folder.
    path: String,
    /// The advisory's id as [`App::advisory_csaf`] finds it.
    id: String,
    category: Category,
    title: String,
    published: Timestamp,
    modified: Timestamp,
}

/// The documents of the provider's folder, newest change first.
#[derive(Debug)]
struct Listing {
    key: String,
    entries: Vec<Entry>,
    by_path: HashMap<String, usize>,
}

/// The listing, rebuilt when the advisories change.
#[derive(Default)]
pub(crate) struct CsafCache {
    current: tokio::sync::Mutex<Option<Arc<Listing>>>,
}

/// A CSAF document and its entity tag.
#[derive(Debug, Clone)]
pub struct CsafDocument {
    /// The JSON text.
    pub json: String,
    /// SHA-256 of the text, hex.
    pub etag: String,
    /// When it last changed (its `current_release_date`).
    pub modified: Timestamp,
}

/// A file of the provider's tree.
#[derive(Debug, Clone)]
pub struct ProviderFile {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The bytes.
    pub body: String,
    /// SHA-256 of the bytes, hex (a strong entity tag).
    pub etag: String,
}

impl ProviderFile {
    fn new(content_type: &'static str, body: String) -> Self {
        let etag = sha_hex::<sha2::Sha256>(body.as_bytes());
        ProviderFile { content_type, body, etag }
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// The file path of a document inside the TLP folder: the year of its first release, then
/// its file name.
fn document_path(id: &str, category: Category, published: Timestamp) -> String {
    let year = published.to_zoned(jiff::tz::TimeZone::UTC).year();
    format!("{year}/{}", csaf::file_name(&csaf::tracking_id(id, category)))
}

fn folder_url(base: &str) -> String {
    format!("{base}/.well-known/csaf/{TLP_FOLDER}/")
}

fn context(
    settings: &CsafSettings,
    base: &str,
    id: &str,
    category: Category,
    published: Timestamp,
) -> Context {
    Context {
        publisher_name: settings.publisher_name.clone(),
        publisher_namespace: base.to_owned(),
        self_url: Some(format!("{}{}", folder_url(base), document_path(id, category, published))),
        page_url: Some(format!("{base}/advisories/{id}")),
        generator_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The CSAF view of an advisory published from a case: each vendor's product is a product of
/// that vendor; `affected` says what the vendor's remediation says (a `vendor_fix` when the
/// product is fixed in a version, else `none_available` with the vendor's text), `fixed` with
/// a version is a fixed product version and the versions before it affected, `not_affected`
/// carries its VEX justification, `under_investigation` stays so.
pub fn case_advisory_csaf(id: &str, document: &Value) -> Result<Advisory, AppError> {
    let text = |field: &str| document.get(field).and_then(Value::as_str).map(str::to_owned);
    let time = |field: &str| -> Result<Timestamp, AppError> {
        text(field)
            .ok_or_else(|| internal(format!("advisory {id} has no {field}")))?
            .parse()
            .map_err(|e| internal(format!("advisory {id}: {field}: {e}")))
    };
    let mut products: Vec<Product> = Vec::new();
    for a in document.get("affected").and_then(Value::as_array).into_iter().flatten() {
        let field = |k: &str| a.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
        let (Some(vendor), Some(name)) = (field("vendor"), field("product")) else { continue };
        let remediation_text = field("remediation");
        let statements = match (field("status"), field("fixed_version")) {
            (Some("fixed"), Some(version)) => vec![
                Statement {
                    versions: Versions::Range(csaf::Interval {
                        introduced: None,
                        end: csaf::End::Fixed(version.to_owned()),
                    }),
                    status: Status::Affected(Remediation {
                        category: "vendor_fix",
                        details: remediation_text
                            .map(str::to_owned)
                            .unwrap_or_else(|| format!("Upgrade {name} to version {version} or later.")),
                    }),
                },
                Statement { versions: Versions::Exactly(version.to_owned()), status: Status::Fixed },
            ],
            (Some("fixed"), None) => vec![Statement { versions: Versions::All, status: Status::Fixed }],
            (Some("affected"), _) => vec![Statement {
                versions: Versions::All,
                status: Status::Affected(match remediation_text {
                    Some(t) => Remediation { category: "mitigation", details: t.to_owned() },
                    None => Remediation {
                        category: "none_available",
                        details: format!("{vendor} has not published a remediation for {name}."),
                    },
                }),
            }],
            (Some("not_affected"), _) => match field("justification") {
                Some(j) => {
                    vec![Statement { versions: Versions::All, status: Status::NotAffected(j.to_owned()) }]
                }
                None => continue,
            },
            (Some("under_investigation"), _) => {
                vec![Statement { versions: Versions::All, status: Status::UnderInvestigation }]
            }
            _ => continue,
        };
        let family = Family::Vendor(vendor.to_owned());
        match products.iter_mut().find(|p| p.family == family && p.name == name) {
            Some(p) => {
                for s in statements {
                    if !p.statements.contains(&s) {
                        p.statements.push(s);
                    }
                }
            }
            None => products.push(Product {
                family,
                name: name.to_owned(),
                purl: None,
                vers_scheme: "generic".to_owned(),
                cvss: Vec::new(),
                statements,
            }),
        }
    }
    let strings = |field: &str| -> Vec<String> {
        document
            .get(field)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let mut cves: Vec<String> = strings("aliases").into_iter().filter(|a| a.starts_with("CVE-")).collect();
    cves.sort();
    cves.dedup();
    let references = document
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let url = r.get("url").and_then(Value::as_str).or_else(|| r.as_str())?;
            let summary = r.get("type").and_then(Value::as_str).unwrap_or("Reference");
            Some(csaf::Reference { url: url.to_owned(), summary: summary.to_owned() })
        })
        .collect();
    let acknowledgments = document
        .get("credits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    Ok(Advisory {
        tracking_id: id.to_owned(),
        summary: text("summary"),
        details: text("details"),
        initial_release: time("published")?,
        current_release: time("modified")?,
        changes: Vec::new(),
        withdrawn: None,
        cves,
        ids: vec![("Accord".to_owned(), id.to_owned())],
        references,
        acknowledgments,
        cvss: ["cvss_v31", "cvss_v40"].iter().filter_map(|f| text(f)).collect(),
        products,
    })
}

/// The text of an advisory's CSAF document of a category as the server serves it under `base`;
/// `None` when it names no product (CSAF needs one).
pub(crate) fn render_json(
    settings: &CsafSettings,
    advisory: &Advisory,
    category: Category,
    base: &str,
) -> Result<Option<String>, AppError> {
    let ctx = context(settings, base, &advisory.tracking_id, category, advisory.initial_release);
    let Some(document) = csaf::render(advisory, category, &ctx) else { return Ok(None) };
    serde_json::to_string_pretty(&document).map(Some).map_err(internal)
}

fn sha_hex<D: sha2::Digest>(data: &[u8]) -> String {
    hex::encode(D::digest(data))
}

impl App {
    /// The CSAF provider's settings.
    pub fn with_csaf(mut self, settings: CsafSettings) -> Self {
        self.csaf_settings = Arc::new(settings);
        self
    }

    /// The provider's signing key, if it has one.
    pub fn csaf_signer(&self) -> Option<&CsafSigner> {
        self.csaf_settings.signer.as_deref()
    }

    /// An advisory (imported id or alias, or `ACCORD-…` of a case) as a CSAF document of a
    /// category, with URLs under `base` (the server's public URL, no trailing slash).
    /// `NotFound` for an unknown advisory and for one that names no product (CSAF needs one).
    pub async fn advisory_csaf(
        &self,
        id: &str,
        category: Category,
        base: &str,
    ) -> Result<CsafDocument, AppError> {
        let advisory = self.csaf_advisory(id).await?;
        let json = render_json(&self.csaf_settings, &advisory, category, base)?
            .ok_or(AppError::NotFound("CSAF document"))?;
        let etag = sha_hex::<sha2::Sha256>(json.as_bytes());
        Ok(CsafDocument { json, etag, modified: advisory.current_release.max(advisory.initial_release) })
    }

    async fn csaf_advisory(&self, id: &str) -> Result<Advisory, AppError> {
        if let Some(local) = case_advisory_id(id) {
            let (_, document) = self.store.advisory(local).await?.ok_or(AppError::NotFound("advisory"))?;
            let document: Value = serde_json::from_str(&document).map_err(internal)?;
            return case_advisory_csaf(local, &document);
        }
        let stored = self.store.osv_advisory(id).await?.ok_or(AppError::NotFound("advisory"))?;
        let record =
            osv::parse_record(&stored.document).map_err(|e| internal(format!("stored record {id}: {e}")))?;
        let mut advisory = csaf::from_osv(&record);
        // Every revision the imports saw, not only the first and the last.
        if let Some(last) = stored.changes.iter().max() {
            advisory.current_release = advisory.current_release.max(*last);
        }
        advisory.changes = stored.changes;
        Ok(advisory)
    }

    /// The provider's documents as they are now.
    async fn csaf_listing(&self) -> Result<Arc<Listing>, AppError> {
        let generation = self.store.osv_generation().await?;
        let published = self.store.published_advisories().await?;
        let mut key = generation;
        for (id, document) in &published {
            key.push('|');
            key.push_str(id);
            key.push(':');
            key.push_str(&sha_hex::<sha2::Sha256>(document.as_bytes())[..16]);
        }
        let mut current = self.csaf_cache.current.lock().await;
        if let Some(listing) = current.as_ref().filter(|l| l.key == key) {
            return Ok(listing.clone());
        }
        let mut entries = Vec::new();
        let mut add = |id: &str, summary: Option<&str>, published: Timestamp, modified: Timestamp| {
            for category in [Category::SecurityAdvisory, Category::Vex] {
                let tracking = csaf::tracking_id(id, category);
                entries.push(Entry {
                    path: document_path(id, category, published),
                    id: id.to_owned(),
                    category,
                    title: match summary {
                        Some(s) => format!("{tracking}: {s}"),
                        None => tracking,
                    },
                    published,
                    modified: modified.max(published),
                });
            }
        };
        for (id, document) in &published {
            let document: Value = serde_json::from_str(document).map_err(internal)?;
            let advisory = case_advisory_csaf(id, &document)?;
            if !advisory.products.is_empty() {
                add(id, advisory.summary.as_deref(), advisory.initial_release, advisory.current_release);
            }
        }
        let mut after: Option<accord_store::advisories::OsvCursor> = None;
        loop {
            let page = self.store.osv_advisories(&Default::default(), after.as_ref(), 1000).await?;
            let Some(last) = page.last() else { break };
            after = Some(accord_store::advisories::OsvCursor {
                modified_at: last.modified_at,
                id: last.id.clone(),
            });
            for s in &page {
                if s.packages.is_empty() {
                    continue;
                }
                let published = s.published.as_deref().and_then(|p| p.parse().ok()).unwrap_or(s.modified_at);
                add(&s.id, s.summary.as_deref(), published, s.modified_at);
            }
            if page.len() < 1000 {
                break;
            }
        }
        entries.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.path.cmp(&b.path)));
        let by_path = entries.iter().enumerate().map(|(i, e)| (e.path.clone(), i)).collect();
        let listing = Arc::new(Listing { key, entries, by_path });
        *current = Some(listing.clone());
        Ok(listing)
    }

    /// `/.well-known/csaf/provider-metadata.json` (CSAF 2.0 section 7.2.1).
    pub async fn csaf_provider_metadata(&self, base: &str) -> Result<Value, AppError> {
        let listing = self.csaf_listing().await?;
        let last_updated = listing
            .entries
            .first()
            .map(|e| e.modified)
            .unwrap_or_else(|| Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH));
        let settings = &self.csaf_settings;
        let ctx = context(settings, base, "", Category::SecurityAdvisory, last_updated);
        let mut metadata = json!({
            "canonical_url": format!("{base}/.well-known/csaf/provider-metadata.json"),
            "distributions": [
                { "directory_url": folder_url(base) },
                { "rolie": { "feeds": [{
                    "summary": format!("Every TLP:WHITE advisory of {}.", settings.publisher_name),
                    "tlp_label": "WHITE",
                    "url": format!("{}{FEED_FILE}", folder_url(base)),
                }] } },
            ],
            "last_updated": Timestamp::from_second(last_updated.as_second()).unwrap_or(last_updated).to_string(),
            "list_on_CSAF_aggregators": true,
            "metadata_version": "2.0",
            "mirror_on_CSAF_aggregators": true,
            "publisher": csaf::publisher(&ctx),
            "role": if settings.signer.is_some() { "csaf_trusted_provider" } else { "csaf_provider" },
        });
        if let Some(signer) = &settings.signer {
            metadata["public_openpgp_keys"] = json!([{
                "fingerprint": signer.fingerprint(),
                "url": format!("{base}/.well-known/csaf/openpgp/{}.asc", signer.fingerprint()),
            }]);
        }
        Ok(metadata)
    }

    /// A file of the TLP folder, by its path there: a document (`2025/x.json`), its `.sha256`,
    /// `.sha512` or `.asc`, `index.txt`, `changes.csv`, or the ROLIE feed. `None` for any
    /// other path.
    pub async fn csaf_file(&self, base: &str, path: &str) -> Result<Option<ProviderFile>, AppError> {
        let listing = self.csaf_listing().await?;
        match path {
            "index.txt" => {
                let mut paths: Vec<&str> = listing.entries.iter().map(|e| e.path.as_str()).collect();
                paths.sort_unstable();
                let mut body = String::new();
                for p in paths {
                    body.push_str(p);
                    body.push('\n');
                }
                return Ok(Some(ProviderFile::new("text/plain; charset=utf-8", body)));
            }
            "changes.csv" => {
                let mut body = String::new();
                for e in &listing.entries {
                    let at = Timestamp::from_second(e.modified.as_second()).unwrap_or(e.modified);
                    body.push_str(&format!("\"{}\",\"{at}\"\n", e.path));
                }
                return Ok(Some(ProviderFile::new("text/csv; charset=utf-8", body)));
            }
            FEED_FILE => {
                let feed = self.rolie_feed(&listing, base);
                let body = serde_json::to_string_pretty(&feed).map_err(internal)?;
                return Ok(Some(ProviderFile::new("application/json", body)));
            }
            _ => {}
        }
        let (document_path, suffix) = match path.rsplit_once(".json") {
            Some((stem, suffix @ ("" | ".sha256" | ".sha512" | ".asc"))) => (format!("{stem}.json"), suffix),
            _ => return Ok(None),
        };
        let Some(&i) = listing.by_path.get(&document_path) else { return Ok(None) };
        let entry = &listing.entries[i];
        let doc = match self.advisory_csaf(&entry.id, entry.category, base).await {
            Ok(d) => d,
            Err(AppError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let file = document_path.rsplit('/').next().unwrap_or(&document_path);
        Ok(Some(match suffix {
            "" => ProviderFile::new("application/json", doc.json),
            ".sha256" => ProviderFile::new(
                "text/plain; charset=utf-8",
                format!("{}  {file}\n", sha_hex::<sha2::Sha256>(doc.json.as_bytes())),
            ),
            ".sha512" => ProviderFile::new(
                "text/plain; charset=utf-8",
                format!("{}  {file}\n", sha_hex::<sha2::Sha512>(doc.json.as_bytes())),
            ),
            _ => {
                let Some(signer) = self.csaf_signer() else { return Ok(None) };
                ProviderFile::new(
                    "application/pgp-signature",
                    signer.sign(doc.json.as_bytes(), doc.modified)?,
                )
            }
        }))
    }

    fn rolie_feed(&self, listing: &Listing, base: &str) -> Value {
        let folder = folder_url(base);
        let updated = listing.entries.first().map(|e| e.modified).unwrap_or(Timestamp::UNIX_EPOCH);
        let seconds = |t: Timestamp| Timestamp::from_second(t.as_second()).unwrap_or(t).to_string();
        let entries: Vec<Value> = listing
            .entries
            .iter()
            .map(|e| {
                let url = format!("{folder}{}", e.path);
                let mut links = vec![
                    json!({ "rel": "self", "href": url }),
                    json!({ "rel": "hash", "href": format!("{url}.sha256") }),
                    json!({ "rel": "hash", "href": format!("{url}.sha512") }),
                ];
                if self.csaf_signer().is_some() {
                    links.push(json!({ "rel": "signature", "href": format!("{url}.asc") }));
                }
                json!({
                    "id": csaf::tracking_id(&e.id, e.category),
                    "title": e.title,
                    "link": links,
                    "published": seconds(e.published),
                    "updated": seconds(e.modified),
                    "content": { "type": "application/json", "src": url },
                    "format": {
                        "schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
                        "version": "2.0",
                    },
                })
            })
            .collect();
        json!({
            "feed": {
                "id": format!("{base}/.well-known/csaf/{TLP_FOLDER}/{FEED_FILE}"),
                "title": format!("{}: TLP:WHITE CSAF advisories", self.csaf_settings.publisher_name),
                "link": [
                    { "rel": "self", "href": format!("{folder}{FEED_FILE}") },
                ],
                "category": [
                    { "scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf" },
                ],
                "updated": seconds(updated),
                "entry": entries,
            }
        })
    }
}
