//! Debian (and Ubuntu) package versions, ordered as `dpkg --compare-versions` orders them.
//!
//! `[epoch:]upstream[-revision]`: the epoch is an integer (0 when absent), the revision is
//! what follows the last `-` (none is the same as `0`). Upstream and revision compare by
//! alternating non-digit runs (character by character: `~` first, then the end of the run,
//! then letters, then other characters) and digit runs (by value).

use std::cmp::Ordering;

use crate::VersionError;
use crate::number::{Number, all_digits};

/// A parsed Debian version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Debian {
    epoch: Number,
    upstream: Box<str>,
    revision: Box<str>,
}

impl Debian {
    pub(crate) fn parse(s: &str) -> Result<Debian, VersionError> {
        let invalid = |reason| VersionError::invalid(s, "Debian", reason);
        let text = s.trim();
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) if all_digits(epoch) => (Number::from_digits(epoch), rest),
            Some(_) => return Err(invalid("the epoch (before the first :) must be a number")),
            None => (Number::zero(), text),
        };
        let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
        if upstream.is_empty() {
            return Err(invalid("the upstream version is empty"));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~' | '-' | ':');
        if !upstream.chars().all(allowed) {
            return Err(invalid("the upstream version may only hold letters, digits and . + ~ - :"));
        }
        if !revision.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~')) {
            return Err(invalid("the revision may only hold letters, digits and . + ~"));
        }
        if rest.ends_with('-') {
            return Err(invalid("the revision after the last - is empty"));
        }
        Ok(Debian { epoch, upstream: upstream.into(), revision: revision.into() })
    }
}

/// dpkg's weight of a character in a non-digit run; `None` is the end of the run.
fn weight(c: Option<u8>) -> i32 {
    match c {
        Some(b'~') => -1,
        None => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
pub(crate) fn compare_part(mut a: &str, mut b: &str) -> Ordering {
    while !a.is_empty() || !b.is_empty() {
        let a_text = a.bytes().take_while(|c| !c.is_ascii_digit()).count();
        let b_text = b.bytes().take_while(|c| !c.is_ascii_digit()).count();
        let (at, bt) = (&a.as_bytes()[..a_text], &b.as_bytes()[..b_text]);
        for i in 0..a_text.max(b_text) {
            let ord = weight(at.get(i).copied()).cmp(&weight(bt.get(i).copied()));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a = &a[a_text..];
        b = &b[b_text..];
        let a_num = a.bytes().take_while(u8::is_ascii_digit).count();
        let b_num = b.bytes().take_while(u8::is_ascii_digit).count();
        let ord = Number::from_digits(&a[..a_num]).cmp(&Number::from_digits(&b[..b_num]));
        if ord != Ordering::Equal {
            return ord;
        }
        a = &a[a_num..];
        b = &b[b_num..];
    }
    Ordering::Equal
}

impl Ord for Debian {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(&self.upstream, &other.upstream))
            .then_with(|| compare_part(&self.revision, &other.revision))
    }
}

impl PartialOrd for Debian {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
