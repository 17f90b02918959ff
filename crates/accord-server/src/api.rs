//! The JSON API under `/api/v1`.

use accord_app::model::accord::signing_statement;
use accord_app::model::time::format_timestamp;
use accord_app::model::{
    AccordSignature, AccordVersion, AccordVersionNumber, Organization, OrganizationId, OrganizationStatus,
    PublicKey, UserId,
};
use accord_app::{
    AppError, Caller, NewCollectionRequest, NewOrganizationRequest, NewUserRequest, ObjectsRequest,
    OrganizationKey, SignatureRequest,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/accord", get(accord_latest).post(publish_accord))
        .route("/accord/versions/{version}", get(accord_version))
        .route("/accord/statement", get(accord_statement))
        .route("/signatories", get(signatories))
        .route("/organizations", get(organizations).post(create_organization))
        .route("/organizations/{id}", get(organization))
        .route("/organizations/{id}/keys", post(add_key))
        .route("/organizations/{id}/invitation", post(invite))
        .route("/organizations/{id}/signatures", post(sign))
        .route("/organizations/{id}/withdrawal", post(withdraw))
        .route("/users", get(users).post(create_user))
        .route("/users/{id}/tokens", get(tokens).post(create_token))
        .route("/users/{id}/tokens/{token_id}", delete(revoke_token))
        .route("/organizations/{id}/keys/{fingerprint}", delete(revoke_key))
        .route("/users/{id}/password", post(set_password))
        .route("/taxii/api-roots", post(create_api_root))
        .route("/taxii/collections", get(list_collections).post(create_collection))
        .route("/taxii/collections/{id}/objects", get(collection_objects))
        .route("/taxii/collections/{id}/objects/{object_id}", get(collection_object))
        .route("/taxii/collections/{id}/grants", post(grant_collection))
        .route("/me", get(me))
        .route("/audit", get(audit))
        .fallback(|| async { ApiError::not_found("API endpoint") })
}

fn org_id(raw: &str) -> ApiResult<OrganizationId> {
    raw.parse().map_err(|_| ApiError::not_found("organization"))
}

fn user_id(raw: &str) -> ApiResult<UserId> {
    raw.parse().map_err(|_| ApiError::not_found("user"))
}

async fn accord_latest(State(s): State<AppState>) -> ApiResult<Json<AccordVersion>> {
    let accord = s.app.accord_latest().await?.ok_or(AppError::NotFound("accord text"))?;
    Ok(Json(accord))
}

async fn accord_version(
    State(s): State<AppState>,
    Path(version): Path<String>,
) -> ApiResult<Json<AccordVersion>> {
    let v: AccordVersionNumber = version.parse().map_err(|_| ApiError::not_found("accord version"))?;
    Ok(Json(s.app.accord_version(v).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishAccord {
    title: String,
    text: String,
}

async fn publish_accord(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<PublishAccord>,
) -> ApiResult<(StatusCode, Json<AccordVersion>)> {
    let v = s.app.publish_accord(&caller, &body.title, &body.text, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize)]
struct StatementQuery {
    organization_id: Option<String>,
    version: Option<String>,
}

/// The exact statement an organisation signs, so signers need not rebuild it by hand.
async fn accord_statement(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> ApiResult<Json<Value>> {
    let raw = q
        .organization_id
        .ok_or_else(|| ApiError::bad_request("organization_id", "organization_id is required"))?;
    let org: OrganizationId = raw.parse().map_err(|e: accord_app::model::ValidationError| {
        ApiError::bad_request("organization_id", e.message)
    })?;
    s.app.organization(org).await?;
    let accord = match q.version {
        Some(v) => {
            let v: AccordVersionNumber = v.parse().map_err(|e: accord_app::model::ValidationError| {
                ApiError::bad_request("version", e.message)
            })?;
            s.app.accord_version(v).await?
        }
        None => s.app.accord_latest().await?.ok_or(AppError::NotFound("accord text"))?,
    };
    Ok(Json(json!({
        "organization_id": org,
        "version": accord.version,
        "sha256": accord.sha256,
        "statement": signing_statement(accord.version, &accord.sha256, org),
    })))
}

/// `{"signatories": [...]}`, serialised straight from the domain values (no intermediate
/// `serde_json::Value`: this is the busiest public read).
#[derive(Serialize)]
struct Signatories {
    signatories: Vec<Organization>,
}

#[derive(Serialize)]
struct Organizations {
    organizations: Vec<Organization>,
}

async fn signatories(State(s): State<AppState>) -> ApiResult<Json<Signatories>> {
    Ok(Json(Signatories { signatories: s.app.signatories().await? }))
}

#[derive(Deserialize)]
struct OrganizationsQuery {
    status: Option<String>,
}

async fn organizations(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<OrganizationsQuery>,
) -> ApiResult<Json<Organizations>> {
    let status = q
        .status
        .map(|v| v.parse::<OrganizationStatus>())
        .transpose()
        .map_err(|e| ApiError::bad_request("status", e.to_string()))?;
    Ok(Json(Organizations { organizations: s.app.organizations(status).await? }))
}

async fn create_organization(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<NewOrganizationRequest>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    let org = s.app.create_organization(&caller, body, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[derive(Serialize)]
struct KeyBody {
    public_key: PublicKey,
    fingerprint: String,
    added_at: String,
    revoked_at: Option<String>,
}

impl From<&OrganizationKey> for KeyBody {
    fn from(k: &OrganizationKey) -> Self {
        Self {
            public_key: k.public_key,
            fingerprint: k.fingerprint.clone(),
            added_at: format_timestamp(k.added_at),
            revoked_at: k.revoked_at.map(format_timestamp),
        }
    }
}

#[derive(Serialize)]
struct OrganizationBody {
    #[serde(flatten)]
    organization: Organization,
    /// The organisation's STIX identity: what its objects name as `created_by_ref`.
    stix_identity: String,
    public_keys: Vec<KeyBody>,
    signatures: Vec<AccordSignature>,
}

async fn organization(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<OrganizationBody>> {
    let d = s.app.organization_detail(org_id(&id)?).await?;
    Ok(Json(OrganizationBody {
        stix_identity: accord_app::stix_identity(d.organization.id),
        public_keys: d.keys.iter().map(KeyBody::from).collect(),
        organization: d.organization,
        signatures: d.signatures,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddKey {
    public_key: PublicKey,
}

async fn add_key(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddKey>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (key, receipt) =
        s.app.add_organization_key_logged(&caller, org_id(&id)?, body.public_key, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(with_receipt(json!(KeyBody::from(&key)), receipt))))
}

async fn invite(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(s.app.invite(&caller, org_id(&id)?, Timestamp::now()).await?))
}

async fn sign(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SignatureRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (org, signature, receipt) = s.app.sign_logged(&caller, org_id(&id)?, body, Timestamp::now()).await?;
    let body = json!({ "organization": org, "signature": signature });
    Ok((StatusCode::CREATED, Json(with_receipt(body, receipt))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Withdrawal {
    reason: String,
}

async fn withdraw(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Withdrawal>,
) -> ApiResult<Json<Value>> {
    let (org, receipt) = s.app.withdraw_logged(&caller, org_id(&id)?, &body.reason, Timestamp::now()).await?;
    Ok(Json(with_receipt(json!(org), receipt)))
}

/// Adds `log_receipt` (the C2SP tlog-proof of the write's log entry) to a JSON object.
pub(crate) fn with_receipt(mut body: Value, receipt: Option<String>) -> Value {
    if let (Value::Object(map), Some(r)) = (&mut body, receipt) {
        map.insert("log_receipt".into(), Value::String(r));
    }
    body
}

async fn users(State(s): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "users": s.app.users(&caller).await? })))
}

async fn create_user(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (user, token) = s.app.create_user(&caller, body, Timestamp::now()).await?;
    let mut body = json!(user);
    body["token"] = Value::String(token.expose().to_owned());
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
}

async fn create_token(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let uid = user_id(&id)?;
    let token = s.app.create_token(&caller, uid, &body.name, Timestamp::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": token.digest().selector,
            "user_id": uid,
            "name": body.name.trim(),
            "token": token.expose(),
            "note": "this token is shown once; store it now",
        })),
    ))
}

async fn tokens(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let tokens: Vec<Value> = s
        .app
        .tokens(&caller, user_id(&id)?)
        .await?
        .into_iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "created_at": format_timestamp(t.created_at),
                "revoked_at": t.revoked_at.map(format_timestamp),
            })
        })
        .collect();
    Ok(Json(json!({ "tokens": tokens })))
}

async fn revoke_token(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, token_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.app.revoke_token(&caller, user_id(&id)?, &token_id, Timestamp::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answers the key as revoked with the receipt of the revocation's log entry (200, not 204:
/// the receipt is the caller's proof that the revocation is public).
async fn revoke_key(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, fingerprint)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let (key, receipt) =
        s.app.revoke_organization_key_logged(&caller, org_id(&id)?, &fingerprint, Timestamp::now()).await?;
    Ok(Json(with_receipt(json!(KeyBody::from(&key)), receipt)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPassword {
    password: String,
}

async fn set_password(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewPassword>,
) -> ApiResult<StatusCode> {
    s.app.set_password(&caller, user_id(&id)?, body.password, Timestamp::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewApiRoot {
    name: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
}

async fn create_api_root(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<NewApiRoot>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let r =
        s.app.create_api_root(&caller, &body.name, &body.title, body.description, Timestamp::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "name": r.name.as_str(), "title": r.title, "description": r.description,
            "max_content_length": r.max_content_length, "url": format!("/taxii2/{}/", r.name),
        })),
    ))
}

async fn create_collection(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<NewCollectionRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let c = s.app.create_collection(&caller, body, Timestamp::now()).await?;
    let mut body = collection_json(&c, true, true);
    if let Some(m) = body.as_object_mut() {
        m.remove("can_read");
        m.remove("can_write");
    }
    Ok((StatusCode::CREATED, Json(body)))
}

fn collection_json(c: &accord_app::taxii_protocol::Collection, can_read: bool, can_write: bool) -> Value {
    json!({
        "id": c.id.as_str(), "api_root": c.api_root.as_str(), "title": c.title,
        "description": c.description, "default_tlp": c.default_tlp.as_str(), "public": c.public,
        "can_read": can_read, "can_write": can_write,
    })
}

/// One stored object version, with its TLP and its JSON.
fn object_json(o: &accord_app::StoredObject) -> Value {
    json!({
        "id": o.object_id, "type": o.object_type, "spec_version": o.spec_version, "version": o.version,
        "date_added": format_timestamp(o.date_added), "tlp": o.tlp.as_str(),
        "object": serde_json::from_str::<Value>(&o.raw).unwrap_or(Value::Null),
    })
}

/// Every collection the caller may read or write, across API roots.
async fn list_collections(State(s): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Json<Value>> {
    let mut list = Vec::new();
    for root in s.app.api_roots().await? {
        for (c, access) in s.app.collections(&caller, root.name.as_str()).await? {
            list.push(collection_json(&c, access.can_read, access.can_write));
        }
    }
    Ok(Json(json!({ "collections": list })))
}

/// A page of a collection's objects, with the TAXII query parameters (`added_after`,
/// `match[…]`, `limit`, `next`); TLP applies exactly as in TAXII.
async fn collection_objects(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(parameters): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    let collection = s.app.readable_collection(&caller, &id).await?;
    let page = s
        .app
        .objects(&caller, collection.api_root.as_str(), &id, ObjectsRequest::Collection, &parameters)
        .await?;
    Ok(Json(json!({
        "objects": page.objects.iter().map(object_json).collect::<Vec<_>>(),
        "more": page.more,
        "next": page.next,
    })))
}

/// One object: the versions the caller may see and the relationships and sightings that
/// point at it.
async fn collection_object(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, object_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let d = s.app.object_detail(&caller, &id, &object_id).await?;
    Ok(Json(json!({
        "collection": d.collection.id.as_str(),
        "versions": d.versions.iter().map(object_json).collect::<Vec<_>>(),
        "links": d.links.iter().map(object_json).collect::<Vec<_>>(),
        "names": d.names,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Grant {
    organization_id: OrganizationId,
    can_read: bool,
    can_write: bool,
}

async fn grant_collection(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Grant>,
) -> ApiResult<StatusCode> {
    let access = accord_app::taxii_protocol::Access { can_read: body.can_read, can_write: body.can_write };
    s.app.grant_collection(&caller, &id, body.organization_id, access, Timestamp::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(ApiCaller(caller): ApiCaller) -> ApiResult<Json<Value>> {
    match caller {
        Caller::User(u) => Ok(Json(json!(u))),
        _ => Err(AppError::Unauthenticated.into()),
    }
}

#[derive(Deserialize)]
struct AuditQuery {
    limit: Option<u32>,
}

async fn audit(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Value>> {
    let events = s.app.audit_trail(&caller, q.limit.unwrap_or(100)).await?;
    let events: Vec<Value> = events
        .into_iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "at": format_timestamp(e.at),
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::String(e.detail)),
            })
        })
        .collect();
    Ok(Json(json!({ "events": events })))
}
