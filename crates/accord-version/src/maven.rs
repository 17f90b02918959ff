//! Maven versions, ordered as Maven 3.9's `ComparableVersion` orders them (the rules of the
//! POM reference's "Version Order Specification").
//!
//! A version is split into tokens at `.`, at `-` and at every switch between digits and other
//! characters (which counts as a `-`); each token remembers its separator. Empty tokens are `0`.
//! Qualifiers are case-insensitive; `cr` is `rc`; `ga`, `final` and `release` are the empty
//! qualifier (a plain release); `a`, `b`, `m` directly followed by a number are `alpha`, `beta`,
//! `milestone`. Trailing "null" tokens (`0` or the empty qualifier) are dropped at the end of
//! the version and before each remaining `-`.
//!
//! Two versions compare token by token, the shorter padded with nulls of the other's separator:
//! numbers by value; qualifiers `alpha < beta < milestone < rc < snapshot < "" < sp < others`
//! (others alphabetically); a number is above any qualifier; and when the separators differ,
//! `.qualifier < -qualifier < -number < .number`.
//!
//! As in Maven, padding is equal to `0` and to the empty qualifier while an unknown qualifier
//! sits between them; trimming keeps this from mattering for real versions, but a `0` that
//! cannot be trimmed because a qualifier follows it in the same `-` part makes odd strings
//! compare in a cycle (`-a < -.a0 < - < -a`). The order is transitive on version-shaped input.

use std::cmp::Ordering;

use crate::number::{Number, all_digits};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Dot,
    Hyphen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(Number),
    Qualifier(Box<str>),
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.is_zero(),
            Item::Qualifier(q) => q.is_empty(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    separator: Separator,
    item: Item,
}

/// A parsed Maven version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Maven(Vec<Token>);

impl Maven {
    /// Every string is a Maven version.
    pub(crate) fn parse(s: &str) -> Maven {
        let lower = s.to_lowercase();
        let mut tokens = Vec::new();
        let mut separator = Separator::Dot;
        // Walk the string once, keeping each raw token's separator.
        let mut start = 0;
        let bytes = lower.as_bytes();
        let mut raw_tokens: Vec<(Separator, &str)> = Vec::new();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'.' || *b == b'-' {
                raw_tokens.push((separator, &lower[start..i]));
                separator = if *b == b'.' { Separator::Dot } else { Separator::Hyphen };
                start = i + 1;
            }
        }
        raw_tokens.push((separator, &lower[start..]));

        for (separator, raw) in raw_tokens {
            if raw.is_empty() {
                tokens.push(Token { separator, item: Item::Number(Number::zero()) });
                continue;
            }
            let pieces = split_digit_runs(raw);
            let count = pieces.len();
            for (j, piece) in pieces.into_iter().enumerate() {
                let separator = if j == 0 { separator } else { Separator::Hyphen };
                let item = if all_digits(piece) {
                    Item::Number(Number::from_digits(piece))
                } else {
                    let followed_by_number = j + 1 < count;
                    let q = match piece {
                        "cr" => "rc",
                        "ga" | "final" | "release" => "",
                        "a" if followed_by_number => "alpha",
                        "b" if followed_by_number => "beta",
                        "m" if followed_by_number => "milestone",
                        other => other,
                    };
                    Item::Qualifier(q.into())
                };
                tokens.push(Token { separator, item });
            }
        }
        trim_nulls(&mut tokens);
        Maven(tokens)
    }
}

/// Splits at every switch between ASCII digits and other characters.
fn split_digit_runs(raw: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = raw.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit() {
            pieces.push(&raw[start..i]);
            start = i;
        }
    }
    pieces.push(&raw[start..]);
    pieces
}

/// Drops null tokens at the end, then at the end of each `-`-separated part, from the last
/// part to the first (the first token always stays).
fn trim_nulls(tokens: &mut Vec<Token>) {
    let mut i = tokens.len() as isize - 1;
    while i > 0 {
        let at = i as usize;
        if tokens[at].item.is_null() {
            tokens.remove(at);
            i -= 1;
            continue;
        }
        // Go back to the token that starts this `-` part, then to the end of the part before.
        while i >= 0 && tokens[i as usize].separator != Separator::Hyphen {
            i -= 1;
        }
        i -= 1;
    }
}

fn qualifier_rank(q: &str) -> usize {
    const KNOWN: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    KNOWN.iter().position(|k| *k == q).unwrap_or(KNOWN.len())
}

fn compare_qualifiers(a: &str, b: &str) -> Ordering {
    qualifier_rank(a).cmp(&qualifier_rank(b)).then_with(|| a.cmp(b))
}

/// A token against padding (a null with the token's own separator).
fn compare_with_null(item: &Item) -> Ordering {
    match item {
        Item::Number(n) => n.cmp(&Number::zero()),
        Item::Qualifier(q) => compare_qualifiers(q, ""),
    }
}

fn kind_rank(t: &Token) -> u8 {
    match (&t.item, t.separator) {
        (Item::Qualifier(_), Separator::Dot) => 0,
        (Item::Qualifier(_), Separator::Hyphen) => 1,
        (Item::Number(_), Separator::Hyphen) => 2,
        (Item::Number(_), Separator::Dot) => 3,
    }
}

fn compare_tokens(a: &Token, b: &Token) -> Ordering {
    if a.separator != b.separator {
        return kind_rank(a).cmp(&kind_rank(b));
    }
    match (&a.item, &b.item) {
        (Item::Number(x), Item::Number(y)) => x.cmp(y),
        (Item::Number(_), Item::Qualifier(_)) => Ordering::Greater,
        (Item::Qualifier(_), Item::Number(_)) => Ordering::Less,
        (Item::Qualifier(x), Item::Qualifier(y)) => compare_qualifiers(x, y),
    }
}

impl Ord for Maven {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        for i in 0..a.len().max(b.len()) {
            let ord = match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) => compare_tokens(x, y),
                (Some(x), None) => compare_with_null(&x.item),
                (None, Some(y)) => compare_with_null(&y.item).reverse(),
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Maven {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
