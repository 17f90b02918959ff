//! What every page needs to know about its request: language, signed-in user, CSRF token,
//! and the cookies to set on the way out.

use std::convert::Infallible;

use accord_app::model::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::i18n::{Locale, Texts, cookie};
use crate::AppState;

pub(crate) const SESSION_COOKIE: &str = "accord_session";
const CSRF_COOKIE: &str = "accord_csrf";
const LANG_COOKIE: &str = "lang";

/// The frame of every page (header, navigation, language switch).
pub(crate) struct Chrome {
    pub t: &'static Texts,
    pub lang: &'static str,
    pub title: String,
    pub switch_href: String,
    pub switch_code: &'static str,
    pub user_name: Option<String>,
    pub csrf: String,
}

pub(crate) struct Ctx {
    pub locale: Locale,
    pub user: Option<User>,
    pub session_token: Option<String>,
    pub csrf: String,
    path: String,
    secure: bool,
    set_cookies: Vec<String>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let secure = state.config.secure_cookies();
        let query_lang = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
            .and_then(Locale::from_code);
        let locale = Locale::negotiate(query_lang.map(Locale::code), &parts.headers);
        let mut set_cookies = Vec::new();
        if let Some(l) = query_lang {
            set_cookies.push(cookie_line(LANG_COOKIE, l.code(), "Lax", Some(31_536_000), secure));
        }
        let csrf = match cookie(&parts.headers, CSRF_COOKIE) {
            Some(v) if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => v,
            _ => {
                let mut b = [0u8; 32];
                // Without OS randomness no form can be trusted; the empty token never matches.
                let fresh = if getrandom::fill(&mut b).is_ok() { hex::encode(b) } else { String::new() };
                if !fresh.is_empty() {
                    set_cookies.push(cookie_line(CSRF_COOKIE, &fresh, "Strict", None, secure));
                }
                fresh
            }
        };
        let session_token = cookie(&parts.headers, SESSION_COOKIE);
        let user = match &session_token {
            Some(t) => state.app.session_user(t, jiff::Timestamp::now()).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "session lookup failed");
                None
            }),
            None => None,
        };
        Ok(Self { locale, user, session_token, csrf, path: parts.uri.path().to_owned(), secure, set_cookies })
    }
}

impl Ctx {
    pub fn t(&self) -> &'static Texts {
        self.locale.texts()
    }

    pub fn chrome(&self, title: &str) -> Chrome {
        let other = self.locale.other();
        Chrome {
            t: self.t(),
            lang: self.locale.code(),
            title: title.to_owned(),
            switch_href: format!("{}?lang={}", self.path, other.code()),
            switch_code: other.code(),
            user_name: self.user.as_ref().map(|u| u.name.clone()),
            csrf: self.csrf.clone(),
        }
    }

    /// Whether a submitted form carries this browser's CSRF token.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        !self.csrf.is_empty() && bool::from(self.csrf.as_bytes().ct_eq(submitted.as_bytes()))
    }

    pub fn start_session(&mut self, token: &str, max_age: i64) {
        self.set_cookies.push(cookie_line(SESSION_COOKIE, token, "Lax", Some(max_age), self.secure));
    }

    pub fn end_session(&mut self) {
        self.set_cookies.push(cookie_line(SESSION_COOKIE, "", "Lax", Some(0), self.secure));
    }

    /// Renders a page with its status, cookies and caching headers.
    pub fn render(self, status: StatusCode, page: &impl askama::Template) -> Response {
        match page.render() {
            Ok(html) => self.finish((status, Html(html)).into_response()),
            Err(e) => {
                tracing::error!(error = %e, "template rendering failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal server error").into_response()
            }
        }
    }

    /// A 303 redirect after a form, with the cookies.
    pub fn redirect(self, to: &str) -> Response {
        let resp = match HeaderValue::from_str(to) {
            Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
        self.finish(resp)
    }

    /// Renders a public page that caches may keep: see [`Ctx::cacheable`].
    pub fn render_cacheable(self, page: &impl askama::Template, if_none_match: Option<&str>) -> Response {
        match page.render() {
            Ok(html) => self.cacheable("text/html; charset=utf-8", html, if_none_match),
            Err(e) => {
                tracing::error!(error = %e, "template rendering failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal server error").into_response()
            }
        }
    }

    /// A public document (page or feed) with a strong `ETag` (SHA-256 of the body), answered
    /// `304 Not Modified` when `If-None-Match` names it. Anonymous visitors get
    /// `Cache-Control: public, max-age=60` and no fresh CSRF cookie (nothing here posts a form,
    /// and a shared cache must not hand one visitor's cookie to another); signed-in visitors,
    /// whose pages show their name, and responses that set the language cookie get
    /// `private, no-cache`. `Vary: Cookie, Accept-Language`.
    pub fn cacheable(
        mut self,
        content_type: &'static str,
        body: String,
        if_none_match: Option<&str>,
    ) -> Response {
        use sha2::Digest;
        let signed_in = self.user.is_some();
        if !signed_in {
            self.set_cookies.retain(|c| !c.starts_with(&format!("{CSRF_COOKIE}=")));
        }
        let etag = format!("\"{}\"", hex::encode(sha2::Sha256::digest(body.as_bytes())));
        let matches = if_none_match.is_some_and(|v| {
            v.split(',').map(str::trim).any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(&etag))
        });
        let resp = if matches {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        };
        let sets_cookie = !self.set_cookies.is_empty();
        let mut resp = self.finish(resp);
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        // A response that sets a cookie (the language chosen with `?lang=`) is not for shared
        // caches either.
        let cache = if signed_in || sets_cookie { "private, no-cache" } else { "public, max-age=60" };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        h.insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
        resp
    }

    fn finish(self, mut resp: Response) -> Response {
        let h = resp.headers_mut();
        for c in self.set_cookies {
            if let Ok(v) = HeaderValue::from_str(&c) {
                h.append(header::SET_COOKIE, v);
            }
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
        h.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
        h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(self.locale.code()));
        resp
    }
}

fn cookie_line(name: &str, value: &str, same_site: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}
