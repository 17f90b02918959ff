use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::{accord, bin};

fn accord_stdin(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(bin())
        .args(args)
        .env("ACCORD_DATA", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn admin_signs_offline_with_keys_made_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let text = dir.path().join("accord.md");
    std::fs::write(&text, "# An accord\n\nWe promise.\n").unwrap();
    let o = accord(
        &data,
        &["admin", "accord", "publish", "--title", "Test accord", "--file", text.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let key = dir.path().join("org.key");
    let o = accord(&data, &["signature", "keygen", "--out", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = stdout(&o).trim().to_owned();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }

    let o = accord(
        &data,
        &[
            "admin",
            "org",
            "add",
            "--name",
            "Example",
            "--domain",
            "example.net",
            "--kind",
            "vendor",
            "--public-key",
            &public,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim().to_owned();

    let o = accord(&data, &["admin", "accord", "statement", "--org", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let statement = dir.path().join("statement.txt");
    std::fs::write(&statement, &o.stdout).unwrap();
    assert!(stdout(&o).starts_with("accord-signature/v1\naccord-version: 1\n"));

    let o = accord(
        &data,
        &[
            "signature",
            "sign",
            "--key-file",
            key.to_str().unwrap(),
            "--statement",
            statement.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let sig = stdout(&o).trim().to_owned();
    let verify = || {
        let args = ["signature", "verify", "--statement", statement.to_str().unwrap()];
        accord(&data, &[&args[..], &["--public-key", &public, "--signature", &sig]].concat())
    };

    let o = verify();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    std::fs::write(
        &statement,
        stdout(&accord(&data, &["admin", "accord", "statement", "--org", &id]))
            .replace("version: 1", "version: 2"),
    )
    .unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1), "a tampered statement must not verify");

    let o = accord(&data, &["admin", "org", "sign", &id, "--public-key", &public, "--signature", &sig]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = accord(&data, &["admin", "org", "list", "--status", "signatory", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list["organizations"][0]["id"], id.as_str());
}

#[test]
fn admin_errors_say_what_is_wrong_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o =
        accord(dir.path(), &["admin", "org", "add", "--name", "X", "--domain", "x.org", "--kind", "bank"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("kind") && stderr(&o).contains("vendor"), "{}", stderr(&o));

    let o = accord(dir.path(), &["admin", "org", "invite", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("organization not found"));
    assert!(stderr(&o).contains("hint:"));

    let o = accord(dir.path(), &["serve", "--database", "mysql://x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--database"));

    let key = dir.path().join("bad.key");
    std::fs::write(&key, "not a key").unwrap();
    let o = accord(
        dir.path(),
        &["signature", "sign", "--key-file", key.to_str().unwrap(), "--statement", key.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.key: line 1"), "{}", stderr(&o));
}

#[test]
fn users_tokens_and_passwords_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let o = accord_stdin(
        dir.path(),
        &[
            "admin",
            "user",
            "add",
            "--email",
            "c@example.org",
            "--name",
            "C",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let short = accord_stdin(dir.path(), &["admin", "user", "set-password", "c@example.org"], "short\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("password"));
    let o = accord(dir.path(), &["admin", "token", "create", "c@example.org"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).trim().starts_with("accord_"));
    let listed = stdout(&accord(dir.path(), &["admin", "token", "list", "c@example.org"]));
    let token_id = listed.split_whitespace().next().unwrap().to_owned();
    assert!(listed.contains("active"), "{listed}");
    let o = accord(dir.path(), &["admin", "token", "revoke", "c@example.org", &token_id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&accord(dir.path(), &["admin", "token", "list", "c@example.org"])).contains("revoked"));
    let o = accord(dir.path(), &["admin", "token", "revoke", "c@example.org", &token_id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("token not found"), "{}", stderr(&o));
    let o = accord(dir.path(), &["admin", "user", "list"]);
    assert!(stdout(&o).contains("c@example.org") && stdout(&o).contains("coordinator"));
    let o = accord(dir.path(), &["admin", "audit"]);
    assert!(stdout(&o).contains("token.created") && stdout(&o).contains("operator"));
}

#[test]
fn help_lists_every_environment_variable() {
    let o = Command::new(bin()).arg("--help").output().unwrap();
    let help = stdout(&o);
    let src = include_str!("../../src/env.rs");
    let declared: Vec<&str> = src
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| l.split('"').nth(1))
        .filter(|v| v.starts_with("ACCORD_"))
        .collect();
    assert!(declared.len() >= 7);
    for v in declared {
        assert!(help.contains(v), "{v} missing from --help");
    }
}

#[test]
fn taxii_collections_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let o =
        accord(dir.path(), &["admin", "taxii", "add-api-root", "--name", "exchange", "--title", "Exchange"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = accord(
        dir.path(),
        &[
            "admin",
            "taxii",
            "add-collection",
            "--api-root",
            "exchange",
            "--title",
            "Feeds",
            "--default-tlp",
            "green",
            "--public",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim().to_owned();
    let listed = stdout(&accord(dir.path(), &["admin", "taxii", "collections", "--api-root", "exchange"]));
    assert!(listed.contains(&id) && listed.contains("TLP:GREEN") && listed.contains("public"), "{listed}");
    let o =
        accord(dir.path(), &["admin", "taxii", "add-collection", "--api-root", "nowhere", "--title", "X"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("API root not found"), "{}", stderr(&o));
    let o = accord(
        dir.path(),
        &["admin", "org", "add", "--name", "CERT", "--domain", "cert.example", "--kind", "cert"],
    );
    let org = stdout(&o).trim().to_owned();
    let o = accord(dir.path(), &["admin", "taxii", "grant", &id, "--org", &org, "--read"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = accord(dir.path(), &["admin", "audit"]);
    assert!(stdout(&o).contains("taxii.collection_granted"));
}

#[test]
fn version_compare_answers_in_each_ecosystems_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // (ecosystem, a, b, expected): orders where plain text or plain SemVer would answer otherwise
    for (eco, a, b, want) in [
        ("PyPI", "1.0", "1.0.post1", "<"),
        ("PyPI", "1.0.0", "1.0", "="),
        ("PyPI", "2.0rc1", "2.0", "<"),
        ("crates.io", "1.10.0", "1.9.0", ">"),
        ("npm", "1.0.0-alpha", "1.0.0", "<"),
        ("Go", "v1.2.3", "v1.2.10", "<"),
        ("Maven", "1.0-SNAPSHOT", "1.0", "<"),
        ("Debian:12", "1:1.0", "2.0", ">"),
        ("Debian", "1.0~rc1", "1.0", "<"),
        ("RubyGems", "1.0.a", "1.0", "<"),
    ] {
        let o = accord(data, &["version", "compare", eco, a, b]);
        assert!(o.status.success(), "{eco} {a} {b}: {}", stderr(&o));
        assert_eq!(stdout(&o), format!("{want}\n"), "{eco} {a} {b}");
    }

    let o = accord(data, &["version", "compare", "PyPI", "1.0", "not a version!"]);
    assert_eq!(o.status.code(), Some(2), "an invalid version exits 2");
    assert!(stderr(&o).contains("not a version!"), "the error names the version: {}", stderr(&o));

    let o = accord(data, &["version", "compare", "Cobol", "1", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Cobol") && stderr(&o).contains("PyPI"), "{}", stderr(&o));

    let o = accord_stdin(
        data,
        &["version", "compare", "npm", "--batch"],
        "1.0.0 1.0.1\n2.0.0 2.0.0\n1.10.0 1.9.0\nnonsense!! 1.0.0\none-field\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "<\n=\n>\ninvalid\ninvalid\n");
}
