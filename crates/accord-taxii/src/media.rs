//! Content negotiation: `Accept` and `Content-Type` as TAXII 2.1 §1.6.8 requires, accepting a
//! plain `application/taxii+json` (without `version`) as the same thing.

/// The media type of every TAXII 2.1 response.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// Why a request's media types cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// `Accept` names nothing TAXII 2.1 can answer with (406).
    #[error("the Accept header must allow application/taxii+json;version=2.1")]
    NotAcceptable,
    /// The body is not `application/taxii+json` (415).
    #[error("the body must be sent as application/taxii+json;version=2.1")]
    UnsupportedMediaType,
}

/// A media range: type/subtype and its parameters, lower-cased.
struct Range<'a> {
    essence: String,
    params: Vec<(String, &'a str)>,
}

fn ranges(header: &str) -> impl Iterator<Item = Range<'_>> {
    header.split(',').filter_map(|part| {
        let mut pieces = part.split(';');
        let essence = pieces.next()?.trim().to_ascii_lowercase();
        if essence.is_empty() {
            return None;
        }
        let params = pieces
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"')))
            .collect();
        Some(Range { essence, params })
    })
}

fn param<'a>(r: &Range<'a>, name: &str) -> Option<&'a str> {
    r.params.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

/// Whether a TAXII 2.1 response may be sent to a client with this `Accept` header (absent:
/// anything goes). `q=0` excludes a range.
pub fn check_accept(accept: Option<&str>) -> Result<(), MediaError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else { return Ok(()) };
    let ok = ranges(accept).any(|r| {
        let q_zero = param(&r, "q").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0));
        let essence_ok = matches!(r.essence.as_str(), "application/taxii+json" | "application/*" | "*/*");
        let version_ok = param(&r, "version").is_none_or(|v| v == "2.1");
        !q_zero && essence_ok && version_ok
    });
    if ok { Ok(()) } else { Err(MediaError::NotAcceptable) }
}

/// Whether a request body with this `Content-Type` is a TAXII 2.1 envelope.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), MediaError> {
    let r = content_type.and_then(|c| ranges(c).next()).ok_or(MediaError::UnsupportedMediaType)?;
    let version_ok = param(&r, "version").is_none_or(|v| v == "2.1");
    if r.essence == "application/taxii+json" && version_ok {
        Ok(())
    } else {
        Err(MediaError::UnsupportedMediaType)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept() {
        for ok in [
            None,
            Some(""),
            Some("application/taxii+json;version=2.1"),
            Some("application/taxii+json"),
            Some("Application/TAXII+JSON; version=\"2.1\""),
            Some("text/html, application/taxii+json;version=2.1;q=0.5"),
            Some("*/*"),
            Some("application/*"),
        ] {
            assert_eq!(check_accept(ok), Ok(()), "{ok:?}");
        }
        for bad in [
            "application/json",
            "application/taxii+json;version=2.0",
            "text/html",
            "application/taxii+json;version=2.1;q=0",
        ] {
            assert_eq!(check_accept(Some(bad)), Err(MediaError::NotAcceptable), "{bad}");
        }
    }

    #[test]
    fn content_type() {
        assert!(check_content_type(Some("application/taxii+json;version=2.1")).is_ok());
        assert!(check_content_type(Some("application/taxii+json")).is_ok());
        assert!(check_content_type(Some("application/taxii+json; charset=utf-8; version=2.1")).is_ok());
        for bad in [None, Some("application/json"), Some("application/taxii+json;version=2.0"), Some("")] {
            assert_eq!(check_content_type(bad), Err(MediaError::UnsupportedMediaType), "{bad:?}");
        }
    }
}
