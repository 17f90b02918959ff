//! `accord serve`.

use std::process::ExitCode;

use std::sync::Arc;
use std::time::Duration;

use accord_app::log_witnesses::LogWitnesses;
use accord_app::{App, Bootstrap, OutboxSettings, StoreLocation};
use accord_client::Deliveries;
use accord_client::email::Mailer;
use accord_client::log_witness::{self, CollectSettings, WitnessClient};
use accord_server::ServerConfig;
use anyhow::Context;
use tracing_subscriber::EnvFilter;

use crate::cli::{LogFormat, ServeArgs, StoreArgs};
use crate::env;

/// Resolves `--data` / `--database` to a store location.
pub fn location(args: &StoreArgs) -> anyhow::Result<StoreLocation> {
    match args.database.as_deref().map(str::trim) {
        None | Some("") | Some("sqlite:") => Ok(StoreLocation::Sqlite(args.data.clone())),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            anyhow::bail!(
                "PostgreSQL is not supported by this build yet; use the embedded store (omit --database)"
            )
        }
        Some(other) => anyhow::bail!(
            "--database {:?} is not a database URL this build knows; omit it for the embedded SQLite store",
            other.chars().take(40).collect::<String>()
        ),
    }
}

/// The key that seals confidential case text: read from `--case-key` (default
/// `DATA/case-sealing.key`), or made there, readable by its owner only, when missing.
pub fn sealing_key(args: &StoreArgs) -> anyhow::Result<accord_app::model::seal::SealingKey> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = args.case_key.clone().unwrap_or_else(|| args.data.join("case-sealing.key"));
    match std::fs::read_to_string(&path) {
        Ok(text) => accord_app::model::seal::SealingKey::from_hex(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hex = accord_app::new_sealing_key_hex()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .with_context(|| format!("cannot create the case key file {}", path.display()))?;
            file.write_all(format!("{hex}\n").as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the case key file {}", path.display()))?;
            tracing::info!(path = %path.display(), "made a new key for confidential case text; keep a copy apart from the database");
            accord_app::model::seal::SealingKey::from_hex(&hex).map_err(|e| anyhow::anyhow!(e.message))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the case key file {}", path.display())),
    }
}

/// File name of the transparency log's key in the data folder.
pub const LOG_KEY_FILE: &str = "log-signing.key";

/// The key that signs the transparency log's checkpoints: read from `DATA/log-signing.key`,
/// or made there, readable by its owner only, when missing. A new key is named after the
/// public URL (`<host>/log`, else `localhost/log`); the name is the log's origin and stays
/// with the key, so the log keeps its identity when the URL changes later.
pub fn log_signer(args: &StoreArgs, public_url: Option<&str>) -> anyhow::Result<accord_tlog::NoteSigner> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = args.data.join(LOG_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => text.trim().parse().map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let origin = accord_app::log::log_origin(public_url);
            let signer = accord_app::log::new_log_signer(&origin)?;
            std::fs::create_dir_all(&args.data)
                .with_context(|| format!("cannot create {}", args.data.display()))?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .with_context(|| format!("cannot create the log key file {}", path.display()))?;
            file.write_all(format!("{}\n", signer.to_private_key_string()).as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the log key file {}", path.display()))?;
            tracing::info!(path = %path.display(), key = %signer.verifier_key(), "made a new transparency log key");
            Ok(signer)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the log key file {}", path.display())),
    }
}

/// The OpenPGP key that signs CSAF documents: read from `--csaf-key` (default
/// `DATA/csaf-signing.asc`), or made there, readable by its owner only, when missing.
fn csaf_signer(args: &ServeArgs) -> anyhow::Result<accord_app::csaf::CsafSigner> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = args.csaf_key.clone().unwrap_or_else(|| args.store.data.join("csaf-signing.asc"));
    match std::fs::read_to_string(&path) {
        Ok(text) => accord_app::csaf::CsafSigner::from_armored(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let user_id = format!("{} CSAF signing key", args.csaf_publisher);
            let (signer, armored) = accord_app::csaf::CsafSigner::generate(&user_id)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .with_context(|| format!("cannot create the CSAF key file {}", path.display()))?;
            file.write_all(armored.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the CSAF key file {}", path.display()))?;
            tracing::info!(path = %path.display(), fingerprint = signer.fingerprint(), "made a new OpenPGP key signing CSAF documents");
            Ok(signer)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the CSAF key file {}", path.display())),
    }
}

pub(crate) fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env(env::LOG).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let cve_assigner = cve_assigner(&args)?;
    let location = location(&args.store)?;
    let (outbox, deliveries) = notifications(&args)?;
    let poll = outbox.retry.base.min(Duration::from_secs(1));
    let log_signer = log_signer(&args.store, args.public_url.as_deref())?;
    let witnesses = log_witnesses(&args, &log_signer.verifier_key())?;
    let app = App::open(&location)
        .with_context(|| format!("cannot open the store in {}", args.store.data.display()))?
        .with_sealing_key(sealing_key(&args.store)?)
        .with_log_signer(log_signer)
        .with_log_witnesses(witnesses)
        .with_embargo_days(args.embargo_days)
        .with_csaf(accord_app::csaf::CsafSettings {
            publisher_name: args.csaf_publisher.clone(),
            signer: Some(std::sync::Arc::new(csaf_signer(&args)?)),
        })
        .with_outbox(outbox);
    let app = match args.public_url.as_deref() {
        Some(url) => app.with_public_url(url),
        None => app,
    };
    let app = match &cve_assigner {
        Some((org_id, short_name)) => app.with_cve_assigner(org_id, short_name)?,
        None => app,
    };
    let now = jiff::Timestamp::now();
    let chosen = std::env::var(env::BOOTSTRAP_TOKEN).ok().filter(|t| !t.is_empty());
    let bootstrap = app
        .bootstrap_admin(chosen.as_deref(), now)
        .await
        .with_context(|| format!("cannot create the first administrator ({})", env::BOOTSTRAP_TOKEN))?;
    match bootstrap {
        Bootstrap::CreatedWithGeneratedToken(token) => {
            eprintln!(
                "Created the administrator admin@accord.localhost. Its API token, shown only this once:"
            );
            eprintln!("    {}", token.expose());
        }
        Bootstrap::CreatedWithChosenToken => {
            tracing::info!("created the administrator admin@accord.localhost with {}", env::BOOTSTRAP_TOKEN);
        }
        Bootstrap::AdminExists if chosen.is_some() => {
            tracing::warn!("an administrator exists already: {} is ignored", env::BOOTSTRAP_TOKEN);
        }
        Bootstrap::AdminExists => {}
    }
    if args.demo && app.load_demo(now).await.context("cannot load the demo data")? {
        tracing::info!("loaded the demo data set");
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr().context("cannot read the listening address")?;
    let config = ServerConfig { public_url: args.public_url.clone(), ..ServerConfig::default() };
    let worker = tokio::spawn(deliver_notifications(app.clone(), deliveries, poll));
    let watch = tokio::spawn(watch_embargoes(app.clone()));
    let client = WitnessClient::new(WITNESS_TIMEOUT).map_err(|e| anyhow::anyhow!(e))?;
    let cosigning = tokio::spawn(log_witness::collect(app.clone(), client, CollectSettings::default()));
    let router = accord_server::router(app, config);
    tracing::info!(%addr, "listening");
    eprintln!("Accord is listening on http://{addr}/");
    let served = accord_server::serve(listener, router, shutdown_signal()).await;
    // Deliveries in flight are dropped: their messages stay pending and are claimed again
    // when their lease ends (delivery is at least once).
    worker.abort();
    watch.abort();
    cosigning.abort();
    served.context("the server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// How long a witness may take to answer one add-checkpoint.
const WITNESS_TIMEOUT: Duration = Duration::from_secs(5);

/// The log's witnesses, from `--witness VKEY=URL` or `--witness-policy FILE`.
fn log_witnesses(args: &ServeArgs, log_key: &accord_tlog::VerifierKey) -> anyhow::Result<LogWitnesses> {
    let witnesses = if let Some(path) = &args.witness_policy {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let policy =
            accord_tlog::Policy::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        LogWitnesses::from_policy(policy, Some(log_key))
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
    } else {
        let list = args
            .witnesses
            .iter()
            .map(|w| parse_witness(w).map_err(|e| anyhow::anyhow!("--witness {w:?}: {e}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        LogWitnesses::from_list(list).map_err(|e| anyhow::anyhow!("--witness: {e}"))?
    };
    if !witnesses.witnesses().is_empty() {
        let names: Vec<String> =
            witnesses.witnesses().iter().map(|w| format!("{} {}", w.key, w.url)).collect();
        tracing::info!(witnesses = ?names, quorum = witnesses.policy().quorum_name(), "the log's checkpoints go to witnesses");
    }
    Ok(witnesses)
}

/// `VKEY=URL`: split where the URL starts (a vkey may hold `=` in its base64).
fn parse_witness(text: &str) -> Result<(accord_tlog::VerifierKey, String), String> {
    let at = ["=http://", "=https://"]
        .iter()
        .filter_map(|p| text.find(p))
        .min()
        .ok_or("expected VKEY=URL, with an http:// or https:// URL")?;
    let key = text[..at].parse().map_err(|e| format!("the verifier key: {e}"))?;
    Ok((key, text[at + 1..].to_owned()))
}

/// `--cve-org-id` and `--cve-org-short-name` (clap requires both or neither), checked before
/// anything is opened.
fn cve_assigner(args: &ServeArgs) -> anyhow::Result<Option<(String, String)>> {
    match (args.cve_org_id.as_deref(), args.cve_org_short_name.as_deref()) {
        (Some(org_id), Some(short_name)) => {
            accord_app::advisory_cve::parse_cve_assigner(org_id, short_name)
                .map_err(|e| anyhow::anyhow!("--cve-org-id / --cve-org-short-name: {e}"))?;
            Ok(Some((org_id.to_owned(), short_name.to_owned())))
        }
        _ => Ok(None),
    }
}

/// The outbox settings and the sender of notifications, from the options.
fn notifications(args: &ServeArgs) -> anyhow::Result<(OutboxSettings, Deliveries)> {
    let mut settings = OutboxSettings::default();
    if let Ok(raw) = std::env::var(env::OUTBOX_RETRY_BASE_MS) {
        let ms: u64 =
            raw.trim().parse().ok().filter(|ms| (1..=86_400_000).contains(ms)).with_context(|| {
                format!("{} must be a number of milliseconds from 1 to 86400000", env::OUTBOX_RETRY_BASE_MS)
            })?;
        settings.retry.base = Duration::from_millis(ms);
    }
    let mailer = match args.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Some(
            Mailer::new(url, &args.smtp_from, settings.delivery_timeout)
                .map_err(|e| anyhow::anyhow!("--smtp-url / {}: {e}", env::SMTP_URL))?,
        ),
        None => None,
    };
    settings.email = mailer.is_some();
    if !settings.email {
        tracing::info!("no SMTP server configured (--smtp-url): notifications go to webhooks only");
    }
    let deliveries = Deliveries::new(settings.delivery_timeout, mailer).map_err(|e| anyhow::anyhow!(e))?;
    Ok((settings, deliveries))
}

/// The delivery worker: a round of [`App::deliver_due`] whenever a change enqueued messages
/// and at least every `poll`. Rounds run side by side (up to four), so a round waiting on slow
/// receivers does not hold up the messages enqueued meanwhile.
async fn deliver_notifications(app: App, deliveries: Deliveries, poll: Duration) {
    const ROUNDS: usize = 4;
    let signal = app.outbox_signal();
    let rounds = Arc::new(tokio::sync::Semaphore::new(ROUNDS));
    loop {
        if let Ok(permit) = rounds.clone().try_acquire_owned() {
            let (app, deliveries, signal) = (app.clone(), deliveries.clone(), signal.clone());
            tokio::spawn(async move {
                let _permit = permit;
                match app.deliver_due(&deliveries, jiff::Timestamp::now()).await {
                    // A full batch: there may be more due at once.
                    Ok(round) if round.claimed >= app.outbox_batch() => signal.notify_one(),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot deliver notifications"),
                }
            });
        }
        tokio::select! {
            () = signal.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

/// Embargo reminders and passed deadlines, checked at start and every minute.
async fn watch_embargoes(app: App) {
    if !app.has_sealing_key() {
        return;
    }
    loop {
        if let Err(e) = app.embargo_watch(jiff::Timestamp::now()).await {
            tracing::warn!(error = %e, "cannot check embargo dates");
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
