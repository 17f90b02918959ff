//! `accord admin`: the same registry operations as the API, offline on the store, as the
//! operator (who holds the store and so has every right).

use std::io::Read;
use std::process::ExitCode;

use accord_app::model::accord::signing_statement;
use accord_app::model::time::format_timestamp;
use accord_app::model::{AccordVersionNumber, Email, OrganizationId, OrganizationStatus};
use accord_app::{App, Caller, NewOrganizationRequest, NewUserRequest, SignatureRequest};
use anyhow::{Context, anyhow};
use jiff::Timestamp;
use serde_json::json;

use crate::cli::{
    AccordCommand, AdminArgs, AdminCommand, OrgCommand, OutboxCommand, TaxiiCommand, TokenCommand,
    UserCommand,
};
use crate::output::{json, out};

pub fn run(args: AdminArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let location = crate::serve::location(&args.store)?;
        let app = App::open(&location)
            .with_context(|| format!("cannot open the store in {}", args.store.data.display()))?
            .with_sealing_key(crate::serve::sealing_key(&args.store)?)
            .with_log_signer(crate::serve::log_signer(
                &args.store,
                std::env::var(crate::env::PUBLIC_URL).ok().as_deref(),
            )?);
        admin(&app, args.command).await
    })?;
    Ok(ExitCode::SUCCESS)
}

fn org_id(raw: &str) -> anyhow::Result<OrganizationId> {
    raw.parse().map_err(|e| anyhow!("organization id {raw:?}: {e}"))
}

fn version(v: Option<u32>) -> anyhow::Result<Option<AccordVersionNumber>> {
    v.map(AccordVersionNumber::new).transpose().map_err(|e| anyhow!("--version: {}", e.message))
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).context("cannot read the password from standard input")?;
    Ok(s.trim_end_matches(['\n', '\r']).to_owned())
}

async fn admin(app: &App, command: AdminCommand) -> anyhow::Result<()> {
    let op = Caller::Operator;
    let now = Timestamp::now();
    match command {
        AdminCommand::Org(cmd) => org(app, cmd, now).await,
        AdminCommand::User(cmd) => user(app, cmd, now).await,
        AdminCommand::Token(TokenCommand::Create { email, name }) => {
            let email: Email = email.parse().map_err(|e| anyhow!("{e}"))?;
            let user = app.user_by_email(&op, &email).await?;
            let token = app.create_token(&op, user.id, &name, now).await?;
            eprintln!("API token for {} (shown only this once):", user.email);
            out(token.expose())
        }
        AdminCommand::Token(TokenCommand::List { email }) => {
            let email: Email = email.parse().map_err(|e| anyhow!("{e}"))?;
            let user = app.user_by_email(&op, &email).await?;
            for t in app.tokens(&op, user.id).await? {
                let state = t
                    .revoked_at
                    .map_or_else(|| "active".to_owned(), |r| format!("revoked {}", format_timestamp(r)));
                out(format!("{}  {:<20}  {}  {}", t.id, t.name, format_timestamp(t.created_at), state))?;
            }
            Ok(())
        }
        AdminCommand::Token(TokenCommand::Revoke { email, token_id }) => {
            let email: Email = email.parse().map_err(|e| anyhow!("{e}"))?;
            let user = app.user_by_email(&op, &email).await?;
            app.revoke_token(&op, user.id, &token_id, now).await?;
            eprintln!("Revoked token {token_id} of {}.", user.email);
            Ok(())
        }
        AdminCommand::Accord(cmd) => accord(app, cmd, now).await,
        AdminCommand::Taxii(cmd) => taxii(app, cmd, now).await,
        AdminCommand::Outbox(OutboxCommand::List { state, limit }) => {
            let state = state
                .map(|s| s.parse::<accord_app::model::notification::DeliveryState>())
                .transpose()
                .map_err(|e| anyhow!("--state: {}", e.message))?;
            for m in app.outbox(&op, state, limit).await? {
                out(format!(
                    "{} {} {} {} {} {} {} {}",
                    m.id,
                    format_timestamp(m.created_at),
                    m.kind,
                    m.recipient_kind,
                    m.shown_destination(),
                    m.state,
                    m.attempts,
                    m.last_error.as_deref().unwrap_or("-")
                ))?;
            }
            Ok(())
        }
        AdminCommand::Audit { limit } => {
            for e in app.audit_trail(&op, limit).await? {
                out(format!(
                    "{} {} {} {} {} {}",
                    e.seq,
                    format_timestamp(e.at),
                    e.actor,
                    e.action,
                    e.subject,
                    e.detail
                ))?;
            }
            Ok(())
        }
        AdminCommand::ImportOsv { paths } => crate::import_osv::run(app, &paths, now).await,
        AdminCommand::Demo => {
            if app.load_demo(now).await? {
                eprintln!("Loaded the demo data set.");
                Ok(())
            } else {
                Err(anyhow!("the store is not empty; the demo data set loads only into an empty store"))
            }
        }
    }
}

async fn org(app: &App, cmd: OrgCommand, now: Timestamp) -> anyhow::Result<()> {
    let op = Caller::Operator;
    match cmd {
        OrgCommand::Add { name, domain, kind, security_contact, public_keys } => {
            let req = NewOrganizationRequest {
                name,
                domain,
                kind: kind.parse().map_err(|e| anyhow!("--{e}"))?,
                security_contact: security_contact
                    .map(|c| c.parse())
                    .transpose()
                    .map_err(|e| anyhow!("--{e}"))?,
                public_keys: public_keys
                    .iter()
                    .map(|k| k.parse())
                    .collect::<Result<_, _>>()
                    .map_err(|e| anyhow!("--{e}"))?,
            };
            let o = app.create_organization(&op, req, now).await?;
            eprintln!("Added {} ({}).", o.name, o.domain);
            out(o.id)
        }
        OrgCommand::List { status, json: as_json } => {
            let status =
                status.map(|s| s.parse::<OrganizationStatus>()).transpose().map_err(|e| anyhow!("--{e}"))?;
            let orgs = app.organizations(status).await?;
            if as_json {
                return json(&json!({ "organizations": orgs }));
            }
            for o in orgs {
                let since = o.signed_at.or(o.invited_at).map(format_timestamp).unwrap_or_default();
                out(format!("{}  {:<11}  {:<28}  {:<24}  {}", o.id, o.status, o.name, o.domain, since))?;
            }
            Ok(())
        }
        OrgCommand::Show { id } => {
            let d = app.organization_detail(org_id(&id)?).await?;
            let keys: Vec<_> = d
                .keys
                .iter()
                .map(|k| {
                    json!({ "public_key": k.public_key, "fingerprint": k.fingerprint,
                    "added_at": format_timestamp(k.added_at) })
                })
                .collect();
            json(&json!({ "organization": d.organization, "public_keys": keys, "signatures": d.signatures }))
        }
        OrgCommand::Invite { id } => {
            let o = app.invite(&op, org_id(&id)?, now).await?;
            eprintln!("{} is now {}.", o.name, o.status);
            Ok(())
        }
        OrgCommand::AddKey { id, public_key } => {
            let key = public_key.parse().map_err(|e| anyhow!("--{e}"))?;
            let k = app.add_organization_key(&op, org_id(&id)?, key, now).await?;
            eprintln!("Registered key {}.", k.fingerprint);
            Ok(())
        }
        OrgCommand::RevokeKey { id, fingerprint } => {
            app.revoke_organization_key(&op, org_id(&id)?, &fingerprint, now).await?;
            eprintln!("Revoked key {fingerprint}.");
            Ok(())
        }
        OrgCommand::Sign { id, public_key, signature, version: v } => {
            let req = SignatureRequest {
                version: version(v)?,
                public_key: public_key.parse().map_err(|e| anyhow!("--{e}"))?,
                signature: signature.parse().map_err(|e| anyhow!("--{e}"))?,
            };
            let (o, s) = app.sign(&op, org_id(&id)?, req, now).await?;
            eprintln!("{} signed accord version {}; it is now a {}.", o.name, s.version, o.status);
            Ok(())
        }
        OrgCommand::Withdraw { id, reason } => {
            let o = app.withdraw(&op, org_id(&id)?, &reason, now).await?;
            eprintln!("{} is now {}.", o.name, o.status);
            Ok(())
        }
    }
}

async fn user(app: &App, cmd: UserCommand, now: Timestamp) -> anyhow::Result<()> {
    let op = Caller::Operator;
    match cmd {
        UserCommand::Add { email, name, role, org, password_stdin } => {
            let req = NewUserRequest {
                email: Some(email.parse().map_err(|e| anyhow!("--{e}"))?),
                name,
                role: role.parse().map_err(|e| anyhow!("--{e}"))?,
                organization_id: org.as_deref().map(org_id).transpose()?,
                password: if password_stdin { Some(read_password()?) } else { None },
            };
            let (u, token) = app.create_user(&op, req, now).await?;
            eprintln!("Added {} ({}). Its first API token, shown only this once:", u.email, u.role);
            eprintln!("    {}", token.expose());
            out(u.id)
        }
        UserCommand::List { json: as_json } => {
            let users = app.users(&op).await?;
            if as_json {
                return json(&json!({ "users": users }));
            }
            for u in users {
                let org = u.organization_id.map(|o| o.to_string()).unwrap_or_else(|| "-".into());
                out(format!("{}  {:<11}  {:<32}  {}", u.id, u.role, u.email, org))?;
            }
            Ok(())
        }
        UserCommand::SetPassword { email } => {
            let email: Email = email.parse().map_err(|e| anyhow!("{e}"))?;
            let u = app.user_by_email(&op, &email).await?;
            app.set_password(&op, u.id, read_password()?, now).await?;
            eprintln!("Password set for {}.", u.email);
            Ok(())
        }
    }
}

async fn accord(app: &App, cmd: AccordCommand, now: Timestamp) -> anyhow::Result<()> {
    let op = Caller::Operator;
    match cmd {
        AccordCommand::Publish { title, file } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let v = app
                .publish_accord(&op, &title, &text, now)
                .await
                .with_context(|| format!("cannot publish {}", file.display()))?;
            eprintln!("Published accord version {} (sha256 {}).", v.version, v.sha256);
            Ok(())
        }
        AccordCommand::Show { version: v } => {
            let a = match version(v)? {
                Some(v) => app.accord_version(v).await?,
                None => {
                    app.accord_latest().await?.ok_or_else(|| anyhow!("no accord text has been published"))?
                }
            };
            std::io::Write::write_all(&mut std::io::stdout().lock(), a.text.as_str().as_bytes())?;
            Ok(())
        }
        AccordCommand::Statement { org, version: v } => {
            let id = org_id(&org)?;
            app.organization(id).await?;
            let a = match version(v)? {
                Some(v) => app.accord_version(v).await?,
                None => {
                    app.accord_latest().await?.ok_or_else(|| anyhow!("no accord text has been published"))?
                }
            };
            std::io::Write::write_all(
                &mut std::io::stdout().lock(),
                signing_statement(a.version, &a.sha256, id).as_bytes(),
            )?;
            Ok(())
        }
    }
}

async fn taxii(app: &App, cmd: TaxiiCommand, now: Timestamp) -> anyhow::Result<()> {
    let op = Caller::Operator;
    match cmd {
        TaxiiCommand::AddApiRoot { name, title, description } => {
            let r = app.create_api_root(&op, &name, &title, description, now).await?;
            eprintln!("Added API root {} (served at /taxii2/{}/).", r.title, r.name);
            Ok(())
        }
        TaxiiCommand::AddCollection { api_root, title, description, default_tlp, public } => {
            let req = accord_app::NewCollectionRequest {
                api_root,
                title,
                description,
                default_tlp: Some(default_tlp),
                public,
            };
            let c = app.create_collection(&op, req, now).await?;
            eprintln!("Added collection {} to {}.", c.title, c.api_root);
            out(c.id)
        }
        TaxiiCommand::Collections { api_root } => {
            for (c, _) in app.collections(&op, &api_root).await? {
                let public = if c.public { "public" } else { "members" };
                out(format!("{}  {:<16}  {:<8}  {}", c.id, c.default_tlp.to_string(), public, c.title))?;
            }
            Ok(())
        }
        TaxiiCommand::Grant { collection, org, read, write } => {
            let access = accord_app::taxii_protocol::Access { can_read: read, can_write: write };
            app.grant_collection(&op, &collection, org_id(&org)?, access, now).await?;
            eprintln!("Organization {org} may now read: {read}, write: {write}.");
            Ok(())
        }
    }
}
