//! Users, API tokens, passwords and web sessions.

use accord_model::password::{hash_password, validate_password, verify_password};
use accord_model::{ApiToken, Email, NewUser, OrganizationId, Role, User, UserId, ValidationError};
use accord_store::{RegistryWrite, TokenInfo};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use crate::{App, AppError, Caller, permissions, random};

/// How long a web session lasts.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

/// An Argon2id hash checked when the e-mail is unknown (or has no password), so that a failed
/// login costs the same time whether or not the account exists.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            hash_password("no account has this password", &[0x5a; 16])
                .expect("a 28-character password is valid")
        })
        .clone()
}

/// What a client sends to add a user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    /// The user's e-mail address; without one, the account gets an address under the reserved
    /// `.invalid` domain and signs in with its API token only.
    #[serde(default)]
    pub email: Option<Email>,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub organization_id: Option<OrganizationId>,
    /// Optional password for the web login (12 characters or more).
    #[serde(default)]
    pub password: Option<String>,
}

/// A web session just opened: `token` goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub token: ApiToken,
    pub user: User,
    pub expires_at: Timestamp,
}

/// What [`App::bootstrap_admin`] did.
#[derive(Debug)]
pub enum Bootstrap {
    /// An administrator already existed; nothing changed.
    AdminExists,
    /// Created the administrator with the operator's token.
    CreatedWithChosenToken,
    /// Created the administrator with this random token, to be shown once.
    CreatedWithGeneratedToken(ApiToken),
}

/// The result of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    LoggedIn(WebSession),
    /// Wrong e-mail or password; deliberately not saying which.
    Refused,
}

impl App {
    /// Authenticates an API token (`Authorization: Bearer …`).
    pub async fn authenticate_token(&self, presented: &str) -> Result<Caller, AppError> {
        let token = ApiToken::presented(presented).ok_or(AppError::Unauthenticated)?;
        let digest = token.digest();
        match self.store.token(&digest.selector).await? {
            Some(record) if digest.matches(&record.verifier) => Ok(Caller::User(record.user)),
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// Finds the user of a web session cookie, if the session is valid and not expired.
    pub async fn session_user(&self, presented: &str, now: Timestamp) -> Result<Option<User>, AppError> {
        let Some(token) = ApiToken::presented(presented) else { return Ok(None) };
        let digest = token.digest();
        Ok(match self.store.session(&digest.selector).await? {
            Some(s) if digest.matches(&s.verifier) && s.expires_at > now => Some(s.user),
            _ => None,
        })
    }

    /// Checks an e-mail and password; on success opens a web session.
    pub async fn login(&self, email: &str, password: &str, now: Timestamp) -> Result<LoginOutcome, AppError> {
        let found = match email.parse::<Email>() {
            Ok(email) => self.store.user_by_email(&email).await?,
            Err(_) => None,
        };
        let (user, hash) = match found {
            Some(u) => (Some(u.user), u.password_hash),
            None => (None, None),
        };
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            let hash = hash.unwrap_or_else(dummy_hash);
            verify_password(&password, &hash)
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
        let Some(user) = user.filter(|_| ok) else { return Ok(LoginOutcome::Refused) };
        let token = ApiToken::from_random(random::bytes()?);
        let expires_at = now + SESSION_LIFETIME;
        self.commit(
            &format!("user:{}", user.id),
            vec![RegistryWrite::CreateSession {
                digest: token.digest(),
                user_id: user.id,
                at: now,
                expires_at,
            }],
        )
        .await?;
        Ok(LoginOutcome::LoggedIn(WebSession { token, user, expires_at }))
    }

    pub async fn logout(&self, presented: &str) -> Result<(), AppError> {
        if let Some(token) = ApiToken::presented(presented) {
            let selector = token.digest().selector;
            self.commit("session", vec![RegistryWrite::DeleteSession { selector }]).await?;
        }
        Ok(())
    }

    /// Adds a user, with a first API token (named `initial`, shown once).
    pub async fn create_user(
        &self,
        caller: &Caller,
        req: NewUserRequest,
        now: Timestamp,
    ) -> Result<(User, ApiToken), AppError> {
        permissions::create_user(caller, req.role, req.organization_id)?;
        let id = UserId::from_uuid(uuid::Uuid::new_v4());
        let email = match req.email {
            Some(e) => e,
            None => format!("user-{id}@users.accord.invalid")
                .parse()
                .map_err(|_| AppError::Internal("a generated e-mail address did not parse".into()))?,
        };
        let new = NewUser::new(email, &req.name, req.role, req.organization_id)?;
        let password_hash = match req.password {
            Some(p) => Some(self.hash(p).await?),
            None => None,
        };
        let user = User {
            id,
            email: new.email,
            name: new.name,
            role: new.role,
            organization_id: new.organization_id,
            created_at: now,
        };
        let token = ApiToken::from_random(random::bytes::<32>()?);
        self.commit(
            &caller.audit_name(),
            vec![
                RegistryWrite::CreateUser { user: user.clone(), password_hash },
                RegistryWrite::CreateToken {
                    digest: token.digest(),
                    user_id: user.id,
                    name: "initial".to_owned(),
                    at: now,
                },
            ],
        )
        .await?;
        Ok((user, token))
    }

    pub async fn users(&self, caller: &Caller) -> Result<Vec<User>, AppError> {
        let scope = permissions::read_users(caller)?;
        Ok(self.store.users(scope).await?)
    }

    pub async fn user_by_email(&self, caller: &Caller, email: &Email) -> Result<User, AppError> {
        let scope = permissions::read_users(caller)?;
        match self.store.user_by_email(email).await? {
            Some(u) if scope.is_none() || u.user.organization_id == scope => Ok(u.user),
            _ => Err(AppError::NotFound("user")),
        }
    }

    /// Creates an API token for `user_id`: the caller themself, an administrator or the
    /// operator. The token is returned in clear once and stored only as a digest.
    pub async fn create_token(
        &self,
        caller: &Caller,
        user_id: UserId,
        name: &str,
        now: Timestamp,
    ) -> Result<ApiToken, AppError> {
        self_or_admin(caller, user_id, "only the user themself or an administrator can create tokens")?;
        let name = accord_model::organization::validate_name(name)
            .map_err(|e| ValidationError::new("name", e.message))?;
        let token = ApiToken::from_random(random::bytes()?);
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::CreateToken { digest: token.digest(), user_id, name, at: now }],
        )
        .await?;
        Ok(token)
    }

    /// The tokens of a user (never their secrets): the user themself, an administrator or the
    /// operator.
    pub async fn tokens(&self, caller: &Caller, user_id: UserId) -> Result<Vec<TokenInfo>, AppError> {
        self_or_admin(caller, user_id, "only the user themself or an administrator can see tokens")?;
        Ok(self.store.tokens(user_id).await?)
    }

    /// Revokes a token at once: the next request that presents it gets 401.
    pub async fn revoke_token(
        &self,
        caller: &Caller,
        user_id: UserId,
        token_id: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self_or_admin(caller, user_id, "only the user themself or an administrator can revoke tokens")?;
        if token_id.len() != 16 || !token_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound("token"));
        }
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::RevokeToken { user_id, token_id: token_id.to_owned(), at: now }],
        )
        .await?;
        Ok(())
    }

    pub async fn set_password(
        &self,
        caller: &Caller,
        user_id: UserId,
        password: String,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self_or_admin(caller, user_id, "only the user themself or an administrator can set a password")?;
        let password_hash = self.hash(password).await?;
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::SetPassword { user_id, password_hash, at: now }],
        )
        .await?;
        Ok(())
    }

    /// Makes sure an administrator exists. When none does, creates `admin@accord.localhost`
    /// with `chosen_token` (from `ACCORD_BOOTSTRAP_TOKEN`) or a fresh random token.
    pub async fn bootstrap_admin(
        &self,
        chosen_token: Option<&str>,
        now: Timestamp,
    ) -> Result<Bootstrap, AppError> {
        if self.store.has_admin().await? {
            return Ok(Bootstrap::AdminExists);
        }
        let (token, generated) = match chosen_token {
            Some(t) => (ApiToken::chosen(t)?, false),
            None => (ApiToken::from_random(random::bytes()?), true),
        };
        let user = User {
            id: UserId::from_uuid(uuid::Uuid::new_v4()),
            email: "admin@accord.localhost".parse()?,
            name: "Administrator".to_owned(),
            role: Role::Admin,
            organization_id: None,
            created_at: now,
        };
        self.commit(
            "bootstrap",
            vec![
                RegistryWrite::CreateUser { user: user.clone(), password_hash: None },
                RegistryWrite::CreateToken {
                    digest: token.digest(),
                    user_id: user.id,
                    name: "bootstrap".to_owned(),
                    at: now,
                },
            ],
        )
        .await?;
        Ok(if generated {
            Bootstrap::CreatedWithGeneratedToken(token)
        } else {
            Bootstrap::CreatedWithChosenToken
        })
    }

    async fn hash(&self, password: String) -> Result<String, AppError> {
        validate_password(&password)?;
        let salt = random::bytes::<16>()?;
        tokio::task::spawn_blocking(move || hash_password(&password, &salt))
            .await
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))?
            .map_err(AppError::from)
    }
}

/// The user themself, an administrator, or the operator.
fn self_or_admin(caller: &Caller, user_id: UserId, why: &'static str) -> Result<(), AppError> {
    match caller {
        Caller::Operator => Ok(()),
        Caller::User(u) if u.id == user_id || u.role == Role::Admin => Ok(()),
        Caller::User(_) => Err(AppError::Forbidden(why.into())),
        Caller::Anonymous => Err(AppError::Unauthenticated),
    }
}
