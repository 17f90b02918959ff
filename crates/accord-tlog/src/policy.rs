//! C2SP tlog-policy: which logs are trusted, which witnesses are known, and the quorum of
//! witnesses whose cosignatures make a checkpoint valid.
//!
//! ```text
//! log <vkey> [<url>]
//! witness <name> <vkey> [<url>]
//! group <name> <all|any|k> <member>...
//! quorum <name|none>
//! ```
//!
//! Lines are split on spaces and tabs; empty lines and `#` comments are ignored. A group names
//! only witnesses and groups defined above it, each name is a member at most once in the file,
//! and exactly one `quorum` line names a witness, a group or `none`. The spec treats bytes with
//! the high bit set as opaque; this parser requires the file to be UTF-8 (names stay opaque:
//! compared byte for byte).

use std::fmt;

use crate::keys::{SignatureType, VerifierKey};
use crate::tiles::parse_decimal;

/// A log the policy trusts.
#[derive(Debug, Clone)]
pub struct PolicyLog {
    /// Its key; the key name is the log's origin.
    pub key: VerifierKey,
    pub url: Option<String>,
}

/// A witness the policy knows.
#[derive(Debug, Clone)]
pub struct PolicyWitness {
    /// Its name in the policy (for groups and the quorum only).
    pub name: String,
    /// Its cosignature key (type 0x04).
    pub key: VerifierKey,
    /// Its submission prefix, where `add-checkpoint` is posted.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    Witness(usize),
    Group(usize),
}

#[derive(Debug, Clone)]
struct Group {
    name: String,
    /// How many members must have witnessed (1 ≤ threshold ≤ members).
    threshold: usize,
    /// As written: `all`, `any` or the number.
    written: String,
    members: Vec<Member>,
}

/// A policy: logs, witnesses, groups and the quorum.
#[derive(Debug, Clone)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<Group>,
    /// `None` for `quorum none`.
    quorum: Option<Member>,
}

/// Why a policy file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("a policy file is UTF-8 text")]
    NotUtf8,
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("the policy has no quorum line (`quorum none` asks for no cosignature)")]
    NoQuorum,
    #[error("a quorum of {k} among {n} witnesses: 1 ≤ k ≤ n is required")]
    Threshold { k: usize, n: usize },
}

/// The name `quorum none` uses; no witness or group may take it.
const NONE: &str = "none";

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

impl Policy {
    /// Parses a policy file.
    pub fn parse(bytes: &[u8]) -> Result<Self, PolicyError> {
        let text = std::str::from_utf8(bytes).map_err(|_| PolicyError::NotUtf8)?;
        let mut policy = Self { logs: Vec::new(), witnesses: Vec::new(), groups: Vec::new(), quorum: None };
        let mut quorum_seen = false;
        let mut used_as_member: Vec<Member> = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let number = i + 1;
            let fail = |reason: String| PolicyError::Line { line: number, reason };
            if let Some(c) = line.chars().find(|c| c.is_ascii_control() && *c != '\t') {
                return Err(fail(format!("control character U+{:04X}", u32::from(c))));
            }
            let words: Vec<&str> = line.split(is_blank).filter(|w| !w.is_empty()).collect();
            let Some((&keyword, args)) = words.split_first() else { continue };
            if keyword.starts_with('#') {
                continue;
            }
            match keyword {
                "log" => {
                    let (key, url) = match args {
                        [key] => (*key, None),
                        [key, url] => (*key, Some((*url).to_owned())),
                        _ => return Err(fail("expected `log <vkey> [<url>]`".into())),
                    };
                    let key: VerifierKey = key.parse().map_err(|e| fail(format!("log key: {e}")))?;
                    if key.signature_type() == SignatureType::Cosignature {
                        return Err(fail("a log key signs checkpoints; this is a cosignature key".into()));
                    }
                    if policy.logs.iter().any(|l| l.key.key_bytes() == key.key_bytes()) {
                        return Err(fail("this log key is listed twice".into()));
                    }
                    policy.logs.push(PolicyLog { key, url });
                }
                "witness" => {
                    let (name, key, url) = match args {
                        [name, key] => (*name, *key, None),
                        [name, key, url] => (*name, *key, Some((*url).to_owned())),
                        _ => return Err(fail("expected `witness <name> <vkey> [<url>]`".into())),
                    };
                    policy.check_new_name(name).map_err(fail)?;
                    let key: VerifierKey = key.parse().map_err(|e| fail(format!("witness key: {e}")))?;
                    if key.signature_type() != SignatureType::Cosignature {
                        return Err(fail(
                            "a witness key is a cosignature key (type 0x04, tlog-cosignature v1)".into(),
                        ));
                    }
                    if policy.witnesses.iter().any(|w| w.key.key_bytes() == key.key_bytes()) {
                        return Err(fail("this witness key is listed twice".into()));
                    }
                    policy.witnesses.push(PolicyWitness { name: name.to_owned(), key, url });
                }
                "group" => {
                    let [name, threshold, members @ ..] = args else {
                        return Err(fail("expected `group <name> <all|any|k> <member>...`".into()));
                    };
                    policy.check_new_name(name).map_err(fail)?;
                    if members.is_empty() {
                        return Err(fail("a group has at least one member".into()));
                    }
                    let mut resolved = Vec::with_capacity(members.len());
                    for m in members {
                        let member = policy
                            .resolve(m)
                            .ok_or_else(|| fail(format!("{m:?} is not a witness or group defined above")))?;
                        if used_as_member.contains(&member) {
                            return Err(fail(format!("{m:?} is already a member of a group")));
                        }
                        used_as_member.push(member);
                        resolved.push(member);
                    }
                    let n = resolved.len();
                    let k = match *threshold {
                        "all" => n,
                        "any" => 1,
                        k => parse_decimal(k)
                            .and_then(|k| usize::try_from(k).ok())
                            .filter(|k| (1..=n).contains(k))
                            .ok_or_else(|| {
                                fail(format!("the threshold {k:?} is not all, any or a number from 1 to {n}"))
                            })?,
                    };
                    policy.groups.push(Group {
                        name: (*name).to_owned(),
                        threshold: k,
                        written: (*threshold).to_owned(),
                        members: resolved,
                    });
                }
                "quorum" => {
                    let [name] = args else { return Err(fail("expected `quorum <name>`".into())) };
                    if quorum_seen {
                        return Err(fail("a policy has one quorum line".into()));
                    }
                    quorum_seen = true;
                    policy.quorum = if *name == NONE {
                        None
                    } else {
                        Some(policy.resolve(name).ok_or_else(|| {
                            fail(format!("{name:?} is not a witness or group defined above"))
                        })?)
                    };
                }
                other => return Err(fail(format!("unknown keyword {other:?}"))),
            }
        }
        if !quorum_seen {
            return Err(PolicyError::NoQuorum);
        }
        Ok(policy)
    }

    /// A policy of these witnesses (named `w1`, `w2`, … unless given a name), of which at
    /// least `k` must cosign (`k` = 0 asks for none).
    pub fn threshold(
        logs: Vec<PolicyLog>,
        witnesses: Vec<(VerifierKey, Option<String>)>,
        k: usize,
    ) -> Result<Self, PolicyError> {
        let n = witnesses.len();
        if k > n {
            return Err(PolicyError::Threshold { k, n });
        }
        let witnesses: Vec<PolicyWitness> = witnesses
            .into_iter()
            .enumerate()
            .map(|(i, (key, url))| PolicyWitness { name: format!("w{}", i + 1), key, url })
            .collect();
        let (groups, quorum) = if k == 0 {
            (Vec::new(), None)
        } else {
            let group = Group {
                name: "witnesses".into(),
                threshold: k,
                written: if k == n { "all".into() } else { k.to_string() },
                members: (0..n).map(Member::Witness).collect(),
            };
            (vec![group], Some(Member::Group(0)))
        };
        Ok(Self { logs, witnesses, groups, quorum })
    }

    fn check_new_name(&self, name: &str) -> Result<(), String> {
        if name == NONE {
            return Err("`none` is the name of the empty quorum".into());
        }
        if self.resolve(name).is_some() {
            return Err(format!("{name:?} is defined twice"));
        }
        Ok(())
    }

    fn resolve(&self, name: &str) -> Option<Member> {
        if let Some(i) = self.witnesses.iter().position(|w| w.name == name) {
            return Some(Member::Witness(i));
        }
        self.groups.iter().position(|g| g.name == name).map(Member::Group)
    }

    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// Whether the witnesses for which `cosigned` is true satisfy the quorum.
    pub fn quorum_met(&self, cosigned: impl Fn(&PolicyWitness) -> bool) -> bool {
        self.quorum.is_none_or(|q| self.witnessed(q, &cosigned))
    }

    fn witnessed(&self, member: Member, cosigned: &impl Fn(&PolicyWitness) -> bool) -> bool {
        match member {
            Member::Witness(i) => cosigned(&self.witnesses[i]),
            Member::Group(g) => {
                let group = &self.groups[g];
                let n = group.members.iter().filter(|m| self.witnessed(**m, cosigned)).count();
                n >= group.threshold
            }
        }
    }

    /// The quorum as written in the file: `none`, a witness's or a group's name.
    pub fn quorum_name(&self) -> &str {
        match self.quorum {
            None => NONE,
            Some(Member::Witness(i)) => &self.witnesses[i].name,
            Some(Member::Group(g)) => &self.groups[g].name,
        }
    }
}

impl fmt::Display for Policy {
    /// The policy as a file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn url(u: &Option<String>) -> String {
            u.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
        }
        for log in &self.logs {
            writeln!(f, "log {}{}", log.key, url(&log.url))?;
        }
        for w in &self.witnesses {
            writeln!(f, "witness {} {}{}", w.name, w.key, url(&w.url))?;
        }
        for g in &self.groups {
            write!(f, "group {} {}", g.name, g.written)?;
            for m in &g.members {
                let name = match *m {
                    Member::Witness(i) => &self.witnesses[i].name,
                    Member::Group(j) => &self.groups[j].name,
                };
                write!(f, " {name}")?;
            }
            writeln!(f)?;
        }
        writeln!(f, "quorum {}", self.quorum_name())
    }
}
