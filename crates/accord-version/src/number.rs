//! Non-negative integers of any length, as version strings write them.

use std::cmp::Ordering;

/// A non-negative integer read from ASCII digits, kept as its digits without leading zeros so
/// that `007 = 7` and a 30-digit component compares correctly. Zero is the empty string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub(crate) struct Number(String);

impl Number {
    /// Reads a run of ASCII digits. The caller has checked that `digits` holds only `0-9`.
    pub(crate) fn from_digits(digits: &str) -> Number {
        debug_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        Number(digits.trim_start_matches('0').into())
    }

    /// Zero.
    pub(crate) const ZERO: Number = Number(String::new());

    pub(crate) fn zero() -> Number {
        Number::ZERO
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        // Without leading zeros, a longer number is a larger one.
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether `s` is non-empty and only ASCII digits.
pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zeros_do_not_count() {
        assert_eq!(Number::from_digits("007"), Number::from_digits("7"));
        assert_eq!(Number::from_digits("000"), Number::zero());
        assert!(Number::from_digits("10") > Number::from_digits("9"));
        assert!(
            Number::from_digits("999999999999999999999999999991")
                < Number::from_digits("999999999999999999999999999999")
        );
    }
}
