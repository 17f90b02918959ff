//! Threat-intelligence pages: the collections a visitor may read, their objects with TLP
//! badges, and one object with its versions, relationships and sightings. Every list comes
//! from the same use cases as the TAXII API, so TLP applies exactly as there.

use accord_app::{AppError, Caller, StoredObject};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::Ctx;
use super::context::Chrome;
use super::pages::{not_found, server_error};
use crate::AppState;

/// Objects per collection page.
const PAGE: &str = "100";

fn caller(ctx: &Ctx) -> Caller {
    ctx.user.clone().map(Caller::User).unwrap_or(Caller::Anonymous)
}

pub(crate) struct CollectionRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub default_tlp: &'static str,
    pub public: bool,
    pub taxii: String,
}

#[derive(Template)]
#[template(path = "intel.html")]
struct IntelPage {
    chrome: Chrome,
    signed_in: bool,
    collections: Vec<CollectionRow>,
}

pub(crate) async fn collections(State(s): State<AppState>, ctx: Ctx) -> Response {
    let who = caller(&ctx);
    let mut rows = Vec::new();
    let roots = match s.app.api_roots().await {
        Ok(r) => r,
        Err(e) => return server_error(ctx, e),
    };
    for root in roots {
        let listed = match s.app.collections(&who, root.name.as_str()).await {
            Ok(l) => l,
            Err(e) => return server_error(ctx, e),
        };
        for (c, _) in listed.into_iter().filter(|(_, a)| a.can_read) {
            rows.push(CollectionRow {
                taxii: format!("/taxii2/{}/collections/{}/", c.api_root.as_str(), c.id.as_str()),
                id: c.id.as_str().to_owned(),
                title: c.title,
                description: c.description.unwrap_or_default(),
                default_tlp: c.default_tlp.as_str(),
                public: c.public,
            });
        }
    }
    let page = IntelPage {
        chrome: ctx.chrome(ctx.t().intel_title),
        signed_in: ctx.user.is_some(),
        collections: rows,
    };
    ctx.render(StatusCode::OK, &page)
}

/// One object in a list.
pub(crate) struct ObjectRow {
    pub id: String,
    pub object_type: String,
    pub name: String,
    pub tlp: &'static str,
    pub tlp_class: &'static str,
    pub version: String,
    pub added: String,
}

/// The CSS class of a TLP badge.
fn tlp_class(tlp: accord_app::stix::TlpLevel) -> &'static str {
    match tlp {
        accord_app::stix::TlpLevel::Clear => "tlp-clear",
        accord_app::stix::TlpLevel::Green => "tlp-green",
        accord_app::stix::TlpLevel::Amber => "tlp-amber",
        accord_app::stix::TlpLevel::AmberStrict => "tlp-amber-strict",
        accord_app::stix::TlpLevel::Red => "tlp-red",
    }
}

/// A readable label: the object's `name`, else what identifies it best for its type.
fn label(v: &Value, fallback: &str) -> String {
    ["name", "value", "pattern", "relationship_type", "path", "key", "user_id"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(|s| {
            if s.chars().count() > 120 {
                format!("{}…", s.chars().take(120).collect::<String>())
            } else {
                s.to_owned()
            }
        })
        .unwrap_or_else(|| fallback.to_owned())
}

fn object_row(o: &StoredObject) -> ObjectRow {
    let v: Value = serde_json::from_str(&o.raw).unwrap_or(Value::Null);
    ObjectRow {
        name: label(&v, &o.object_id),
        id: o.object_id.clone(),
        object_type: o.object_type.clone(),
        tlp: o.tlp.as_str(),
        tlp_class: tlp_class(o.tlp),
        version: o.version.clone(),
        added: accord_app::model::time::format_timestamp(o.date_added),
    }
}

#[derive(Template)]
#[template(path = "collection.html")]
struct CollectionPage {
    chrome: Chrome,
    collection: CollectionRow,
    objects: Vec<ObjectRow>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default, rename = "type")]
    object_type: Option<String>,
}

pub(crate) async fn collection(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let who = caller(&ctx);
    let c = match s.app.readable_collection(&who, &id).await {
        Ok(c) => c,
        Err(AppError::NotFound(_)) => return not_found(ctx).await,
        Err(e) => return server_error(ctx, e),
    };
    let mut parameters = vec![("limit".to_owned(), PAGE.to_owned())];
    if let Some(n) = q.next.clone() {
        parameters.push(("next".into(), n));
    }
    if let Some(t) = q.object_type.clone().filter(|t| !t.is_empty()) {
        parameters.push(("match[type]".into(), t));
    }
    let page = match s
        .app
        .objects(&who, c.api_root.as_str(), &id, accord_app::ObjectsRequest::Collection, &parameters)
        .await
    {
        Ok(p) => p,
        Err(AppError::Invalid(_)) => return not_found(ctx).await,
        Err(e) => return server_error(ctx, e),
    };
    let next = page.next.map(|n| {
        let mut query = vec![("next", n)];
        if let Some(t) = q.object_type.filter(|t| !t.is_empty()) {
            query.push(("type", t));
        }
        serde_urlencoded::to_string(query).unwrap_or_default()
    });
    let view = CollectionPage {
        chrome: ctx.chrome(&c.title),
        collection: CollectionRow {
            taxii: format!("/taxii2/{}/collections/{}/", c.api_root.as_str(), c.id.as_str()),
            id: c.id.as_str().to_owned(),
            title: c.title.clone(),
            description: c.description.clone().unwrap_or_default(),
            default_tlp: c.default_tlp.as_str(),
            public: c.public,
        },
        objects: page.objects.iter().map(object_row).collect(),
        next,
    };
    ctx.render(StatusCode::OK, &view)
}

/// A relationship or sighting that points at the object.
pub(crate) struct LinkRow {
    pub id: String,
    pub kind: String,
    pub other_id: String,
    pub other_name: String,
    pub outgoing: bool,
    pub tlp: &'static str,
    pub tlp_class: &'static str,
    pub count: String,
}

#[derive(Template)]
#[template(path = "object.html")]
struct ObjectPage {
    chrome: Chrome,
    collection_id: String,
    collection_title: String,
    current: ObjectRow,
    description: String,
    pattern: String,
    versions: Vec<ObjectRow>,
    relationships: Vec<LinkRow>,
    sightings: Vec<LinkRow>,
    json: String,
}

pub(crate) async fn object(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, object_id)): Path<(String, String)>,
) -> Response {
    let who = caller(&ctx);
    let d = match s.app.object_detail(&who, &id, &object_id).await {
        Ok(d) => d,
        Err(AppError::NotFound(_)) => return not_found(ctx).await,
        Err(e) => return server_error(ctx, e),
    };
    let Some(latest) = d.versions.iter().max_by(|a, b| a.version.cmp(&b.version)) else {
        return not_found(ctx).await;
    };
    let v: Value = serde_json::from_str(&latest.raw).unwrap_or(Value::Null);
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (mut relationships, mut sightings) = (Vec::new(), Vec::new());
    for l in &d.links {
        let lv: Value = serde_json::from_str(&l.raw).unwrap_or(Value::Null);
        let get = |k: &str| lv.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        if l.object_type == "sighting" {
            let count = lv.get("count").and_then(Value::as_u64).map(|c| c.to_string()).unwrap_or_default();
            sightings.push(LinkRow {
                id: l.object_id.clone(),
                kind: get("last_seen"),
                other_id: String::new(),
                other_name: String::new(),
                outgoing: false,
                tlp: l.tlp.as_str(),
                tlp_class: tlp_class(l.tlp),
                count,
            });
        } else {
            let outgoing = get("source_ref") == object_id;
            let other = if outgoing { get("target_ref") } else { get("source_ref") };
            relationships.push(LinkRow {
                id: l.object_id.clone(),
                kind: get("relationship_type"),
                other_name: d.names.get(&other).cloned().unwrap_or_else(|| other.clone()),
                other_id: other,
                outgoing,
                tlp: l.tlp.as_str(),
                tlp_class: tlp_class(l.tlp),
                count: String::new(),
            });
        }
    }
    let page = ObjectPage {
        chrome: ctx.chrome(&label(&v, &object_id)),
        collection_id: d.collection.id.as_str().to_owned(),
        collection_title: d.collection.title.clone(),
        current: object_row(latest),
        description: text("description"),
        pattern: text("pattern"),
        versions: d.versions.iter().rev().map(object_row).collect(),
        relationships,
        sightings,
        json: serde_json::to_string_pretty(&v).unwrap_or_default(),
    };
    ctx.render(StatusCode::OK, &page)
}
