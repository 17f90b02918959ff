//! Random valid vectors, written from the specifications' metric tables independently of the
//! crate's own catalogue, so that a value the crate forgot shows up as a refusal.

/// (metric, values, group); the first value listed is `X` for optional metrics.
type Table = &'static [(&'static str, &'static [&'static str], Group)];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Group {
    Base,
    Temporal,
    Environmental,
    Supplemental,
}
use Group::*;

const CIA: &[&str] = &["H", "L", "N"];
const M_CIA: &[&str] = &["X", "H", "L", "N"];
const REQ: &[&str] = &["X", "H", "M", "L"];

pub const V3: Table = &[
    ("AV", &["N", "A", "L", "P"], Base),
    ("AC", &["L", "H"], Base),
    ("PR", &["N", "L", "H"], Base),
    ("UI", &["N", "R"], Base),
    ("S", &["U", "C"], Base),
    ("C", CIA, Base),
    ("I", CIA, Base),
    ("A", CIA, Base),
    ("E", &["X", "H", "F", "P", "U"], Temporal),
    ("RL", &["X", "U", "W", "T", "O"], Temporal),
    ("RC", &["X", "C", "R", "U"], Temporal),
    ("CR", REQ, Environmental),
    ("IR", REQ, Environmental),
    ("AR", REQ, Environmental),
    ("MAV", &["X", "N", "A", "L", "P"], Environmental),
    ("MAC", &["X", "L", "H"], Environmental),
    ("MPR", &["X", "N", "L", "H"], Environmental),
    ("MUI", &["X", "N", "R"], Environmental),
    ("MS", &["X", "U", "C"], Environmental),
    ("MC", M_CIA, Environmental),
    ("MI", M_CIA, Environmental),
    ("MA", M_CIA, Environmental),
];

pub const V4: Table = &[
    ("AV", &["N", "A", "L", "P"], Base),
    ("AC", &["L", "H"], Base),
    ("AT", &["N", "P"], Base),
    ("PR", &["N", "L", "H"], Base),
    ("UI", &["N", "P", "A"], Base),
    ("VC", CIA, Base),
    ("VI", CIA, Base),
    ("VA", CIA, Base),
    ("SC", CIA, Base),
    ("SI", CIA, Base),
    ("SA", CIA, Base),
    ("E", &["X", "A", "P", "U"], Temporal),
    ("CR", REQ, Environmental),
    ("IR", REQ, Environmental),
    ("AR", REQ, Environmental),
    ("MAV", &["X", "N", "A", "L", "P"], Environmental),
    ("MAC", &["X", "L", "H"], Environmental),
    ("MAT", &["X", "N", "P"], Environmental),
    ("MPR", &["X", "N", "L", "H"], Environmental),
    ("MUI", &["X", "N", "P", "A"], Environmental),
    ("MVC", M_CIA, Environmental),
    ("MVI", M_CIA, Environmental),
    ("MVA", M_CIA, Environmental),
    ("MSC", M_CIA, Environmental),
    ("MSI", &["X", "S", "H", "L", "N"], Environmental),
    ("MSA", &["X", "S", "H", "L", "N"], Environmental),
    ("S", &["X", "N", "P"], Supplemental),
    ("AU", &["X", "N", "Y"], Supplemental),
    ("R", &["X", "A", "U", "I"], Supplemental),
    ("V", &["X", "D", "C"], Supplemental),
    ("RE", &["X", "L", "M", "H"], Supplemental),
    ("U", &["X", "Clear", "Green", "Amber", "Red"], Supplemental),
];

/// SplitMix64: a small seeded generator, so every run draws the same vectors.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A generated vector and what it holds.
pub struct Generated {
    pub text: String,
    /// The same vector with its base metrics only.
    pub base_only: String,
    /// A temporal (threat) metric is set to a value other than X.
    pub temporal: bool,
    /// An environmental metric is set to a value other than X.
    pub environmental: bool,
}

/// A random valid vector of `prefix` (`CVSS:3.1`, `CVSS:3.0` or `CVSS:4.0`). Each optional group
/// is present in half the vectors; a present group sets each of its metrics with probability
/// one half, X included. CVSS 3.x metrics are shuffled, since any order is valid there.
pub fn vector(rng: &mut Rng, prefix: &str) -> Generated {
    let table = if prefix == "CVSS:4.0" { V4 } else { V3 };
    let groups = rng.below(8);
    let wanted = |group: Group| match group {
        Base => true,
        Temporal => groups & 1 != 0,
        Environmental => groups & 2 != 0,
        Supplemental => groups & 4 != 0,
    };
    let mut parts = Vec::new();
    let mut base = Vec::new();
    let (mut temporal, mut environmental) = (false, false);
    for (metric, values, group) in table {
        if !wanted(*group) || (*group != Base && rng.below(2) == 0) {
            continue;
        }
        let value = values[rng.below(values.len())];
        let part = format!("{metric}:{value}");
        match group {
            Base => base.push(part.clone()),
            Temporal => temporal |= value != "X",
            Environmental => environmental |= value != "X",
            Supplemental => {}
        }
        parts.push(part);
    }
    if prefix != "CVSS:4.0" {
        for i in (1..parts.len()).rev() {
            parts.swap(i, rng.below(i + 1));
        }
    }
    Generated {
        text: format!("{prefix}/{}", parts.join("/")),
        base_only: format!("{prefix}/{}", base.join("/")),
        temporal,
        environmental,
    }
}
