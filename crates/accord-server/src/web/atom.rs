//! A small Atom 1.0 (RFC 4287) writer: a feed and its entries, every text escaped for XML, and
//! characters XML 1.0 cannot carry at all dropped.

use std::fmt::Write;

/// A feed.
pub(crate) struct Feed {
    /// The feed's absolute URL, also its `id`.
    pub self_url: String,
    /// The HTML page the feed follows.
    pub html_url: String,
    pub lang: &'static str,
    pub title: String,
    pub subtitle: String,
    /// RFC 3339: the newest entry's `updated`.
    pub updated: String,
    pub entries: Vec<Entry>,
}

/// An entry.
pub(crate) struct Entry {
    /// Its page's absolute URL, also its `id`.
    pub url: String,
    pub title: String,
    /// RFC 3339.
    pub updated: String,
    /// RFC 3339.
    pub published: Option<String>,
    pub summary: Option<String>,
    /// A category `term` and its `label`.
    pub category: Option<(String, String)>,
}

/// Text for XML character data and attribute values (quoted with `"`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            // Not XML 1.0 characters, even as references.
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// The feed as an XML document.
pub(crate) fn write(feed: &Feed) -> String {
    let mut x = String::new();
    // Writing to a String cannot fail.
    let _ = write_feed(&mut x, feed);
    x
}

fn write_feed(x: &mut String, feed: &Feed) -> std::fmt::Result {
    let e = escape;
    writeln!(x, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(x, r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{}">"#, e(feed.lang))?;
    writeln!(x, "  <id>{}</id>", e(&feed.self_url))?;
    writeln!(x, r#"  <title type="text">{}</title>"#, e(&feed.title))?;
    writeln!(x, r#"  <subtitle type="text">{}</subtitle>"#, e(&feed.subtitle))?;
    writeln!(x, "  <updated>{}</updated>", e(&feed.updated))?;
    writeln!(x, r#"  <link rel="self" type="application/atom+xml" href="{}"/>"#, e(&feed.self_url))?;
    writeln!(x, r#"  <link rel="alternate" type="text/html" href="{}"/>"#, e(&feed.html_url))?;
    writeln!(x, "  <author><name>Accord</name></author>")?;
    writeln!(x, "  <generator>Accord</generator>")?;
    for entry in &feed.entries {
        writeln!(x, "  <entry>")?;
        writeln!(x, "    <id>{}</id>", e(&entry.url))?;
        writeln!(x, r#"    <title type="text">{}</title>"#, e(&entry.title))?;
        writeln!(x, "    <updated>{}</updated>", e(&entry.updated))?;
        if let Some(p) = &entry.published {
            writeln!(x, "    <published>{}</published>", e(p))?;
        }
        writeln!(x, r#"    <link rel="alternate" type="text/html" href="{}"/>"#, e(&entry.url))?;
        if let Some((term, label)) = &entry.category {
            writeln!(x, r#"    <category term="{}" label="{}"/>"#, e(term), e(label))?;
        }
        if let Some(s) = &entry.summary {
            writeln!(x, r#"    <summary type="text">{}</summary>"#, e(s))?;
        }
        writeln!(x, "  </entry>")?;
    }
    writeln!(x, "</feed>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_impossible_characters_dropped() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &apos;y&apos;)&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{fffe}d\te\nf"), "abcd\te\nf");
        assert_eq!(escape("Élan — ✓"), "Élan — ✓");
    }

    #[test]
    fn a_feed_names_itself_and_its_entries() {
        let feed = Feed {
            self_url: "https://accord.example/advisories/feed.atom".into(),
            html_url: "https://accord.example/advisories".into(),
            lang: "en",
            title: "T & T".into(),
            subtitle: "S".into(),
            updated: "2025-01-01T00:00:00Z".into(),
            entries: vec![Entry {
                url: "https://accord.example/advisories/GHSA-1?a=1&b=2".into(),
                title: "GHSA-1: <b>".into(),
                updated: "2025-01-01T00:00:00Z".into(),
                published: None,
                summary: Some("s".into()),
                category: Some(("HIGH".into(), "High".into())),
            }],
        };
        let x = write(&feed);
        assert!(x.contains("<title type=\"text\">T &amp; T</title>"), "{x}");
        assert!(x.contains("<id>https://accord.example/advisories/GHSA-1?a=1&amp;b=2</id>"), "{x}");
        assert!(x.contains("<title type=\"text\">GHSA-1: &lt;b&gt;</title>"), "{x}");
        assert!(!x.contains("<published>"));
        assert!(x.contains(r#"<category term="HIGH" label="High"/>"#));
    }
}
