//! JSON formats' shared reading: serde errors as [`LockfileError`]s with their line, and
//! objects read in file order.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};

use crate::LockfileError;

/// Reads `text` (after a byte order mark, if any) as `T`; a failure names the line and says
/// which format was expected.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, LockfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| crate::position::json_error(&e, what))
}

/// A JSON object's members in file order (serde_json's own map sorts them).
#[derive(Debug)]
pub(crate) struct Ordered<T>(pub(crate) Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OrderedVisitor<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

/// Lines of JSON members, found by their text, forward from the last one found: serde does not
/// keep positions, and the readers visit members in file order.
pub(crate) struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lines { text, pos: 0, line: 1 }
    }

    /// The line of the next member `"key": …` whose value starts with `value_start` (a JSON text
    /// such as `"monolog/monolog"` or `{`), whitespace allowed around the `:`. `None`, and no
    /// move, when there is none (a key written with other escapes, say). The search goes on
    /// after the member found.
    pub(crate) fn member(&mut self, key: &str, value_start: &str) -> Option<u32> {
        let quoted = serde_json::to_string(key).expect("a string always serializes");
        let mut from = self.pos;
        while let Some(found) = self.text[from..].find(&quoted) {
            let start = from + found;
            let after = self.text[start + quoted.len()..].trim_start();
            if after.strip_prefix(':').is_some_and(|v| v.trim_start().starts_with(value_start)) {
                self.line += self.text[self.pos..start].matches('\n').count() as u32;
                self.pos = start + quoted.len();
                return Some(self.line);
            }
            from = start + quoted.len();
        }
        None
    }

    /// [`Lines::member`] for a member whose value is the string `value`.
    pub(crate) fn member_with_string(&mut self, key: &str, value: &str) -> Option<u32> {
        let quoted = serde_json::to_string(value).expect("a string always serializes");
        self.member(key, &quoted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_forward_in_file_order() {
        let text =
            "{\n  \"a\": {\"b\": \"x\"},\n  \"b\" :\n {\n  },\n  \"name\": \"x/y\",\n  \"name\": \"x/y\"\n}";
        let mut lines = Lines::new(text);
        assert_eq!(lines.member("b", "{"), Some(3));
        assert_eq!(lines.member("a", "{"), None);
        assert_eq!(lines.member_with_string("name", "x/y"), Some(6));
        assert_eq!(lines.member_with_string("name", "x/y"), Some(7));
        assert_eq!(lines.member_with_string("name", "z"), None);
    }
}
