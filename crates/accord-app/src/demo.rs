//! The demo data set (`accord serve --demo`): the accord text, the founding signatories of
//! April 2018 with verifiable signatures, and the large vendors invited but not signed.
//!
//! Demo organisations have stable ids (UUIDv5 of their domain) and demo signing keys derived
//! from a public seed, so that every demo signature really verifies. Those keys are public
//! knowledge: they prove nothing outside the demo.

use accord_model::accord::signing_statement;
use accord_model::{
    AccordSignature, AccordText, AccordVersion, AccordVersionNumber, Organization, OrganizationId,
    OrganizationKind, OrganizationStatus, PublicKey, SignatureValue,
};
use accord_stix::TlpLevel;
use accord_store::RegistryWrite;
use accord_taxii::{Access, ApiRoot, ApiRootName, Collection, CollectionId};
use ed25519_dalek::{Signer, SigningKey};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::{App, AppError};

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
    let collection = |title: &str, description: &str, default_tlp, public| RegistryWrite::CreateCollection {
        collection: Collection {
            id: collection_id(title),
            api_root: root.clone(),
            title: title.to_owned(),
            description: Some(description.to_owned()),
            default_tlp,
            public,
        },
        at,
    };
    let mut writes = vec![
        RegistryWrite::CreateApiRoot {
            root: ApiRoot {
                name: root.clone(),
                title: "Cybersecurity Tech Accord threat-intelligence exchange".to_owned(),
                description: Some(
                    "Indicators and intelligence shared by the signatories of the accord.".to_owned(),
                ),
                max_content_length: 10 * 1024 * 1024,
            },
            at,
        },
        collection(
            PUBLIC_COLLECTION,
            "Intelligence the signatories publish for everyone, without an account.",
            TlpLevel::Clear,
            true,
        ),
        collection(MEMBERS_COLLECTION, "Intelligence shared among the signatories.", TlpLevel::Green, false),
    ];
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
    /// Loads the demo data set in one transaction when the store is empty. Returns whether
    /// it loaded anything.
    pub async fn load_demo(&self) -> Result<bool, AppError> {
        if !self.store.is_empty().await? {
            return Ok(false);
        }
        self.store.write("demo", writes()).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
