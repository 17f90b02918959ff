//! TAXII objects: adding envelopes (validated object by object, with a status resource) and
//! reading them page by page, with TLP applied inside the store's query.

use std::collections::HashMap;

use accord_model::time::format_timestamp;
use accord_model::{OrganizationId, Role, User, ValidationError};
use accord_stix::{Envelope, TlpLevel, validate_object};
use accord_store::{
    NewObjectVersion, ObjectFilter, ObjectReader, RegistryWrite, StoredObject, VersionChoice,
};
use accord_taxii::query::Endpoint;
use accord_taxii::{Cursor, CursorKey, ObjectQuery, VersionSelector};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::{App, AppError, Caller, random};

/// The STIX identity of an organisation of the accord: `identity--` and a UUIDv5 of its id,
/// so it is stable and anyone can compute it.
pub fn stix_identity(organization: accord_model::OrganizationId) -> String {
    let uuid = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("accord:organization:{organization}").as_bytes(),
    );
    format!("identity--{}", uuid.hyphenated())
}

/// Most objects in one page.
pub const PAGE_MAX: u32 = 1000;

const CURSOR_SECRET: &str = "taxii-cursor-key";

/// Which TAXII endpoint a page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectsRequest<'a> {
    /// Get Objects and Get Manifest.
    Collection,
    /// Get an Object.
    Object(&'a str),
    /// Get Object Versions (every version, by default).
    Versions(&'a str),
}

/// One page of objects.
#[derive(Debug, Clone)]
pub struct ObjectsPage {
    /// The object versions, with their JSON exactly as stored.
    pub objects: Vec<StoredObject>,
    pub more: bool,
    pub next: Option<String>,
    pub first_added: Option<Timestamp>,
    pub last_added: Option<Timestamp>,
}

/// The store's form of `match[version]`; `default` when the parameter is absent.
fn version_choice(selectors: &[VersionSelector], default: VersionChoice) -> VersionChoice {
    if selectors.is_empty() {
        return default;
    }
    let mut choice = VersionChoice::default();
    for v in selectors {
        match v {
            VersionSelector::Last => choice.last = true,
            VersionSelector::First => choice.first = true,
            VersionSelector::All => choice.all = true,
            VersionSelector::At(t) => choice.at.push(t.sort_key().to_owned()),
        }
    }
    choice
}

fn parameter_error(e: accord_taxii::QueryError) -> AppError {
    let field = match e.parameter.as_str() {
        "added_after" => "added_after",
        "limit" => "limit",
        "next" => "next",
        "match[id]" => "match[id]",
        "match[type]" => "match[type]",
        "match[version]" => "match[version]",
        "match[spec_version]" => "match[spec_version]",
        _ => "match",
    };
    ValidationError::new(field, format!("{}: {}", e.parameter, e.message)).into()
}

/// The STIX identities of every organisation but the producer's, with their names: what the
/// producer may not claim to be.
pub(crate) fn other_identities<'a>(
    organizations: impl IntoIterator<Item = (OrganizationId, &'a str)>,
    producer: &User,
) -> HashMap<String, String> {
    organizations
        .into_iter()
        .filter(|(id, _)| Some(*id) != producer.organization_id)
        .map(|(id, name)| (stix_identity(id), name.to_owned()))
        .collect()
}

/// An envelope checked object by object: the versions to store, and the successes and failures
/// of the TAXII status resource.
#[derive(Debug)]
pub(crate) struct CheckedEnvelope {
    pub versions: Vec<NewObjectVersion>,
    pub successes: Vec<Value>,
    pub failures: Vec<Value>,
}

/// Validates each object of an envelope on its own, and refuses any that speaks for one of
/// `others` (as `created_by_ref`, or by defining that identity). Objects without a TLP marking
/// get `default_tlp`.
pub(crate) fn check_envelope(
    body: &str,
    default_tlp: TlpLevel,
    others: &HashMap<String, String>,
) -> Result<CheckedEnvelope, AppError> {
    let envelope = Envelope::parse(body).map_err(|e| ValidationError::new("objects", e.0))?;
    let (mut versions, mut successes, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for raw in &envelope.objects {
        let text = raw.get();
        let checked = validate_object(text).and_then(|summary| {
            let claimed = summary.created_by_ref.as_ref().map(|r| ("created_by_ref", r.as_str()));
            let defined = (summary.object_type == "identity").then_some(("id", summary.id.as_str()));
            match claimed.into_iter().chain(defined).find_map(|(p, id)| others.get(id).map(|n| (p, n))) {
                Some((property, name)) => Err(vec![accord_stix::Problem {
                    property: property.to_owned(),
                    message: format!(
                        "is the STIX identity of another organization ({name}); post as your own"
                    ),
                }]),
                None => Ok(summary),
            }
        });
        match checked {
            Ok(summary) => {
                let tlp = TlpLevel::of_markings(summary.object_marking_refs.iter().map(|m| m.as_str()))
                    .unwrap_or(default_tlp);
                let version =
                    summary.modified.as_ref().map(|m| (m.sort_key().to_owned(), m.as_str().to_owned()));
                let mut success = json!({ "id": summary.id.as_str() });
                if let Some((_, written)) = &version {
                    success["version"] = Value::String(written.clone());
                }
                successes.push(success);
                versions.push(NewObjectVersion {
                    object_id: summary.id.as_str().to_owned(),
                    object_type: summary.object_type,
                    spec_version: summary.spec_version,
                    version,
                    tlp,
                    raw: text.to_owned(),
                });
            }
            Err(problems) => {
                let v: Option<Value> = serde_json::from_str(text).ok();
                let field =
                    |k: &str| v.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
                let message: Vec<String> = problems.iter().map(ToString::to_string).collect();
                let mut failure = json!({
                    "id": field("id").unwrap_or_default(),
                    "message": message.join("; "),
                });
                if let Some(version) = field("modified") {
                    failure["version"] = Value::String(version);
                }
                failures.push(failure);
            }
        }
    }
    Ok(CheckedEnvelope { versions, successes, failures })
}

impl App {
    async fn cursor_key(&self) -> Result<CursorKey, AppError> {
        if let Some(key) = self.cursor_key.get() {
            return Ok(key.clone());
        }
        if self.store.server_secret(CURSOR_SECRET).await?.is_none() {
            let fresh = random::bytes::<32>()?.to_vec();
            self.store
                .write(
                    "server",
                    vec![RegistryWrite::InitServerSecret { name: CURSOR_SECRET.into(), value: fresh }],
                )
                .await?;
        }
        let stored = self.store.server_secret(CURSOR_SECRET).await?.unwrap_or_default();
        let bytes: [u8; 32] = stored
            .try_into()
            .map_err(|_| AppError::Internal("the stored cursor key is not 32 bytes".into()))?;
        let key = CursorKey::new(bytes);
        let _ = self.cursor_key.set(key.clone());
        Ok(key)
    }

    /// Adds the objects of a TAXII envelope to a collection. Each object is validated on its
    /// own: valid ones are stored, invalid ones are listed as failures in the returned status
    /// resource (JSON), which is also kept for `GET …/status/{id}/`.
    pub async fn add_objects(
        &self,
        caller: &Caller,
        root: &str,
        collection_id: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<String, AppError> {
        let Caller::User(user) = caller else {
            return Err(AppError::Unauthenticated);
        };
        let (collection, access) = self.collection(caller, root, collection_id).await?;
        if !access.can_write {
            return Err(AppError::Forbidden("this collection is read-only for you"));
        }
        // Provenance: nobody may speak for another organisation of the accord.
        let organizations = self.store.organizations(None).await?;
        let others = other_identities(organizations.iter().map(|o| (o.id, o.name.as_str())), user);
        let CheckedEnvelope { versions, successes, failures } =
            check_envelope(body, collection.default_tlp, &others)?;
        let total = successes.len() + failures.len();
        let id = uuid::Uuid::new_v4().hyphenated().to_string();
        let status = json!({
            "id": id,
            "status": "complete",
            "request_timestamp": format_timestamp(now),
            "total_count": total,
            "success_count": successes.len(),
            "successes": successes,
            "failure_count": failures.len(),
            "failures": failures,
            "pending_count": 0,
        })
        .to_string();
        let mut writes = Vec::new();
        if !versions.is_empty() {
            writes.push(RegistryWrite::AddObjects {
                collection: collection.id.clone(),
                producer_org: user.organization_id,
                producer_user: user.id,
                versions,
                at: now,
            });
        }
        writes.push(RegistryWrite::RecordStatus {
            id,
            api_root: collection.api_root.as_str().to_owned(),
            created_by: user.id,
            request_timestamp: now,
            resource: status.clone(),
        });
        self.store.write(&caller.audit_name(), writes).await?;
        Ok(status)
    }

    /// Deletes versions of one object (all of them unless `match[version]` or
    /// `match[spec_version]` narrow it). Members may delete only what their organisation
    /// posted; administrators anything. Needs write access to the collection.
    pub async fn delete_object(
        &self,
        caller: &Caller,
        root: &str,
        collection_id: &str,
        object_id: &str,
        parameters: &[(String, String)],
        now: Timestamp,
    ) -> Result<(), AppError> {
        let Caller::User(user) = caller else {
            return Err(AppError::Unauthenticated);
        };
        let (collection, access) = self.collection(caller, root, collection_id).await?;
        if !access.can_write {
            return Err(AppError::Forbidden("this collection is read-only for you"));
        }
        let object: accord_stix::StixId = object_id.parse().map_err(|_| AppError::NotFound("object"))?;
        let query = ObjectQuery::parse(parameters, Endpoint::Delete).map_err(parameter_error)?;
        // Without match[version], a delete takes every version.
        let versions = version_choice(&query.versions, VersionChoice { all: true, ..Default::default() });
        let producer = (user.role != Role::Admin).then_some((user.organization_id, user.id));
        self.store
            .write(
                &caller.audit_name(),
                vec![RegistryWrite::DeleteObject {
                    collection: collection.id,
                    object_id: object.as_str().to_owned(),
                    spec_versions: query.spec_versions,
                    versions,
                    producer,
                    at: now,
                }],
            )
            .await?;
        Ok(())
    }

    /// A status resource, for the user who made it (or an administrator).
    pub async fn taxii_status(&self, caller: &Caller, root: &str, id: &str) -> Result<String, AppError> {
        let Caller::User(user) = caller else {
            return Err(AppError::Unauthenticated);
        };
        match self.store.status(id).await? {
            Some((r, by, resource)) if r == root && (by == user.id || user.role == Role::Admin) => {
                Ok(resource)
            }
            _ => Err(AppError::NotFound("status")),
        }
    }

    /// One page of a collection's objects for the caller: only what TLP lets them see, in the
    /// order added, with a sealed cursor to the next page.
    pub async fn objects(
        &self,
        caller: &Caller,
        root: &str,
        collection_id: &str,
        request: ObjectsRequest<'_>,
        parameters: &[(String, String)],
    ) -> Result<ObjectsPage, AppError> {
        let (collection, access) = self.collection(caller, root, collection_id).await?;
        if !access.can_read {
            return Err(AppError::Forbidden("this collection is write-only for you"));
        }
        let endpoint = match request {
            ObjectsRequest::Collection => Endpoint::Objects,
            ObjectsRequest::Object(_) => Endpoint::Object,
            ObjectsRequest::Versions(_) => Endpoint::Versions,
        };
        let mut query = ObjectQuery::parse(parameters, endpoint).map_err(parameter_error)?;
        if let ObjectsRequest::Object(id) | ObjectsRequest::Versions(id) = request {
            query.ids = vec![id.parse().map_err(|_| AppError::NotFound("object"))?];
        }
        if matches!(request, ObjectsRequest::Versions(_)) {
            query.versions = vec![VersionSelector::All];
        }
        let who = match caller {
            Caller::User(u) => u.id.to_string(),
            Caller::Operator => "operator".to_owned(),
            Caller::Anonymous => "anonymous".to_owned(),
        };
        let mut binding = query.fingerprint().to_vec();
        binding.extend_from_slice(format!("{endpoint:?}").as_bytes());
        binding.extend_from_slice(who.as_bytes());
        binding.push(0);
        binding.extend_from_slice(collection.id.as_str().as_bytes());
        let key = self.cursor_key().await?;
        let after_seq = match &query.next {
            Some(next) => {
                key.open(next, &binding).map_err(|e| ValidationError::new("next", e.to_string()))?.after_seq
            }
            None => 0,
        };
        let versions = version_choice(&query.versions, VersionChoice { last: true, ..Default::default() });
        let added_after = query
            .added_after
            .as_ref()
            .map(|t| accord_model::time::parse_timestamp(&format!("{}Z", t.sort_key())))
            .transpose()
            .map_err(|_| ValidationError::new("added_after", "out of range"))?;
        let filter = ObjectFilter {
            added_after,
            ids: query.ids.iter().map(|i| i.as_str().to_owned()).collect(),
            types: query.types.clone(),
            spec_versions: query.spec_versions.clone(),
            versions,
        };
        let reader = ObjectReader {
            member: matches!(caller, Caller::User(_) | Caller::Operator),
            organization: caller.user().and_then(|u| u.organization_id),
            user: caller.user().map(|u| u.id),
        };
        let limit = query.page_size(PAGE_MAX);
        let mut rows = self.store.objects(&collection.id, reader, &filter, after_seq, limit + 1).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next =
            if more { rows.last().map(|r| key.seal(Cursor { after_seq: r.seq }, &binding)) } else { None };
        Ok(ObjectsPage {
            first_added: rows.first().map(|r| r.date_added),
            last_added: rows.last().map(|r| r.date_added),
            objects: rows,
            more,
            next,
        })
    }
}
