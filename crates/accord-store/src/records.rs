//! Records the store reads and writes beyond the plain domain types.

use accord_model::{
    AccordSignature, AccordVersion, Organization, OrganizationId, PublicKey, TokenDigest, User, UserId,
};
use accord_stix::TlpLevel;
use accord_taxii::{Access, ApiRoot, Collection, CollectionId};
use jiff::Timestamp;

/// One change to the registry. A list of them is applied atomically by [`crate::Store::write`].
#[derive(Debug, Clone)]
pub enum RegistryWrite {
    /// A change of coordinated disclosure, recorded in the case's own history rather than in
    /// the registry's audit trail.
    Cvd(crate::cvd::CvdWrite),
    /// A change of the transparency log (an entry of the event the other writes make).
    Log(crate::log::LogWrite),
    CreateOrganization(Organization),
    /// Enqueues a message in the outbox, in the transaction of the change it announces.
    Notify(crate::outbox::NewNotification),
    /// Sets or replaces an organisation's webhook.
    SetWebhook {
        organization_id: OrganizationId,
        url: accord_model::notification::WebhookUrl,
        secret: accord_model::notification::WebhookSecret,
        /// `secret` holds the secret sealed with the server's sealing key, not the secret.
        secret_sealed: bool,
        at: Timestamp,
    },
    /// Removes an organisation's webhook (`NotFound` when it has none). Pending messages for
    /// it fail at their next attempt.
    DeleteWebhook {
        organization_id: OrganizationId,
        at: Timestamp,
    },
    AddOrganizationKey {
        organization_id: OrganizationId,
        key: PublicKey,
        at: Timestamp,
    },
    PublishAccordVersion(AccordVersion),
    Invite {
        organization_id: OrganizationId,
        at: Timestamp,
    },
    /// The signature must already be verified; the store checks that the key is registered
    /// for the organisation and not revoked, that the version exists with that digest, and
    /// that the organisation has not signed this version before.
    Sign(AccordSignature),
    Withdraw {
        organization_id: OrganizationId,
        reason: String,
        at: Timestamp,
    },
    CreateUser {
        user: User,
        password_hash: Option<String>,
    },
    SetPassword {
        user_id: UserId,
        password_hash: String,
        at: Timestamp,
    },
    CreateToken {
        digest: TokenDigest,
        user_id: UserId,
        name: String,
        at: Timestamp,
    },
    /// Revokes one of the user's tokens by its id (the selector). A token already revoked, or
    /// not the user's, is `NotFound`.
    RevokeToken {
        user_id: UserId,
        token_id: String,
        at: Timestamp,
    },
    /// Revokes an organisation's key by fingerprint; signatures made before stay valid.
    RevokeOrganizationKey {
        organization_id: OrganizationId,
        fingerprint: String,
        at: Timestamp,
    },
    CreateSession {
        digest: TokenDigest,
        user_id: UserId,
        at: Timestamp,
        expires_at: Timestamp,
    },
    DeleteSession {
        selector: String,
    },
    /// Adds object versions to a collection, all with the same date added (never earlier than
    /// the collection's latest). A version already stored (same object, spec version and
    /// version) is left as it is: adding it again is not an error.
    AddObjects {
        collection: CollectionId,
        producer_org: Option<OrganizationId>,
        producer_user: UserId,
        versions: Vec<NewObjectVersion>,
        at: Timestamp,
    },
    /// Deletes the matching versions of one object (every spec version when `spec_versions`
    /// is empty). With `producer`, only versions that organisation (or that user) posted.
    /// Nothing matching is `NotFound`.
    DeleteObject {
        collection: CollectionId,
        object_id: String,
        spec_versions: Vec<String>,
        versions: VersionChoice,
        producer: Option<(Option<OrganizationId>, UserId)>,
        at: Timestamp,
    },
    /// Keeps a TAXII status resource (its JSON) for its creator.
    RecordStatus {
        id: String,
        api_root: String,
        created_by: UserId,
        request_timestamp: Timestamp,
        resource: String,
    },
    /// Sets a server secret unless it is set already (the first writer wins, so every server
    /// of a deployment ends up with the same value).
    InitServerSecret {
        name: String,
        value: Vec<u8>,
    },
    /// A TAXII API root (its name is unique).
    CreateApiRoot {
        root: ApiRoot,
        at: Timestamp,
    },
    /// A collection in an existing API root.
    CreateCollection {
        collection: Collection,
        at: Timestamp,
    },
    /// Sets (or replaces) what an organisation may do with a collection.
    GrantCollection {
        collection: CollectionId,
        organization_id: OrganizationId,
        access: Access,
        at: Timestamp,
    },
}

/// A public key registered for an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationKey {
    pub public_key: PublicKey,
    pub fingerprint: String,
    pub added_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// A stored token: its verifier and the user it authenticates.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub verifier: Vec<u8>,
    pub user: User,
}

/// What may be shown of an API token: never the secret or the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The selector: a public handle for listing and revoking.
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// A stored web session.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub verifier: Vec<u8>,
    pub user: User,
    pub expires_at: Timestamp,
}

/// A user with the password hash, for the login check only.
#[derive(Debug, Clone)]
pub struct UserWithSecret {
    pub user: User,
    pub password_hash: Option<String>,
}

/// How many organisations stand where, for the home page and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    pub signatory: u64,
    pub invited: u64,
    pub withdrawn: u64,
    pub not_invited: u64,
    pub users: u64,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEvent {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// One validated object version to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObjectVersion {
    pub object_id: String,
    pub object_type: String,
    pub spec_version: String,
    /// `modified` (or `created`) as (time-ordered key, text as written); `None` for objects
    /// without either (most cyber-observables), whose version is their date added.
    pub version: Option<(String, String)>,
    pub tlp: TlpLevel,
    /// The organisations an AMBER or RED version is shared with besides its producer.
    pub recipients: Vec<OrganizationId>,
    /// The objects this version points at, to be found from theirs: a relationship's
    /// `source_ref` and `target_ref`, a sighting's `sighting_of_ref`.
    pub links: Vec<String>,
    /// The object's JSON exactly as received.
    pub raw: String,
}

/// Who reads, for the TLP rule of every object query: CLEAR to everyone who may read the
/// collection, GREEN to every member, AMBER to the producer's organisation and the
/// organisations the version names, AMBER+STRICT to the producer's organisation only, RED to
/// the organisations it names only. The user who posted a version always reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectReader {
    pub member: bool,
    pub organization: Option<OrganizationId>,
    pub user: Option<UserId>,
}

/// Which versions of each object an object query returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionChoice {
    pub all: bool,
    pub last: bool,
    pub first: bool,
    /// Exact versions, as time-ordered keys.
    pub at: Vec<String>,
}

/// The filters of an object query (TAXII `match[...]` and `added_after`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectFilter {
    pub added_after: Option<Timestamp>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    /// Empty: the newest spec version of each object only.
    pub spec_versions: Vec<String>,
    pub versions: VersionChoice,
    /// Only versions that point at this object (see [`NewObjectVersion::links`]).
    pub linked_to: Option<String>,
}

/// One stored object version, as a query returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub seq: i64,
    pub object_id: String,
    pub object_type: String,
    pub tlp: TlpLevel,
    pub spec_version: String,
    pub version: String,
    pub date_added: Timestamp,
    pub raw: String,
}

/// A remote TAXII collection pulled into a local collection: the key of a resume point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSource {
    /// The local collection the objects go to.
    pub collection: CollectionId,
    /// The remote API root's URL, as the caller normalised it (with a trailing `/`).
    pub api_root_url: String,
    /// The remote collection's id.
    pub remote_collection: String,
}

/// One page of a pull, stored with its resume point in one transaction.
#[derive(Debug, Clone)]
pub struct PulledPage {
    pub source: PullSource,
    /// Who the versions are recorded as produced by (they have no producing organisation).
    pub producer_user: UserId,
    pub versions: Vec<NewObjectVersion>,
    /// The `added_after` of the next pull once this page is stored; `None` keeps the saved one.
    pub resume_after: Option<Timestamp>,
    pub at: Timestamp,
}

/// What storing a pulled page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PulledPageOutcome {
    /// Versions that were new.
    pub stored: usize,
    /// Versions the collection held already (same object, spec version and version).
    pub duplicates: usize,
}

/// Where the last pull of a source stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullPoint {
    pub resume_after: Timestamp,
    pub updated_at: Timestamp,
}
