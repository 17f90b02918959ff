//! RPM versions (Red Hat, AlmaLinux, Rocky Linux, SUSE, openSUSE, …), ordered by RPM's
//! `rpmvercmp` on each of epoch, version and release.
//!
//! `[epoch:]version[-release]`: the epoch is the part before the first `:` when it is all
//! digits (0 otherwise, and then the whole string is the version); the release is what follows
//! the first `-` of the rest. Each part compares by runs of digits (by value) and runs of
//! letters (in byte order), other characters only separating them; a digit run is newer than a
//! letter run; `~` sorts before everything, even the end; `^` sorts after the end but before
//! anything else; when everything compared is equal, the longer part is newer. A missing
//! release is older than any release, even an empty one (`1 < 1-`).

use std::cmp::Ordering;

use crate::VersionError;
use crate::number::all_digits;

/// A parsed RPM version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rpm {
    epoch: Box<str>,
    version: Box<str>,
    release: Box<str>,
}

impl Rpm {
    pub(crate) fn parse(s: &str) -> Result<Rpm, VersionError> {
        if s.trim().is_empty() {
            return Err(VersionError::invalid(s, "RPM", "it is empty"));
        }
        let (epoch, rest) = match s.split_once(':') {
            Some((epoch, rest)) if all_digits(epoch) => (epoch, rest),
            _ => ("0", s),
        };
        // The release keeps its `-`, so that `1-` (an empty release) is above `1` (none).
        let (version, release) = match rest.find('-') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        Ok(Rpm { epoch: epoch.into(), version: version.into(), release: release.into() })
    }
}

fn is_separator(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

/// RPM's `rpmvercmp`, with an empty part older than any non-empty one.
fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    match (a.is_empty(), b.is_empty()) {
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && is_separator(a[i]) {
            i += 1;
        }
        while j < b.len() && is_separator(b[j]) {
            j += 1;
        }
        let (a_tilde, b_tilde) = (a.get(i) == Some(&b'~'), b.get(j) == Some(&b'~'));
        if a_tilde || b_tilde {
            if a_tilde && b_tilde {
                i += 1;
                j += 1;
                continue;
            }
            return if a_tilde { Ordering::Less } else { Ordering::Greater };
        }
        let (a_caret, b_caret) = (a.get(i) == Some(&b'^'), b.get(j) == Some(&b'^'));
        if a_caret || b_caret {
            if a_caret && b_caret {
                i += 1;
                j += 1;
                continue;
            }
            return if a_caret {
                if j == b.len() { Ordering::Greater } else { Ordering::Less }
            } else if i == a.len() {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        if i == a.len() || j == b.len() {
            break;
        }
        let numeric = a[i].is_ascii_digit();
        let same_kind = |c: &u8| if numeric { c.is_ascii_digit() } else { c.is_ascii_alphabetic() };
        let a_len = a[i..].iter().take_while(|c| same_kind(c)).count();
        let b_len = b[j..].iter().take_while(|c| same_kind(c)).count();
        let (mut x, mut y) = (&a[i..i + a_len], &b[j..j + b_len]);
        i += a_len;
        j += b_len;
        if y.is_empty() {
            // Different kinds of run: numbers are newer.
            return if numeric { Ordering::Greater } else { Ordering::Less };
        }
        if numeric {
            while x.first() == Some(&b'0') {
                x = &x[1..];
            }
            while y.first() == Some(&b'0') {
                y = &y[1..];
            }
            let ord = x.len().cmp(&y.len());
            if ord != Ordering::Equal {
                return ord;
            }
        }
        let ord = x.cmp(y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

impl Ord for Rpm {
    fn cmp(&self, other: &Self) -> Ordering {
        rpmvercmp(&self.epoch, &other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| rpmvercmp(&self.release, &other.release))
    }
}

impl PartialOrd for Rpm {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
