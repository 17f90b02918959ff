//! Hand-written sample files (`samples/`, see its README) of the formats other than the Cargo
//! and Python ones, read through `Kind::detect` and `accord_lockfile::parse` as a caller would.

use std::path::Path;

use accord_lockfile::{Kind, Parsed};

/// Detects the sample's format by its file name and reads it.
fn read(file: &str, kind: Kind) -> Parsed {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/samples").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(Kind::detect(file), Some(kind), "{file}");
    accord_lockfile::parse(kind, &text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The file's packages (all of `ecosystem`) as name, version and line, and its notes' lines and
/// texts, in file order.
fn check(
    parsed: &Parsed,
    ecosystem: &str,
    packages: &[(&str, &str, Option<u32>)],
    notes: &[(Option<u32>, &str)],
) {
    for p in &parsed.packages {
        assert!(p.ecosystem == ecosystem, "{p:?}");
    }
    let got: Vec<_> = parsed.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.line)).collect();
    assert_eq!(got, packages);
    let got: Vec<_> = parsed.notes.iter().map(|n| (n.line, n.message.as_str())).collect();
    assert_eq!(got, notes);
}

#[test]
fn go_mod_with_replaces_and_indirect_requires() {
    check(
        &read("go.mod", Kind::GoMod),
        "Go",
        &[
            ("github.com/gin-gonic/gin", "1.9.1", Some(8)),
            ("github.com/golang-jwt/jwt/v5", "5.2.0", Some(9)),
            ("github.com/jackc/pgx/v5", "5.5.4", Some(10)),
            ("github.com/prometheus/client_golang", "1.19.0", Some(11)),
            ("go.uber.org/zap", "1.27.0", Some(12)),
            ("google.golang.org/grpc", "1.62.1", Some(13)),
            ("github.com/beorn7/perks", "1.0.1", Some(17)),
            ("github.com/bytedance/sonic", "1.11.2", Some(18)),
            ("github.com/cespare/xxhash/v2", "2.2.0", Some(19)),
            ("github.com/moby/moby", "24.0.9+incompatible", Some(20)),
            ("github.com/gin-contrib/sse", "0.1.0", Some(21)),
            ("github.com/jackc/pgpassfile", "1.0.0", Some(22)),
            ("go.uber.org/multierr", "1.11.0", Some(23)),
            ("golang.org/x/crypto", "0.21.0", Some(24)),
            ("golang.org/x/net", "0.23.0", Some(25)),
            ("golang.org/x/sys", "0.18.0", Some(26)),
            ("golang.org/x/text", "0.14.0", Some(27)),
            ("google.golang.org/genproto/googleapis/rpc", "0.0.0-20240311132316-a219d84964c2", Some(28)),
            ("google.golang.org/protobuf", "1.33.0", Some(29)),
        ],
        &[(
            Some(37),
            "github.com/acme/inventory-proto v0.4.0 is replaced by the local directory \
             ../inventory-proto: no version to check",
        )],
    );
}

#[test]
fn gemfile_lock_with_git_path_and_platform_gems() {
    check(
        &read("Gemfile.lock", Kind::GemfileLock),
        "RubyGems",
        &[
            ("actionpack", "7.1.3.2", Some(22)),
            ("actionview", "7.1.3.2", Some(27)),
            ("activesupport", "7.1.3.2", Some(29)),
            ("bcrypt", "3.1.20", Some(32)),
            ("concurrent-ruby", "1.2.3", Some(33)),
            ("ffi", "1.16.3", Some(34)),
            ("i18n", "1.14.4", Some(36)),
            ("mini_portile2", "2.8.5", Some(38)),
            ("nokogiri", "1.16.3", Some(39)),
            ("orm_adapter", "0.5.0", Some(46)),
            ("racc", "1.7.3", Some(47)),
            ("rack", "3.0.9.1", Some(48)),
            ("railties", "7.1.3.2", Some(49)),
            ("responders", "3.1.1", Some(52)),
            ("warden", "1.2.9", Some(55)),
        ],
        &[
            (
                Some(6),
                "devise 4.9.3 comes from the git repository https://github.com/heartcombo/devise.git: \
                 not a released gem",
            ),
            (Some(16), "billing 0.1.0 comes from the local directory engines/billing: not a released gem"),
        ],
    );
}

#[test]
fn composer_lock_with_dev_packages_and_a_branch() {
    check(
        &read("composer.lock", Kind::ComposerLock),
        "Packagist",
        &[
            ("guzzlehttp/guzzle", "7.8.1", Some(10)),
            ("monolog/monolog", "3.5.0", Some(26)),
            ("psr/http-client", "1.0.3", Some(32)),
            ("symfony/http-kernel", "v6.4.4", Some(37)),
            ("phpunit/phpunit", "10.5.11", Some(55)),
            ("mockery/mockery", "1.6.7", Some(60)),
        ],
        &[(Some(42), "acme/payments-sdk is on the development branch dev-main: not a release")],
    );
}

#[test]
fn nuget_lock_with_two_targets_and_a_project() {
    check(
        &read("packages.lock.json", Kind::NugetLock),
        "NuGet",
        &[
            ("Microsoft.EntityFrameworkCore", "8.0.2", Some(5)),
            ("Newtonsoft.Json", "13.0.3", Some(15)),
            ("Microsoft.EntityFrameworkCore.Abstractions", "8.0.2", Some(21)),
            ("Microsoft.Extensions.Caching.Memory", "8.0.0", Some(26)),
            ("System.Text.Json", "8.0.3", Some(31)),
            ("runtime.linux-x64.Microsoft.DotNet.ILCompiler", "8.0.2", Some(50)),
        ],
        &[(Some(37), "Acme.Orders.Domain is a project of the solution, not a NuGet package")],
    );
}

#[test]
fn pom_with_properties_a_range_and_a_managed_version() {
    check(
        &read("pom.xml", Kind::PomXml),
        "Maven",
        &[
            ("org.apache.logging.log4j:log4j-core", "2.17.1", Some(48)),
            ("org.apache.commons:commons-text", "1.10.0", Some(53)),
            ("com.acme.orders:orders-model", "2.7.0-SNAPSHOT", Some(58)),
            ("org.springframework.boot:spring-boot-configuration-processor", "3.2.3", Some(63)),
            ("org.junit.jupiter:junit-jupiter", "5.10.2", Some(79)),
            ("com.fasterxml.jackson:jackson-bom", "2.16.1", Some(28)),
            ("org.yaml:snakeyaml", "2.2", Some(35)),
        ],
        &[
            (
                Some(44),
                "org.springframework.boot:spring-boot-starter-web has no version here (managed by a \
                 parent POM or an imported BOM)",
            ),
            (Some(69), "com.google.guava:guava [32.0,34.0) is a version range, not a version"),
            (
                Some(74),
                "io.micrometer:micrometer-registry-prometheus ${micrometer.version}: property \
                 ${micrometer.version} is not defined in this file",
            ),
        ],
    );
}

#[test]
fn gradle_lockfile() {
    check(
        &read("gradle.lockfile", Kind::GradleLockfile),
        "Maven",
        &[
            ("ch.qos.logback:logback-classic", "1.4.14", Some(4)),
            ("ch.qos.logback:logback-core", "1.4.14", Some(5)),
            ("com.fasterxml.jackson.core:jackson-annotations", "2.16.1", Some(6)),
            ("com.fasterxml.jackson.core:jackson-core", "2.16.1", Some(7)),
            ("com.fasterxml.jackson.core:jackson-databind", "2.16.1", Some(8)),
            ("com.google.guava:failureaccess", "1.0.2", Some(9)),
            ("com.google.guava:guava", "33.0.0-jre", Some(10)),
            ("org.apiguardian:apiguardian-api", "1.1.2", Some(11)),
            ("org.junit.jupiter:junit-jupiter-api", "5.10.2", Some(12)),
            ("org.slf4j:slf4j-api", "2.0.12", Some(13)),
        ],
        &[],
    );
}

#[test]
fn mix_lock_with_a_git_dependency_and_a_renamed_one() {
    check(
        &read("mix.lock", Kind::MixLock),
        "Hex",
        &[
            ("bandit", "1.3.0", Some(2)),
            ("castore", "1.0.5", Some(3)),
            ("ecto_sql", "3.11.1", Some(4)),
            ("jason", "1.4.1", Some(6)),
            ("phoenix", "1.7.11", Some(7)),
            ("plug", "1.15.3", Some(8)),
            ("poison", "3.1.0", Some(9)),
            ("telemetry", "1.2.1", Some(10)),
        ],
        &[(
            Some(5),
            "heroicons comes from the git repository https://github.com/tailwindlabs/heroicons.git: \
             not a Hex release",
        )],
    );
}

#[test]
fn pubspec_lock_with_sdk_path_and_git_packages() {
    check(
        &read("pubspec.lock", Kind::PubspecLock),
        "Pub",
        &[
            ("async", "2.11.0", Some(4)),
            ("collection", "1.18.0", Some(12)),
            ("cupertino_icons", "1.0.6", Some(20)),
            ("http", "1.2.0", Some(38)),
        ],
        &[
            (Some(28), "flutter comes with the flutter SDK, not from pub.dev"),
            (Some(33), "flutter_test comes with the flutter SDK, not from pub.dev"),
            (Some(46), "shop_models 0.2.0 comes from the local directory ../shop_models, not pub.dev"),
            (
                Some(53),
                "markdown_widget 2.3.2+6 comes from the git repository \
                 https://github.com/asjqkkkk/markdown_widget.git, not pub.dev",
            ),
        ],
    );
}

#[test]
fn cyclonedx_1_5_sbom_of_several_ecosystems() {
    let parsed = read("app.cdx.json", Kind::CycloneDx);
    let got: Vec<_> = parsed
        .packages
        .iter()
        .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str(), p.line))
        .collect();
    assert_eq!(
        got,
        [
            ("npm", "@angular/core", "17.3.0", Some(29)),
            ("npm", "lodash", "4.17.20", Some(37)),
            ("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", Some(45)),
            ("Maven", "org.apache.logging.log4j:log4j-api", "2.14.1", Some(53)),
            ("PyPI", "requests", "2.31.0", Some(62)),
            ("Go", "golang.org/x/net", "0.17.0", Some(69)),
            ("Debian:12", "openssl", "3.0.11-1~deb12u2", Some(76)),
        ]
    );
    let notes: Vec<_> = parsed.notes.iter().map(|n| (n.line, n.message.as_str())).collect();
    assert_eq!(
        notes,
        [
            (None, "component sqlite-amalgamation 3.45.1 has no purl"),
            (
                Some(89),
                "component actions/checkout v4: purl pkg:github/actions/checkout@v4 is of type \
                 `github`, which has no OSV ecosystem here"
            ),
        ]
    );
}

#[test]
fn spdx_2_3_sbom_of_several_ecosystems() {
    let parsed = read("app.spdx.json", Kind::Spdx);
    let got: Vec<_> = parsed
        .packages
        .iter()
        .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str(), p.line))
        .collect();
    assert_eq!(
        got,
        [
            ("Go", "github.com/gin-gonic/gin", "1.9.0", Some(33)),
            ("Go", "golang.org/x/crypto", "0.14.0", Some(46)),
            ("Alpine:v3.19", "musl", "1.2.4-r2", Some(59)),
        ]
    );
    let notes: Vec<_> = parsed.notes.iter().map(|n| (n.line, n.message.as_str())).collect();
    assert_eq!(
        notes,
        [
            (None, "package inventory-service 1.8.0 has no purl"),
            (
                Some(72),
                "package ca-certificates 2023.2.60: purl \
                 pkg:rpm/fedora/ca-certificates@2023.2.60-1.fc39 is of type `rpm`, which has no OSV \
                 ecosystem here"
            ),
        ]
    );
}

const SAMPLES: [(&str, Kind); 10] = [
    ("go.mod", Kind::GoMod),
    ("Gemfile.lock", Kind::GemfileLock),
    ("composer.lock", Kind::ComposerLock),
    ("packages.lock.json", Kind::NugetLock),
    ("pom.xml", Kind::PomXml),
    ("gradle.lockfile", Kind::GradleLockfile),
    ("mix.lock", Kind::MixLock),
    ("pubspec.lock", Kind::PubspecLock),
    ("app.cdx.json", Kind::CycloneDx),
    ("app.spdx.json", Kind::Spdx),
];

fn sample_text(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/samples").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_read_the_same() {
    for (file, kind) in SAMPLES {
        let text = sample_text(file);
        let windows = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let parsed = accord_lockfile::parse(kind, &windows).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(parsed, read(file, kind), "{file}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any cut or any deleted line of a sample reads or fails with an error; nothing panics.
    #[test]
    fn damaged_samples_never_panic(which in 0..SAMPLES.len(), at in 0.0..1.0f64, drop_line in proptest::prelude::any::<bool>()) {
        let (file, kind) = SAMPLES[which];
        let text = sample_text(file);
        let damaged = if drop_line {
            let lines: Vec<&str> = text.lines().collect();
            let skip = (at * lines.len() as f64) as usize;
            lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        } else {
            let mut cut = (at * text.len() as f64) as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        };
        let _ = accord_lockfile::parse(kind, &damaged);
    }

    /// Arbitrary text fails or reads; no reader panics.
    #[test]
    fn arbitrary_text_never_panics(which in 0..SAMPLES.len(), text in "[ -~\t\n\u{e9}]{0,200}") {
        let _ = accord_lockfile::parse(SAMPLES[which].1, &text);
    }
}
