//! The demo data set (`accord serve --demo`): the accord text, the founding signatories of
//! April 2018 with verifiable signatures, the large vendors invited but not signed, and a TAXII
//! API root whose two collections hold STIX content posted by two signatories.
//!
//! Demo organisations have stable ids (UUIDv5 of their domain) and demo signing keys derived
//! from a public seed, so that every demo signature really verifies. Those keys are public
//! knowledge: they prove nothing outside the demo.
//!
//! The STIX content is two bundles in `demo/` (fixed ids and timestamps; every indicator value
//! is illustrative and harmless). They go through the same checks as a TAXII add-objects
//! request (validation of each object, provenance) and are recorded as posted by a demo analyst
//! of the producing organisation.

use accord_model::accord::signing_statement;
use accord_model::{
    AccordSignature, AccordText, AccordVersion, AccordVersionNumber, Organization, OrganizationId,
    OrganizationKind, OrganizationStatus, PublicKey, Role, SignatureValue, User, UserId,
};
use accord_stix::TlpLevel;
use accord_store::RegistryWrite;
use accord_taxii::{Access, ApiRoot, ApiRootName, Collection, CollectionId};
use ed25519_dalek::{Signer, SigningKey};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::taxii_objects::{Identities, Ingest, stix_identity};
use crate::{App, AppError, Caller};

/// Title of the demo accord text.
pub const ACCORD_TITLE: &str = "Cybersecurity Tech Accord";

/// The accord text loaded by the demo: the four commitments.
pub const ACCORD_TEXT: &str = "\
# Cybersecurity Tech Accord

We, the signatories, are technology companies whose products and services people and
organisations everywhere rely on. We commit, together, to protect them.

## 1. Stronger defense

We will protect all of our users and customers everywhere. Every user and customer has a right
to be protected against cyberattacks, whether they come from criminal enterprises or from
nation-states.

## 2. No offense

We will not help governments launch cyberattacks against innocent citizens and enterprises from
anywhere, and we will protect against tampering with and exploitation of our products and
services through every stage of their development, design, distribution and use.

## 3. Capacity building

We will help empower developers and the people and businesses that use our technology to
improve their capacity for protecting themselves.

## 4. Collective action

We will partner with each other and with likeminded groups to enhance cybersecurity: we will
improve technical collaboration, coordinated vulnerability disclosure and threat-information
sharing, and encourage global information sharing and civilian efforts to identify, prevent,
detect, respond to and recover from cyberattacks.
";

/// The 34 founding signatories, as (name, domain).
pub const FOUNDING_SIGNATORIES: [(&str, &str); 34] = [
    ("ABB", "abb.com"),
    ("Arm", "arm.com"),
    ("Avast", "avast.com"),
    ("Bitdefender", "bitdefender.com"),
    ("BT", "bt.com"),
    ("CA Technologies", "ca.com"),
    ("Cisco", "cisco.com"),
    ("Cloudflare", "cloudflare.com"),
    ("DataStax", "datastax.com"),
    ("Dell", "dell.com"),
    ("DocuSign", "docusign.com"),
    ("Facebook", "facebook.com"),
    ("Fastly", "fastly.com"),
    ("FireEye", "fireeye.com"),
    ("F-Secure", "f-secure.com"),
    ("GitHub", "github.com"),
    ("Guardtime", "guardtime.com"),
    ("HP Inc.", "hp.com"),
    ("Hewlett Packard Enterprise", "hpe.com"),
    ("Intuit", "intuit.com"),
    ("Juniper Networks", "juniper.net"),
    ("LinkedIn", "linkedin.com"),
    ("Microsoft", "microsoft.com"),
    ("Nielsen", "nielsen.com"),
    ("Nokia", "nokia.com"),
    ("Oracle", "oracle.com"),
    ("RSA", "rsa.com"),
    ("SAP", "sap.com"),
    ("Stripe", "stripe.com"),
    ("Symantec", "symantec.com"),
    ("Telefónica", "telefonica.com"),
    ("Tenable", "tenable.com"),
    ("Trend Micro", "trendmicro.com"),
    ("VMware", "vmware.com"),
];

/// Invited in 2018, not signed.
pub const INVITED: [(&str, &str); 3] =
    [("Google", "google.com"), ("Apple", "apple.com"), ("Amazon", "amazon.com")];

/// The day the accord was announced and signed.
pub const SIGNING_DATE: &str = "2018-04-17T00:00:00Z";

/// The stable id of a demo organisation.
pub fn organization_id(domain: &str) -> OrganizationId {
    OrganizationId::from_uuid(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_DNS, domain.as_bytes()))
}

/// The demo signing key of a demo organisation (derived from a public seed: demo only).
pub fn signing_key(domain: &str) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("accord-demo-signing-key:{domain}")).into();
    SigningKey::from_bytes(&seed)
}

/// Every write of the demo data set, in order.
pub fn writes() -> Vec<RegistryWrite> {
    let at: Timestamp = SIGNING_DATE.parse().expect("the signing date is a valid timestamp");
    let text = AccordText::new(ACCORD_TEXT).expect("the demo accord text is valid");
    let accord = AccordVersion {
        version: AccordVersionNumber::FIRST,
        title: ACCORD_TITLE.to_owned(),
        sha256: text.sha256_hex(),
        text,
        published_at: at,
    };
    let mut writes = vec![RegistryWrite::PublishAccordVersion(accord.clone())];
    let org = |name: &str, domain: &str| Organization {
        id: organization_id(domain),
        name: name.to_owned(),
        domain: domain.to_owned(),
        kind: OrganizationKind::Vendor,
        status: OrganizationStatus::NotInvited,
        security_contact: None,
        signed_at: None,
        signed_version: None,
        invited_at: None,
        withdrawn_at: None,
        created_at: at,
    };
    for (name, domain) in FOUNDING_SIGNATORIES {
        let o = org(name, domain);
        let key = signing_key(domain);
        let public_key = PublicKey::from_verifying_key(key.verifying_key());
        let statement = signing_statement(accord.version, &accord.sha256, o.id);
        let signature = SignatureValue::from_signature(key.sign(statement.as_bytes()));
        writes.push(RegistryWrite::CreateOrganization(o.clone()));
        writes.push(RegistryWrite::Invite { organization_id: o.id, at });
        writes.push(RegistryWrite::AddOrganizationKey { organization_id: o.id, key: public_key, at });
        writes.push(RegistryWrite::Sign(AccordSignature {
            organization_id: o.id,
            version: accord.version,
            accord_sha256: accord.sha256.clone(),
            public_key,
            signature,
            statement,
            signed_at: at,
        }));
    }
    for (name, domain) in INVITED {
        let o = org(name, domain);
        writes.push(RegistryWrite::CreateOrganization(o.clone()));
        writes.push(RegistryWrite::Invite { organization_id: o.id, at });
    }
    writes.extend(taxii_writes(at));
    writes
}

/// The demo TAXII API root.
pub const API_ROOT: &str = "accord";
/// The demo's public collection (TLP:CLEAR by default, readable without an account).
pub const PUBLIC_COLLECTION: &str = "Public threat intelligence";
/// The demo's collection for signatories (TLP:GREEN by default, read and write for signatories).
pub const MEMBERS_COLLECTION: &str = "Signatories only";

/// The demo collections: title, description, default TLP, and whether anyone may read it.
const COLLECTIONS: [(&str, &str, TlpLevel, bool); 2] = [
    (
        PUBLIC_COLLECTION,
        "Intelligence the signatories publish for everyone, without an account.",
        TlpLevel::Clear,
        true,
    ),
    (MEMBERS_COLLECTION, "Intelligence shared among the signatories.", TlpLevel::Green, false),
];

/// The public collection's STIX content: intrusion sets attributed to state actors of China,
/// Iran, North Korea and Russia, their countries, malware, attack patterns, indicators and a
/// report (TLP:CLEAR).
pub const PUBLIC_BUNDLE: &str = include_str!("../demo/public.json");
/// The members' collection's STIX content: an ongoing phishing campaign with TLP:GREEN
/// indicators, and one TLP:AMBER indicator.
pub const MEMBERS_BUNDLE: &str = include_str!("../demo/members.json");

/// Ten fictional OSV records imported with the demo (see `demo/README.md`).
pub const DEMO_OSV: &str = include_str!("../demo/osv.json");

/// Who posts which demo content: (collection title, domain of the producing signatory, bundle).
pub const STIX_CONTENT: [(&str, &str, &str); 2] =
    [(PUBLIC_COLLECTION, "microsoft.com", PUBLIC_BUNDLE), (MEMBERS_COLLECTION, "cisco.com", MEMBERS_BUNDLE)];

/// The demo analyst who posts a signatory's demo content. It has no password and no token: it
/// only stands for its organisation as the producer of that content.
pub fn producer(domain: &str, at: Timestamp) -> Result<User, AppError> {
    let (name, _) = FOUNDING_SIGNATORIES
        .iter()
        .find(|(_, d)| *d == domain)
        .ok_or_else(|| AppError::Internal(format!("{domain} is not a demo signatory")))?;
    let label = domain.split('.').next().unwrap_or(domain);
    Ok(User {
        id: UserId::from_uuid(uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            format!("accord-demo-user:{domain}").as_bytes(),
        )),
        email: format!("{label}-analyst@demo.accord.localhost").parse()?,
        name: format!("{name} threat intelligence (demo)"),
        role: Role::Analyst,
        organization_id: Some(organization_id(domain)),
        created_at: at,
    })
}

/// The demo coordinator, who runs the demo cases. No password and no token.
pub fn demo_coordinator(at: Timestamp) -> Result<User, AppError> {
    Ok(User {
        id: UserId::from_uuid(uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            b"accord-demo-user:coordinator",
        )),
        email: "coordinator@demo.accord.localhost".parse()?,
        name: "Demo coordinator".into(),
        role: Role::Coordinator,
        organization_id: None,
        created_at: at,
    })
}

/// The writes that add the demo's STIX content: its producers, and each bundle checked object by
/// object exactly as a TAXII add-objects request is, dated `now`. Any object that does not pass
/// is an error naming it: the demo content must be entirely valid.
pub fn stix_writes(now: Timestamp) -> Result<Vec<RegistryWrite>, AppError> {
    let mut writes = Vec::new();
    let mut producers: Vec<UserId> = Vec::new();
    for (title, domain, bundle) in STIX_CONTENT {
        let (user, add) = content_write(title, domain, bundle, now)?;
        if !producers.contains(&user.id) {
            producers.push(user.id);
            writes.push(RegistryWrite::CreateUser { user, password_hash: None });
        }
        writes.push(add);
    }
    Ok(writes)
}

/// The producer of one demo bundle and the write that adds it to its collection.
fn content_write(
    title: &str,
    domain: &str,
    bundle: &str,
    now: Timestamp,
) -> Result<(User, RegistryWrite), AppError> {
    let at: Timestamp = SIGNING_DATE.parse().expect("the signing date is a valid timestamp");
    let user = producer(domain, at)?;
    let (_, _, default_tlp, _) = COLLECTIONS
        .into_iter()
        .find(|(t, ..)| *t == title)
        .ok_or_else(|| AppError::Internal(format!("no demo collection {title:?}")))?;
    // Every founding signatory may write both collections (`taxii_writes`), the producer too.
    let organizations =
        FOUNDING_SIGNATORIES.iter().chain(INVITED.iter()).map(|(n, d)| (organization_id(d), *n));
    let identities: Identities =
        organizations.map(|(id, name)| (stix_identity(id), (id, name.to_owned()))).collect();
    let ingest = Ingest {
        identities: &identities,
        organization: user.organization_id,
        default_tlp,
        sightings_only: false,
        strict_recipients: true,
    };
    let envelope = accord_stix::Envelope::parse(bundle).map_err(|e| {
        AppError::Internal(format!("the demo content of {title:?} is not an envelope: {}", e.0))
    })?;
    let checked = ingest.check_all(envelope.objects.iter().map(|o| o.get()));
    if !checked.failures.is_empty() {
        let failures: Vec<String> =
            checked.failures.iter().map(|f| format!("{}: {}", f.id, f.message)).collect();
        return Err(AppError::Internal(format!(
            "the demo content of {title:?} does not validate: {}",
            failures.join("; ")
        )));
    }
    let add = RegistryWrite::AddObjects {
        collection: collection_id(title),
        producer_org: user.organization_id,
        producer_user: user.id,
        versions: checked.versions,
        at: now,
    };
    Ok((user, add))
}

/// The stable id of a demo collection.
pub fn collection_id(title: &str) -> CollectionId {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("accord-demo-collection:{title}").as_bytes())
        .hyphenated()
        .to_string()
        .parse()
        .expect("a hyphenated lower-case UUID is a collection id")
}

fn taxii_writes(at: Timestamp) -> Vec<RegistryWrite> {
    let root: ApiRootName = API_ROOT.parse().expect("a valid API root name");
    let mut writes = vec![RegistryWrite::CreateApiRoot {
        root: ApiRoot {
            name: root.clone(),
            title: "Cybersecurity Tech Accord threat-intelligence exchange".to_owned(),
            description: Some(
                "Indicators and intelligence shared by the signatories of the accord.".to_owned(),
            ),
            max_content_length: 10 * 1024 * 1024,
        },
        at,
    }];
    for (title, description, default_tlp, public) in COLLECTIONS {
        writes.push(RegistryWrite::CreateCollection {
            collection: Collection {
                id: collection_id(title),
                api_root: root.clone(),
                title: title.to_owned(),
                description: Some(description.to_owned()),
                default_tlp,
                public,
            },
            at,
        });
    }
    for (_, domain) in FOUNDING_SIGNATORIES {
        for title in [PUBLIC_COLLECTION, MEMBERS_COLLECTION] {
            writes.push(RegistryWrite::GrantCollection {
                collection: collection_id(title),
                organization_id: organization_id(domain),
                access: Access { can_read: true, can_write: true },
                at,
            });
        }
    }
    writes
}

impl App {
    /// Loads the demo data set in one transaction when the store is empty, its STIX content
    /// dated `now`. Returns whether it loaded anything.
    pub async fn load_demo(&self, now: Timestamp) -> Result<bool, AppError> {
        if !self.store.is_empty().await? {
            return Ok(false);
        }
        let mut all = writes();
        all.extend(stix_writes(now)?);
        let coordinator = demo_coordinator(now)?;
        all.push(RegistryWrite::CreateUser { user: coordinator.clone(), password_hash: None });
        self.commit("demo", all).await?;
        let files = [crate::advisories::OsvFile::new("demo/osv.json", DEMO_OSV.as_bytes().to_vec())];
        let batch = crate::advisories::read_osv_files(&files, &|_| {})?;
        self.store.import_osv("demo", batch.into_records(), now).await?;
        if self.has_sealing_key() {
            self.load_demo_cases(&coordinator, now).await?;
        }
        Ok(true)
    }

    /// Two demo cases, made through the same use cases as the API: a published three-vendor case
    /// and one under embargo. Their products and vulnerabilities are fictional.
    async fn load_demo_cases(&self, coordinator: &User, now: Timestamp) -> Result<(), AppError> {
        use crate::cvd::NewReport;
        let days = |n: i64| jiff::SignedDuration::from_hours(24 * n);
        let coordinator = Caller::User(coordinator.clone());
        let ms = Caller::User(producer("microsoft.com", now)?);
        let cisco = Caller::User(producer("cisco.com", now)?);
        let (ms_id, cisco_id, oracle_id) =
            (organization_id("microsoft.com"), organization_id("cisco.com"), organization_id("oracle.com"));

        // Published: reported 2025-06-02, public on its 90-day deadline.
        let reported: Timestamp = "2025-06-02T09:00:00Z".parse().expect("a valid timestamp");
        let (report, _) = self
            .submit_report(
                &Caller::Anonymous,
                NewReport {
                    title: "Out-of-bounds read in the Example TLS record parser (demo)".into(),
                    description:
                        "Demo data, a fictional vulnerability: a TLS record whose length field exceeds \
                        the received bytes makes the Example TLS library read past its buffer."
                            .into(),
                    vendors: vec![ms_id, cisco_id, oracle_id],
                    products: vec!["Example TLS".into()],
                    versions: Some("< 3.2.1".into()),
                    impact: Some("information disclosure; denial of service".into()),
                    steps_to_reproduce: Some(
                        "Send a record with length 0x4000 and 16 bytes of payload.".into(),
                    ),
                    contact: None,
                    credit: Some("A. Researcher (demo)".into()),
                    preferred_disclosure_date: None,
                },
                reported,
            )
            .await?;
        let case = self.open_case(&coordinator, &report.to_string(), reported + days(1)).await?;
        let id = case.id.to_string();
        for org in [ms_id, cisco_id, oracle_id] {
            self.invite_vendor(&coordinator, &id, org, reported + days(2)).await?;
        }
        let at = reported + days(20);
        let fixed = |v: &str| (Some("fixed"), None, Some(v.to_owned()));
        for (caller, org, (status, justification, version)) in [
            (&ms, ms_id, fixed("3.2.1")),
            (&cisco, cisco_id, (Some("not_affected"), Some("vulnerable_code_not_present"), None)),
            (&coordinator, oracle_id, fixed("3.2.1-1")),
        ] {
            self.set_product_status(
                caller,
                &id,
                &org.to_string(),
                "Example TLS",
                status.unwrap_or("affected"),
                justification,
                version.as_deref(),
                Some("Upgrade to the fixed version."),
                at,
            )
            .await?;
        }
        self.set_scores(
            &coordinator,
            &id,
            Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:H"),
            Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:N/SI:N/SA:N"),
            // Fictitious, in 2099 so that nobody takes it for a real CVE (see demo/README.md).
            &["CVE-2099-0005".to_owned()],
            at,
        )
        .await?;
        self.post_message(
            &coordinator,
            &id,
            "case",
            "Thank you all; the agreed public date is the 90-day deadline.",
            at,
        )
        .await?;
        self.publish_case(&coordinator, &id, None, case.embargo_until).await?;

        // Under embargo: reported ten days ago.
        let reported = now - days(10);
        let (report, _) = self
            .submit_report(
                &Caller::Anonymous,
                NewReport {
                    title: "Authentication bypass in the Example Gateway admin API (demo)".into(),
                    description:
                        "Demo data, a fictional vulnerability: the Example Gateway accepts an empty \
                        session cookie as an administrator's session."
                            .into(),
                    vendors: vec![ms_id, cisco_id],
                    products: vec!["Example Gateway".into()],
                    versions: Some("4.0 to 4.3".into()),
                    impact: Some("full control of the gateway".into()),
                    steps_to_reproduce: Some("Send `Cookie: session=` to /admin/api/users.".into()),
                    contact: None,
                    credit: None,
                    preferred_disclosure_date: None,
                },
                reported,
            )
            .await?;
        let case = self.open_case(&coordinator, &report.to_string(), reported + days(1)).await?;
        let id = case.id.to_string();
        for org in [ms_id, cisco_id] {
            self.invite_vendor(&coordinator, &id, org, reported + days(1)).await?;
        }
        self.set_product_status(
            &ms,
            &id,
            &ms_id.to_string(),
            "Example Gateway",
            "affected",
            None,
            None,
            None,
            reported + days(3),
        )
        .await?;
        self.set_product_status(
            &cisco,
            &id,
            &cisco_id.to_string(),
            "Example Gateway",
            "under_investigation",
            None,
            None,
            None,
            reported + days(3),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::Value;

    use super::*;
    use crate::{Caller, ObjectsRequest, StoreLocation};

    fn bundle_objects(bundle: &str) -> Vec<Value> {
        let v: Value = serde_json::from_str(bundle).expect("a demo bundle is JSON");
        v["objects"].as_array().expect("a demo bundle has objects").clone()
    }

    /// Every object the caller may read in a demo collection, by id, read as a TAXII client
    /// would (Get Objects).
    async fn read(app: &App, caller: &Caller, title: &str) -> Result<BTreeMap<String, Value>, AppError> {
        let page = app
            .objects(caller, API_ROOT, collection_id(title).as_str(), ObjectsRequest::Collection, &[])
            .await?;
        assert!(!page.more, "the demo content fits in one page");
        Ok(page
            .objects
            .iter()
            .map(|o| (o.object_id.clone(), serde_json::from_str(&o.raw).expect("stored JSON")))
            .collect())
    }

    #[tokio::test]
    async fn demo_stix_content_is_stored_whole_with_the_four_countries() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(&StoreLocation::Sqlite(dir.path().to_path_buf()))
            .unwrap()
            .with_log_signer(crate::log::new_log_signer("test.example/log").unwrap());
        let now: Timestamp = "2025-01-06T08:00:00Z".parse().unwrap();
        assert!(app.load_demo(now).await.unwrap());
        assert!(!app.load_demo(now).await.unwrap(), "the demo loads only into an empty store");
        let at: Timestamp = SIGNING_DATE.parse().unwrap();

        // Each producer may write its collection and reads back every object of its bundle, as
        // posted, with no failure.
        for (title, domain, bundle) in STIX_CONTENT {
            let caller = Caller::User(producer(domain, at).unwrap());
            let (_, access) = app.collection(&caller, API_ROOT, collection_id(title).as_str()).await.unwrap();
            assert!(access.can_write, "{domain} may write {title}");
            let expected = bundle_objects(bundle);
            let stored = read(&app, &caller, title).await.unwrap();
            assert_eq!(stored.len(), expected.len(), "{title}: every object is stored");
            for object in &expected {
                assert_eq!(stored.get(object["id"].as_str().unwrap()), Some(object), "{title}");
            }
        }

        // Anyone, without an account, finds intrusion sets of the four countries through their
        // originates-from relationships to locations.
        let public = read(&app, &Caller::Anonymous, PUBLIC_COLLECTION).await.unwrap();
        assert_eq!(public.len(), bundle_objects(PUBLIC_BUNDLE).len(), "all public content is TLP:CLEAR");
        let of_type = |t: &'static str| public.values().filter(move |o| o["type"] == t);
        let countries: BTreeMap<&str, &str> = of_type("location")
            .map(|l| (l["id"].as_str().unwrap(), l["country"].as_str().unwrap()))
            .collect();
        let mut by_country: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in of_type("relationship").filter(|r| r["relationship_type"] == "originates-from") {
            let source = &public[r["source_ref"].as_str().unwrap()];
            let country = countries[r["target_ref"].as_str().unwrap()];
            if source["type"] == "intrusion-set" {
                by_country.entry(country).or_default().insert(source["name"].as_str().unwrap());
            }
        }
        assert_eq!(by_country.keys().copied().collect::<Vec<_>>(), ["CN", "IR", "KP", "RU"]);
        assert!(by_country["KP"].contains("Lazarus Group") && by_country["RU"].contains("APT28"));
        assert!(of_type("indicator").count() >= 5 && of_type("malware").count() >= 5);
        assert_eq!(of_type("report").count(), 1);

        // TLP in the members' collection: another signatory sees the GREEN objects but not the
        // AMBER indicator (nor its relationship); anonymous callers do not see the collection.
        let amber: BTreeSet<String> = bundle_objects(MEMBERS_BUNDLE)
            .iter()
            .filter(|o| o["object_marking_refs"][0] == TlpLevel::Amber.marking_id())
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(amber.len(), 2);
        let other = Caller::User(producer("microsoft.com", at).unwrap());
        let seen = read(&app, &other, MEMBERS_COLLECTION).await.unwrap();
        assert_eq!(seen.len(), bundle_objects(MEMBERS_BUNDLE).len() - amber.len());
        assert!(seen.keys().all(|id| !amber.contains(id)));
        assert!(matches!(
            read(&app, &Caller::Anonymous, MEMBERS_COLLECTION).await,
            Err(AppError::NotFound("collection"))
        ));
    }

    /// The string literals a pattern compares with (not the quoted names of hash algorithms).
    fn pattern_values(pattern: &str) -> Vec<String> {
        let parts: Vec<&str> = pattern.split('\'').collect();
        (1..parts.len())
            .step_by(2)
            .filter(|&i| !parts[i - 1].ends_with('.'))
            .map(|i| parts[i].to_owned())
            .collect()
    }

    /// An indicator value of the demo must point at nothing real: documentation addresses,
    /// reserved domains, or the SHA-256 of a text that its description quotes.
    fn assert_harmless(value: &str, description: &str) {
        let reserved_domain = |d: &str| d.ends_with(".example") || d.ends_with(".test");
        if let Ok(ip) = value.parse::<std::net::Ipv4Addr>() {
            let [a, b, c, _] = ip.octets();
            assert!(matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113)), "{value}");
        } else if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            let quoted = description.split('"').nth(1).expect("the description quotes the hashed text");
            assert_eq!(format!("{:x}", Sha256::digest(quoted)), value, "{description}");
        } else if let Some((_, rest)) = value.split_once("://") {
            let host = rest.split('/').next().unwrap();
            assert!(reserved_domain(host), "{value}");
        } else if let Some((_, domain)) = value.rsplit_once('@') {
            assert!(reserved_domain(domain), "{value}");
        } else {
            assert!(reserved_domain(value), "{value}");
        }
    }

    #[test]
    fn demo_bundles_have_fixed_unique_ids_and_illustrative_indicators() {
        let mut ids = BTreeSet::new();
        for (_, _, bundle) in STIX_CONTENT {
            for o in bundle_objects(bundle) {
                assert!(ids.insert(o["id"].as_str().unwrap().to_owned()), "{} twice", o["id"]);
                assert!(o.get("created_by_ref").is_none(), "the server records the producer");
                if o["type"] == "indicator" {
                    let description = o["description"].as_str().unwrap();
                    assert!(description.contains("not a real indicator"), "{}", o["id"]);
                    for value in pattern_values(o["pattern"].as_str().unwrap()) {
                        assert_harmless(&value, description);
                    }
                }
            }
        }
        // A bundle with one bad object, or one that speaks for another organisation, is refused
        // whole, naming the object.
        let now: Timestamp = "2025-01-06T08:00:00Z".parse().unwrap();
        let good = bundle_objects(MEMBERS_BUNDLE)[0].clone();
        let mut bad = good.clone();
        bad.as_object_mut().unwrap().remove("created");
        let mut impostor = good.clone();
        impostor["created_by_ref"] = Value::String(crate::stix_identity(organization_id("sap.com")));
        for broken in [bad, impostor] {
            let bundle = serde_json::json!({"objects": [good, broken]}).to_string();
            let err = content_write(MEMBERS_COLLECTION, "cisco.com", &bundle, now).unwrap_err().to_string();
            assert!(err.contains("does not validate") && err.contains(good["id"].as_str().unwrap()), "{err}");
        }
        assert!(
            content_write(MEMBERS_COLLECTION, "google.com", MEMBERS_BUNDLE, now).is_err(),
            "not a signatory"
        );
        // Deterministic: the same writes, whatever the day of loading but the date added.
        assert_eq!(format!("{:?}", stix_writes(now).unwrap()), format!("{:?}", stix_writes(now).unwrap()));
    }

    #[test]
    fn demo_signatures_verify() {
        let mut signed = 0;
        for w in writes() {
            if let RegistryWrite::Sign(s) = w {
                s.public_key.verify(s.statement.as_bytes(), &s.signature).unwrap();
                signed += 1;
            }
        }
        assert_eq!(signed, 34);
    }

    #[test]
    fn demo_names_are_distinct() {
        let mut domains: Vec<_> =
            FOUNDING_SIGNATORIES.iter().chain(INVITED.iter()).map(|(_, d)| *d).collect();
        domains.sort_unstable();
        domains.dedup();
        assert_eq!(domains.len(), 37);
    }
}
