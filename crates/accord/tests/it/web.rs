use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::json;

use crate::demo_server;

fn text(r: reqwest::blocking::Response) -> String {
    r.text().unwrap()
}

#[test]
fn home_shows_the_accord_and_live_counts_in_english_by_default() {
    let s = demo_server();
    let resp = s.get("/");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = text(resp);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Four commitments"));
    for c in ["Stronger defense", "No offense", "Capacity building", "Collective action"] {
        assert!(html.contains(c), "{c}");
    }
    assert!(html.contains("<span class=\"n\" id=\"count-signatories\">34</span>"), "{html}");
    assert!(html.contains("<span class=\"n\" id=\"count-invited\">3</span>"));
    let list = html.split_once("class=\"signatory-list\"").expect("the signatories on the home page").1;
    let list = list.split_once("</ul>").unwrap().0;
    assert_eq!(list.matches("<li>").count(), 34);
    for name in ["Microsoft", "Cisco", "Telefónica"] {
        assert!(list.contains(name), "{name}");
    }
    assert!(!list.contains("Google"));
}

#[test]
fn accept_language_fr_gives_french_pages() {
    let s = demo_server();
    let html = text(s.get_with("/", &[("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")]));
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Quatre engagements"));
    assert!(html.contains("Une défense renforcée"));
    assert!(html.contains("Signataires"));
    assert!(!html.contains("Four commitments"));
    let list = text(s.get_with("/signatories", &[("accept-language", "fr")]));
    assert!(list.contains("17 avril 2018"));
    assert!(list.contains("Invitées, pas encore signataires"));
}

#[test]
fn the_language_can_be_switched_and_sticks() {
    let s = demo_server();
    let resp = s.get_with("/?lang=fr", &[("accept-language", "en")]);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("lang=fr"))
        .expect("a lang cookie");
    assert!(text(resp).contains("Quatre engagements"));
    let pair = cookie.split(';').next().unwrap();
    let html = text(s.get_with("/signatories", &[("accept-language", "en"), ("cookie", pair)]));
    assert!(html.contains("<html lang=\"fr\">"));
    // and back to English
    assert!(text(s.get_with("/?lang=en", &[("cookie", pair)])).contains("Four commitments"));
}

#[test]
fn signatories_page_lists_signatories_and_invitees() {
    let s = demo_server();
    let html = text(s.get("/signatories"));
    for name in ["Microsoft", "Trend Micro", "Telefónica", "Hewlett Packard Enterprise"] {
        assert!(html.contains(name), "{name}");
    }
    assert!(html.contains("17 April 2018"));
    let (signed, invited) = html.split_once("id=\"invited\"").unwrap();
    assert!(invited.contains("Google") && invited.contains("Apple") && invited.contains("Amazon"));
    assert!(!signed.contains("Google"));
}

#[test]
fn organization_page_shows_keys_and_signatures() {
    let s = demo_server();
    let list = json(s.get("/api/v1/signatories"));
    let org = &list["signatories"][0];
    let html = text(s.get(&format!("/organizations/{}", org["id"].as_str().unwrap())));
    assert!(html.contains(org["name"].as_str().unwrap()));
    assert!(html.contains("accord-signature/v1"));
    assert!(html.contains("status-signatory"));
    let missing = s.get("/organizations/7c9e6679-7425-40de-944b-e07fc1f90ae7");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(text(missing).contains("Page not found"));
    assert_eq!(s.get("/no/such/page").status(), StatusCode::NOT_FOUND);
}

#[test]
fn pages_escape_what_users_wrote() {
    let s = demo_server();
    let resp = s.post_json(
        "/api/v1/organizations",
        Some(ADMIN_TOKEN),
        &json!({"name": "<script>alert(1)</script>", "domain": "xss.example", "kind": "vendor"}),
    );
    let id = json(resp)["id"].as_str().unwrap().to_owned();
    let html = text(s.get(&format!("/organizations/{id}")));
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"), "{html}");
}

#[test]
fn responses_carry_security_headers() {
    let s = demo_server();
    let resp = s.get("/");
    let h = resp.headers();
    assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.get("x-request-id").is_some());
    let css = s.get("/static/accord.css");
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
}

/// Cookie pairs (`name=value`) set by a response.
fn cookies(resp: &reqwest::blocking::Response) -> Vec<String> {
    resp.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

fn pair(cookies: &[String], name: &str) -> Option<String> {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

fn login_user(s: &TestServer) {
    let body = json!({"email": "alice@example.org", "name": "Alice", "role": "coordinator", "password": "correct horse battery staple"});
    assert_eq!(s.post_json("/api/v1/users", Some(ADMIN_TOKEN), &body).status(), StatusCode::CREATED);
}

#[test]
fn login_needs_the_csrf_token_and_the_right_password() {
    let s = demo_server();
    login_user(&s);
    let form = s.get("/login");
    let set = cookies(&form);
    let csrf_cookie = set.iter().find(|c| c.starts_with("accord_csrf=")).expect("csrf cookie").clone();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"), "{csrf_cookie}");
    assert!(!csrf_cookie.contains("Secure"), "no Secure flag over plain HTTP");
    let csrf_pair = pair(&set, "accord_csrf").unwrap();
    let token = csrf_pair.split_once('=').unwrap().1.to_owned();
    let html = text(form);
    assert!(html.contains(&format!("value=\"{token}\"")));
    assert!(html.contains("<label for=\"email\">"));

    let post = |fields: &[(&str, &str)], cookie: Option<&str>| {
        let mut r = s.client.post(s.url("/login")).form(fields);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send().unwrap()
    };
    let no_csrf = post(&[("email", "alice@example.org"), ("password", "correct horse battery staple")], None);
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    let forged = post(
        &[("csrf", "0000"), ("email", "alice@example.org"), ("password", "correct horse battery staple")],
        Some(&csrf_pair),
    );
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let wrong = post(
        &[("csrf", &token), ("email", "alice@example.org"), ("password", "wrong password!!")],
        Some(&csrf_pair),
    );
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(text(wrong).contains("Wrong e-mail address or password."));
    let empty = post(&[("csrf", &token), ("email", ""), ("password", "")], Some(&csrf_pair));
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let empty_html = text(empty);
    assert!(empty_html.contains("id=\"email-error\"") && empty_html.contains("aria-invalid=\"true\""));

    let ok = post(
        &[("csrf", &token), ("email", "alice@example.org"), ("password", "correct horse battery staple")],
        Some(&csrf_pair),
    );
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let set = cookies(&ok);
    let session_line = set.iter().find(|c| c.starts_with("accord_session=")).expect("session cookie").clone();
    assert!(session_line.contains("HttpOnly") && session_line.contains("SameSite=Lax"));
    let session = pair(&set, "accord_session").unwrap();
    let both = format!("{csrf_pair}; {session}");
    let home = text(s.get_with("/", &[("cookie", &both)]));
    assert!(home.contains("Signed in as <strong>Alice</strong>"), "{home}");

    let out = s
        .client
        .post(s.url("/logout"))
        .form(&[("csrf", token.as_str())])
        .header("cookie", &both)
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let home = text(s.get_with("/", &[("cookie", &both)]));
    assert!(!home.contains("Signed in as"), "the session must end at logout");
}

#[test]
fn cookies_are_secure_behind_an_https_public_url() {
    let s = TestServer::start(crate::bin(), &["--public-url", "https://accord.example"]).unwrap();
    let set = cookies(&s.get("/login"));
    assert!(set.iter().any(|c| c.starts_with("accord_csrf=") && c.contains("; Secure")), "{set:?}");
}

#[test]
fn repeated_failed_logins_are_throttled() {
    let s = demo_server();
    login_user(&s);
    let set = cookies(&s.get("/login"));
    let csrf_pair = pair(&set, "accord_csrf").unwrap();
    let token = csrf_pair.split_once('=').unwrap().1.to_owned();
    let attempt = |password: &str| {
        s.client
            .post(s.url("/login"))
            .form(&[("csrf", token.as_str()), ("email", "alice@example.org"), ("password", password)])
            .header("cookie", &csrf_pair)
            .send()
            .unwrap()
    };
    for _ in 0..10 {
        assert_eq!(attempt("not the password").status(), StatusCode::UNAUTHORIZED);
    }
    let blocked = attempt("correct horse battery staple");
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert!(blocked.headers().get("retry-after").is_some());
    assert!(text(blocked).contains("Too many failed attempts"));
}
