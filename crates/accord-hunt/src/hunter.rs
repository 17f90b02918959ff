//! All indicators compiled into one matcher.
//!
//! Each bracketed observation expression (`[ … ]`) of each pattern is reduced to a set of
//! *atoms*, conditions such that the expression can only hold for an event when one of them
//! does: equality on a field (`=`, `IN`) goes into one hash map per field keyed by the value,
//! `ISSUBSET` on a CIDR into per-prefix-length hash maps of the masked address (IPv4 and
//! IPv6), and the longest literal run of a `LIKE` pattern into one Aho-Corasick automaton. `AND`
//! needs one side's atoms, `OR` both sides'. What reduces to no atom (`!=`, `NOT`, order
//! comparisons, `MATCHES`, `EXISTS`) is evaluated on every event carrying an object of a
//! type it names. A candidate found by an atom is then confirmed by the full evaluator of
//! `accord-pattern` on that event, so the fast paths only choose what to evaluate and never
//! change an answer.
//!
//! Patterns of one observation are decided per event. Patterns of several (`AND`, `OR`,
//! `FOLLOWEDBY` between brackets) or with qualifiers (`WITHIN`, `REPEATS`, `START … STOP`)
//! are evaluated per input over the events that satisfied one of their brackets, each an
//! observation at the event's time.

use std::net::{Ipv4Addr, Ipv6Addr};

use accord_pattern::ast::{ComparisonExpression, ComparisonOperator, Literal, ObservationExpression, Test};
use accord_pattern::{Matcher, Observation, Pattern};
use aho_corasick::AhoCorasick;
use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::event::{Event, stix_time};
use crate::field::{FieldId, Fields};
use crate::indicator::Indicator;

/// A bracketed expression of an indicator's pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Target {
    indicator: u32,
    bracket: u32,
}

#[derive(Debug, Clone)]
enum Atom {
    Equal(FieldId, String),
    Network(FieldId, Net),
    Substring(FieldId, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Net {
    V4(u32, u8),
    V6(u128, u8),
}

/// What a comparison expression reduces to.
#[derive(Debug, Clone)]
enum Reduced {
    /// Never true of an event (a property events do not carry).
    Never,
    Atoms(Vec<Atom>),
    /// Needs the evaluator on every event of its object types.
    General,
}

struct Compiled {
    indicator: Indicator,
    matcher: Matcher,
    /// More than one observation, or qualifiers: evaluated per input.
    multi: bool,
}

/// CIDR networks of one field, by prefix length.
#[derive(Default)]
struct NetIndex {
    v4: Vec<(u8, FxHashMap<u32, Vec<Target>>)>,
    v6: Vec<(u8, FxHashMap<u128, Vec<Target>>)>,
    /// Every target, for values that are not plain addresses (the evaluator decides).
    all: Vec<Target>,
}

/// A match: an indicator seen on an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Hunter::indicators`].
    pub indicator: u32,
    pub line: u64,
    pub time: Option<i64>,
    /// The event's value that matched (the first of the indicator's object types when the
    /// evaluator decided on its own).
    pub value: String,
}

/// An event kept for the multi-observation patterns, with the patterns it may take part in.
#[derive(Debug, Clone)]
pub struct Kept {
    pub line: u64,
    pub time: Option<i64>,
    objects: Vec<Value>,
    indicators: Vec<(u32, String)>,
}

/// What the matcher is made of, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub equality_atoms: usize,
    pub network_atoms: usize,
    pub substring_atoms: usize,
    /// Bracketed expressions the evaluator checks on every event of their types.
    pub general: usize,
    /// Patterns of several observations or with qualifiers.
    pub multi: usize,
}

/// Reusable per-thread buffers.
#[derive(Default)]
pub struct Scratch {
    candidates: Vec<(Target, u32)>,
    types: Vec<bool>,
    hit_indicators: Vec<u32>,
}

/// Every indicator compiled into one matcher.
pub struct Hunter {
    fields: Fields,
    compiled: Vec<Compiled>,
    equal: Vec<FxHashMap<Box<str>, Vec<Target>>>,
    nets: Vec<Option<NetIndex>>,
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: the fields and targets it stands for.
    substrings: Vec<Vec<(FieldId, Target)>>,
    /// Fields with substring atoms.
    substring_fields: Vec<bool>,
    general: Vec<(Target, Vec<u16>)>,
    /// Object type index of each field.
    field_type: Vec<u16>,
    type_count: usize,
    stats: Stats,
}

fn lower_literal(literal: &mut Literal) {
    if let Literal::String(s) = literal {
        *s = s.to_lowercase();
    }
}

/// Lower-cases the literals compared with fields that compare in lower case (hashes, domain
/// names), as readers lower-case their values.
fn lowercase_literals(e: &mut ComparisonExpression, fields: &Fields) {
    match e {
        ComparisonExpression::And(l, r) | ComparisonExpression::Or(l, r) => {
            lowercase_literals(l, fields);
            lowercase_literals(r, fields);
        }
        ComparisonExpression::Test(test) => {
            let lower = fields.lookup(test.path()).is_some_and(|f| fields.spec(f).lowercase);
            if !lower {
                return;
            }
            match test {
                Test::Compare {
                    operator: ComparisonOperator::Equal | ComparisonOperator::NotEqual,
                    value,
                    ..
                } => lower_literal(value),
                Test::In { values, .. } => values.iter_mut().for_each(lower_literal),
                Test::Like { pattern, .. } => *pattern = pattern.to_lowercase(),
                _ => {}
            }
        }
    }
}

fn normalise(e: &mut ObservationExpression, fields: &Fields) {
    match e {
        ObservationExpression::Observation(c) => lowercase_literals(c, fields),
        ObservationExpression::And(l, r)
        | ObservationExpression::Or(l, r)
        | ObservationExpression::FollowedBy(l, r) => {
            normalise(l, fields);
            normalise(r, fields);
        }
        ObservationExpression::Qualified(inner, _) => normalise(inner, fields),
    }
}

/// The bracketed expressions in the order the evaluator numbers them (left to right).
fn brackets<'a>(e: &'a ObservationExpression, out: &mut Vec<&'a ComparisonExpression>) {
    match e {
        ObservationExpression::Observation(c) => out.push(c),
        ObservationExpression::And(l, r)
        | ObservationExpression::Or(l, r)
        | ObservationExpression::FollowedBy(l, r) => {
            brackets(l, out);
            brackets(r, out);
        }
        ObservationExpression::Qualified(inner, _) => brackets(inner, out),
    }
}

fn types_of(c: &ComparisonExpression, out: &mut Vec<String>) {
    match c {
        ComparisonExpression::Test(t) => out.push(t.path().object_type.as_str().to_owned()),
        ComparisonExpression::And(l, r) | ComparisonExpression::Or(l, r) => {
            types_of(l, out);
            types_of(r, out);
        }
    }
}

fn equality_key(literal: &Literal, lowercase: bool) -> Option<String> {
    match literal {
        Literal::String(s) if lowercase => Some(s.to_lowercase()),
        Literal::String(s) => Some(s.clone()),
        Literal::Int(i) => Some(i.to_string()),
        Literal::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some((*f as i64).to_string()),
        _ => None,
    }
}

/// A CIDR network written strictly (`10.0.0.0/8`, `2001:db8::/32`).
fn parse_cidr(text: &str) -> Option<Net> {
    let (address, prefix) = text.split_once('/')?;
    let prefix: u8 = prefix.parse().ok()?;
    if let Ok(a) = address.parse::<Ipv4Addr>() {
        return (1..=32).contains(&prefix).then(|| Net::V4(u32::from(a) & mask4(prefix), prefix));
    }
    let a = address.parse::<Ipv6Addr>().ok()?;
    (1..=128).contains(&prefix).then(|| Net::V6(u128::from(a) & mask6(prefix), prefix))
}

fn mask4(prefix: u8) -> u32 {
    if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) }
}

fn mask6(prefix: u8) -> u128 {
    if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) }
}

/// An address or network value of an event, written strictly.
fn parse_value_net(text: &str) -> Option<Net> {
    if text.contains('/') {
        return parse_cidr(text);
    }
    if let Ok(a) = text.parse::<Ipv4Addr>() {
        return Some(Net::V4(u32::from(a), 32));
    }
    text.parse::<Ipv6Addr>().ok().map(|a| Net::V6(u128::from(a), 128))
}

/// The longest run of a `LIKE` pattern without wildcards: every match contains it.
fn like_literal(pattern: &str) -> &str {
    pattern.split(['%', '_']).max_by_key(|s| s.len()).unwrap_or("")
}

fn reduce(c: &ComparisonExpression, fields: &Fields) -> Reduced {
    match c {
        ComparisonExpression::And(l, r) => match (reduce(l, fields), reduce(r, fields)) {
            (Reduced::Never, _) | (_, Reduced::Never) => Reduced::Never,
            (Reduced::Atoms(a), Reduced::Atoms(b)) => {
                // the side with fewer atoms, equality preferred to substrings
                let cost = |atoms: &[Atom]| {
                    atoms.len() * 4
                        + atoms
                            .iter()
                            .filter(|a| matches!(a, Atom::Substring(..) | Atom::Network(..)))
                            .count()
                };
                Reduced::Atoms(if cost(&b) < cost(&a) { b } else { a })
            }
            (Reduced::Atoms(a), Reduced::General) | (Reduced::General, Reduced::Atoms(a)) => {
                Reduced::Atoms(a)
            }
            (Reduced::General, Reduced::General) => Reduced::General,
        },
        ComparisonExpression::Or(l, r) => match (reduce(l, fields), reduce(r, fields)) {
            (Reduced::General, _) | (_, Reduced::General) => Reduced::General,
            (Reduced::Never, x) | (x, Reduced::Never) => x,
            (Reduced::Atoms(mut a), Reduced::Atoms(b)) => {
                a.extend(b);
                Reduced::Atoms(a)
            }
        },
        ComparisonExpression::Test(test) => reduce_test(test, fields),
    }
}

fn reduce_test(test: &Test, fields: &Fields) -> Reduced {
    let positive = match test {
        Test::Compare { negated, operator, .. } => !negated && *operator == ComparisonOperator::Equal,
        Test::In { negated, .. } | Test::Like { negated, .. } | Test::IsSubset { negated, .. } => !negated,
        _ => false,
    };
    if !positive {
        return Reduced::General;
    }
    // a positive test on a property no event carries is never true
    let Some(field) = fields.lookup(test.path()) else { return Reduced::Never };
    let lowercase = fields.spec(field).lowercase;
    match test {
        Test::Compare { value, .. } => match equality_key(value, lowercase) {
            Some(k) => Reduced::Atoms(vec![Atom::Equal(field, k)]),
            None => Reduced::General,
        },
        Test::In { values, .. } => {
            let mut atoms = Vec::with_capacity(values.len());
            for v in values {
                match equality_key(v, lowercase) {
                    Some(k) => atoms.push(Atom::Equal(field, k)),
                    None => return Reduced::General,
                }
            }
            Reduced::Atoms(atoms)
        }
        Test::Like { pattern, .. } => {
            let pattern = if lowercase { pattern.to_lowercase() } else { pattern.clone() };
            match like_literal(&pattern) {
                "" => Reduced::General,
                run => Reduced::Atoms(vec![Atom::Substring(field, run.to_owned())]),
            }
        }
        Test::IsSubset { network, .. } => match parse_cidr(network) {
            Some(net) => Reduced::Atoms(vec![Atom::Network(field, net)]),
            None => Reduced::General,
        },
        _ => Reduced::General,
    }
}

/// What a bracketed expression reduces to, ready to index.
enum Prepared {
    Never,
    Atoms(Vec<Atom>),
    /// The object types (indexes) of the fields it names.
    General(Vec<u16>),
}

/// The compiled pattern of an indicator, whether it is multi-observation, and its bracketed
/// expressions reduced; or why it does not compile.
type PreparedIndicator = (Indicator, Result<(Matcher, bool, Vec<Prepared>), String>);

fn prepare(indicator: Indicator, fields: &Fields, type_index: &FxHashMap<String, u16>) -> PreparedIndicator {
    let mut expression = indicator.pattern.expression().clone();
    normalise(&mut expression, fields);
    let pattern = Pattern::from_expression(expression);
    let matcher = match pattern.compile() {
        Ok(m) => m,
        Err(e) => return (indicator, Err(e.to_string())),
    };
    let expression = pattern.expression();
    let multi = !matches!(expression, ObservationExpression::Observation(_));
    let mut list = Vec::new();
    brackets(expression, &mut list);
    let reduced = list
        .into_iter()
        .map(|c| match reduce(c, fields) {
            Reduced::Never => Prepared::Never,
            Reduced::Atoms(atoms) => Prepared::Atoms(atoms),
            Reduced::General => {
                let mut names = Vec::new();
                types_of(c, &mut names);
                let mut types: Vec<u16> = names.iter().filter_map(|n| type_index.get(n).copied()).collect();
                types.sort_unstable();
                types.dedup();
                Prepared::General(types)
            }
        })
        .collect();
    (indicator, Ok((matcher, multi, reduced)))
}

impl Hunter {
    /// Compiles the indicators (already checked by [`crate::indicator::load`]) for events of
    /// `fields`. An indicator whose pattern does not compile is returned with its error.
    pub fn new(fields: Fields, indicators: Vec<Indicator>) -> (Hunter, Vec<(Indicator, String)>) {
        let mut type_index: FxHashMap<String, u16> = FxHashMap::default();
        let field_type: Vec<u16> = (0..fields.len())
            .map(|f| {
                let t = &fields.spec(f as FieldId).object_type;
                let next = type_index.len() as u16;
                *type_index.entry(t.clone()).or_insert(next)
            })
            .collect();
        let mut hunter = Hunter {
            equal: (0..fields.len()).map(|_| FxHashMap::default()).collect(),
            nets: (0..fields.len()).map(|_| None).collect(),
            automaton: None,
            substrings: Vec::new(),
            substring_fields: vec![false; fields.len()],
            general: Vec::new(),
            field_type,
            type_count: type_index.len(),
            compiled: Vec::new(),
            fields,
            stats: Stats::default(),
        };
        let mut refused = Vec::new();
        let mut substring_index: FxHashMap<String, usize> = FxHashMap::default();
        let mut substring_texts: Vec<String> = Vec::new();
        // each pattern compiled and reduced on its own (on every core), then indexed in order
        let fields = &hunter.fields;
        let prepared = crate::par::map(indicators, |i| prepare(i, fields, &type_index));
        hunter.compiled.reserve_exact(prepared.len());
        for (indicator, prepared) in prepared {
            let (matcher, multi, reduced) = match prepared {
                Ok(p) => p,
                Err(e) => {
                    refused.push((indicator, e));
                    continue;
                }
            };
            let number = hunter.compiled.len() as u32;
            hunter.stats.multi += usize::from(multi);
            for (b, reduced) in reduced.into_iter().enumerate() {
                let target = Target { indicator: number, bracket: b as u32 };
                match reduced {
                    Prepared::Never => {}
                    Prepared::General(types) => {
                        if !types.is_empty() {
                            hunter.stats.general += 1;
                            hunter.general.push((target, types));
                        }
                    }
                    Prepared::Atoms(atoms) => {
                        for atom in atoms {
                            match atom {
                                Atom::Equal(f, key) => {
                                    hunter.stats.equality_atoms += 1;
                                    hunter.equal[usize::from(f)]
                                        .entry(key.into_boxed_str())
                                        .or_default()
                                        .push(target);
                                }
                                Atom::Network(f, net) => {
                                    hunter.stats.network_atoms += 1;
                                    let index =
                                        hunter.nets[usize::from(f)].get_or_insert_with(NetIndex::default);
                                    index.all.push(target);
                                    match net {
                                        Net::V4(a, p) => {
                                            let at = match index.v4.iter().position(|(q, _)| *q == p) {
                                                Some(i) => i,
                                                None => {
                                                    index.v4.push((p, FxHashMap::default()));
                                                    index.v4.len() - 1
                                                }
                                            };
                                            index.v4[at].1.entry(a).or_default().push(target);
                                        }
                                        Net::V6(a, p) => {
                                            let at = match index.v6.iter().position(|(q, _)| *q == p) {
                                                Some(i) => i,
                                                None => {
                                                    index.v6.push((p, FxHashMap::default()));
                                                    index.v6.len() - 1
                                                }
                                            };
                                            index.v6[at].1.entry(a).or_default().push(target);
                                        }
                                    }
                                }
                                Atom::Substring(f, text) => {
                                    hunter.stats.substring_atoms += 1;
                                    hunter.substring_fields[usize::from(f)] = true;
                                    let at = *substring_index.entry(text.clone()).or_insert_with(|| {
                                        substring_texts.push(text);
                                        hunter.substrings.push(Vec::new());
                                        hunter.substrings.len() - 1
                                    });
                                    hunter.substrings[at].push((f, target));
                                }
                            }
                        }
                    }
                }
            }
            hunter.compiled.push(Compiled { indicator, matcher, multi });
        }
        if !substring_texts.is_empty() {
            // the texts are plain strings: building cannot fail short of absurd sizes, in
            // which case those atoms fall back to the evaluator
            match AhoCorasick::new(&substring_texts) {
                Ok(a) => hunter.automaton = Some(a),
                Err(_) => {
                    for targets in std::mem::take(&mut hunter.substrings) {
                        for (f, target) in targets {
                            hunter.general.push((target, vec![hunter.field_type[usize::from(f)]]));
                        }
                    }
                }
            }
        }
        (hunter, refused)
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    pub fn len(&self) -> usize {
        self.compiled.len()
    }

    pub fn is_empty(&self) -> bool {
        self.compiled.is_empty()
    }

    /// The indicator of a hit.
    pub fn indicator(&self, index: u32) -> &Indicator {
        &self.compiled[index as usize].indicator
    }

    /// Whether there are multi-observation patterns (events are kept for [`Hunter::finish`]).
    pub fn has_multi(&self) -> bool {
        self.stats.multi > 0
    }

    /// Checks one event: hits of single-observation patterns go to `hits`, the event to `kept`
    /// when it satisfies a bracket of a multi-observation pattern. `default_time` stands for
    /// the time of events without one.
    pub fn check(
        &self,
        event: &Event,
        default_time: i64,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
        kept: &mut Vec<Kept>,
    ) {
        scratch.candidates.clear();
        for (i, slot) in event.slots.iter().enumerate() {
            let f = usize::from(slot.field);
            let text = event.text_of(slot);
            if let Some(targets) = self.equal.get(f).and_then(|m| m.get(text)) {
                scratch.candidates.extend(targets.iter().map(|t| (*t, i as u32)));
            }
            if let Some(Some(index)) = self.nets.get(f) {
                match parse_value_net(text) {
                    Some(Net::V4(a, p)) => {
                        for (q, map) in &index.v4 {
                            if *q <= p
                                && let Some(ts) = map.get(&(a & mask4(*q)))
                            {
                                scratch.candidates.extend(ts.iter().map(|t| (*t, i as u32)));
                            }
                        }
                    }
                    Some(Net::V6(a, p)) => {
                        for (q, map) in &index.v6 {
                            if *q <= p
                                && let Some(ts) = map.get(&(a & mask6(*q)))
                            {
                                scratch.candidates.extend(ts.iter().map(|t| (*t, i as u32)));
                            }
                        }
                    }
                    None => scratch.candidates.extend(index.all.iter().map(|t| (*t, i as u32))),
                }
            }
            if let Some(automaton) = &self.automaton
                && self.substring_fields.get(f) == Some(&true)
            {
                for m in automaton.find_overlapping_iter(text) {
                    for (field, target) in &self.substrings[m.pattern().as_usize()] {
                        if *field == slot.field {
                            scratch.candidates.push((*target, i as u32));
                        }
                    }
                }
            }
        }
        if !self.general.is_empty() {
            scratch.types.clear();
            scratch.types.resize(self.type_count, false);
            let mut first_of_type = vec![u32::MAX; 0];
            first_of_type.resize(self.type_count, u32::MAX);
            for (i, slot) in event.slots.iter().enumerate() {
                let t = usize::from(self.field_type[usize::from(slot.field)]);
                scratch.types[t] = true;
                if first_of_type[t] == u32::MAX {
                    first_of_type[t] = i as u32;
                }
            }
            for (target, types) in &self.general {
                if let Some(&t) = types.iter().find(|t| scratch.types[usize::from(**t)]) {
                    scratch.candidates.push((*target, first_of_type[usize::from(t)]));
                }
            }
        }
        if scratch.candidates.is_empty() {
            return;
        }
        scratch.candidates.sort_unstable();
        scratch.candidates.dedup_by_key(|(t, _)| *t);
        let objects = event.objects(&self.fields);
        let ids: Vec<&str> =
            objects.iter().map(|o| o.get("id").and_then(Value::as_str).unwrap_or("")).collect();
        let time = stix_time(event.time.unwrap_or(default_time));
        let id = "observed-data--event";
        let members: Vec<(&str, &Value)> = ids.iter().copied().zip(objects.iter()).collect();
        let Ok(observation) = Observation::new(id, &time, &time, 1, members) else { return };
        scratch.hit_indicators.clear();
        let mut keep: Vec<(u32, String)> = Vec::new();
        for &(target, slot) in &scratch.candidates {
            let compiled = &self.compiled[target.indicator as usize];
            let done = if compiled.multi {
                keep.last().is_some_and(|(i, _)| *i == target.indicator)
            } else {
                scratch.hit_indicators.last() == Some(&target.indicator)
            };
            if done {
                continue;
            }
            // an evaluation error (a value the pattern cannot read) is not a match
            if !compiled.matcher.observation_passes(target.bracket as usize, &observation).unwrap_or(false) {
                continue;
            }
            let value =
                event.slots.get(slot as usize).map(|s| event.text_of(s).to_owned()).unwrap_or_default();
            if compiled.multi {
                keep.push((target.indicator, value));
            } else {
                scratch.hit_indicators.push(target.indicator);
                hits.push(Hit { indicator: target.indicator, line: event.line, time: event.time, value });
            }
        }
        if !keep.is_empty() {
            kept.push(Kept { line: event.line, time: event.time, objects, indicators: keep });
        }
    }

    /// Evaluates the multi-observation patterns over the events kept from one input (in line
    /// order): a hit for each event of the first binding that satisfies a pattern.
    pub fn finish(&self, kept: &[Kept], default_time: i64) -> Vec<Hit> {
        let mut hits = Vec::new();
        if kept.is_empty() {
            return hits;
        }
        let mut by_indicator: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (k, event) in kept.iter().enumerate() {
            for (i, _) in &event.indicators {
                by_indicator.entry(*i).or_default().push(k);
            }
        }
        let ids: Vec<String> = kept.iter().map(|k| format!("observed-data--{}", k.line)).collect();
        let times: Vec<String> = kept.iter().map(|k| stix_time(k.time.unwrap_or(default_time))).collect();
        let mut indicators: Vec<u32> = by_indicator.keys().copied().collect();
        indicators.sort_unstable();
        for indicator in indicators {
            let events = &by_indicator[&indicator];
            let mut observations = Vec::with_capacity(events.len());
            for &k in events {
                let members: Vec<(&str, &Value)> = kept[k]
                    .objects
                    .iter()
                    .map(|o| (o.get("id").and_then(Value::as_str).unwrap_or(""), o))
                    .collect();
                if let Ok(o) = Observation::new(&ids[k], &times[k], &times[k], 1, members) {
                    observations.push((k, o));
                }
            }
            let list: Vec<Observation<'_>> = observations.iter().map(|(_, o)| o.clone()).collect();
            let Ok(Some(matched)) = self.compiled[indicator as usize].matcher.matches(&list) else {
                continue;
            };
            for id in matched {
                if let Some((k, _)) = observations.iter().find(|(_, o)| o.id() == id) {
                    let event = &kept[*k];
                    let value = event
                        .indicators
                        .iter()
                        .find(|(i, _)| *i == indicator)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    hits.push(Hit { indicator, line: event.line, time: event.time, value });
                }
            }
        }
        hits.sort_by_key(|h| (h.line, h.indicator));
        hits
    }
}

/// Moves kept events' lines by `offset` (chunks of one input are read with lines from 1).
pub fn shift_kept(kept: &mut [Kept], offset: u64) {
    for k in kept {
        k.line += offset;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{DOMAIN, IPV4, IPV6, SHA256, URL};

    fn hunter(patterns: &[&str]) -> Hunter {
        let indicators = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| Indicator {
                id: format!("indicator--{i}"),
                name: None,
                pattern: Pattern::parse(p).unwrap(),
                pattern_text: (*p).to_owned(),
            })
            .collect();
        let (h, refused) = Hunter::new(Fields::new(), indicators);
        assert!(refused.is_empty());
        h
    }

    fn hits(h: &Hunter, values: &[(FieldId, &str)]) -> Vec<u32> {
        let mut e = Event::new();
        e.clear(1);
        for (i, (f, v)) in values.iter().enumerate() {
            e.push_field(h.fields(), *f, i as u32, v);
        }
        let mut out = Vec::new();
        let mut kept = Vec::new();
        h.check(&e, 0, &mut Scratch::default(), &mut out, &mut kept);
        out.iter().map(|h| h.indicator).collect()
    }

    #[test]
    fn equality_hashes_and_case() {
        let h = hunter(&[
            "[ipv4-addr:value = '10.0.0.1']",
            "[file:hashes.'SHA-256' = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']",
            "[domain-name:value IN ('Evil.com', 'bad.org')]",
            "[url:value = 'http://x.test/a' AND url:value != 'y']",
        ]);
        assert_eq!(hits(&h, &[(IPV4, "10.0.0.1")]), [0]);
        assert!(hits(&h, &[(IPV4, "10.0.0.12")]).is_empty());
        assert_eq!(
            hits(&h, &[(SHA256, "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f")]),
            [1]
        );
        assert_eq!(hits(&h, &[(DOMAIN, "EVIL.com")]), [2]);
        assert!(hits(&h, &[(DOMAIN, "notevil.com")]).is_empty());
        assert_eq!(hits(&h, &[(URL, "http://x.test/a")]), [3]);
        assert_eq!(h.stats().equality_atoms, 5);
        assert_eq!(h.stats().general, 0);
    }

    #[test]
    fn cidr_prefixes() {
        let h = hunter(&[
            "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",
            "[ipv4-addr:value ISSUBSET '10.1.0.0/16']",
            "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
            // not strict: the evaluator reads it (inet_aton)
            "[ipv4-addr:value ISSUBSET '010.0.0.0/8']",
        ]);
        assert_eq!(h.stats().network_atoms, 3);
        assert_eq!(hits(&h, &[(IPV4, "10.1.2.3")]), [0, 1]);
        assert_eq!(hits(&h, &[(IPV4, "10.2.2.3")]), [0]);
        // inet_aton reads 010 as octal: 8.0.0.0/8
        assert_eq!(hits(&h, &[(IPV4, "8.2.2.3")]), [3]);
        assert!(hits(&h, &[(IPV4, "11.0.0.1")]).is_empty());
        assert_eq!(hits(&h, &[(IPV6, "2001:db8::1")]), [2]);
        assert!(hits(&h, &[(IPV6, "2001:db9::1")]).is_empty());
        // a lenient address only the evaluator reads still matches
        assert_eq!(hits(&h, &[(IPV4, "10.1")]), [0]);
    }

    #[test]
    fn substrings_through_the_automaton() {
        let h = hunter(&[
            "[url:value LIKE '%/wp-admin/%']",
            "[url:value LIKE 'http://%.evil.test/%']",
            "[url:value LIKE '%']",
        ]);
        assert_eq!(h.stats().substring_atoms, 2);
        assert_eq!(h.stats().general, 1);
        assert_eq!(hits(&h, &[(URL, "http://a.test/wp-admin/x")]), [0, 2]);
        assert_eq!(hits(&h, &[(URL, "http://a.evil.test/x")]), [1, 2]);
        // the run is there but the whole pattern does not hold
        assert_eq!(hits(&h, &[(URL, "https://a.evil.test/x")]), [2]);
    }

    #[test]
    fn general_and_multi_observation() {
        let h = hunter(&[
            "[ipv4-addr:value != '10.0.0.1']",
            "[ipv4-addr:value = '1.1.1.1'] FOLLOWEDBY [domain-name:value = 'evil.test']",
            "[x-unknown:foo = 'a']",
        ]);
        assert_eq!(hits(&h, &[(IPV4, "10.0.0.2")]), [0]);
        assert!(hits(&h, &[(IPV4, "10.0.0.1")]).is_empty());
        assert!(hits(&h, &[(DOMAIN, "evil.test")]).is_empty());
        let mut kept = Vec::new();
        let mut out = Vec::new();
        let mut scratch = Scratch::default();
        for (line, (f, v, t)) in
            [(IPV4, "1.1.1.1", 1_000_000), (IPV4, "2.2.2.2", 2_000_000), (DOMAIN, "evil.test", 3_000_000)]
                .into_iter()
                .enumerate()
        {
            let mut e = Event::new();
            e.clear(line as u64 + 1);
            e.time = Some(t);
            e.push(f, 0, v);
            h.check(&e, 0, &mut scratch, &mut out, &mut kept);
        }
        assert_eq!(kept.len(), 2);
        let multi: Vec<(u32, u64)> = h.finish(&kept, 0).iter().map(|h| (h.indicator, h.line)).collect();
        assert_eq!(multi, [(1, 1), (1, 3)]);
        // the other order does not follow
        kept.reverse();
        kept[0].time = Some(0);
        assert!(h.finish(&kept, 0).is_empty());
    }
}
