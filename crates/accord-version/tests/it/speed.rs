//! A sanity check that reading and comparing versions is cheap: no regex or table is built per
//! call. The bound is loose (a slow debug build on a busy 2-core machine must pass it); a real
//! regression, such as compiling a pattern per call, costs far more.

use std::time::{Duration, Instant};

use accord_version::{Ecosystem, compare, parse};

const SAMPLES: &[(Ecosystem, &str, &str)] = &[
    (Ecosystem::Npm, "1.2.3-beta.4+build.5", "1.2.3"),
    (Ecosystem::PyPi, "1.0.post2.dev3", "1.0rc1"),
    (Ecosystem::PyPi, "0.9-ivysaur", "1.0"),
    (Ecosystem::Maven, "1.0-alpha-1-SNAPSHOT", "1.0.0.ga"),
    (Ecosystem::RubyGems, "1.0.a.2", "1.0.b1"),
    (Ecosystem::NuGet, "1.0.0.1-BETA", "1.0.0.1-beta"),
    (Ecosystem::Packagist, "v2.0.0-RC1", "2.0.0"),
    (Ecosystem::Debian, "1:2.36-9+deb12u4", "1:2.36-9+deb12u10"),
    (Ecosystem::Alpine, "1.2.3_rc1-r2", "1.2.3-r0"),
    (Ecosystem::RedHat, "1:4.18.0-513.el8_9.1", "1:4.18.0-513.el8"),
    (Ecosystem::Cran, "1.0-12", "1.0.2"),
    (Ecosystem::Pub, "1.0.0+1", "1.0.0"),
    (Ecosystem::Hackage, "0.1.0.0", "0.1"),
];

#[test]
fn ten_thousand_comparisons_per_scheme_take_well_under_a_second() {
    let rounds = 10_000 / SAMPLES.len() + 1;
    let start = Instant::now();
    for _ in 0..rounds {
        for (ecosystem, a, b) in SAMPLES {
            compare(*ecosystem, a, b).expect("valid samples");
        }
    }
    let parse_and_compare = start.elapsed();

    let parsed: Vec<_> =
        SAMPLES.iter().map(|(e, a, b)| (parse(*e, a).unwrap(), parse(*e, b).unwrap())).collect();
    let start = Instant::now();
    let mut less = 0usize;
    for _ in 0..rounds * 10 {
        for (a, b) in &parsed {
            less += usize::from(std::hint::black_box(a) < std::hint::black_box(b));
        }
    }
    let compare_only = start.elapsed();
    assert!(less > 0);
    assert!(parse_and_compare < Duration::from_secs(2), "parse+compare x10k: {parse_and_compare:?}");
    assert!(compare_only < Duration::from_secs(2), "compare x100k: {compare_only:?}");
    eprintln!("parse+compare x10k: {parse_and_compare:?}; compare only x100k: {compare_only:?}");
}
