//! TAXII envelopes and STIX bundles: a list of objects, each kept as the exact JSON text it
//! arrived in.

use serde::Deserialize;
use serde_json::value::RawValue;

/// `{"objects": [...]}` (a TAXII envelope; a STIX bundle has the same `objects` member).
#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub objects: Vec<Box<RawValue>>,
    /// TAXII `more` (ignored on ingest, read by clients).
    #[serde(default)]
    pub more: Option<bool>,
    /// TAXII `next`.
    #[serde(default)]
    pub next: Option<String>,
}

/// Why a body is not an envelope.
#[derive(Debug, thiserror::Error)]
#[error("not a TAXII envelope or STIX bundle: {0}")]
pub struct EnvelopeError(pub String);

impl Envelope {
    /// Parses an envelope or a bundle. Each object's text is kept as is; it is validated on
    /// its own by [`crate::validate_object`], so one bad object does not spoil the others.
    pub fn parse(body: &str) -> Result<Self, EnvelopeError> {
        serde_json::from_str(body).map_err(|e| EnvelopeError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_object_text() {
        let e = Envelope::parse(r#"{"type": "bundle", "objects": [{"b": 1, "a": 2}, 3]}"#).unwrap();
        assert_eq!(e.objects.len(), 2);
        assert_eq!(e.objects[0].get(), r#"{"b": 1, "a": 2}"#);
        assert!(Envelope::parse("[1]").is_err());
        assert!(Envelope::parse("{}").unwrap().objects.is_empty());
    }
}
