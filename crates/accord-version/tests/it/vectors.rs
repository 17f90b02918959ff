//! osv-scanner's version comparison vectors (`../shared/fixtures/version-vectors/`, see its
//! README): every line `A OP B` is checked both ways, `cmp(A, B) == OP` and `cmp(B, A) == -OP`,
//! for every ecosystem the README's table runs the file for. All failures are collected and
//! reported together, with file and line.

use std::cmp::Ordering;
use std::path::Path;

use accord_version::{Ecosystem, parse};

/// (file, comparisons it holds, ecosystems it is run for), from the README's table.
const FILES: &[(&str, usize, &[Ecosystem])] = &[
    ("semver-versions.txt", 86, &[Ecosystem::Npm, Ecosystem::CratesIo, Ecosystem::Go, Ecosystem::Hex]),
    ("pypi-versions.txt", 37, &[Ecosystem::PyPi]),
    ("pypi-versions-generated.txt", 12_375, &[Ecosystem::PyPi]),
    ("maven-versions.txt", 102, &[Ecosystem::Maven]),
    ("maven-versions-generated.txt", 14_752, &[Ecosystem::Maven]),
    ("rubygems-versions.txt", 25, &[Ecosystem::RubyGems]),
    ("rubygems-versions-generated.txt", 4_098, &[Ecosystem::RubyGems]),
    ("nuget-versions.txt", 35, &[Ecosystem::NuGet]),
    ("packagist-versions.txt", 95, &[Ecosystem::Packagist]),
    ("packagist-versions-generated.txt", 10_630, &[Ecosystem::Packagist]),
    ("debian-versions.txt", 30, &[Ecosystem::Debian, Ecosystem::Ubuntu]),
    ("debian-versions-generated.txt", 14_442, &[Ecosystem::Debian, Ecosystem::Ubuntu]),
    ("alpine-versions.txt", 778, &[Ecosystem::Alpine, Ecosystem::Wolfi, Ecosystem::Chainguard]),
    ("alpine-versions-generated.txt", 13_979, &[Ecosystem::Alpine, Ecosystem::Wolfi, Ecosystem::Chainguard]),
    (
        "redhat-versions.txt",
        165,
        &[
            Ecosystem::RedHat,
            Ecosystem::AlmaLinux,
            Ecosystem::RockyLinux,
            Ecosystem::Suse,
            Ecosystem::OpenSuse,
        ],
    ),
    ("cran-versions.txt", 21, &[Ecosystem::Cran]),
    ("cran-versions-generated.txt", 57, &[Ecosystem::Cran]),
    ("pub-versions.txt", 100, &[Ecosystem::Pub]),
    ("hackage-versions.txt", 11, &[Ecosystem::Hackage]),
];

/// One comparison: its line number, `A`, the expected order of `A` against `B`, and `B`.
struct Comparison<'a> {
    line: usize,
    a: &'a str,
    expected: Ordering,
    b: &'a str,
}

fn comparisons(text: &str) -> Result<Vec<Comparison<'_>>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with("# ") || line.starts_with("// ") {
            continue;
        }
        let pieces: Vec<&str> = line.split(' ').collect();
        let [a, op, b] = pieces[..] else { return Err(format!("line {}: not `A OP B`: {line:?}", i + 1)) };
        let expected = match op {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            _ => return Err(format!("line {}: unknown operator {op:?}", i + 1)),
        };
        out.push(Comparison { line: i + 1, a, expected, b });
    }
    Ok(out)
}

fn symbol(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

/// Checks one file for one ecosystem; returns the failures as `file:line: message`.
fn check_file(dir: &Path, file: &str, ecosystem: Ecosystem) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let list = comparisons(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut failures = Vec::new();
    for c in &list {
        let at = format!("{file}:{} ({ecosystem})", c.line);
        let (a, b) = match (parse(ecosystem, c.a), parse(ecosystem, c.b)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(format!("{at}: {e}"));
                continue;
            }
        };
        for (x, y, want) in [(&a, &b, c.expected), (&b, &a, c.expected.reverse())] {
            let got = x.cmp(y);
            if got != want {
                failures.push(format!("{at}: expected {x} {} {y}, got {}", symbol(want), symbol(got)));
            }
        }
    }
    (list.len(), failures)
}

#[test]
fn every_vector_file_passes_for_its_ecosystems() {
    let Some(dir) = accord_testkit::shared_fixtures("version-vectors") else { return };
    let mut failures = Vec::new();
    let mut total = 0;
    for (file, expected_count, ecosystems) in FILES {
        for ecosystem in *ecosystems {
            let (count, mut failed) = check_file(&dir, file, *ecosystem);
            assert_eq!(count, *expected_count, "{file}: number of comparisons read");
            total += count;
            eprintln!("{file} ({ecosystem}): {count} comparisons, {} failures", failed.len());
            failures.append(&mut failed);
        }
    }
    assert!(total > 71_000, "{total} comparisons run");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_table_covers_every_vector_file() {
    let Some(dir) = accord_testkit::shared_fixtures("version-vectors") else { return };
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("read the vectors folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FILES.iter().map(|(f, _, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn the_reader_skips_comments_and_blank_lines() {
    let text = "# comment\n\n// also a comment\n1 < 2\n1.0 = 1\n";
    let list = comparisons(text).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0].line, list[0].a, list[0].expected, list[0].b), (4, "1", Ordering::Less, "2"));
    assert!(comparisons("1 <= 2\n").is_err());
    assert!(comparisons("1 <\n").is_err());
}
