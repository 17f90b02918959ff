//! TAXII 2.1 API roots and collections: who sees and may use which.
//!
//! Access to a collection: an administrator (or the operator) may do everything; an
//! organisation's members get what the organisation was granted; every authenticated member
//! may read a public collection, and anonymous callers may read public collections only.
//! A collection the caller may neither read nor write does not exist for them (404).

use accord_model::{OrganizationId, Role};
use accord_stix::TlpLevel;
use accord_store::RegistryWrite;
use accord_taxii::{Access, ApiRoot, ApiRootName, Collection, CollectionId};
use jiff::Timestamp;
use serde::Deserialize;

use crate::{App, AppError, Caller, permissions};

/// What a client sends to add a collection.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCollectionRequest {
    pub api_root: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The TLP of objects without a TLP marking (default `amber`: fail closed).
    #[serde(default)]
    pub default_tlp: Option<String>,
    #[serde(default)]
    pub public: bool,
}

fn access_of(caller: &Caller, collection: &Collection, granted: Access) -> Access {
    match caller {
        Caller::Operator => Access { can_read: true, can_write: true },
        Caller::User(u) if u.role == Role::Admin => Access { can_read: true, can_write: true },
        Caller::User(_) => {
            Access { can_read: granted.can_read || collection.public, can_write: granted.can_write }
        }
        Caller::Anonymous => Access { can_read: collection.public, can_write: false },
    }
}

fn organization_of(caller: &Caller) -> Option<OrganizationId> {
    caller.user().and_then(|u| u.organization_id)
}

impl App {
    /// Every API root (TAXII discovery).
    pub async fn api_roots(&self) -> Result<Vec<ApiRoot>, AppError> {
        Ok(self.store.api_roots().await?)
    }

    pub async fn api_root(&self, name: &str) -> Result<ApiRoot, AppError> {
        let roots = self.store.api_roots().await?;
        roots.into_iter().find(|r| r.name.as_str() == name).ok_or(AppError::NotFound("API root"))
    }

    /// The collections of an API root that the caller may read or write, with its access.
    pub async fn collections(
        &self,
        caller: &Caller,
        root: &str,
    ) -> Result<Vec<(Collection, Access)>, AppError> {
        let root = self.api_root(root).await?;
        let listed = self.store.collections(&root.name, organization_of(caller)).await?;
        Ok(listed
            .into_iter()
            .map(|(c, granted)| {
                let access = access_of(caller, &c, granted);
                (c, access)
            })
            .filter(|(_, a)| a.can_read || a.can_write)
            .collect())
    }

    /// One collection, if the caller may read or write it (404 otherwise, whether or not it
    /// exists).
    pub async fn collection(
        &self,
        caller: &Caller,
        root: &str,
        id: &str,
    ) -> Result<(Collection, Access), AppError> {
        self.collections(caller, root)
            .await?
            .into_iter()
            .find(|(c, _)| c.id.as_str() == id)
            .ok_or(AppError::NotFound("collection"))
    }

    pub async fn create_api_root(
        &self,
        caller: &Caller,
        name: &str,
        title: &str,
        description: Option<String>,
        now: Timestamp,
    ) -> Result<ApiRoot, AppError> {
        permissions::manage_taxii(caller)?;
        let name: ApiRootName = name.parse().map_err(|e: accord_taxii::collection::NameError| {
            accord_model::ValidationError::new(e.field, e.message)
        })?;
        let title = accord_model::organization::validate_name(title)
            .map_err(|e| accord_model::ValidationError::new("title", e.message))?;
        let root = ApiRoot { name, title, description, max_content_length: 10 * 1024 * 1024 };
        self.commit(&caller.audit_name(), vec![RegistryWrite::CreateApiRoot { root: root.clone(), at: now }])
            .await?;
        Ok(root)
    }

    pub async fn create_collection(
        &self,
        caller: &Caller,
        req: NewCollectionRequest,
        now: Timestamp,
    ) -> Result<Collection, AppError> {
        permissions::manage_taxii(caller)?;
        let api_root: ApiRootName =
            req.api_root.parse().map_err(|e: accord_taxii::collection::NameError| {
                accord_model::ValidationError::new(e.field, e.message)
            })?;
        let title = accord_model::organization::validate_name(&req.title)
            .map_err(|e| accord_model::ValidationError::new("title", e.message))?;
        let default_tlp = match req.default_tlp {
            Some(t) => {
                t.parse::<TlpLevel>().map_err(|e| accord_model::ValidationError::new("default_tlp", e))?
            }
            None => TlpLevel::Amber,
        };
        let id: CollectionId = uuid::Uuid::new_v4()
            .hyphenated()
            .to_string()
            .parse()
            .map_err(|e: accord_taxii::collection::NameError| AppError::Internal(e.to_string()))?;
        let collection =
            Collection { id, api_root, title, description: req.description, default_tlp, public: req.public };
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::CreateCollection { collection: collection.clone(), at: now }],
        )
        .await?;
        Ok(collection)
    }

    pub async fn grant_collection(
        &self,
        caller: &Caller,
        collection: &str,
        organization_id: OrganizationId,
        access: Access,
        now: Timestamp,
    ) -> Result<(), AppError> {
        permissions::manage_taxii(caller)?;
        let collection: CollectionId = collection.parse().map_err(|_| AppError::NotFound("collection"))?;
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::GrantCollection { collection, organization_id, access, at: now }],
        )
        .await?;
        Ok(())
    }
}
