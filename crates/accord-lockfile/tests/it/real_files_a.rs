//! The real lockfiles of the shared fixtures (`lockfiles/`, see its README): Cargo.lock v2, v3
//! and v4 from nushell and cargo, uv.lock files and requirements files from uv's repository.
//! Expected counts are computed here from the files' lines, independently of the parsers.

use std::path::{Path, PathBuf};

use accord_lockfile::{Kind, Parsed, parse};

/// The shared fixture files whose name ends with `suffix`, with their text (none when the
/// shared fixtures are absent: the helper prints SKIPPED, and fails under CI).
fn files(suffix: &str) -> Vec<(String, String)> {
    let Some(dir) = accord_testkit::shared_fixtures("lockfiles") else { return Vec::new() };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the lockfiles folder lists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *{suffix} in {}", dir.display());
    paths.into_iter().map(|p| (file_name(&p), std::fs::read_to_string(&p).expect("the file reads"))).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name").to_owned()
}

fn read(name: &str, text: &str, kind: Kind) -> Parsed {
    assert_eq!(Kind::detect(name), Some(kind), "{name} is detected");
    parse(kind, text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn lines_equal(text: &str, wanted: &str) -> usize {
    text.lines().filter(|l| *l == wanted).count()
}

/// The version of `name` in a Cargo.lock or uv.lock, found by its `name = "…"` line.
fn versions_of(text: &str, name: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let wanted = format!("name = \"{name}\"");
    lines
        .windows(2)
        .filter(|w| w[0] == wanted)
        .filter_map(|w| {
            w[1].strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')).map(str::to_owned)
        })
        .collect()
}

fn has(parsed: &Parsed, name: &str, version: &str) -> bool {
    parsed.packages.iter().any(|p| p.name == name && p.version == version)
}

#[test]
fn cargo_locks_of_nushell_and_cargo() {
    let expected_versions = [
        ("nushell-3e1172d43cab", 4),
        ("nushell-ac487dfcbc66", 3),
        ("nushell-ca615d9389c7", 2),
        ("cargo-af373f761aa4", 4),
        ("cargo-16b330bc59ca", 3),
    ];
    let files = files(".Cargo.lock");
    for (name, text) in &files {
        let parsed = read(name, text, Kind::CargoLock);
        let headers = lines_equal(text, "[[package]]");
        let from_crates_io =
            lines_equal(text, "source = \"registry+https://github.com/rust-lang/crates.io-index\"");
        assert_eq!(parsed.packages.len(), from_crates_io, "{name}: one package per crates.io entry");
        assert_eq!(parsed.notes.len(), headers - from_crates_io, "{name}: a note per other entry");
        assert!(parsed.notes.iter().all(|n| n.message.contains("not from crates.io")), "{name}");
        // Every package's line is its `[[package]]` header, followed by its name.
        let lines: Vec<&str> = text.lines().collect();
        for p in &parsed.packages {
            assert_eq!(p.ecosystem, "crates.io");
            let at = p.line.expect("a line") as usize;
            assert_eq!(lines[at - 1], "[[package]]", "{name}: {p:?}");
            assert_eq!(lines[at], format!("name = \"{}\"", p.name), "{name}: {p:?}");
        }
        // serde and (where present) tokio at the versions the files name.
        for krate in ["serde", "tokio"] {
            for version in versions_of(text, krate) {
                assert!(has(&parsed, krate, &version), "{name}: {krate} {version}");
            }
        }
        let (_, version) = expected_versions
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .unwrap_or_else(|| panic!("{name} is described in the README"));
        let says_version =
            text.lines().find_map(|l| l.strip_prefix("version = ")).and_then(|v| v.parse::<u32>().ok());
        assert_eq!(says_version.unwrap_or(2), *version, "{name}");
    }
    if !files.is_empty() {
        // The README's package counts are the files' entries.
        let count = |prefix: &str| {
            let (_, text) = files.iter().find(|(n, _)| n.starts_with(prefix)).expect("the file is there");
            lines_equal(text, "[[package]]")
        };
        assert_eq!(count("nushell-3e1172d43cab"), 1035);
        assert_eq!(count("nushell-ac487dfcbc66"), 371);
        assert_eq!(count("nushell-ca615d9389c7"), 434);
        assert_eq!(count("cargo-af373f761aa4"), 550);
        assert_eq!(count("cargo-16b330bc59ca"), 377);
        let (_, nushell) = files.iter().find(|(n, _)| n.starts_with("nushell-3e1172d43cab")).expect("there");
        let parsed = parse(Kind::CargoLock, nushell).expect("reads");
        assert!(has(&parsed, "serde", "1.0.229"));
        assert!(has(&parsed, "tokio", "1.53.1"));
        assert!(!parsed.packages.iter().any(|p| p.name == "nu-command"), "workspace members are notes");
        assert!(parsed.notes.iter().any(|n| n.message.starts_with("nu-command ")));
    }
}

#[test]
fn uv_locks_of_uv() {
    for (name, text) in files(".uv.lock") {
        let parsed = read(&name, &text, Kind::UvLock);
        let registry = text.lines().filter(|l| l.starts_with("source = { registry = ")).count();
        let headers = lines_equal(&text, "[[package]]");
        assert_eq!(parsed.packages.len(), registry, "{name}");
        assert_eq!(parsed.notes.len(), headers - registry, "{name}");
        let editable = text.lines().filter(|l| l.starts_with("source = { editable = ")).count();
        assert_eq!(
            parsed.notes.iter().filter(|n| n.message.contains("(editable .)")).count(),
            editable,
            "{name}: {:?}",
            parsed.notes
        );
        for p in &parsed.packages {
            assert_eq!(p.ecosystem, "PyPI");
            assert!(versions_of(&text, &p.name).contains(&p.version), "{name}: {p:?}");
        }
    }
    if let Some((name, text)) = files(".uv.lock").into_iter().find(|(n, _)| n.ends_with("-root.uv.lock")) {
        let parsed = parse(Kind::UvLock, &text).expect("reads");
        assert!(has(&parsed, "annotated-doc", "0.0.4"), "{name}");
        assert!(
            parsed.notes.iter().any(|n| n.message.starts_with("uv 0.12.5: ")),
            "{name}: {:?}",
            parsed.notes
        );
    }
}

#[test]
fn requirements_compiled_by_uv_and_airflows_constraints() {
    let files = files(".requirements.txt");
    for (name, text) in &files {
        let parsed = read(name, text, Kind::Requirements);
        // Every line that starts with a name and pins with `==` is a package; these files have
        // nothing else but comments.
        let pins: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(|c: char| c.is_ascii_alphanumeric()) && l.contains("=="))
            .collect();
        assert_eq!(parsed.packages.len(), pins.len(), "{name}");
        assert!(parsed.notes.is_empty(), "{name}: {:?}", parsed.notes);
        for (p, (i, line)) in parsed.packages.iter().zip(&pins) {
            assert_eq!(p.ecosystem, "PyPI");
            assert_eq!(p.line, Some(*i as u32 + 1), "{name}: {p:?}");
            assert!(line.starts_with(&format!("{}==", p.name)), "{name}: {p:?} on `{line}`");
            assert!(line.contains(&format!("=={}", p.version)), "{name}: {p:?} on `{line}`");
        }
    }
    let count = |suffix: &str| {
        files.iter().find(|(n, _)| n.ends_with(suffix)).map(|(n, t)| (n, read(n, t, Kind::Requirements)))
    };
    if let Some((name, parsed)) = count("-airflow2-constraints.requirements.txt") {
        assert_eq!(parsed.packages.len(), 299, "{name}: the README's 299 pins");
        assert!(has(&parsed, "apache-airflow", "2.3.4"), "{name}");
        assert!(has(&parsed, "Authlib", "0.15.5"), "{name}: names as written");
    }
    if let Some((name, parsed)) = count("-trio.requirements.txt") {
        assert_eq!(parsed.packages.len(), 38, "{name}");
        assert!(has(&parsed, "attrs", "23.2.0"), "{name}");
    }
}

/// One project locked by npm (lockfileVersion 3, 2 and 1), pnpm and yarn classic
/// (tests/fixtures/lockfiles/README.md): each
/// lockfile gives the packages `npm ls` lists, the alias as the real package, each at a line
/// that names it.
#[test]
fn one_project_locked_by_npm_pnpm_and_yarn_gives_what_npm_ls_lists() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles");
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).expect("the fixture reads");
    let mut expected: Vec<String> = text("npm-ls.txt").lines().map(str::to_owned).collect();
    expected.sort();
    assert_eq!(expected.len(), 16);
    for (name, kind) in [
        ("package-lock.json", Kind::NpmLock),
        ("v2.package-lock.json", Kind::NpmLock),
        ("v1.package-lock.json", Kind::NpmLock),
        ("pnpm-lock.yaml", Kind::PnpmLock),
        ("yarn.lock", Kind::YarnLock),
    ] {
        let text = text(name);
        let parsed = read(name, &text, kind);
        let mut got: Vec<String> =
            parsed.packages.iter().map(|p| format!("{}@{}", p.name, p.version)).collect();
        got.sort();
        assert_eq!(got, expected, "{name}");
        assert!(parsed.notes.is_empty(), "{name}: {:?}", parsed.notes);
        let lines: Vec<&str> = text.lines().collect();
        for p in &parsed.packages {
            assert_eq!(p.ecosystem, "npm");
            let line = lines[p.line.expect("a line") as usize - 1];
            // The alias's key names the alias in package-lock.json; the others name the package.
            let named =
                if name.ends_with("package-lock.json") && p.name == "lodash" { "lodash-v3" } else { &p.name };
            assert!(line.contains(named), "{name}: {p:?} on `{line}`");
        }
    }
}

/// The same project with TypeScript, locked by yarn berry: the same packages and TypeScript
/// (its `patch:` entry is TypeScript at the same version), and the project itself as a note.
#[test]
fn the_project_locked_by_yarn_berry() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles");
    let mut expected: Vec<String> =
        std::fs::read_to_string(dir.join("npm-ls.txt")).expect("reads").lines().map(str::to_owned).collect();
    expected.push("typescript@5.3.3".to_owned());
    expected.sort();
    let text = std::fs::read_to_string(dir.join("berry/yarn.lock")).expect("the fixture reads");
    let parsed = read("yarn.lock", &text, Kind::YarnLock);
    let mut got: Vec<String> = parsed.packages.iter().map(|p| format!("{}@{}", p.name, p.version)).collect();
    got.sort();
    assert_eq!(got, expected);
    let notes: Vec<&str> = parsed.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(notes, ["lockfile-sample 0.0.0-use.local: a workspace (lockfile-sample@workspace:.)"]);
    let lines: Vec<&str> = text.lines().collect();
    for p in &parsed.packages {
        let line = lines[p.line.expect("a line") as usize - 1];
        // An entry's header: not indented, naming the package.
        assert!(
            !line.starts_with(' ') && line.ends_with(':') && line.contains(&format!("{}@", p.name)),
            "{p:?} on `{line}`"
        );
    }
}

/// A Pipfile.lock written by pipenv: the `default` and `develop` packages at their lines.
#[test]
fn a_project_locked_by_pipenv() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles/pipenv");
    let text = std::fs::read_to_string(dir.join("Pipfile.lock")).expect("the fixture reads");
    let parsed = read("Pipfile.lock", &text, Kind::PipfileLock);
    let got: Vec<String> = parsed.packages.iter().map(|p| format!("{}=={}", p.name, p.version)).collect();
    assert_eq!(
        got,
        [
            "attrs==23.1.0",
            "certifi==2026.10.19.post1",
            "charset-normalizer==3.5.3",
            "idna==3.20",
            "pysocks==1.7.1",
            "requests==2.31.0",
            "urllib3==2.8.0",
        ]
    );
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
    let lines: Vec<&str> = text.lines().collect();
    for p in &parsed.packages {
        assert_eq!(p.ecosystem, "PyPI");
        let line = lines[p.line.expect("a line") as usize - 1];
        assert_eq!(line.trim(), format!("\"{}\": {{", p.name), "{p:?}");
    }
}

/// A project with peer dependencies locked by npm and by pnpm 7, 8 and 9 (lockfile versions
/// 5.4, 6.0 and 9.0): every lockfile gives the packages `npm ls` lists, peer suffixes removed.
#[test]
fn peer_dependencies_locked_by_npm_and_three_pnpm_versions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles/peers");
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).expect("the fixture reads");
    let expected: Vec<String> = text("npm-ls.txt").lines().map(str::to_owned).collect();
    assert_eq!(expected.len(), 7);
    for (name, kind, version) in [
        ("package-lock.json", Kind::NpmLock, "\"lockfileVersion\": 3,"),
        ("pnpm7.pnpm-lock.yaml", Kind::PnpmLock, "lockfileVersion: 5.4"),
        ("pnpm8.pnpm-lock.yaml", Kind::PnpmLock, "lockfileVersion: '6.0'"),
        ("pnpm9.pnpm-lock.yaml", Kind::PnpmLock, "lockfileVersion: '9.0'"),
    ] {
        let text = text(name);
        assert!(text.lines().any(|l| l.trim() == version), "{name} is {version}");
        let parsed = read(name, &text, kind);
        let mut got: Vec<String> =
            parsed.packages.iter().map(|p| format!("{}@{}", p.name, p.version)).collect();
        got.sort();
        assert_eq!(got, expected, "{name}");
        assert!(parsed.notes.is_empty(), "{name}: {:?}", parsed.notes);
        let lines: Vec<&str> = text.lines().collect();
        for p in &parsed.packages {
            let line = lines[p.line.expect("a line") as usize - 1];
            // package-lock.json's keys are install paths, without the version.
            let versioned = kind == Kind::PnpmLock;
            assert!(
                line.contains(&p.name) && (!versioned || line.contains(&p.version)),
                "{name}: {p:?} on `{line}`"
            );
        }
    }
}
