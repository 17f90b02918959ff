//! `mix.lock` files (Mix, Hex), read by a small parser of the Elixir terms they are written in
//! (maps, tuples, lists, keyword lists, atoms, strings, numbers).
//!
//! Read: each entry `"key": {:hex, :package, "1.2.3", "checksum", [:mix], [deps], "hexpm",
//! "checksum"}` is the package named by the tuple's second element (the Hex package, which may
//! differ from the key when a dependency is renamed with `hex: :other`), at its third
//! element's version, on the key's line. Older entries with fewer elements read the same.
//!
//! Notes: `:git` entries (built from a repository, not a Hex release), entries of another kind,
//! and packages from a repository other than the public `hexpm` (an organisation's
//! `hexpm:acme` or a self-hosted one), which OSV does not cover.
//!
//! Errors: text that is not a `%{…}` map of terms (at the line where reading stopped), or a
//! `:hex` entry without a package atom and a version string.

use crate::{LockfileError, Note, Package, Parsed};

#[derive(Debug, PartialEq)]
enum Term {
    Str(String),
    Atom(String),
    Number,
    Tuple(Vec<Term>),
    List(Vec<Term>),
    /// Key, value and the key's line.
    Map(Vec<(Term, Term, u32)>),
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader { text: text.as_bytes(), pos: 0, line: 1 };
    reader.skip_space();
    let start_line = reader.line;
    let top = reader.term()?;
    reader.skip_space();
    if reader.pos < reader.text.len() {
        return Err(reader.error("expected the end of the file after the lock's map"));
    }
    let Term::Map(entries) = top else {
        return Err(LockfileError::at(Some(start_line), "expected a map `%{ \"name\": {…}, … }`"));
    };
    let mut parsed = Parsed::default();
    for (key, value, line) in entries {
        let key = match key {
            Term::Str(s) | Term::Atom(s) => s,
            _ => return Err(LockfileError::at(Some(line), "expected a dependency name as key")),
        };
        let Term::Tuple(items) = value else {
            return Err(LockfileError::at(
                Some(line),
                format!("expected a tuple `{{:hex, …}}` or `{{:git, …}}` for {key}"),
            ));
        };
        let note = |message: String| Note { line: Some(line), message };
        match items.first() {
            Some(Term::Atom(kind)) if kind == "hex" => {
                let (Some(Term::Atom(name)), Some(Term::Str(version))) = (items.get(1), items.get(2)) else {
                    return Err(LockfileError::at(
                        Some(line),
                        format!(
                            "expected `{{:hex, :package, \"1.2.3\", …}}` for {key}: a package atom \
                             and a version string"
                        ),
                    ));
                };
                match items.get(6) {
                    Some(Term::Str(repo)) if repo != "hexpm" => parsed.notes.push(note(format!(
                        "{name} {version} comes from the Hex repository {repo}, not the public hexpm"
                    ))),
                    _ => parsed.packages.push(Package {
                        ecosystem: "Hex".into(),
                        name: name.clone(),
                        version: version.clone(),
                        line: Some(line),
                    }),
                }
            }
            Some(Term::Atom(kind)) if kind == "git" => {
                let url = match items.get(1) {
                    Some(Term::Str(u)) => u.as_str(),
                    _ => "an unnamed repository",
                };
                parsed
                    .notes
                    .push(note(format!("{key} comes from the git repository {url}: not a Hex release")));
            }
            Some(Term::Atom(kind)) => {
                parsed.notes.push(note(format!("{key} is a `:{kind}` dependency, not a Hex release")))
            }
            _ => {
                return Err(LockfileError::at(
                    Some(line),
                    format!("expected a tuple starting with :hex or :git for {key}"),
                ));
            }
        }
    }
    Ok(parsed)
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    line: u32,
}

impl Reader<'_> {
    fn error(&self, message: &str) -> LockfileError {
        let found = match self.peek() {
            Some(c) => format!("`{}`", c as char),
            None => "the end of the file".to_string(),
        };
        LockfileError::at(Some(self.line), format!("{message}, found {found}"))
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() {
                self.bump();
            } else if c == b'#' {
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.bump();
                }
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), LockfileError> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn term(&mut self) -> Result<Term, LockfileError> {
        self.skip_space();
        match self.peek() {
            Some(b'%') => {
                self.bump();
                self.expect(b'{', "`{` after `%`")?;
                let mut pairs = Vec::new();
                self.sequence(b'}', |r| {
                    r.skip_space();
                    let line = r.line;
                    let (key, value) = r.pair()?;
                    pairs.push((key, value, line));
                    Ok(())
                })?;
                Ok(Term::Map(pairs))
            }
            Some(b'{') => {
                self.bump();
                let mut items = Vec::new();
                self.sequence(b'}', |r| {
                    items.push(r.term()?);
                    Ok(())
                })?;
                Ok(Term::Tuple(items))
            }
            Some(b'[') => {
                self.bump();
                let mut items = Vec::new();
                self.sequence(b']', |r| {
                    items.push(r.element()?);
                    Ok(())
                })?;
                Ok(Term::List(items))
            }
            Some(b'"') => Ok(Term::Str(self.string()?)),
            Some(b':') => {
                self.bump();
                if self.peek() == Some(b'"') {
                    return Ok(Term::Atom(self.string()?));
                }
                let word = self.word();
                if word.is_empty() {
                    return Err(self.error("expected an atom name after `:`"));
                }
                Ok(Term::Atom(word))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                self.bump();
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_') {
                    self.bump();
                }
                Ok(Term::Number)
            }
            Some(c) if c.is_ascii_alphabetic() => {
                // `true`, `false`, `nil` and other bare atoms.
                Ok(Term::Atom(self.word()))
            }
            _ => Err(self.error("expected a term (map, tuple, list, atom, string or number)")),
        }
    }

    /// A list element: a term, or a keyword pair `key: value` read as the tuple `{:key, value}`.
    fn element(&mut self) -> Result<Term, LockfileError> {
        self.skip_space();
        if let Some(key) = self.keyword_key()? {
            let value = self.term()?;
            return Ok(Term::Tuple(vec![Term::Atom(key), value]));
        }
        self.term()
    }

    /// A map pair: `key => value` or the keyword form `key: value` / `"key": value`.
    fn pair(&mut self) -> Result<(Term, Term), LockfileError> {
        if let Some(key) = self.keyword_key()? {
            return Ok((Term::Str(key), self.term()?));
        }
        let key = self.term()?;
        self.skip_space();
        if self.text[self.pos..].starts_with(b"=>") {
            self.bump();
            self.bump();
            Ok((key, self.term()?))
        } else {
            Err(self.error("expected `=>` or `:` after a map key"))
        }
    }

    /// `word:` or `"text":` followed by a space, if that is what comes next.
    fn keyword_key(&mut self) -> Result<Option<String>, LockfileError> {
        let (save_pos, save_line) = (self.pos, self.line);
        let key = match self.peek() {
            Some(b'"') => self.string()?,
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.word(),
            _ => return Ok(None),
        };
        if self.peek() == Some(b':') && self.text.get(self.pos + 1).is_some_and(u8::is_ascii_whitespace) {
            self.bump();
            Ok(Some(key))
        } else {
            self.pos = save_pos;
            self.line = save_line;
            Ok(None)
        }
    }

    /// Items separated by commas (a trailing one allowed) up to `close`.
    fn sequence(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), LockfileError>,
    ) -> Result<(), LockfileError> {
        loop {
            self.skip_space();
            if self.peek() == Some(close) {
                self.bump();
                return Ok(());
            }
            item(self)?;
            self.skip_space();
            match self.peek() {
                Some(b',') => {
                    self.bump();
                }
                Some(c) if c == close => {}
                _ => return Err(self.error(&format!("expected `,` or `{}`", close as char))),
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'?' | b'!' | b'@' | b'.'))
        {
            self.bump();
        }
        String::from_utf8_lossy(&self.text[start..self.pos]).into_owned()
    }

    fn string(&mut self) -> Result<String, LockfileError> {
        let line = self.line;
        self.bump();
        let mut bytes = Vec::new();
        loop {
            match self.bump() {
                Some(b'"') => return Ok(String::from_utf8_lossy(&bytes).into_owned()),
                Some(b'\\') => match self.bump() {
                    Some(c) => bytes.push(c),
                    None => break,
                },
                Some(c) => bytes.push(c),
                None => break,
            }
        }
        Err(LockfileError::at(Some(line), "unterminated string: expected a closing `\"`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"%{
  "bunt": {:hex, :bunt, "0.2.1", "e2d4792f7bc0ced7583ab54922808919518d0e57ee162901a16a1b6664ef3b14", [:mix], [], "hexpm", "a330bfb4245239787b15005e66ae6845c9cd524a288f0d141c148b02603777a5"},
  "ecto": {:hex, :ecto, "3.11.1", "4b4972b717e7ca83d30121b12998f5fcdc62ba0ed4f20fd390f16f3270d85c3e", [:mix], [{:decimal, "~> 2.0", [hex: :decimal, repo: "hexpm", optional: false]}, {:jason, "~> 1.0", [hex: :jason, repo: "hexpm", optional: true]}, {:telemetry, "~> 0.4 or ~> 1.0", [hex: :telemetry, repo: "hexpm", optional: false]}], "hexpm", "d36c0bf2fbb8e4d2d8a9d1e4e1d6e1c2b5e0d3c8b7a6f5e4d3c2b1a0f9e8d7c6"},
  "heroicons": {:git, "https://github.com/tailwindlabs/heroicons.git", "88ab3a0d790e6a47404cba02800a6b25d2afae50", [tag: "v2.1.1", sparse: "optimized"]},
  "json_lib": {:hex, :jason, "1.4.1", "af1504e35f629ddcdd6addb3513c3853991f694921b1b9368b0bd32beb9f1b63", [:mix], [{:decimal, "~> 1.0 or ~> 2.0", [hex: :decimal, repo: "hexpm", optional: true]}], "hexpm", "fbb01ecdfd565b56261302f7e1fcc27c4fb8f32d56eab74db621fc154604a7a1"},
  "acme_auth": {:hex, :acme_auth, "0.9.0", "0123", [:mix], [], "hexpm:acme", "4567"},
  "poison": {:hex, :poison, "3.1.0", "d9eb636610e096f86f25d9a46f35a9facac35609a7591b3be3326e99a0484665", [:mix], [], "hexpm"},
}
"#;

    #[test]
    fn hex_entries_are_packages_by_their_hex_name() {
        let parsed = parse(LOCK).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, "Hex");
                (p.name.as_str(), p.version.as_str(), p.line.expect("line"))
            })
            .collect();
        assert_eq!(
            got,
            [("bunt", "0.2.1", 2), ("ecto", "3.11.1", 3), ("jason", "1.4.1", 5), ("poison", "3.1.0", 7)]
        );
    }

    #[test]
    fn git_and_private_entries_are_notes() {
        let parsed = parse(LOCK).expect("reads");
        let notes: Vec<_> =
            parsed.notes.iter().map(|n| (n.line.expect("line"), n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                (
                    4,
                    "heroicons comes from the git repository \
                     https://github.com/tailwindlabs/heroicons.git: not a Hex release"
                ),
                (6, "acme_auth 0.9.0 comes from the Hex repository hexpm:acme, not the public hexpm"),
            ]
        );
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, fragment) in [
            (
                "%{\n  \"a\": {:hex, :a, \"1.0.0\"}\n  \"b\": {:hex, :b, \"1.0.0\"}\n}\n",
                3,
                "expected `,` or `}`, found `\"`",
            ),
            ("%{\n  \"bunt\": {:hex, :bunt, \"0.2.1\"\n}\n", 4, "found the end of the file"),
            ("%{\n  \"bunt\": {:hex, \"bunt\", \"0.2.1\"},\n}\n", 2, "a package atom and a version string"),
            ("%{\n  \"bunt\": \"0.2.1\"\n}\n", 2, "expected a tuple"),
            ("[\n]\n", 1, "expected a map"),
            ("%{\n  \"bunt: {:hex}\n}\n", 2, "unterminated string"),
            ("%{\n  bunt {:hex}\n}\n", 2, "expected `=>` or `:`"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains(fragment), "{}", e.message);
        }
    }

    #[test]
    fn arrow_maps_and_atom_keys_read_too() {
        let parsed = parse(
            "%{\"plug\" => {:hex, :plug, \"1.15.3\", \"x\"}, cowboy: {:hex, :cowboy, \"2.10.0\", \"y\"}}",
        )
        .expect("reads");
        let got: Vec<_> = parsed.packages.iter().map(|p| (p.name.as_str(), p.version.as_str())).collect();
        assert_eq!(got, [("plug", "1.15.3"), ("cowboy", "2.10.0")]);
    }
}
