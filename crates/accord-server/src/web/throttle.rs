//! Slows down password guessing: failed logins are counted per client address and per e-mail
//! address over a sliding window; past the limit, logins are refused with 429 until the window
//! has passed. The state is per process and bounded in size.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per client address in one window.
pub(crate) const PER_ADDRESS: u32 = 20;
/// Failed attempts allowed per e-mail address in one window.
pub(crate) const PER_ACCOUNT: u32 = 10;
/// The window.
pub(crate) const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most keys remembered; past that, expired keys are swept and then the oldest dropped.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Account(String),
}

#[derive(Default)]
pub(crate) struct LoginThrottle {
    failures: Mutex<HashMap<Key, (u32, Instant)>>,
}

impl LoginThrottle {
    /// Whether a login from `addr` for `email` may be tried now.
    pub fn allows(&self, addr: Option<IpAddr>, email: &str, now: Instant) -> bool {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let over = |key: &Key, limit: u32| {
            map.get(key).is_some_and(|(n, since)| now.duration_since(*since) < WINDOW && *n >= limit)
        };
        let by_addr = addr.is_some_and(|a| over(&Key::Address(a), PER_ADDRESS));
        !(by_addr || over(&Key::Account(email.to_lowercase()), PER_ACCOUNT))
    }

    /// Counts a failed login.
    pub fn failed(&self, addr: Option<IpAddr>, email: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Each call adds at most two keys: make room for them.
        if map.len() + 2 > MAX_KEYS {
            map.retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
            while map.len() + 2 > MAX_KEYS {
                let Some(oldest) = map.iter().min_by_key(|(_, (_, since))| *since).map(|(k, _)| k.clone())
                else {
                    break;
                };
                map.remove(&oldest);
            }
        }
        let keys = addr.map(Key::Address).into_iter().chain([Key::Account(email.to_lowercase())]);
        for key in keys {
            let entry = map.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= WINDOW {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// Forgets the failures of an account after a successful login.
    pub fn succeeded(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&Key::Account(email.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_account_and_per_address_then_forgets() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..PER_ACCOUNT {
            assert!(t.allows(Some(a), "x@example.org", start));
            t.failed(Some(a), "X@example.org", start);
        }
        assert!(!t.allows(Some(a), "x@example.org", start), "account limit reached");
        assert!(t.allows(Some(a), "y@example.org", start), "another account from the same address");
        for _ in PER_ACCOUNT..PER_ADDRESS {
            t.failed(Some(a), "y@example.org", start);
        }
        assert!(!t.allows(Some(a), "z@example.org", start), "address limit reached");
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(t.allows(Some(b), "z@example.org", start));
        assert!(t.allows(Some(a), "x@example.org", start + WINDOW), "the window passes");
        t.succeeded("y@example.org");
    }
}
