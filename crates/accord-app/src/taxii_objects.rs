//! TAXII objects: adding envelopes (validated object by object, with a status resource) and
//! reading them page by page, with TLP applied inside the store's query.

use std::collections::{HashMap, HashSet};

use accord_model::time::format_timestamp;
use accord_model::{OrganizationId, Role, ValidationError};
use accord_stix::{Envelope, ObjectSummary, Problem, RECIPIENTS_PROPERTY, TlpLevel, validate_object};
use accord_store::{
    NewObjectVersion, ObjectFilter, ObjectReader, RegistryWrite, StoredObject, VersionChoice,
};
use accord_taxii::query::Endpoint;
use accord_taxii::{Collection, Cursor, CursorKey, ObjectQuery, VersionSelector};
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

/// The caller as the TLP rule of object queries sees them.
fn reader_of(caller: &Caller) -> ObjectReader {
    ObjectReader {
        member: matches!(caller, Caller::User(_) | Caller::Operator),
        organization: caller.user().and_then(|u| u.organization_id),
        user: caller.user().map(|u| u.id),
    }
}

/// The `type` of an object's JSON text, if it has one.
fn type_of(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Typed {
        r#type: String,
    }
    serde_json::from_str::<Typed>(text).ok().map(|t| t.r#type)
}

/// The organisations of the server by STIX identity: (id, name).
pub(crate) type Identities = HashMap<String, (OrganizationId, String)>;

/// An object refused on ingest: its id and version as far as they could be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFailure {
    pub id: String,
    pub version: Option<String>,
    pub message: String,
}

impl ObjectFailure {
    fn new(text: &str, problems: &[Problem]) -> Self {
        let v: Option<Value> = serde_json::from_str(text).ok();
        let field = |k: &str| v.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
        let message: Vec<String> = problems.iter().map(ToString::to_string).collect();
        ObjectFailure {
            id: field("id").unwrap_or_default(),
            version: field("modified"),
            message: message.join("; "),
        }
    }
}

/// The objects of an envelope, sorted into versions to store and refusals.
pub(crate) struct CheckedObjects {
    pub versions: Vec<NewObjectVersion>,
    pub failures: Vec<ObjectFailure>,
}

/// One object after its checks: what to store, or what is wrong with it.
type Checked = Result<(ObjectSummary, NewObjectVersion), Vec<Problem>>;

/// Who sends objects, and the rules their objects follow besides STIX validity.
pub(crate) struct Ingest<'a> {
    /// Every organisation of the server, by STIX identity.
    pub identities: &'a Identities,
    /// The sender's organisation: no object may speak for another one.
    pub organization: Option<OrganizationId>,
    /// The TLP of objects without a TLP marking.
    pub default_tlp: TlpLevel,
    /// The sender may read but not write the collection: sightings only.
    pub sightings_only: bool,
    /// A recipient that is not an organisation of the server refuses the object (someone
    /// posting learns of the mistake); otherwise it is dropped, which only narrows who reads
    /// (a mirror of another server's objects).
    pub strict_recipients: bool,
}

impl Ingest<'_> {
    /// Validates one object (STIX 2.1 rules, then provenance, recipients and what the sender
    /// may post) and gives it its TLP level.
    fn check(&self, text: &str) -> Checked {
        let problem =
            |property: &str, message: String| vec![Problem { property: property.to_owned(), message }];
        let summary = validate_object(text)?;
        if self.sightings_only && summary.object_type != "sighting" {
            return Err(problem(
                "type",
                "you may read this collection but not write it: post sightings only".into(),
            ));
        }
        let claimed = summary.created_by_ref.as_ref().map(|r| ("created_by_ref", r.as_str()));
        let defined = (summary.object_type == "identity").then_some(("id", summary.id.as_str()));
        let other = claimed.into_iter().chain(defined).find_map(|(p, id)| {
            self.identities.get(id).filter(|(o, _)| Some(*o) != self.organization).map(|(_, n)| (p, n))
        });
        if let Some((property, name)) = other {
            return Err(problem(
                property,
                format!("is the STIX identity of another organization ({name}); post as your own"),
            ));
        }
        let mut recipients = Vec::new();
        for (i, r) in summary.recipient_refs.iter().enumerate() {
            match self.identities.get(r.as_str()) {
                Some((o, _)) => recipients.push(*o),
                None if !self.strict_recipients => {}
                None => {
                    return Err(problem(
                        &format!("{RECIPIENTS_PROPERTY}[{i}]"),
                        format!("{r} is not the STIX identity of an organization of this server"),
                    ));
                }
            }
        }
        let tlp = TlpLevel::of_markings(summary.object_marking_refs.iter().map(|m| m.as_str()))
            .unwrap_or(self.default_tlp);
        if !matches!(tlp, TlpLevel::Amber | TlpLevel::Red) {
            recipients.clear();
        }
        let version = NewObjectVersion {
            object_id: summary.id.as_str().to_owned(),
            object_type: summary.object_type.clone(),
            spec_version: summary.spec_version.clone(),
            version: summary.modified.as_ref().map(|m| (m.sort_key().to_owned(), m.as_str().to_owned())),
            tlp,
            recipients,
            links: summary.links.iter().map(|l| l.as_str().to_owned()).collect(),
            raw: text.to_owned(),
        };
        Ok((summary, version))
    }

    /// Checks each object on its own.
    pub(crate) fn check_all<'t>(&self, objects: impl IntoIterator<Item = &'t str>) -> CheckedObjects {
        let texts: Vec<&str> = objects.into_iter().collect();
        let mut checked = CheckedObjects { versions: Vec::new(), failures: Vec::new() };
        for (text, result) in texts.iter().zip(self.check_many(&texts)) {
            match result {
                Ok((_, version)) => checked.versions.push(version),
                Err(problems) => checked.failures.push(ObjectFailure::new(text, &problems)),
            }
        }
        checked
    }

    /// Checks objects in order, a large envelope on every core: validation is most of the
    /// CPU time of an ingest outside the store's writer.
    fn check_many(&self, texts: &[&str]) -> Vec<Checked> {
        /// Fewer objects than this are not worth a thread.
        const PER_THREAD: usize = 128;
        /// Envelopes being checked now: threads are added only when this is the only one
        /// (otherwise the requests already share the cores, and more threads would only take
        /// CPU time from the store's writer).
        static CHECKING: AtomicUsize = AtomicUsize::new(0);
        struct Checking;
        impl Drop for Checking {
            fn drop(&mut self) {
                CHECKING.fetch_sub(1, AtomicOrdering::Relaxed);
            }
        }
        let alone = CHECKING.fetch_add(1, AtomicOrdering::Relaxed) == 0;
        let _checking = Checking;
        let cores = if alone { std::thread::available_parallelism().map_or(1, usize::from) } else { 1 };
        let threads = cores.min(texts.len() / PER_THREAD).max(1);
        if threads == 1 {
            return texts.iter().map(|t| self.check(t)).collect();
        }
        let chunk = texts.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = texts
                .chunks(chunk)
                .skip(1)
                .map(|part| scope.spawn(move || part.iter().map(|t| self.check(t)).collect::<Vec<_>>()))
                .collect();
            let mut all: Vec<Checked> = texts[..chunk].iter().map(|t| self.check(t)).collect();
            for part in parts {
                // A panic in a check is a bug; pass it on rather than lose the objects.
                all.extend(part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
            all
        })
    }
}

use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

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

impl App {
    /// Every organisation of the server by its STIX identity.
    pub(crate) async fn identities(&self) -> Result<Identities, AppError> {
        Ok(self
            .store
            .organizations(None)
            .await?
            .into_iter()
            .map(|o| (stix_identity(o.id), (o.id, o.name)))
            .collect())
    }

    async fn cursor_key(&self) -> Result<CursorKey, AppError> {
        if let Some(key) = self.cursor_key.get() {
            return Ok(key.clone());
        }
        if self.store.server_secret(CURSOR_SECRET).await?.is_none() {
            let fresh = random::bytes::<32>()?.to_vec();
            self.commit(
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
    ///
    /// Besides STIX validation: nobody may speak for another organisation of the accord
    /// (`created_by_ref`, or defining its identity); the recipients an AMBER or RED object
    /// names must be organisations of the accord; a `sighting` must be of an object the poster
    /// can read. Members who may read the collection but not write it may post sightings only.
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
        let sightings_only = !access.can_write;
        let envelope = Envelope::parse(body).map_err(|e| ValidationError::new("objects", e.0))?;
        if sightings_only && !envelope.objects.iter().any(|o| type_of(o.get()) == Some("sighting".into())) {
            return Err(AppError::Forbidden(
                "this collection is read-only for you (you may post sightings)".into(),
            ));
        }
        let identities = self.identities().await?;
        let ingest = Ingest {
            identities: &identities,
            organization: user.organization_id,
            default_tlp: collection.default_tlp,
            sightings_only,
            strict_recipients: true,
        };
        let texts: Vec<&str> = envelope.objects.iter().map(|o| o.get()).collect();
        let mut checked: Vec<(&str, Checked)> =
            texts.iter().copied().zip(ingest.check_many(&texts)).collect();
        self.check_sightings(caller, &collection.api_root, &mut checked).await?;

        let (mut versions, mut successes, mut failures) = (Vec::new(), Vec::new(), Vec::new());
        for (text, result) in checked {
            match result {
                Ok((_, version)) => {
                    let mut success = json!({ "id": version.object_id });
                    if let Some((_, written)) = &version.version {
                        success["version"] = Value::String(written.clone());
                    }
                    successes.push(success);
                    versions.push(version);
                }
                Err(problems) => {
                    let f = ObjectFailure::new(text, &problems);
                    let mut failure = json!({ "id": f.id, "message": f.message });
                    if let Some(version) = f.version {
                        failure["version"] = Value::String(version);
                    }
                    failures.push(failure);
                }
            }
        }
        let id = uuid::Uuid::new_v4().hyphenated().to_string();
        let status = json!({
            "id": id,
            "status": "complete",
            "request_timestamp": format_timestamp(now),
            "total_count": envelope.objects.len(),
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
        self.commit(&caller.audit_name(), writes).await?;
        Ok(status)
    }

    /// Turns every valid `sighting` whose `sighting_of_ref` the caller cannot read into a
    /// failure. Readable: posted in the same envelope, or visible to the caller (TLP
    /// included) in a collection of the API root they may read. The message is the same
    /// whether the object does not exist or is hidden.
    async fn check_sightings(
        &self,
        caller: &Caller,
        root: &accord_taxii::ApiRootName,
        checked: &mut [(&str, Checked)],
    ) -> Result<(), AppError> {
        let in_envelope: HashSet<String> = checked
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(|(s, _)| s.id.as_str().to_owned())
            .collect();
        let mut wanted: HashSet<String> = checked
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .filter_map(|(s, _)| s.sighting_of_ref.as_ref())
            .map(|r| r.as_str().to_owned())
            .filter(|r| !in_envelope.contains(r))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let reader = reader_of(caller);
        for (collection, access) in self.collections(caller, root.as_str()).await? {
            if !access.can_read || wanted.is_empty() {
                continue;
            }
            let filter = ObjectFilter {
                ids: wanted.iter().cloned().collect(),
                versions: VersionChoice { last: true, ..Default::default() },
                ..Default::default()
            };
            let found = self.store.objects(&collection.id, reader, &filter, 0, wanted.len() as u32).await?;
            for o in found {
                wanted.remove(&o.object_id);
            }
        }
        for (_, result) in checked.iter_mut() {
            let unseen = match result {
                Ok((s, _)) => s.sighting_of_ref.as_ref().is_some_and(|r| wanted.contains(r.as_str())),
                Err(_) => false,
            };
            if unseen {
                *result = Err(vec![Problem {
                    property: "sighting_of_ref".into(),
                    message: "names no object that you can read in this API root".into(),
                }]);
            }
        }
        Ok(())
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
            return Err(AppError::Forbidden("this collection is read-only for you".into()));
        }
        let object: accord_stix::StixId = object_id.parse().map_err(|_| AppError::NotFound("object"))?;
        let query = ObjectQuery::parse(parameters, Endpoint::Delete).map_err(parameter_error)?;
        // Without match[version], a delete takes every version.
        let versions = version_choice(&query.versions, VersionChoice { all: true, ..Default::default() });
        let producer = (user.role != Role::Admin).then_some((user.organization_id, user.id));
        self.commit(
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
            return Err(AppError::Forbidden("this collection is write-only for you".into()));
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
            linked_to: None,
        };
        let reader = reader_of(caller);
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

    /// One collection by its id alone, whatever its API root (for the JSON API and the web
    /// pages), if the caller may read it.
    pub async fn readable_collection(
        &self,
        caller: &Caller,
        collection_id: &str,
    ) -> Result<Collection, AppError> {
        for root in self.store.api_roots().await? {
            if let Some((c, access)) = self
                .collections(caller, root.name.as_str())
                .await?
                .into_iter()
                .find(|(c, _)| c.id.as_str() == collection_id)
            {
                return if access.can_read { Ok(c) } else { Err(AppError::NotFound("collection")) };
            }
        }
        Err(AppError::NotFound("collection"))
    }

    /// What the caller may see of one object in a collection: its versions, oldest first,
    /// and the relationships and sightings that point at it (their newest versions), with
    /// the names of the objects at their other ends. TLP applies to each of them; an
    /// object whose every version is hidden does not exist for the caller.
    pub async fn object_detail(
        &self,
        caller: &Caller,
        collection_id: &str,
        object_id: &str,
    ) -> Result<ObjectDetail, AppError> {
        let collection = self.readable_collection(caller, collection_id).await?;
        let id: accord_stix::StixId = object_id.parse().map_err(|_| AppError::NotFound("object"))?;
        let reader = reader_of(caller);
        let every_version = |ids: Vec<String>, linked_to: Option<String>, all: bool| ObjectFilter {
            ids,
            spec_versions: vec![],
            versions: VersionChoice { all, last: !all, ..Default::default() },
            linked_to,
            added_after: None,
            types: vec![],
        };
        let versions = self
            .store
            .objects(
                &collection.id,
                reader,
                &every_version(vec![id.as_str().to_owned()], None, true),
                0,
                PAGE_MAX,
            )
            .await?;
        if versions.is_empty() {
            return Err(AppError::NotFound("object"));
        }
        let links = self
            .store
            .objects(
                &collection.id,
                reader,
                &every_version(vec![], Some(id.as_str().to_owned()), false),
                0,
                PAGE_MAX,
            )
            .await?;
        let others: Vec<String> = links
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(&l.raw).ok())
            .flat_map(|v| {
                ["source_ref", "target_ref"]
                    .into_iter()
                    .filter_map(|k| v.get(k).and_then(Value::as_str).map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .filter(|o| o != id.as_str())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let names = if others.is_empty() {
            HashMap::new()
        } else {
            let limit = others.len() as u32;
            self.store
                .objects(&collection.id, reader, &every_version(others, None, false), 0, limit)
                .await?
                .into_iter()
                .filter_map(|o| {
                    let v: Value = serde_json::from_str(&o.raw).ok()?;
                    Some((o.object_id, v.get("name")?.as_str()?.to_owned()))
                })
                .collect()
        };
        Ok(ObjectDetail { collection, versions, links, names })
    }
}

/// One object as a reader sees it (see [`App::object_detail`]).
#[derive(Debug, Clone)]
pub struct ObjectDetail {
    pub collection: Collection,
    /// Every version the reader may see, oldest first (the order they were added).
    pub versions: Vec<StoredObject>,
    /// Relationships and sightings pointing at the object.
    pub links: Vec<StoredObject>,
    /// The names of the objects at the other end of those relationships, where visible.
    pub names: HashMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(i: usize) -> String {
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-0000-4000-8000-000000000000","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '10.0.0.1']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}}"#,
            i
        )
    }

    /// A large envelope is checked on several threads; every answer must stay with its object.
    #[test]
    fn checks_of_a_large_envelope_keep_their_order() {
        let identities = Identities::new();
        let ingest = Ingest {
            identities: &identities,
            organization: None,
            default_tlp: TlpLevel::Green,
            sightings_only: false,
            strict_recipients: true,
        };
        // every seventh object lacks its pattern
        let texts: Vec<String> = (0..1001)
            .map(|i| {
                if i % 7 == 3 {
                    indicator(i).replace(r#""pattern_type""#, r#""x_pattern_type""#)
                } else {
                    indicator(i)
                }
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let checked = ingest.check_many(&refs);
        assert_eq!(checked.len(), texts.len());
        for (i, result) in checked.iter().enumerate() {
            match result {
                Ok((summary, _)) => {
                    assert_ne!(i % 7, 3, "object {i} should have failed");
                    assert_eq!(
                        summary.id.as_str(),
                        format!("indicator--{i:08x}-0000-4000-8000-000000000000")
                    );
                }
                Err(problems) => {
                    assert_eq!(i % 7, 3, "object {i} should have passed: {problems:?}");
                    assert!(problems.iter().any(|p| p.property == "pattern_type"), "{problems:?}");
                }
            }
        }
    }
}
