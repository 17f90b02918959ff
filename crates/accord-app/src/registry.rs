//! The accord registry: organisations, their keys, the accord text, signatures, invitations
//! and withdrawals.

use accord_model::accord::signing_statement;
use accord_model::{
    AccordSignature, AccordText, AccordVersion, AccordVersionNumber, NewOrganization, Organization,
    OrganizationId, OrganizationKind, OrganizationStatus, PublicKey, SecurityContact, SignatureValue,
    ValidationError,
};
use accord_store::{OrganizationKey, RegistryCounts, RegistryEvent, RegistryWrite};
use jiff::Timestamp;
use serde::Deserialize;

use crate::{App, AppError, Caller, permissions};

/// What a client sends to add an organisation. Validated into [`NewOrganization`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganizationRequest {
    pub name: String,
    pub domain: String,
    pub kind: OrganizationKind,
    #[serde(default)]
    pub security_contact: Option<SecurityContact>,
    /// Public keys (base64 Ed25519) to register at once.
    #[serde(default)]
    pub public_keys: Vec<PublicKey>,
}

/// A signature of the accord as submitted: made offline over [`signing_statement`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureRequest {
    /// Defaults to the latest version.
    #[serde(default)]
    pub version: Option<AccordVersionNumber>,
    pub public_key: PublicKey,
    pub signature: SignatureValue,
}

/// One organisation with its keys and signatures (all public: signatures are verifiable).
#[derive(Debug, Clone)]
pub struct OrganizationDetail {
    pub organization: Organization,
    pub keys: Vec<OrganizationKey>,
    pub signatures: Vec<AccordSignature>,
}

impl App {
    pub async fn create_organization(
        &self,
        caller: &Caller,
        req: NewOrganizationRequest,
        now: Timestamp,
    ) -> Result<Organization, AppError> {
        permissions::create_organization(caller)?;
        let new = NewOrganization::new(&req.name, &req.domain, req.kind, req.security_contact)?;
        let org = Organization {
            id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
            name: new.name,
            domain: new.domain,
            kind: new.kind,
            status: OrganizationStatus::NotInvited,
            security_contact: new.security_contact,
            signed_at: None,
            signed_version: None,
            invited_at: None,
            withdrawn_at: None,
            created_at: now,
        };
        let mut writes = vec![RegistryWrite::CreateOrganization(org.clone())];
        writes.extend(req.public_keys.into_iter().map(|key| RegistryWrite::AddOrganizationKey {
            organization_id: org.id,
            key,
            at: now,
        }));
        self.commit(&caller.audit_name(), writes).await?;
        Ok(org)
    }

    pub async fn organization(&self, id: OrganizationId) -> Result<Organization, AppError> {
        self.store.organization(id).await?.ok_or(AppError::NotFound("organization"))
    }

    pub async fn organization_detail(&self, id: OrganizationId) -> Result<OrganizationDetail, AppError> {
        let organization = self.organization(id).await?;
        let keys = self.store.organization_keys(id).await?;
        let signatures = self.store.signatures(id).await?;
        Ok(OrganizationDetail { organization, keys, signatures })
    }

    pub async fn organizations(
        &self,
        status: Option<OrganizationStatus>,
    ) -> Result<Vec<Organization>, AppError> {
        Ok(self.store.organizations(status).await?)
    }

    pub async fn signatories(&self) -> Result<Vec<Organization>, AppError> {
        Ok(self.store.signatories().await?)
    }

    pub async fn counts(&self) -> Result<RegistryCounts, AppError> {
        Ok(self.store.counts().await?)
    }

    pub async fn add_organization_key(
        &self,
        caller: &Caller,
        org: OrganizationId,
        key: PublicKey,
        now: Timestamp,
    ) -> Result<OrganizationKey, AppError> {
        Ok(self.add_organization_key_logged(caller, org, key, now).await?.0)
    }

    /// [`App::add_organization_key`], with the receipt of its log entry.
    pub async fn add_organization_key_logged(
        &self,
        caller: &Caller,
        org: OrganizationId,
        key: PublicKey,
        now: Timestamp,
    ) -> Result<(OrganizationKey, Option<String>), AppError> {
        permissions::manage_organization(caller, org)?;
        let receipts = self
            .commit(
                &caller.audit_name(),
                vec![RegistryWrite::AddOrganizationKey { organization_id: org, key, at: now }],
            )
            .await?;
        let key = OrganizationKey {
            fingerprint: key.fingerprint(),
            public_key: key,
            added_at: now,
            revoked_at: None,
        };
        Ok((key, receipts.into_iter().next()))
    }

    /// Revokes an organisation's key: it can no longer sign; signatures made with it before
    /// stay valid and visible.
    pub async fn revoke_organization_key(
        &self,
        caller: &Caller,
        org: OrganizationId,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.revoke_organization_key_logged(caller, org, fingerprint, now).await.map(|_| ())
    }

    /// [`App::revoke_organization_key`], with the key as revoked and the receipt of its log
    /// entry.
    pub async fn revoke_organization_key_logged(
        &self,
        caller: &Caller,
        org: OrganizationId,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<(OrganizationKey, Option<String>), AppError> {
        permissions::manage_organization(caller, org)?;
        let fingerprint = fingerprint.to_ascii_lowercase();
        let receipts = self
            .commit(
                &caller.audit_name(),
                vec![RegistryWrite::RevokeOrganizationKey {
                    organization_id: org,
                    fingerprint: fingerprint.clone(),
                    at: now,
                }],
            )
            .await?;
        let key = self
            .store
            .organization_keys(org)
            .await?
            .into_iter()
            .find(|k| k.fingerprint == fingerprint)
            .ok_or_else(|| AppError::Internal(format!("the key {fingerprint} revoked is not stored")))?;
        Ok((key, receipts.into_iter().next()))
    }

    pub async fn invite(
        &self,
        caller: &Caller,
        org: OrganizationId,
        now: Timestamp,
    ) -> Result<Organization, AppError> {
        permissions::invite(caller)?;
        let organization = self.organization(org).await?;
        let mut writes = vec![RegistryWrite::Invite { organization_id: org, at: now }];
        // In the invitation's own transaction: sent only if it commits, never lost if it does.
        writes.extend(self.invitation_notices(&organization, now).await?);
        self.commit(&caller.audit_name(), writes).await?;
        self.wake_outbox();
        self.organization(org).await
    }

    /// Records a signature of the accord after checking it: the version exists, the key is
    /// registered for the organisation, and the signature verifies over the statement.
    pub async fn sign(
        &self,
        caller: &Caller,
        org: OrganizationId,
        req: SignatureRequest,
        now: Timestamp,
    ) -> Result<(Organization, AccordSignature), AppError> {
        let (o, s, _) = self.sign_logged(caller, org, req, now).await?;
        Ok((o, s))
    }

    /// [`App::sign`], with the receipt of the signature's log entry.
    pub async fn sign_logged(
        &self,
        caller: &Caller,
        org: OrganizationId,
        req: SignatureRequest,
        now: Timestamp,
    ) -> Result<(Organization, AccordSignature, Option<String>), AppError> {
        permissions::manage_organization(caller, org)?;
        let organization = self.organization(org).await?;
        let accord = match req.version {
            Some(v) => self.store.accord_version(v).await?.ok_or(AppError::NotFound("accord version"))?,
            None => self.store.accord_latest().await?.ok_or(AppError::NotFound("accord version"))?,
        };
        let keys = self.store.organization_keys(org).await?;
        if !keys.iter().any(|k| k.public_key == req.public_key && k.revoked_at.is_none()) {
            return Err(AppError::SignatureRejected(format!(
                "public_key: key {} is not registered for this organization or was revoked; register a key first",
                req.public_key.fingerprint()
            )));
        }
        let statement = signing_statement(accord.version, &accord.sha256, org);
        req.public_key.verify(statement.as_bytes(), &req.signature).map_err(|_| {
            AppError::SignatureRejected(format!(
                "signature: does not verify over the statement for accord version {} \
                 (sha256 {}) and this organization with key {}",
                accord.version,
                accord.sha256,
                req.public_key.fingerprint()
            ))
        })?;
        let signature = AccordSignature {
            organization_id: org,
            version: accord.version,
            accord_sha256: accord.sha256.clone(),
            public_key: req.public_key,
            signature: req.signature,
            statement,
            signed_at: now,
        };
        let mut writes = vec![RegistryWrite::Sign(signature.clone())];
        writes.extend(self.signature_notices(&organization, &signature)?);
        let receipts = self.commit(&caller.audit_name(), writes).await?;
        self.wake_outbox();
        Ok((self.organization(org).await?, signature, receipts.into_iter().next()))
    }

    pub async fn withdraw(
        &self,
        caller: &Caller,
        org: OrganizationId,
        reason: &str,
        now: Timestamp,
    ) -> Result<Organization, AppError> {
        Ok(self.withdraw_logged(caller, org, reason, now).await?.0)
    }

    /// [`App::withdraw`], with the receipt of the withdrawal's log entry.
    pub async fn withdraw_logged(
        &self,
        caller: &Caller,
        org: OrganizationId,
        reason: &str,
        now: Timestamp,
    ) -> Result<(Organization, Option<String>), AppError> {
        permissions::manage_organization(caller, org)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > 4000 {
            return Err(
                ValidationError::new("reason", "a withdrawal needs a reason of 1 to 4000 bytes").into()
            );
        }
        let receipts = self
            .commit(
                &caller.audit_name(),
                vec![RegistryWrite::Withdraw { organization_id: org, reason: reason.to_owned(), at: now }],
            )
            .await?;
        Ok((self.organization(org).await?, receipts.into_iter().next()))
    }

    pub async fn accord_latest(&self) -> Result<Option<AccordVersion>, AppError> {
        Ok(self.store.accord_latest().await?)
    }

    pub async fn accord_version(&self, v: AccordVersionNumber) -> Result<AccordVersion, AppError> {
        self.store.accord_version(v).await?.ok_or(AppError::NotFound("accord version"))
    }

    /// Publishes the next version of the accord text.
    pub async fn publish_accord(
        &self,
        caller: &Caller,
        title: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<AccordVersion, AppError> {
        permissions::publish_accord(caller)?;
        let title = accord_model::organization::validate_name(title)
            .map_err(|e| ValidationError::new("title", e.message))?;
        let text = AccordText::new(text)?;
        let version = match self.store.accord_latest().await? {
            Some(v) => v.version.next(),
            None => AccordVersionNumber::FIRST,
        };
        let accord = AccordVersion { version, title, sha256: text.sha256_hex(), text, published_at: now };
        self.commit(&caller.audit_name(), vec![RegistryWrite::PublishAccordVersion(accord.clone())]).await?;
        Ok(accord)
    }

    pub async fn audit_trail(&self, caller: &Caller, limit: u32) -> Result<Vec<RegistryEvent>, AppError> {
        permissions::read_audit(caller)?;
        Ok(self.store.events(limit.clamp(1, 1000)).await?)
    }
}
