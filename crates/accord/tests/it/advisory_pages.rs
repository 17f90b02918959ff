//! The public advisory pages over HTTP: the list with its search and filters (and the same
//! filters in the JSON API), paging, French, one advisory with its download links, escaping of
//! what imported records say, 404, ETag and 304, the Atom feed read as XML, and a case under
//! embargo appearing nowhere.

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::{Value, json as j};

use crate::{bin, demo_server};

fn text(r: reqwest::blocking::Response) -> String {
    r.text().unwrap()
}

/// The advisory ids listed in a list page's table, in order.
fn listed(html: &str) -> Vec<String> {
    let Some((_, table)) = html.split_once("<table id=\"advisories-list\">") else { return Vec::new() };
    let table = table.split_once("</table>").unwrap().0;
    table
        .split("<th scope=\"row\"><a href=\"/advisories/")
        .skip(1)
        .map(|row| row.split_once('"').unwrap().0.to_owned())
        .collect()
}

fn demo(n: u32) -> String {
    format!("x_DEMO-2025-{n:04}")
}

/// The id of the demo's published case advisory.
fn case_advisory(s: &TestServer) -> String {
    let page = json(s.get("/api/v1/advisories?limit=1000"));
    page["advisories"].as_array().unwrap().iter().find(|a| a["source"] == "accord").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The demo's case under embargo: (local id, title).
fn embargoed_case(s: &TestServer) -> (String, String) {
    let cases = json(s.get_auth("/api/v1/cases", ADMIN_TOKEN));
    let case = cases["cases"].as_array().unwrap().iter().find(|c| c["state"] != "published").unwrap();
    (case["local_id"].as_str().unwrap().to_owned(), case["title"].as_str().unwrap().to_owned())
}

/// An OSV record modified on `2024-01-{day}`.
fn record(id: &str, day: u32, summary: &str) -> Value {
    j!({
        "schema_version": "1.7.0",
        "id": id,
        "modified": format!("2024-01-{day:02}T12:00:00Z"),
        "published": format!("2024-01-{day:02}T00:00:00Z"),
        "summary": summary,
        "affected": [{
            "package": { "ecosystem": "npm", "name": "paging-demo" },
            "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": "1.0.0" }] }],
        }],
    })
}

fn import(s: &TestServer, records: &Value) {
    let resp = s.post_raw(
        "/api/v1/admin/advisories/import",
        Some(ADMIN_TOKEN),
        "application/json",
        records.to_string().into_bytes(),
    );
    assert_eq!(resp.status(), StatusCode::OK, "{}", text(resp));
}

#[test]
fn the_list_shows_the_demo_and_each_filter_narrows_it() {
    let s = demo_server();
    let case = case_advisory(&s);
    let resp = s.get("/advisories");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = text(resp);
    let all = listed(&html);
    assert_eq!(all.len(), 11, "{all:?}");
    for id in (1..=10).map(demo).chain([case.clone()]) {
        assert!(all.contains(&id), "{id}");
    }
    assert_eq!(all[0], demo(10), "newest modified first");
    assert!(
        html.contains(r#"<link rel="alternate" type="application/atom+xml" href="/advisories/feed.atom""#)
    );
    assert!(html.contains(r#"<li><a href="/advisories">Advisories</a></li>"#), "the navigation");
    assert!(html.contains(r#"<span class="sev sev-critical">Critical</span>"#));
    assert!(html.contains("Go/example.org/heron/auth"), "packages");
    assert!(html.contains("Microsoft Example TLS"), "a case's products");
    assert!(html.contains(r#"<time datetime="2025-03-12T08:00:00Z">12 March 2025</time>"#), "published");
    assert!(html.contains(r#"<label for="q">Search</label>"#));

    let ids = |query: &str| {
        let resp = s.get(&format!("/advisories?{query}"));
        assert_eq!(resp.status(), StatusCode::OK, "{query}");
        listed(&text(resp))
    };
    assert_eq!(ids("q=LANTERNFISH"), [demo(3)], "a package name, any case");
    assert_eq!(ids("q=smuggling"), [demo(1)], "a word of the summary");
    assert_eq!(ids("q=example+tls"), [case.as_str()], "a case's product");
    assert_eq!(ids("ecosystem=npm"), [demo(6), demo(5)]);
    assert_eq!(ids("ecosystem=Go&package=example.org%2Fheron%2Fwire"), [demo(8)]);
    assert_eq!(ids("severity=critical"), [demo(9), demo(7), demo(3), demo(1)]);
    let high = ids("severity=high");
    assert_eq!(high, [demo(8), case.clone(), demo(4)]);
    assert_eq!(ids("severity=high&severity=low"), ids("severity=low,HIGH"));
    assert_eq!(ids("severity=medium&severity=low"), [demo(10), demo(6), demo(5)]);
    assert_eq!(ids("published_since=2025-10-01&published_until=2025-10-20"), [demo(8), demo(7)]);
    assert_eq!(ids("published_since=2025-11-04"), [demo(10)]);
    assert_eq!(ids("published_until=2025-03-12"), [demo(1)]);
    assert_eq!(ids("q=heron&severity=critical"), [demo(7)], "filters combine");
    // Checked boxes and kept values: the form shows what was asked.
    let html = text(s.get("/advisories?q=heron&severity=critical&published_since=2025-01-01"));
    assert!(html.contains(r#"id="severity-critical" name="severity" value="critical" checked"#));
    assert!(!html.contains(r#"value="high" checked"#));
    assert!(html.contains(r#"id="q" name="q" value="heron""#));
    assert!(html.contains(r#"value="2025-01-01""#));
    assert!(html.contains("Clear the filters"));

    let empty = text(s.get("/advisories?q=no+such+advisory"));
    assert!(listed(&empty).is_empty());
    assert!(empty.contains("No advisory matches these filters."), "{empty}");

    // Values that are not filters: 400, the message next to its field.
    let bad = s.get("/advisories?severity=urgent");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = text(bad);
    assert!(
        html.contains(r#"<p class="field-error" id="severity-error">This is not a severity: urgent</p>"#),
        "{html}"
    );
    let bad = s.get("/advisories?published_since=yesterday");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = text(bad);
    assert!(html.contains(r#"id="published_since-error">Enter a date as YYYY-MM-DD"#), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#));
    let long = "x".repeat(201);
    let bad = s.get(&format!("/advisories?q={long}"));
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(text(bad).contains("at most 200 characters"));
    assert_eq!(ids(&format!("q={}", "x".repeat(200))), Vec::<String>::new(), "200 is allowed");
}

#[test]
fn the_json_api_takes_the_same_filters() {
    let s = demo_server();
    let case = case_advisory(&s);
    let ids = |query: &str| {
        let resp = s.get(&format!("/api/v1/advisories?{query}"));
        assert_eq!(resp.status(), StatusCode::OK, "{query}");
        json(resp)["advisories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("q=Lanternfish"), [demo(3)]);
    assert_eq!(ids("q=smuggling"), [demo(1)]);
    assert_eq!(ids("q=smu%25ling"), Vec::<String>::new(), "% is no wildcard");
    assert_eq!(ids("q=sm_ggling"), Vec::<String>::new(), "_ is no wildcard");
    assert_eq!(ids("q=x_demo-2025-000").len(), 9, "but a character like the others");
    assert_eq!(ids("severity=HIGH"), [demo(8), case.clone(), demo(4)]);
    assert_eq!(ids("severity=critical,high&ecosystem=Go"), [demo(8), demo(7)]);
    assert_eq!(
        ids("published_since=2025-10-01T09:30:00Z&published_until=2025-10-20T17:25:00Z"),
        [demo(8), demo(7)]
    );
    assert_eq!(ids("published_since=2025-10-01T09:30:00.000001Z"), [demo(10), demo(9), demo(8)]);
    let page = json(s.get("/api/v1/advisories?q=smuggling"));
    assert_eq!(page["advisories"][0]["severity"], "CRITICAL");
    let unrated = json(s.get(&format!("/api/v1/advisories/{}", demo(2))));
    assert!(unrated.get("severity").is_none(), "{unrated}");
    assert_eq!(json(s.get(&format!("/api/v1/advisories/{case}")))["severity"], "HIGH");

    // Paging with filters: the `next` cursor walks the filtered list.
    let mut paged = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(n) => format!("/api/v1/advisories?severity=critical,high&limit=2&next={n}"),
            None => "/api/v1/advisories?severity=critical,high&limit=2".to_owned(),
        };
        let page = json(s.get(&url));
        paged.extend(
            page["advisories"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        match page.get("next").and_then(Value::as_str) {
            Some(n) => next = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, ids("severity=critical,high"));
    assert_eq!(paged.len(), 7);

    let long = format!("q={}", "é".repeat(201));
    for (query, field, named) in [
        ("severity=high,urgent", "severity", "\"urgent\""),
        ("published_since=yesterday", "published_since", "\"yesterday\""),
        ("published_until=2025-02-30", "published_until", "\"2025-02-30\""),
        (long.as_str(), "q", "200 characters"),
    ] {
        let resp = s.get(&format!("/api/v1/advisories?{query}"));
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{query}");
        let err = json(resp);
        assert_eq!(err["code"], "invalid_request", "{err}");
        let message = err["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}: ")) && message.contains(named), "{query}: {message}");
    }
}

#[test]
fn pages_are_in_french_too() {
    let s = demo_server();
    let fr = [("accept-language", "fr-FR,fr;q=0.9")];
    let html = text(s.get_with("/advisories", &fr));
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("<h1>Avis de sécurité</h1>"));
    assert!(html.contains("Recherche et filtres"));
    assert!(html.contains(r#"<label for="q">Rechercher</label>"#));
    assert!(html.contains(r#"<span class="sev sev-critical">Critique</span>"#));
    assert!(html.contains("12 mars 2025"));
    assert!(!html.contains("Security advisories"));
    let empty = text(s.get_with("/advisories?q=aucun-avis-de-ce-nom", &fr));
    assert!(empty.contains("Aucun avis ne correspond à ces filtres."));
    let bad = text(s.get_with("/advisories?published_until=demain", &fr));
    assert!(bad.contains("Saisissez une date au format AAAA-MM-JJ"));
    let page = text(s.get(&format!("/advisories/{}?lang=fr", demo(1))));
    for words in ["Paquets concernés", "Télécharger", "Fiche OSV (JSON)", "Références", "corrigée en 0.14.3"]
    {
        assert!(page.contains(words), "{words}");
    }
    let home = text(s.get_with("/", &fr));
    assert!(home.contains(r#"<a href="/advisories">Avis de sécurité</a>"#), "the navigation");
    assert!(home.contains("Parcourir les avis"), "the home page's mention");
    let home = text(s.get("/"));
    assert!(home.contains("Browse the advisories"));
}

#[test]
fn an_advisory_page_shows_its_content_and_download_links() {
    let s = demo_server();
    // An imported record: details, score, package and ranges, references, credits.
    let resp = s.get(&format!("/advisories/{}", demo(1)));
    assert_eq!(resp.status(), StatusCode::OK);
    let html = text(resp);
    assert!(html.contains("Request smuggling through duplicate Content-Length headers"));
    assert!(html.contains("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
    assert!(html.contains("<td>9.8</td>"));
    assert!(html.contains("SEMVER: introduced in 0, fixed in 0.14.3"), "ranges");
    assert!(
        html.contains(
            r#"<a href="https://advisories.example/demo/0001" rel="nofollow noopener noreferrer">"#
        )
    );
    assert!(html.contains("Demo Researcher"));
    let downloads = |html: &str| -> Vec<String> {
        let block = html.split_once("<ul id=\"downloads\">").unwrap().1.split_once("</ul>").unwrap().0;
        block.split("href=\"").skip(1).map(|h| h.split_once('"').unwrap().0.to_owned()).collect()
    };
    let id = demo(1);
    let every = |id: &str| -> Vec<String> {
        ["osv", "csaf", "csaf-vex", "cve"].iter().map(|f| format!("/api/v1/advisories/{id}/{f}")).collect()
    };
    assert_eq!(downloads(&html), every(&id), "demo 1 has the alias CVE-2099-0001");
    // Each link answers.
    for href in every(&id) {
        assert_eq!(s.get(&href).status(), StatusCode::OK, "{href}");
    }
    let html = text(s.get(&format!("/advisories/{}", demo(2))));
    assert_eq!(downloads(&html), every(&demo(2))[..3], "no CVE id, no CVE JSON link");
    // The OSV link answers with the record.
    assert_eq!(json(s.get(&format!("/api/v1/advisories/{id}/osv")))["id"], id.as_str());

    // A record with a CVE alias, found by that alias: the CVE JSON 5 link too.
    let mut with_cve = record("GHSA-cvea-lias-0001", 5, "A flaw with a CVE id");
    with_cve["aliases"] = j!(["CVE-2024-55555"]);
    import(&s, &j!([with_cve]));
    let resp = s.get("/advisories/CVE-2024-55555");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = text(resp);
    assert!(html.contains("<code>CVE-2024-55555</code>"), "the alias");
    assert_eq!(downloads(&html).last().unwrap(), "/api/v1/advisories/GHSA-cvea-lias-0001/cve");
    assert_eq!(downloads(&html).len(), 4);

    // The case advisory: vendors' products with every status, both scores.
    let case = case_advisory(&s);
    let html = text(s.get(&format!("/advisories/{case}")));
    assert!(html.contains("Out-of-bounds read in the Example TLS record parser (demo)"));
    assert!(html.contains("<td>Not affected</td>") && html.contains("<td>Fixed</td>"), "statuses");
    assert!(html.contains("Vulnerable code not present"));
    assert!(html.contains("<td>3.2.1-1</td>"));
    assert!(html.contains("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:N/SI:N/SA:N"));
    assert!(html.contains("A. Researcher (demo)"));
    assert_eq!(downloads(&html), every(&case), "the case has CVE-2099-0005");
    assert_eq!(s.get(&format!("/advisories/x_{case}")).status(), StatusCode::OK);

    // A record that names no package: no CSAF document, so no CSAF link.
    let mut bare = record("GHSA-nopa-ckag-e001", 6, "A flaw of no package");
    bare.as_object_mut().unwrap().remove("affected");
    import(&s, &j!([bare]));
    let html = text(s.get("/advisories/GHSA-nopa-ckag-e001"));
    assert_eq!(downloads(&html), ["/api/v1/advisories/GHSA-nopa-ckag-e001/osv"]);
    assert_eq!(s.get("/api/v1/advisories/GHSA-nopa-ckag-e001/csaf").status(), StatusCode::NOT_FOUND);

    // Unknown ids: the 404 page.
    for path in
        ["/advisories/GHSA-none-none-none", "/advisories/ACCORD-2099-9999", "/advisories/%3Cscript%3E"]
    {
        let resp = s.get(path);
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(text(resp).contains("Page not found"));
    }
}

#[test]
fn what_imported_records_say_is_escaped_everywhere() {
    let s = TestServer::start(bin(), &["--public-url", "https://accord.example/"]).unwrap();
    let mut evil = record("GHSA-xss0-xss0-xss0", 9, "<script>alert('summary')</script> & more");
    evil["details"] = j!("<img src=x onerror=alert(2)>\n\nSecond paragraph with <b>bold</b>.\nNext line.");
    evil["references"] = j!([
        { "type": "WEB", "url": "javascript:alert(3)" },
        { "type": "ADVISORY", "url": "https://example.com/?a=1&b=\"><script>alert(4)</script>" },
    ]);
    evil["credits"] = j!([{ "name": "<i>Mallory</i>" }]);
    evil["affected"][0]["package"]["name"] = j!("<svg onload=alert(5)>");
    import(&s, &j!([evil]));

    let html = text(s.get("/advisories/GHSA-xss0-xss0-xss0"));
    for raw in ["<script>", "<img", "<b>bold", "<i>Mallory", "<svg", "href=\"javascript:"] {
        assert!(!html.contains(raw), "{raw} is not escaped:\n{html}");
    }
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("<code>javascript:alert(3)</code>"), "shown, not linked");
    assert!(html.contains(r#"<a href="https://example.com/?a=1&#38;b=&#34;&#62;&#60;script&#62;"#), "{html}");
    // Line breaks of the details are kept as text (the page's stylesheet shows them).
    assert!(html.contains("Second paragraph with &#60;b&#62;bold&#60;/b&#62;.\nNext line."), "{html}");
    let list = text(s.get("/advisories"));
    assert!(!list.contains("<script>") && !list.contains("<svg"));

    // The feed: well-formed, the texts exactly as written, links on the public URL.
    let xml = text(s.get("/advisories/feed.atom"));
    let doc = roxmltree::Document::parse(&xml).expect("the feed is XML");
    let entry = doc.descendants().find(|n| n.has_tag_name("entry")).unwrap();
    let child = |name: &str| entry.children().find(|n| n.has_tag_name(name)).unwrap();
    assert_eq!(child("title").text(), Some("GHSA-xss0-xss0-xss0: <script>alert('summary')</script> & more"));
    assert_eq!(child("id").text(), Some("https://accord.example/advisories/GHSA-xss0-xss0-xss0"));
    assert_eq!(
        child("link").attribute("href"),
        Some("https://accord.example/advisories/GHSA-xss0-xss0-xss0")
    );
}

#[test]
fn the_list_pages_and_the_feed_holds_the_fifty_latest() {
    let s = TestServer::start(bin(), &[]).unwrap();
    // 110 records, modified one minute apart; every other one rated HIGH by its database.
    let records: Vec<Value> = (0..110)
        .map(|i| {
            let mut r = record(&format!("GHSA-page-{i:04}-test"), 1, &format!("Paging record {i}"));
            r["modified"] = j!(format!("2024-01-01T{:02}:{:02}:00Z", i / 60, i % 60));
            if i % 2 == 0 {
                r["database_specific"] = j!({ "severity": "HIGH" });
            }
            r
        })
        .collect();
    import(&s, &Value::Array(records));
    let newest_first: Vec<String> = (0..110).rev().map(|i| format!("GHSA-page-{i:04}-test")).collect();

    let walk = |first: &str| -> (Vec<String>, usize) {
        let (mut all, mut pages) = (Vec::new(), 0);
        let mut url = Some(first.to_owned());
        while let Some(u) = url.take() {
            let html = text(s.get(&u));
            pages += 1;
            let ids = listed(&html);
            assert!(ids.len() <= 50, "{u}");
            all.extend(ids);
            url = html
                .split_once(r#"<a rel="next" href=""#)
                .map(|(_, rest)| rest.split_once('"').unwrap().0.replace("&#38;", "&").replace("&amp;", "&"));
            assert!(pages < 10, "paging ends");
        }
        (all, pages)
    };
    let (all, pages) = walk("/advisories");
    assert_eq!(pages, 3);
    assert_eq!(all, newest_first);
    let (high, pages) = walk("/advisories?severity=high");
    assert_eq!(pages, 2, "the next link keeps the filter");
    let expected: Vec<String> =
        (0..110).rev().filter(|i| i % 2 == 0).map(|i| format!("GHSA-page-{i:04}-test")).collect();
    assert_eq!(high, expected);
    assert_eq!(s.get("/advisories?next=not-a-cursor").status(), StatusCode::NOT_FOUND);

    let xml = text(s.get("/advisories/feed.atom"));
    let doc = roxmltree::Document::parse(&xml).expect("the feed is XML");
    let entries: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("entry")).collect();
    assert_eq!(entries.len(), 50);
    let ids: Vec<&str> = entries
        .iter()
        .map(|e| {
            e.children().find(|n| n.has_tag_name("title")).unwrap().text().unwrap().split(':').next().unwrap()
        })
        .collect();
    assert_eq!(ids, newest_first[..50].iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn pages_carry_an_etag_and_answer_304() {
    let s = demo_server();
    for path in [
        "/advisories",
        "/advisories?severity=high",
        &format!("/advisories/{}", demo(3)),
        "/advisories/feed.atom",
    ] {
        let resp = s.get(path);
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let h = resp.headers().clone();
        let etag = h["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with('"') && etag.len() == 66, "{path}: {etag}");
        assert_eq!(h["cache-control"], "public, max-age=60", "{path}");
        let vary = h["vary"].to_str().unwrap().to_ascii_lowercase();
        assert!(vary.contains("cookie") && vary.contains("accept-language"), "{path}: {vary}");
        assert!(h.get("set-cookie").is_none(), "{path}: no cookie for shared caches");
        // The ETag is the body's: the same body, the same tag.
        assert_eq!(s.get(path).headers()["etag"], etag.as_str(), "{path}");
        let cached = s.get_with(path, &[("if-none-match", &etag)]);
        assert_eq!(cached.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(cached.headers()["etag"], etag.as_str());
        assert!(text(cached).is_empty());
        let other = s.get_with(path, &[("if-none-match", "\"0000\"")]);
        assert_eq!(other.status(), StatusCode::OK, "{path}");
        // Another language is another body, and another tag.
        let fr = s.get_with(path, &[("accept-language", "fr")]);
        assert_ne!(fr.headers()["etag"], etag.as_str(), "{path}");
    }
    // A change of the content changes the tag.
    let before = s.get("/advisories").headers()["etag"].clone();
    import(&s, &j!([record("GHSA-new0-new0-new0", 1, "A new one")]));
    assert_ne!(s.get("/advisories").headers()["etag"], before);

    // Signed in: the chrome shows the user; private, not for shared caches.
    let email = "reader@example.org";
    let password = "correct horse battery staple";
    let user = j!({ "email": email, "name": "Rita Reader", "role": "finder", "password": password });
    let created = s.post_json("/api/v1/users", Some(ADMIN_TOKEN), &user);
    assert_eq!(created.status(), StatusCode::CREATED, "{}", text(created));
    let form = s.get("/login");
    let csrf = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("accord_csrf="))
        .unwrap();
    let token = csrf.split_once('=').unwrap().1.to_owned();
    let login = s
        .client
        .post(s.url("/login"))
        .header("cookie", &csrf)
        .form(&[("csrf", token.as_str()), ("email", email), ("password", password)])
        .send()
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let session = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("accord_session="))
        .unwrap();
    let resp = s.get_with("/advisories", &[("cookie", &format!("{csrf}; {session}"))]);
    assert_eq!(resp.headers()["cache-control"], "private, no-cache");
    assert!(resp.headers().get("etag").is_some());
    assert!(text(resp).contains("Rita Reader"));
}

#[test]
fn the_feed_is_atom_with_absolute_links_and_a_french_title() {
    let s = demo_server();
    let resp = s.get("/advisories/feed.atom");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let base = s.url("");
    let base = base.trim_end_matches('/');
    let xml = text(resp);
    let doc = roxmltree::Document::parse(&xml).expect("the feed is XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children().find(|c| c.has_tag_name(name)).map(|c| c.text().unwrap_or_default().to_owned())
    };
    assert_eq!(child(feed, "title").as_deref(), Some("Accord security advisories"));
    assert_eq!(child(feed, "id"), Some(format!("{base}/advisories/feed.atom")));
    let entries: Vec<_> = feed.children().filter(|n| n.has_tag_name("entry")).collect();
    assert_eq!(entries.len(), 11, "ten demo records and the published case");
    let mut previous: Option<jiff::Timestamp> = None;
    for e in &entries {
        let id = child(*e, "id").unwrap();
        assert!(id.starts_with(&format!("{base}/advisories/")), "{id}");
        let link = e.children().find(|c| c.has_tag_name("link")).unwrap();
        assert_eq!(link.attribute("href"), Some(id.as_str()));
        assert_eq!(link.attribute("rel"), Some("alternate"));
        let updated: jiff::Timestamp = child(*e, "updated").unwrap().parse().unwrap();
        assert!(previous.is_none_or(|p| p >= updated), "newest first");
        previous = Some(updated);
        assert!(child(*e, "title").is_some_and(|t| !t.is_empty()));
    }
    assert_eq!(child(feed, "updated"), child(entries[0], "updated"));
    let first = entries[0];
    assert_eq!(child(first, "id"), Some(format!("{base}/advisories/{}", demo(10))));
    assert_eq!(child(first, "published").as_deref(), Some("2025-11-10T09:00:00Z"));
    assert!(child(first, "summary").unwrap().contains("kestrel-logging"));
    // The page a link names is there.
    let page = s.get(&child(first, "id").unwrap().replace(base, ""));
    assert_eq!(page.status(), StatusCode::OK);

    for fr in [
        s.get("/advisories/feed.atom?lang=fr"),
        s.get_with("/advisories/feed.atom", &[("accept-language", "fr")]),
    ] {
        let xml = text(fr);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let feed = doc.root_element();
        assert_eq!(child(feed, "title").as_deref(), Some("Avis de sécurité Accord"));
        assert_eq!(feed.attribute(("http://www.w3.org/XML/1998/namespace", "lang")), Some("fr"));
    }
}

#[test]
fn a_case_under_embargo_appears_on_no_page() {
    let s = demo_server();
    let (local, title) = embargoed_case(&s);
    let word = "Gateway";
    assert!(title.contains(word), "{title}");
    for path in [
        "/advisories".to_owned(),
        format!("/advisories?q={word}"),
        "/advisories?severity=critical,high,medium,low,none".to_owned(),
        "/advisories/feed.atom".to_owned(),
        "/".to_owned(),
    ] {
        let body = text(s.get(&path));
        assert!(!body.contains(&title) && !body.contains(&local), "{path}");
        assert!(!body.contains("Example Gateway"), "{path}");
    }
    assert!(listed(&text(s.get(&format!("/advisories?q={word}")))).is_empty());
    let resp = s.get(&format!("/advisories/{local}"));
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body = text(resp);
    assert!(!body.contains(&title));
}
