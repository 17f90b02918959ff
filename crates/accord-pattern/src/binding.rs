//! Binding observations to observation expressions: `AND`, `OR`, `FOLLOWEDBY`, `WITHIN`,
//! `START … STOP` and `REPEATS`, with the reference matcher's semantics.
//!
//! An observed-data with `number_observed: n` stands for n observations with the same time
//! interval. A binding assigns one of these to each bracketed expression it uses; the two
//! sides of `AND` and `FOLLOWEDBY`, and the repetitions of `REPEATS`, must use distinct
//! observations (so one observed-data with `number_observed: 2` can satisfy both sides of an
//! `AND`). Since observations of one observed-data are interchangeable, a binding is kept as a
//! multiset: how many observations of each observed-data it uses.
//!
//! - `FOLLOWEDBY`: some choice of times in the intervals puts every left observation at or
//!   before every right one: latest left `first_observed` ≤ earliest right `last_observed`.
//! - `WITHIN d`: times can be chosen within `d` of each other: latest `first_observed` ≤
//!   earliest `last_observed` + d.
//! - `START s STOP t` (s < t, else nothing matches): every interval meets `[s, t)`.
//!
//! Each of these only gets harder with more observations, so a binding that contains another
//! is never needed: only minimal bindings are kept, which keeps the search small.

use crate::compile::Node;
use crate::error::EvalError;
use crate::observation::Observation;
use crate::timestamp::Micros;

/// How many bindings one node may produce before evaluation gives up.
pub(crate) const MAX_BINDINGS: usize = 100_000;

/// Observations used: `(observation index, count)`, sorted by index.
pub(crate) type Binding = Vec<(usize, u64)>;

pub(crate) struct Search<'s, 'a> {
    pub observations: &'s [Observation<'a>],
    /// For each comparison expression, the indexes of the observations that pass it.
    pub passing: Vec<Vec<usize>>,
}

impl Search<'_, '_> {
    pub(crate) fn bindings(&self, node: &Node) -> Result<Vec<Binding>, EvalError> {
        let result = match node {
            Node::Observation(i) => self.passing[*i].iter().map(|&o| vec![(o, 1)]).collect(),
            Node::Or(l, r) => {
                let mut all = self.bindings(l)?;
                all.extend(self.bindings(r)?);
                all
            }
            Node::And(l, r) => self.join(&self.bindings(l)?, &self.bindings(r)?, |_, _| true)?,
            Node::FollowedBy(l, r) => self.join(&self.bindings(l)?, &self.bindings(r)?, |a, b| {
                self.latest_first(a) <= self.earliest_last(b)
            })?,
            Node::Within(inner, micros) => {
                let mut all = self.bindings(inner)?;
                all.retain(|b| self.latest_first(b) <= self.earliest_last(b).saturating_add(*micros));
                all
            }
            Node::StartStop(inner, start, stop) => {
                if start >= stop {
                    Vec::new()
                } else {
                    let mut all = self.bindings(inner)?;
                    all.retain(|b| b.iter().all(|&(o, _)| self.meets_window(o, *start, *stop)));
                    all
                }
            }
            Node::Repeats(inner, n) => self.repeats(&self.bindings(inner)?, *n)?,
        };
        Ok(minimal(result))
    }

    fn meets_window(&self, o: usize, start: Micros, stop: Micros) -> bool {
        let (first, last) = (self.observations[o].first_observed, self.observations[o].last_observed);
        // The interval may touch the start but not begin at the stop.
        first != stop && (last == start || (first <= stop && start <= last))
    }

    fn latest_first(&self, b: &Binding) -> Micros {
        b.iter().map(|&(o, _)| self.observations[o].first_observed).max().unwrap_or(Micros::MIN)
    }

    fn earliest_last(&self, b: &Binding) -> Micros {
        b.iter().map(|&(o, _)| self.observations[o].last_observed).min().unwrap_or(Micros::MAX)
    }

    /// The union of two bindings, when the observed-data have enough observations for both.
    fn combine(&self, a: &Binding, b: &Binding) -> Option<Binding> {
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let next = match (a.get(i), b.get(j)) {
                (Some(&(x, m)), Some(&(y, n))) if x == y => {
                    i += 1;
                    j += 1;
                    (x, m + n)
                }
                (Some(&(x, m)), Some(&(y, _))) if x < y => {
                    i += 1;
                    (x, m)
                }
                (Some(&(x, m)), None) => {
                    i += 1;
                    (x, m)
                }
                (_, Some(&(y, n))) => {
                    j += 1;
                    (y, n)
                }
                (None, None) => break,
            };
            if next.1 > self.observations[next.0].number_observed {
                return None;
            }
            out.push(next);
        }
        Some(out)
    }

    fn join(
        &self,
        left: &[Binding],
        right: &[Binding],
        allowed: impl Fn(&Binding, &Binding) -> bool,
    ) -> Result<Vec<Binding>, EvalError> {
        let mut out = Vec::new();
        for a in left {
            for b in right {
                if !allowed(a, b) {
                    continue;
                }
                if let Some(c) = self.combine(a, b) {
                    out.push(c);
                    if out.len() > MAX_BINDINGS {
                        return Err(EvalError::TooComplex(MAX_BINDINGS));
                    }
                }
            }
        }
        Ok(out)
    }

    /// `n` bindings of `inner` using distinct observations (one binding may repeat when its
    /// observed-data have observations enough).
    fn repeats(&self, inner: &[Binding], n: u64) -> Result<Vec<Binding>, EvalError> {
        let capacity: u64 = self.observations.iter().map(|o| o.number_observed).sum();
        let smallest = inner.iter().map(|b| b.iter().map(|&(_, c)| c).sum::<u64>()).min().unwrap_or(u64::MAX);
        if inner.is_empty() || smallest.saturating_mul(n) > capacity {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut work = 0usize;
        self.repeat_from(inner, 0, n, Vec::new(), &mut out, &mut work)?;
        Ok(out)
    }

    fn repeat_from(
        &self,
        inner: &[Binding],
        start: usize,
        remaining: u64,
        acc: Binding,
        out: &mut Vec<Binding>,
        work: &mut usize,
    ) -> Result<(), EvalError> {
        if remaining == 0 {
            out.push(acc);
            return Ok(());
        }
        for (i, b) in inner.iter().enumerate().skip(start) {
            *work += 1;
            if *work > MAX_BINDINGS * 10 || out.len() > MAX_BINDINGS {
                return Err(EvalError::TooComplex(MAX_BINDINGS));
            }
            if let Some(next) = self.combine(&acc, b) {
                self.repeat_from(inner, i, remaining - 1, next, out, work)?;
            }
        }
        Ok(())
    }
}

/// Whether `small` uses no more of any observed-data than `big`.
fn within(small: &Binding, big: &Binding) -> bool {
    small.iter().all(|&(o, n)| big.iter().any(|&(p, m)| p == o && n <= m))
}

/// The bindings that contain no other binding of the list (duplicates removed).
fn minimal(mut bindings: Vec<Binding>) -> Vec<Binding> {
    if bindings.len() <= 1 {
        return bindings;
    }
    bindings.sort_by_key(|b| (b.iter().map(|&(_, n)| n).sum::<u64>(), b.clone()));
    bindings.dedup();
    // Distinct single observations (the common case: one bracketed expression, or an OR of
    // them) contain one another only when equal.
    if bindings.last().is_some_and(|b| b.len() == 1 && b[0].1 == 1) {
        return bindings;
    }
    let mut kept: Vec<Binding> = Vec::new();
    for b in bindings {
        if !kept.iter().any(|k| within(k, &b)) {
            kept.push(b);
        }
    }
    kept
}
