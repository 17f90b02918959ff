//! `accord signature`: offline Ed25519 tools for signatories and auditors.

use std::process::ExitCode;

use accord_app::model::{PublicKey, SignatureValue};
use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};

use crate::cli::{SignatureArgs, SignatureCommand};
use crate::output::out;

pub fn run(args: SignatureArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SignatureCommand::Keygen { out: path } => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| anyhow!("no randomness from the OS: {e}"))?;
            let key = SigningKey::from_bytes(&seed);
            write_private(&path, &format!("{}\n", STANDARD.encode(seed)))?;
            eprintln!("Wrote the private key to {} (keep it secret). Public key:", path.display());
            out(PublicKey::from_verifying_key(key.verifying_key()))?;
            Ok(ExitCode::SUCCESS)
        }
        SignatureCommand::Sign { key_file, statement } => {
            let key = read_private(&key_file)?;
            let message =
                std::fs::read(&statement).with_context(|| format!("cannot read {}", statement.display()))?;
            out(SignatureValue::from_signature(key.sign(&message)).to_base64())?;
            Ok(ExitCode::SUCCESS)
        }
        SignatureCommand::Verify { statement, public_key, signature } => {
            let key: PublicKey = public_key.parse().map_err(|e| anyhow!("--{e}"))?;
            let sig: SignatureValue = signature.parse().map_err(|e| anyhow!("--{e}"))?;
            let message =
                std::fs::read(&statement).with_context(|| format!("cannot read {}", statement.display()))?;
            if key.verify(&message, &sig).is_ok() {
                out("ok: the signature is valid")?;
                Ok(ExitCode::SUCCESS)
            } else {
                out("invalid: the signature does not verify over this statement with this key")?;
                Ok(ExitCode::from(1))
            }
        }
    }
}

fn read_private(path: &std::path::Path) -> anyhow::Result<SigningKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = STANDARD.decode(text.trim()).map_err(|_| {
        anyhow!(
            "{}: line 1: not base64 (expected a key written by `accord signature keygen`)",
            path.display()
        )
    })?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow!("{}: line 1: an Ed25519 private key is 32 bytes", path.display()))?;
    Ok(SigningKey::from_bytes(&seed))
}

fn write_private(path: &std::path::Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    f.write_all(content.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
