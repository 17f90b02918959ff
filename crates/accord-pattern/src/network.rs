//! IP addresses and CIDR networks for `ISSUBSET` and `ISSUPERSET`.
//!
//! IPv4 is read as the reference does (the C library's `inet_aton`: `1.2.3.4`, but also
//! `0x7f.1`, `010.0.0.1`, `127.1`, and trailing whitespace ends the address), with prefixes
//! from 1 to 32. IPv6 (`2001:db8::/32`) is also supported, which the reference refuses; an
//! IPv4 and an IPv6 network never contain each other.

use std::net::Ipv6Addr;

/// An address with a prefix length (32 or 128 for a plain address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Network {
    V4 { address: u32, prefix: u32 },
    V6 { address: u128, prefix: u32 },
}

impl Network {
    /// A network in CIDR notation (`address/prefix`); a plain address is refused.
    pub(crate) fn cidr(text: &str) -> Option<Network> {
        let (address, prefix) = text.split_once('/')?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Leading zeros are fine; a huge number is out of range either way.
        let prefix: u32 =
            prefix.trim_start_matches('0').parse().unwrap_or(if prefix.len() > 9 { u32::MAX } else { 0 });
        match parse_address(address)? {
            Address::V4(address) => (1..=32).contains(&prefix).then_some(Network::V4 { address, prefix }),
            Address::V6(address) => (1..=128).contains(&prefix).then_some(Network::V6 { address, prefix }),
        }
    }

    /// An address, or a network in CIDR notation.
    pub(crate) fn address_or_cidr(text: &str) -> Option<Network> {
        if text.contains('/') {
            return Network::cidr(text);
        }
        Some(match parse_address(text)? {
            Address::V4(address) => Network::V4 { address, prefix: 32 },
            Address::V6(address) => Network::V6 { address, prefix: 128 },
        })
    }

    /// Whether `self` (the container) contains all of `inner`.
    pub(crate) fn contains(&self, inner: &Network) -> bool {
        match (*self, *inner) {
            (Network::V4 { address: a, prefix: p }, Network::V4 { address: b, prefix: q }) => {
                p <= q && {
                    let mask = u32::MAX << (32 - p);
                    a & mask == b & mask
                }
            }
            (Network::V6 { address: a, prefix: p }, Network::V6 { address: b, prefix: q }) => {
                p <= q && {
                    let mask = u128::MAX << (128 - p);
                    a & mask == b & mask
                }
            }
            _ => false,
        }
    }
}

enum Address {
    V4(u32),
    V6(u128),
}

fn parse_address(text: &str) -> Option<Address> {
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().ok().map(|a| Address::V6(u128::from(a)));
    }
    inet_aton(text).map(Address::V4)
}

/// The C library's `inet_aton`: one to four parts in decimal, octal (leading `0`) or hex
/// (`0x`); the last part fills the remaining bytes; whitespace ends the address.
fn inet_aton(text: &str) -> Option<u32> {
    let s = text.as_bytes();
    let mut parts: Vec<u64> = Vec::with_capacity(4);
    let mut i = 0;
    loop {
        if !s.get(i)?.is_ascii_digit() {
            return None;
        }
        let mut base = 10;
        let mut any_digit = false;
        if s[i] == b'0' {
            base = 8;
            any_digit = true;
            i += 1;
            if matches!(s.get(i), Some(b'x' | b'X')) {
                base = 16;
                any_digit = false;
                i += 1;
            }
        }
        let mut value: u64 = 0;
        while let Some(&c) = s.get(i) {
            let digit = match c {
                b'0'..=b'9' if base == 8 && c >= b'8' => return None,
                b'0'..=b'9' => u64::from(c - b'0'),
                b'a'..=b'f' | b'A'..=b'F' if base == 16 => u64::from(c.to_ascii_lowercase() - b'a' + 10),
                _ => break,
            };
            value = value * base + digit;
            if value > u64::from(u32::MAX) {
                return None;
            }
            any_digit = true;
            i += 1;
        }
        if !any_digit {
            return None;
        }
        parts.push(value);
        match s.get(i) {
            Some(b'.') if parts.len() < 4 => i += 1,
            Some(b'.') => return None,
            Some(c) if c.is_ascii_whitespace() || *c == 0x0b => break,
            Some(_) => return None,
            None => break,
        }
    }
    let max_last = [0xffff_ffff_u64, 0xff_ffff, 0xffff, 0xff][parts.len() - 1];
    let (last, head) = parts.split_last()?;
    if *last > max_last || head.iter().any(|&p| p > 0xff) {
        return None;
    }
    let mut address = *last;
    for (k, p) in head.iter().enumerate() {
        address |= p << (24 - 8 * k);
    }
    u32::try_from(address).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_like_inet_aton() {
        assert_eq!(inet_aton("1.2.3.4"), Some(0x0102_0304));
        assert_eq!(inet_aton("127.1"), Some(0x7f00_0001));
        assert_eq!(inet_aton("0x7f.1"), Some(0x7f00_0001));
        assert_eq!(inet_aton("010.0.0.1"), Some(0x0800_0001));
        assert_eq!(inet_aton("1.2.3.4 junk"), Some(0x0102_0304));
        assert_eq!(inet_aton("1.2.3.256"), None);
        assert_eq!(inet_aton("1.2.3.4.5"), None);
        assert_eq!(inet_aton("09.1.1.1"), None);
        assert_eq!(inet_aton(""), None);
    }

    #[test]
    fn containment() {
        let net = Network::cidr("10.0.0.0/8").unwrap();
        assert!(net.contains(&Network::address_or_cidr("10.1.2.3").unwrap()));
        assert!(!net.contains(&Network::address_or_cidr("11.1.2.3").unwrap()));
        assert!(!Network::address_or_cidr("10.0.0.0/16").unwrap().contains(&net));
        assert_eq!(Network::cidr("10.0.0.0/0"), None);
        assert!(
            Network::cidr("2001:db8::/32")
                .unwrap()
                .contains(&Network::address_or_cidr("2001:db8::1").unwrap())
        );
    }
}
