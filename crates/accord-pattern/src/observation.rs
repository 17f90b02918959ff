//! Observed-data prepared for evaluation: each observation's time interval, count and the
//! cyber-observable objects it refers to.
//!
//! STIX 2.1 observed-data lists its objects in `object_refs`, resolved against the other
//! objects given alongside (a bundle's `objects`); the older form embeds them in an `objects`
//! dictionary whose keys are the references. The observed-data object itself is among the
//! objects a reference can resolve to, as in the reference matcher.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::ObservationError;
use crate::timestamp::{self, Micros};

/// One observed-data: `number_observed` observations of its objects between
/// `first_observed` and `last_observed`.
#[derive(Debug, Clone)]
pub struct Observation<'a> {
    pub(crate) id: &'a str,
    pub(crate) first_observed: Micros,
    pub(crate) last_observed: Micros,
    pub(crate) number_observed: u64,
    /// Every object a reference may resolve to: `(id or key, object)`.
    pub(crate) objects: Vec<(&'a str, &'a Value)>,
    /// The objects tests start from: distinct ids, in order of first appearance.
    pub(crate) roots: Vec<(&'a str, &'a Value)>,
}

impl<'a> Observation<'a> {
    /// An observation of `objects` (each `(id, object)`), for callers that build observations
    /// themselves (a log reader, for instance). `first_observed` and `last_observed` are in the
    /// STIX timestamp form.
    pub fn new(
        id: &'a str,
        first_observed: &str,
        last_observed: &str,
        number_observed: u64,
        objects: Vec<(&'a str, &'a Value)>,
    ) -> Result<Observation<'a>, ObservationError> {
        let invalid = |problem: String| ObservationError::Invalid { id: id.to_owned(), problem };
        let first = timestamp::parse(first_observed)
            .ok_or_else(|| invalid(format!("first_observed {first_observed:?} is not a timestamp")))?;
        let last = timestamp::parse(last_observed)
            .ok_or_else(|| invalid(format!("last_observed {last_observed:?} is not a timestamp")))?;
        if number_observed < 1 {
            return Err(invalid("number_observed must be at least 1".to_owned()));
        }
        let mut roots: Vec<(&'a str, &'a Value)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for &(key, object) in &objects {
            match position.get(key) {
                Some(&i) => roots[i] = (key, object),
                None => {
                    position.insert(key, roots.len());
                    roots.push((key, object));
                }
            }
        }
        Ok(Observation { id, first_observed: first, last_observed: last, number_observed, objects, roots })
    }

    /// The observed-data's id.
    pub fn id(&self) -> &'a str {
        self.id
    }
}

/// The observations a pattern is evaluated against.
#[derive(Debug, Clone, Default)]
pub struct ObservationSet<'a> {
    pub(crate) observations: Vec<Observation<'a>>,
}

impl<'a> ObservationSet<'a> {
    /// Observations already prepared.
    pub fn new(observations: Vec<Observation<'a>>) -> ObservationSet<'a> {
        ObservationSet { observations }
    }

    /// Reads STIX objects (a bundle's `objects`): every `observed-data` becomes an
    /// observation of the objects its `object_refs` name (or, without `object_refs`, of its
    /// embedded `objects` dictionary); the other objects are what references resolve to.
    pub fn from_objects(objects: &'a [Value]) -> Result<ObservationSet<'a>, ObservationError> {
        let mut by_id: HashMap<&'a str, &'a Value> = HashMap::new();
        let mut observed_data = Vec::new();
        for (index, object) in objects.iter().enumerate() {
            let kind = object.get("type").and_then(Value::as_str);
            let kind = kind.ok_or(ObservationError::Missing { index, property: "type" })?;
            if kind == "observed-data" {
                observed_data.push((index, object));
            } else {
                let id = object.get("id").and_then(Value::as_str);
                by_id.insert(id.ok_or(ObservationError::Missing { index, property: "id" })?, object);
            }
        }
        let mut observations = Vec::with_capacity(observed_data.len());
        for (index, od) in observed_data {
            let id = od
                .get("id")
                .and_then(Value::as_str)
                .ok_or(ObservationError::Missing { index, property: "id" })?;
            let text = |property: &'static str| {
                od.get(property).ok_or(ObservationError::Missing { index, property })
            };
            let invalid =
                |problem: &str| ObservationError::Invalid { id: id.to_owned(), problem: problem.to_owned() };
            let first =
                text("first_observed")?.as_str().ok_or_else(|| invalid("first_observed is not a string"))?;
            let last =
                text("last_observed")?.as_str().ok_or_else(|| invalid("last_observed is not a string"))?;
            let number = text("number_observed")?
                .as_u64()
                .ok_or_else(|| invalid("number_observed is not a positive integer"))?;
            let mut members: Vec<(&'a str, &'a Value)> = vec![(id, od)];
            match (od.get("object_refs"), od.get("objects")) {
                (Some(Value::Array(refs)), _) => {
                    for r in refs {
                        if let Some(object) = r.as_str().and_then(|r| by_id.get(r)) {
                            members.push((r.as_str().unwrap_or_default(), object));
                        }
                    }
                }
                (Some(_), _) => return Err(invalid("object_refs is not a list")),
                (None, Some(Value::Object(embedded))) => {
                    members.extend(embedded.iter().map(|(k, v)| (k.as_str(), v)));
                }
                (None, _) => return Err(ObservationError::Missing { index, property: "object_refs" }),
            }
            observations.push(Observation::new(id, first, last, number, members)?);
        }
        Ok(ObservationSet { observations })
    }

    /// The observations, in the order given.
    pub fn observations(&self) -> &[Observation<'a>] {
        &self.observations
    }
}
