//! `accord witness serve` and `accord witness key`: a transparency-log witness (C2SP
//! tlog-witness v1) for Accord's log and any other C2SP log. The key is made on first use
//! and kept in `DATA/witness.key` (mode 0600) with its name; what was cosigned is kept in
//! `DATA/witness.sqlite3`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_app::witness::{Witness, new_cosigner};
use accord_tlog::{Cosigner, Policy, SignatureType, TrustedLogs, VerifierKey};
use anyhow::Context;

use crate::cli::{WitnessArgs, WitnessCommand, WitnessKeyArgs, WitnessServeArgs};

/// File name of the witness's key in its data folder.
pub const WITNESS_KEY_FILE: &str = "witness.key";

pub fn run(args: WitnessArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        WitnessCommand::Key(args) => {
            let cosigner = cosigner(&args)?;
            crate::output::out(cosigner.verifier_key())?;
            Ok(ExitCode::SUCCESS)
        }
        WitnessCommand::Serve(args) => {
            crate::serve::init_logging(args.log_format);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            runtime.block_on(serve(args))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The witness's key: read from `DATA/witness.key`, or made there with `--name`, readable
/// by its owner only.
fn cosigner(args: &WitnessKeyArgs) -> anyhow::Result<Cosigner> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = args.data.join(WITNESS_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let cosigner: Cosigner = text
                .trim()
                .parse()
                .map_err(|e| anyhow::anyhow!("{}: not a witness key: {e}", path.display()))?;
            if let Some(name) = args.name.as_deref().filter(|n| *n != cosigner.name().as_str()) {
                anyhow::bail!(
                    "the witness key in {} is named {}, not {name}: the name is part of the key \
                     (its key ID); drop --name, or move the key away to make a new one",
                    path.display(),
                    cosigner.name()
                );
            }
            Ok(cosigner)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let Some(name) = args.name.as_deref() else {
                anyhow::bail!(
                    "{} has no witness key yet; give the witness a name with --name \
                     (e.g. --name witness.example.org/w1) to make one",
                    args.data.display()
                );
            };
            let cosigner = new_cosigner(name)?;
            std::fs::create_dir_all(&args.data)
                .with_context(|| format!("cannot create {}", args.data.display()))?;
            let mut file =
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                    .with_context(|| format!("cannot create the witness key file {}", path.display()))?;
            file.write_all(format!("{}\n", cosigner.to_private_key_string()).as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the witness key file {}", path.display()))?;
            tracing::info!(path = %path.display(), key = %cosigner.verifier_key(), "made a new witness key");
            Ok(cosigner)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the witness key file {}", path.display())),
    }
}

fn log_key(text: &str, from: &str) -> anyhow::Result<VerifierKey> {
    let key: VerifierKey = text.trim().parse().map_err(|e| anyhow::anyhow!("{from} {text:?}: {e}"))?;
    if key.signature_type() == SignatureType::Cosignature {
        anyhow::bail!("{from} {key}: this is a witness's cosignature key, not a log's key");
    }
    Ok(key)
}

/// The logs to witness: `--log` keys and the `log` lines of `--policy`.
fn trusted_logs(logs: &[String], policy: Option<&Path>) -> anyhow::Result<TrustedLogs> {
    let mut keys = logs.iter().map(|k| log_key(k, "--log")).collect::<anyhow::Result<Vec<_>>>()?;
    if let Some(path) = policy {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let policy = Policy::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        keys.extend(policy.logs().iter().map(|l| l.key.clone()));
    }
    let logs = TrustedLogs::new(keys);
    if logs.is_empty() {
        anyhow::bail!(
            "no log to witness: give each log's verifier key with --log VKEY, or a tlog-policy file \
             with `log` lines with --policy FILE"
        );
    }
    Ok(logs)
}

async fn serve(args: WitnessServeArgs) -> anyhow::Result<()> {
    let cosigner = cosigner(&args.key)?;
    let logs = trusted_logs(&args.logs, args.policy.as_deref())?;
    let data: PathBuf = args.key.data.clone();
    let witness = Witness::open(&data, cosigner, logs)
        .with_context(|| format!("cannot open the witness's store in {}", data.display()))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr().context("cannot read the listening address")?;
    let origins: Vec<&str> = witness.logs().origins().collect();
    tracing::info!(%addr, key = %witness.verifier_key(), logs = ?origins, "witness listening");
    eprintln!("Accord witness {} is listening on http://{addr}/", witness.verifier_key());
    let router = accord_server::witness::witness_router(witness);
    accord_server::serve(listener, router, crate::serve::shutdown_signal())
        .await
        .context("the witness failed")?;
    tracing::info!("stopped");
    Ok(())
}
