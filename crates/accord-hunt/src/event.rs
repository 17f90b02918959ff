//! An event: what one log line (or record) observed, as STIX property values.

use serde_json::{Map, Value};

use crate::field::{FieldId, Fields};

/// One value of an event: a field, the object it belongs to, and where its text is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub field: FieldId,
    pub group: u32,
    start: u32,
    end: u32,
}

/// The values one log line or record observed, with its line and time. Readers fill and
/// reuse one event per line (no allocation once the buffers have grown).
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// The line (1-based) in the input the reader was given.
    pub line: u64,
    /// Microseconds since the Unix epoch, when the line says.
    pub time: Option<i64>,
    text: String,
    pub(crate) slots: Vec<Slot>,
}

impl Event {
    pub fn new() -> Event {
        Event::default()
    }

    /// Empties the event for the next line.
    pub fn clear(&mut self, line: u64) {
        self.line = line;
        self.time = None;
        self.text.clear();
        self.slots.clear();
    }

    /// Adds a value of `field`, part of the object `group`.
    pub fn push(&mut self, field: FieldId, group: u32, value: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(value);
        self.slots.push(Slot { field, group, start, end: self.text.len() as u32 });
    }

    /// Adds a value in lower case.
    pub fn push_lowercase(&mut self, field: FieldId, group: u32, value: &str) {
        let start = self.text.len();
        if value.is_ascii() {
            // the common case (domain names, digests): the same as `char::to_lowercase`
            self.text.push_str(value);
            self.text[start..].make_ascii_lowercase();
        } else {
            self.text.extend(value.chars().flat_map(char::to_lowercase));
        }
        self.slots.push(Slot { field, group, start: start as u32, end: self.text.len() as u32 });
    }

    /// Adds a value, in lower case when its field compares so.
    pub fn push_field(&mut self, fields: &Fields, field: FieldId, group: u32, value: &str) {
        if fields.spec(field).lowercase {
            self.push_lowercase(field, group, value);
        } else {
            self.push(field, group, value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub(crate) fn text_of(&self, slot: &Slot) -> &str {
        &self.text[slot.start as usize..slot.end as usize]
    }

    /// The event's values: (field, object group, text).
    pub fn values(&self) -> impl Iterator<Item = (FieldId, u32, &str)> + '_ {
        self.slots.iter().map(|s| (s.field, s.group, self.text_of(s)))
    }

    /// The event as STIX cyber-observable objects: the values of one group and object type
    /// form one object (`{"type": "file", "name": …, "hashes": {"SHA-256": …}}`).
    pub fn objects(&self, fields: &Fields) -> Vec<Value> {
        let mut objects: Vec<(u32, &str, Map<String, Value>)> = Vec::new();
        for slot in &self.slots {
            let spec = fields.spec(slot.field);
            let at = match objects.iter().position(|(g, t, _)| *g == slot.group && *t == spec.object_type) {
                Some(i) => i,
                None => {
                    let mut map = Map::new();
                    map.insert("type".into(), Value::String(spec.object_type.clone()));
                    map.insert(
                        "id".into(),
                        Value::String(format!("{}--{}", spec.object_type, objects.len())),
                    );
                    objects.push((slot.group, &spec.object_type, map));
                    objects.len() - 1
                }
            };
            let text = self.text_of(slot);
            let value = if spec.numeric {
                match text.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::String(text.to_owned()),
                }
            } else {
                Value::String(text.to_owned())
            };
            let mut map = &mut objects[at].2;
            let (last, keys) = match spec.path.split_last() {
                Some(x) => x,
                None => continue,
            };
            for key in keys {
                let entry = map.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                map = match entry {
                    Value::Object(m) => m,
                    _ => unreachable!("made an object above"),
                };
            }
            // a second value for the same property of one object: keep the first
            map.entry(last.clone()).or_insert(value);
        }
        objects.into_iter().map(|(_, _, m)| Value::Object(m)).collect()
    }
}

/// A STIX timestamp (`2024-01-02T03:04:05.123456Z`) of microseconds since the epoch.
pub fn stix_time(micros: i64) -> String {
    match jiff::Timestamp::from_microsecond(micros) {
        Ok(t) => format!("{}", t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")),
        Err(_) => "1970-01-01T00:00:00Z".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{FILE_NAME, IPV4, SHA256};

    #[test]
    fn objects_group_values() {
        let fields = Fields::new();
        let mut e = Event::new();
        e.clear(3);
        e.push(IPV4, 0, "10.0.0.1");
        e.push(IPV4, 1, "10.0.0.2");
        e.push(FILE_NAME, 2, "a.exe");
        e.push_field(&fields, SHA256, 2, "ABCD");
        let objects = e.objects(&fields);
        assert_eq!(objects.len(), 3);
        assert_eq!(objects[0]["value"], "10.0.0.1");
        assert_eq!(objects[1]["value"], "10.0.0.2");
        assert_eq!(objects[2]["name"], "a.exe");
        assert_eq!(objects[2]["hashes"]["SHA-256"], "abcd");
        assert_eq!(stix_time(1_000_000), "1970-01-01T00:00:01.000000Z");
    }

    #[test]
    fn lowercase_ascii_and_not() {
        let mut e = Event::new();
        e.clear(1);
        for value in ["Evil.COM", "ABCDEF0123", "", "Straße.DE", "İstanbul.Example", "ÀÉÎ-x.test"] {
            e.push_lowercase(IPV4, 0, value);
        }
        let got: Vec<&str> = e.values().map(|(_, _, v)| v).collect();
        let expected: Vec<String> =
            ["Evil.COM", "ABCDEF0123", "", "Straße.DE", "İstanbul.Example", "ÀÉÎ-x.test"]
                .iter()
                .map(|v| v.chars().flat_map(char::to_lowercase).collect())
                .collect();
        assert_eq!(got, expected);
        assert_eq!(got[0], "evil.com");
        assert_eq!(got[4], "i\u{307}stanbul.example");
    }
}
