//! Reading records from JSON text, with the path of every error.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::Record;
use super::check::check;

/// Why a record could not be read: the JSON path of the field at fault (empty for the whole
/// document) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct OsvError {
    /// Where, as `affected[0].ranges[1].events[0]` (indexes from 0); a record of a list starts
    /// with its place (`[3].id`, `vulns[3].id`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl OsvError {
    pub(super) fn at(path: impl Into<String>, message: impl Into<String>) -> OsvError {
        OsvError { path: path.into(), message: message.into() }
    }

    fn within(mut self, prefix: &str) -> OsvError {
        self.path = match (prefix.is_empty(), self.path.is_empty()) {
            (true, _) => self.path,
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{}", self.path),
        };
        self
    }
}

/// Reads one OSV record and checks it against the schema's rules (see the module
/// documentation for the two exceptions). The record keeps `text` as its original.
pub fn parse_record(text: &str) -> Result<Record, OsvError> {
    // Most records read: parse without tracking the path, which costs; on an error, parse
    // again with it, to say where.
    let mut record: Record = match serde_json::from_str(text) {
        Ok(record) => record,
        Err(_) => return Err(parse_with_path(text)),
    };
    check(&record)?;
    record.original = text.trim().to_owned();
    Ok(record)
}

/// The error of a text that does not read as a record, with its JSON path.
fn parse_with_path(text: &str) -> OsvError {
    let mut de = serde_json::Deserializer::from_str(text);
    let record: Result<Record, OsvError> = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        OsvError::at(path, without_position(e.into_inner()))
    });
    match record {
        Err(e) => e,
        Ok(_) => match de.end() {
            Err(e) => OsvError::at("", e.to_string()),
            // Both parsers agree on what reads; should they not, say so rather than guess.
            Ok(()) => OsvError::at("", "the record does not read (and no field is at fault)"),
        },
    }
}

/// Reads a file of OSV records: one record, a JSON list of them, or an object whose `vulns`
/// is that list (the shape of the OSV API's answers). Every record is checked; the first error
/// names its place (`[3].…`, `vulns[3].…`). Each record keeps its own text as its original.
pub fn parse_records(text: &str) -> Result<Vec<Record>, OsvError> {
    let start = text.trim_start().as_bytes().first().copied();
    match start {
        Some(b'[') => {
            let list: Vec<&RawValue> =
                serde_json::from_str(text).map_err(|e| OsvError::at("", e.to_string()))?;
            parse_list(&list, "")
        }
        Some(b'{') => {
            #[derive(Deserialize)]
            struct Probe<'a> {
                #[serde(borrow, default)]
                vulns: Option<Vec<&'a RawValue>>,
                #[serde(default)]
                id: Option<IgnoredAny>,
            }
            // A record, most often; else an object with a list of them.
            let error = match parse_record(text) {
                Ok(record) => return Ok(vec![record]),
                Err(e) => e,
            };
            match serde_json::from_str::<Probe<'_>>(text) {
                Ok(Probe { vulns: Some(list), id: None }) => parse_list(&list, "vulns"),
                _ => Err(error),
            }
        }
        _ => Err(OsvError::at("", "expected an OSV record (a JSON object) or a list of them")),
    }
}

fn parse_list(list: &[&RawValue], field: &str) -> Result<Vec<Record>, OsvError> {
    list.iter()
        .enumerate()
        .map(|(i, raw)| parse_record(raw.get()).map_err(|e| e.within(&format!("{field}[{i}]"))))
        .collect()
}

/// serde_json's message without its "at line L column C", which is relative to the text the
/// error came from; the path says where instead. Syntax errors keep their position.
fn without_position(e: serde_json::Error) -> String {
    let text = e.to_string();
    if e.is_syntax() || e.is_eof() {
        return text;
    }
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}
