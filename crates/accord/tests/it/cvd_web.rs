//! Coordinated disclosure through the web pages: the report form and its follow-up link, the
//! coordinator's triage and case forms, a vendor's statement, who may see a case page, and
//! escaping of what finders write.

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::json;

use crate::demo_server;

const PASSWORD: &str = "correct horse battery staple";

fn text(r: reqwest::blocking::Response) -> String {
    r.text().unwrap()
}

fn org_id(s: &TestServer, domain: &str) -> String {
    let orgs = json(s.get("/api/v1/organizations"));
    orgs["organizations"].as_array().unwrap().iter().find(|o| o["domain"] == domain).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A user with a password, made by the administrator.
fn user(s: &TestServer, email: &str, name: &str, role: &str, organization: Option<&str>) {
    let mut body = json!({"email": email, "name": name, "role": role, "password": PASSWORD});
    if let Some(o) = organization {
        body["organization_id"] = json!(o);
    }
    assert_eq!(s.post_json("/api/v1/users", Some(ADMIN_TOKEN), &body).status(), StatusCode::CREATED);
}

fn cookie_pair(resp: &reqwest::blocking::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

/// A browser: its cookie header and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

impl Browser {
    /// An anonymous visitor who opened a page (and so got a CSRF cookie).
    fn anonymous(s: &TestServer) -> Self {
        let pair = cookie_pair(&s.get("/report"), "accord_csrf").expect("a CSRF cookie for visitors too");
        let csrf = pair.split_once('=').unwrap().1.to_owned();
        Self { cookie: pair, csrf }
    }

    /// A visitor signed in through the login form.
    fn signed_in(s: &TestServer, email: &str) -> Self {
        let b = Self::anonymous(s);
        let ok = b.post(s, "/login", &[("email", email), ("password", PASSWORD)]);
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "web login of {email}");
        let session = cookie_pair(&ok, "accord_session").unwrap();
        Self { cookie: format!("{}; {session}", b.cookie), csrf: b.csrf }
    }

    fn get(&self, s: &TestServer, path: &str) -> reqwest::blocking::Response {
        s.get_with(path, &[("cookie", &self.cookie)])
    }

    /// Posts a form with this browser's CSRF token.
    fn post(&self, s: &TestServer, path: &str, fields: &[(&str, &str)]) -> reqwest::blocking::Response {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(s, path, &all)
    }

    /// Sends a file through an upload form (`multipart/form-data`), with this browser's CSRF
    /// token or without one.
    fn upload(
        &self,
        s: &TestServer,
        path: &str,
        with_csrf: bool,
        (name, media_type, bytes): (&str, &str, &[u8]),
    ) -> reqwest::blocking::Response {
        let boundary = "----accord-test-boundary-3f9d2c";
        let mut body = Vec::new();
        if with_csrf {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
                    self.csrf
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: {media_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        s.client
            .post(s.url(path))
            .header("cookie", &self.cookie)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .unwrap()
    }

    /// Posts a form as given (no CSRF token added).
    fn post_raw(&self, s: &TestServer, path: &str, fields: &[(&str, &str)]) -> reqwest::blocking::Response {
        s.client.post(s.url(path)).form(fields).header("cookie", &self.cookie).send().unwrap()
    }
}

/// The follow-up path shown on the page after a report.
fn followup_link(html: &str) -> String {
    let start = html.find("href=\"/followup/").expect("a follow-up link") + "href=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn location(resp: &reqwest::blocking::Response) -> String {
    resp.headers()["location"].to_str().unwrap().to_owned()
}

#[test]
fn an_anonymous_finder_reports_through_the_form_and_follows_up() {
    let s = demo_server();
    let microsoft = org_id(&s, "microsoft.com");
    let visitor = Browser::anonymous(&s);
    let form = text(visitor.get(&s, "/report"));
    assert!(form.contains(&format!("value=\"{}\"", visitor.csrf)));
    assert!(form.contains("<label for=\"title\">Title</label>"));
    assert!(form.contains(&format!("value=\"{microsoft}\"")), "the organisations to tick");
    assert!(form.contains("href=\"/report\">Report a vulnerability</a>"), "in the navigation");
    assert!(!form.contains("href=\"/cases\""), "no 'My cases' without signing in");

    let fields = [
        ("title", "Frobnicator TLV heap overflow"),
        ("description", "A long length field overruns the buffer"),
        ("vendors", microsoft.as_str()),
        ("products", "Frobnicator\nFrobnicator Pro"),
        ("versions", "< 2.4.1"),
        ("contact", "finder@example.net"),
        ("credit", "A. Finder"),
        ("preferred_disclosure_date", "2030-01-15"),
    ];
    // Without the CSRF token: refused, nothing stored.
    let forged = visitor.post_raw(&s, "/report", &fields);
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(text(forged).contains("This form has expired"));

    // A validation error names the field and keeps what was typed.
    let mut missing = fields.to_vec();
    missing[0] = ("title", "  ");
    missing[7] = ("preferred_disclosure_date", "15/01/2030");
    let refused = visitor.post(&s, "/report", &missing);
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(refused);
    assert!(html.contains("class=\"error-summary\""));
    assert!(html.contains("<a href=\"#title\">Title: This field is required.</a>"), "{html}");
    assert!(html.contains("id=\"title-error\""));
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"title-error\""));
    assert!(html.contains("id=\"preferred_disclosure_date-error\""));
    assert!(html.contains("A long length field overruns the buffer</textarea>"), "the description is kept");
    assert!(html.contains("Frobnicator\nFrobnicator Pro</textarea>"), "the products are kept");
    assert!(html.contains("value=\"finder@example.net\""));
    assert!(html.contains(&format!("value=\"{microsoft}\" checked")), "the ticked vendor is kept");
    let too_long = "x".repeat(201);
    let mut long = fields.to_vec();
    long[0] = ("title", too_long.as_str());
    let html = text(visitor.post(&s, "/report", &long));
    assert!(html.contains("At most 200 characters."), "the API's limit");

    // Success: the secret link, once, kept out of caches and referrers.
    let sent = visitor.post(&s, "/report", &fields);
    assert_eq!(sent.status(), StatusCode::OK);
    assert_eq!(sent.headers()["cache-control"], "no-store");
    assert_eq!(sent.headers()["referrer-policy"], "no-referrer");
    let html = text(sent);
    assert!(html.contains("Keep this link"));
    let link = followup_link(&html);
    assert!(link.starts_with("/followup/accord_"), "{link}");

    let page = s.get(&link);
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = text(page);
    assert!(html.contains("Frobnicator TLV heap overflow"));
    assert!(html.contains("Received, waiting for triage"));
    assert!(html.contains("Microsoft"), "the vendor by name");
    assert!(html.contains("15 January 2030"));
    assert!(!html.contains("id=\"case-state\""), "no case yet");

    let unknown = s.get("/followup/accord_not-a-real-token");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(text(unknown).contains("Page not found"));

    // The report is there for triage, exactly as the API received it.
    let reports =
        json(s.client.get(s.url("/api/v1/reports?status=received")).bearer_auth(ADMIN_TOKEN).send().unwrap());
    let r = &reports["reports"][0];
    assert_eq!(r["products"], json!(["Frobnicator", "Frobnicator Pro"]));
    assert_eq!(r["vendors"], json!([microsoft]));
    assert_eq!(r["preferred_disclosure_date"], "2030-01-15T00:00:00Z");
}

#[test]
fn the_report_form_speaks_french() {
    let s = demo_server();
    let resp = s.get_with("/report", &[("accept-language", "fr-FR,fr;q=0.9")]);
    assert_eq!(resp.status(), StatusCode::OK);
    let html = text(resp);
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("<h1>Signaler une vulnérabilité</h1>"));
    assert!(html.contains("Organisations concernées"));
    assert!(html.contains("Date de divulgation souhaitée"));
    assert!(html.contains("Envoyer le signalement"));
    assert!(!html.contains("Report a vulnerability"));

    let visitor = Browser::anonymous(&s);
    let refused = s
        .client
        .post(s.url("/report"))
        .form(&[("csrf", visitor.csrf.as_str()), ("title", ""), ("description", "d")])
        .header("cookie", &visitor.cookie)
        .header("accept-language", "fr")
        .send()
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(refused);
    assert!(html.contains("id=\"title-error\">Ce champ est obligatoire.</p>"), "{html}");
    assert!(html.contains("Veuillez corriger les champs ci-dessous."));
}

#[test]
fn a_coordinator_and_a_vendor_work_a_case_through_the_forms() {
    let s = demo_server();
    let (microsoft, cisco, oracle) =
        (org_id(&s, "microsoft.com"), org_id(&s, "cisco.com"), org_id(&s, "oracle.com"));
    user(&s, "coord@cert.example", "Carla Coordinator", "coordinator", None);
    user(&s, "psirt@microsoft.com", "Mia Vendor", "analyst", Some(&microsoft));
    user(&s, "analyst@oracle.com", "Olli Outsider", "analyst", Some(&oracle));

    // An anonymous report, then a second one that the coordinator rejects.
    let visitor = Browser::anonymous(&s);
    let sent = visitor.post(
        &s,
        "/report",
        &[
            ("title", "Frobnicator TLV heap overflow"),
            ("description", "Overrun"),
            ("products", "Frobnicator"),
        ],
    );
    let followup = followup_link(&text(sent));
    visitor.post(&s, "/report", &[("title", "Spam report"), ("description", "Buy now")]);

    let coordinator = Browser::signed_in(&s, "coord@cert.example");
    let list = text(coordinator.get(&s, "/cases"));
    assert!(list.contains("href=\"/cases\">My cases</a>"), "in the navigation when signed in");
    assert!(list.contains("Reports waiting for triage"));
    assert!(list.contains("Frobnicator TLV heap overflow") && list.contains("Spam report"));
    let report_id = |list: &str, title: &str| {
        let section = list.split("<section class=\"report\"").find(|p| p.contains(title)).unwrap();
        let start =
            section.find("name=\"report_id\" value=\"").unwrap() + "name=\"report_id\" value=\"".len();
        section[start..].split('"').next().unwrap().to_owned()
    };
    let (frob, spam) = (report_id(&list, "Frobnicator TLV"), report_id(&list, "Spam report"));

    // Rejecting needs a reason; the error stays next to that report's field.
    let refused = coordinator.post(&s, &format!("/reports/{spam}/reject"), &[("reason", " ")]);
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(refused).contains(&format!("id=\"reason-{spam}-error\"")));
    let rejected = coordinator.post(&s, &format!("/reports/{spam}/reject"), &[("reason", "spam")]);
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);
    assert!(!text(coordinator.get(&s, "/cases")).contains("Spam report"));

    // Open a case from the report: to the case page.
    let opened = coordinator.post(&s, "/cases", &[("report_id", frob.as_str())]);
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let case_path = location(&opened);
    assert!(case_path.starts_with("/cases/"), "{case_path}");
    let page = text(coordinator.get(&s, &case_path));
    assert!(page.contains("<h1>Frobnicator TLV heap overflow</h1>"));
    assert!(page.contains("id=\"case-state\">Triaged</span>"));
    assert!(page.contains("ACCORD-"));
    assert!(page.contains("Accepted into a case"), "the history");
    assert!(page.contains("Carla Coordinator"), "who acted, by name");
    let list = text(coordinator.get(&s, "/cases"));
    assert!(list.contains(&format!("href=\"{case_path}\"")), "the case is in 'my cases'");

    // Case forms are CSRF-checked.
    let forged = coordinator.post_raw(&s, &format!("{case_path}/invite"), &[("organization_id", &microsoft)]);
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Invite a vendor: no choice is an error on the field; then Microsoft.
    let none = coordinator.post(&s, &format!("{case_path}/invite"), &[("organization_id", "")]);
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(none);
    assert!(html.contains("id=\"invite-error\">Choose an organisation.</p>"), "{html}");
    let invited = coordinator.post(&s, &format!("{case_path}/invite"), &[("organization_id", &microsoft)]);
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&invited), case_path);
    let page = text(coordinator.get(&s, &case_path));
    assert!(page.contains("id=\"case-state\">Coordinating</span>"));
    assert!(page.contains(&format!("<h3 id=\"vendor-{microsoft}\">Microsoft</h3>")));
    assert!(page.contains("Vendor invited"));

    // Scores: a bad vector is refused with the use case's message; a good one is shown.
    let bad = coordinator.post(&s, &format!("{case_path}/scores"), &[("cvss_v31", "CVSS:3.1/AV:Q")]);
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(bad);
    assert!(html.contains("id=\"scores-error\""));
    assert!(html.contains("value=\"CVSS:3.1/AV:Q\""), "what was typed is kept");
    let vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    let good = coordinator.post(
        &s,
        &format!("{case_path}/scores"),
        &[("cvss_v31", vector), ("cvss_v40", ""), ("cve_ids", "CVE-2024-12345")],
    );
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    let page = text(coordinator.get(&s, &case_path));
    assert!(page.contains(&format!("<code>{vector}</code>")) && page.contains("9.8"));
    assert!(page.contains("CVE-2024-12345"));

    // The finder's link now shows the case.
    let html = text(s.get(&followup));
    assert!(html.contains("id=\"case-state\">Coordinating</span>"));
    assert!(html.contains("Microsoft"));

    // The vendor sees the case and states a product status through the form.
    let vendor = Browser::signed_in(&s, "psirt@microsoft.com");
    assert!(text(vendor.get(&s, "/cases")).contains(&format!("href=\"{case_path}\"")));
    let page = text(vendor.get(&s, &case_path));
    assert!(page.contains("id=\"form-status\""));
    assert!(page.contains("id=\"form-consent\""));
    assert!(!page.contains("id=\"form-invite\""), "no coordinator forms for a vendor");
    let no_justification = vendor.post(
        &s,
        &format!("{case_path}/status"),
        &[("product", "Frobnicator"), ("status", "not_affected"), ("justification", "")],
    );
    assert_eq!(no_justification.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(no_justification);
    assert!(html.contains("id=\"status-error\""));
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"status-error\""));
    let fixed = vendor.post(
        &s,
        &format!("{case_path}/status"),
        &[
            ("product", "Frobnicator"),
            ("status", "fixed"),
            ("fixed_version", "2.4.1"),
            ("remediation", "Upgrade"),
        ],
    );
    assert_eq!(fixed.status(), StatusCode::SEE_OTHER);
    let page = text(vendor.get(&s, &case_path));
    assert!(page.contains("pstatus-fixed\">Fixed</span>"));
    assert!(page.contains("<td>2.4.1</td>"));
    let refused = vendor.post(&s, &format!("{case_path}/invite"), &[("organization_id", &cisco)]);
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a vendor cannot invite");

    // Outsiders get the 404 page, never a 403, for the page and its forms.
    let outsider = Browser::signed_in(&s, "analyst@oracle.com");
    let hidden = outsider.get(&s, &case_path);
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    assert!(!text(hidden).contains("Frobnicator"));
    assert_eq!(s.get(&case_path).status(), StatusCode::NOT_FOUND, "anonymous");
    assert!(!text(outsider.get(&s, "/cases")).contains("Frobnicator"));
    let post = outsider.post(&s, &format!("{case_path}/status"), &[("product", "X"), ("status", "affected")]);
    assert_eq!(post.status(), StatusCode::NOT_FOUND);
    let post = outsider.post(&s, &format!("{case_path}/publish"), &[]);
    assert_eq!(post.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.get("/cases").status(), StatusCode::SEE_OTHER, "my cases needs signing in");

    // Publishing before the public date without consent or reason is refused with the reason.
    let early = coordinator.post(&s, &format!("{case_path}/publish"), &[("reason", "")]);
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let html = text(early);
    assert!(html.contains("id=\"publish-error\">Refused: the agreed public date is"), "{html}");
    let published =
        coordinator.post(&s, &format!("{case_path}/publish"), &[("reason", "exploited in the wild")]);
    assert_eq!(published.status(), StatusCode::SEE_OTHER);

    // Published: public, without the history and the steps to reproduce.
    let public = s.get(&case_path);
    assert_eq!(public.status(), StatusCode::OK);
    let html = text(public);
    assert!(html.contains("id=\"case-state\">Published</span>"));
    assert!(html.contains("Frobnicator TLV heap overflow") && html.contains("2.4.1"));
    assert!(!html.contains("id=\"history\""));
    assert!(!html.contains("<form method=\"post\" action=\"/cases/"), "no forms for the public");
    let html = text(coordinator.get(&s, &case_path));
    assert!(html.contains("coordinator’s decision with a written reason"));
    assert!(html.contains("exploited in the wild"), "the reason in the history");
}

#[test]
fn case_pages_escape_what_finders_write() {
    let s = demo_server();
    user(&s, "coord@cert.example", "Carla Coordinator", "coordinator", None);
    let visitor = Browser::anonymous(&s);
    let sent = visitor.post(
        &s,
        "/report",
        &[("title", "<script>alert(1)</script>"), ("description", "<img src=x onerror=alert(2)>")],
    );
    assert_eq!(sent.status(), StatusCode::OK);
    let followup = text(s.get(&followup_link(&text(sent))));
    let coordinator = Browser::signed_in(&s, "coord@cert.example");
    let list = text(coordinator.get(&s, "/cases"));
    for html in [&followup, &list] {
        assert!(!html.contains("<script>alert(1)</script>"));
        assert!(!html.contains("<img src=x"));
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"), "{html}");
    }
    let start = list.find("name=\"report_id\" value=\"").unwrap() + "name=\"report_id\" value=\"".len();
    let report = list[start..].split('"').next().unwrap().to_owned();
    let opened = coordinator.post(&s, "/cases", &[("report_id", report.as_str())]);
    let page = text(coordinator.get(&s, &location(&opened)));
    assert!(!page.contains("<script>alert(1)</script>") && !page.contains("<img src=x"));
    assert!(page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"));
}

#[test]
fn the_coordinator_moves_a_case_through_its_states_with_the_forms() {
    let s = demo_server();
    let microsoft = org_id(&s, "microsoft.com");
    user(&s, "coord@cert.example", "Carla Coordinator", "coordinator", None);
    user(&s, "psirt@microsoft.com", "Mia Vendor", "analyst", Some(&microsoft));
    let visitor = Browser::anonymous(&s);
    visitor.post(&s, "/report", &[("title", "Widget auth bypass"), ("description", "Skips the check")]);
    let coordinator = Browser::signed_in(&s, "coord@cert.example");
    let list = text(coordinator.get(&s, "/cases"));
    let start = list.find("name=\"report_id\" value=\"").unwrap() + "name=\"report_id\" value=\"".len();
    let report = list[start..].split('"').next().unwrap().to_owned();
    let case_path = location(&coordinator.post(&s, "/cases", &[("report_id", report.as_str())]));
    let act = |who: &Browser, action: &str, fields: &[(&str, &str)]| {
        who.post(&s, &format!("{case_path}/{action}"), fields).status()
    };
    let state = |who: &Browser| {
        let html = text(who.get(&s, &case_path));
        let start = html.find("id=\"case-state\">").unwrap() + "id=\"case-state\">".len();
        html[start..].split('<').next().unwrap().to_owned()
    };

    // Scheduling needs a vendor first: the model's refusal is shown on the page.
    assert_eq!(act(&coordinator, "schedule", &[]), StatusCode::CONFLICT);
    assert_eq!(act(&coordinator, "invite", &[("organization_id", &microsoft)]), StatusCode::SEE_OTHER);

    // The public date: a reason is required; a later date than the deadline extends the embargo.
    assert_eq!(
        act(&coordinator, "embargo", &[("public_date", "2099-06-30"), ("reason", "")]),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(&coordinator, "embargo", &[("public_date", "30/06/2099"), ("reason", "x")]),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(
            &coordinator,
            "embargo",
            &[("public_date", "2099-06-30"), ("reason", "the fix needs a hardware change")]
        ),
        StatusCode::SEE_OTHER
    );
    let html = text(coordinator.get(&s, &case_path));
    assert!(html.contains("30 June 2099") && html.contains("Embargo extended"));
    assert!(html.contains("value=\"2099-06-30\""), "the date field shows the agreed date");

    assert_eq!(act(&coordinator, "schedule", &[]), StatusCode::SEE_OTHER);
    assert_eq!(state(&coordinator), "Publication scheduled");
    assert_eq!(act(&coordinator, "unschedule", &[]), StatusCode::SEE_OTHER);
    assert_eq!(state(&coordinator), "Coordinating");

    // The vendor consents once; the button goes away.
    let vendor = Browser::signed_in(&s, "psirt@microsoft.com");
    assert_eq!(act(&vendor, "consent", &[]), StatusCode::SEE_OTHER);
    let html = text(vendor.get(&s, &case_path));
    assert!(!html.contains("id=\"form-consent\"") && html.contains("Consented to early publication on"));
    assert_eq!(act(&vendor, "close", &[("close_reason", "invalid")]), StatusCode::FORBIDDEN);

    // Close needs a reason from the list; then reopen.
    assert_eq!(act(&coordinator, "close", &[("close_reason", "")]), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        act(&coordinator, "close", &[("close_reason", "transferred"), ("note", "vendor handles it")]),
        StatusCode::SEE_OTHER
    );
    let html = text(coordinator.get(&s, &case_path));
    assert!(html.contains("id=\"case-state\">Closed</span> (Handled elsewhere)"));
    assert!(html.contains("id=\"form-reopen\"") && !html.contains("id=\"form-invite\""));
    assert_eq!(act(&coordinator, "reopen", &[("note", "new evidence")]), StatusCode::SEE_OTHER);
    assert_eq!(state(&coordinator), "Triaged");
    assert_eq!(act(&coordinator, "no-such-action", &[]), StatusCode::NOT_FOUND);

    // The same page in French.
    let html = text(s.get_with(&case_path, &[("cookie", &coordinator.cookie), ("accept-language", "fr")]));
    assert!(html.contains("id=\"case-state\">Examiné</span>"));
    assert!(html.contains("Historique") && html.contains("Embargo prolongé") && html.contains("Rouvert"));
}

/// A case opened by a coordinator from an anonymous report, with the given vendors invited:
/// the coordinator's browser, the case page's path and the finder's follow-up link.
fn case_with_vendors(s: &TestServer, title: &str, vendors: &[&str]) -> (Browser, String, String) {
    user(s, "coord@cert.example", "Carla Coordinator", "coordinator", None);
    let visitor = Browser::anonymous(s);
    let sent = visitor.post(s, "/report", &[("title", title), ("description", "Details")]);
    let followup = followup_link(&text(sent));
    let coordinator = Browser::signed_in(s, "coord@cert.example");
    let list = text(coordinator.get(s, "/cases"));
    let start = list.find("name=\"report_id\" value=\"").unwrap() + "name=\"report_id\" value=\"".len();
    let report = list[start..].split('"').next().unwrap().to_owned();
    let case_path = location(&coordinator.post(s, "/cases", &[("report_id", report.as_str())]));
    for v in vendors {
        let invited = coordinator.post(s, &format!("{case_path}/invite"), &[("organization_id", v)]);
        assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    }
    (coordinator, case_path, followup)
}

/// The `<section>` of one thread of a page.
fn thread_section<'a>(html: &'a str, key: &str) -> &'a str {
    let start = html.find(&format!("<section class=\"thread\" id=\"thread-{key}\"")).expect("the thread");
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn participants_talk_in_the_case_thread_and_the_private_threads() {
    let s = demo_server();
    let (microsoft, cisco) = (org_id(&s, "microsoft.com"), org_id(&s, "cisco.com"));
    let (coordinator, case_path, followup) =
        case_with_vendors(&s, "Frobnicator TLV heap overflow", &[&microsoft, &cisco]);
    user(&s, "psirt@microsoft.com", "Mia Vendor", "analyst", Some(&microsoft));
    user(&s, "psirt@cisco.com", "Cai Vendor", "analyst", Some(&cisco));
    let mia = Browser::signed_in(&s, "psirt@microsoft.com");
    let cai = Browser::signed_in(&s, "psirt@cisco.com");
    let message = format!("{case_path}/message");

    // A vendor sees the case thread and its own private thread, each with a form.
    let page = text(mia.get(&s, &case_path));
    assert!(page.contains("<h3 id=\"thread-case-heading\">Case thread</h3>"), "{page}");
    assert!(page.contains(&format!(
        "<h3 id=\"thread-{microsoft}-heading\">Private thread with the coordinators</h3>"
    )));
    assert!(
        page.contains("id=\"form-message-case\"")
            && page.contains(&format!("id=\"form-message-{microsoft}\""))
    );
    assert!(!page.contains(&format!("id=\"thread-{cisco}\"")), "not another vendor's thread");

    // Posting: CSRF-checked, then 303 back to the thread.
    let forged = mia.post_raw(&s, &message, &[("thread", "case"), ("body", "Patch next week")]);
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let posted = mia.post(&s, &message, &[("thread", "case"), ("body", "Patch ETA is next week")]);
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&posted), format!("{case_path}#thread-case"));
    let posted = mia.post(&s, &message, &[("thread", &microsoft), ("body", "Our fix touches a private API")]);
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&posted), format!("{case_path}#thread-{microsoft}"));

    // Errors re-render the page with the message on its form and the text kept.
    let empty = mia.post(&s, &message, &[("thread", &microsoft), ("body", "   ")]);
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(empty);
    assert!(html.contains(&format!("id=\"body-{microsoft}-error\">This field is required.</p>")), "{html}");
    assert!(html.contains(&format!("href=\"#form-message-{microsoft}\"")), "the summary links to the form");
    let long = format!("Too long {}", "x".repeat(20_000));
    let refused = mia.post(&s, &message, &[("thread", "case"), ("body", &long)]);
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(refused);
    assert!(html.contains("id=\"body-case-error\">At most 20000 characters.</p>"), "{html}");
    assert!(html.contains(&format!(">{long}</textarea>")), "the text is kept");

    // The other vendor reads the case thread, never Microsoft's private one.
    let page = text(cai.get(&s, &case_path));
    let case_thread = thread_section(&page, "case");
    assert!(case_thread.contains("Patch ETA is next week") && case_thread.contains("Mia Vendor"));
    assert!(!page.contains("Our fix touches a private API"));
    let peek = cai.post(&s, &message, &[("thread", &microsoft), ("body", "let me in")]);
    assert_eq!(peek.status(), StatusCode::NOT_FOUND, "another vendor's thread does not exist for Cisco");

    // The coordinator has one private thread per vendor and answers in Microsoft's.
    let page = text(coordinator.get(&s, &case_path));
    assert!(
        page.contains(&format!("<h3 id=\"thread-{microsoft}-heading\">Private thread with Microsoft</h3>"))
    );
    assert!(page.contains(&format!("<h3 id=\"thread-{cisco}-heading\">Private thread with Cisco")));
    assert!(thread_section(&page, &microsoft).contains("Our fix touches a private API"));
    assert!(thread_section(&page, &cisco).contains("No messages yet."));
    assert!(page.contains("Message posted"), "the history names the messages");
    let answer =
        coordinator.post(&s, &message, &[("thread", &microsoft), ("body", "Understood, keep us posted")]);
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let mine = text(mia.get(&s, &case_path));
    let private = thread_section(&mine, &microsoft);
    assert!(private.contains("Carla Coordinator") && private.contains("Understood, keep us posted"));
    assert!(
        private.find("Our fix touches").unwrap() < private.find("Understood, keep us posted").unwrap(),
        "oldest first"
    );

    // The finder reads the case thread on the follow-up page and answers there.
    let html = text(s.get(&followup));
    assert!(html.contains("Patch ETA is next week"));
    assert!(!html.contains("Our fix touches a private API") && !html.contains("keep us posted"));
    assert!(html.contains(&format!("action=\"{followup}/messages\"")));
    let finder = Browser::anonymous(&s);
    let forged = finder.post_raw(&s, &format!("{followup}/messages"), &[("body", "x")]);
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(forged.headers()["cache-control"], "no-store");
    let empty = finder.post(&s, &format!("{followup}/messages"), &[("body", "")]);
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.headers()["referrer-policy"], "no-referrer");
    assert!(text(empty).contains("id=\"body-case-error\">This field is required.</p>"));
    let answered = finder.post(
        &s,
        &format!("{followup}/messages"),
        &[("body", "It also works over IPv6 <script>alert(3)</script>")],
    );
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&answered), format!("{followup}#thread-case"));
    assert_eq!(answered.headers()["cache-control"], "no-store");
    assert_eq!(answered.headers()["referrer-policy"], "no-referrer");
    let html = text(s.get(&followup));
    assert!(thread_section(&html, "case").contains("<strong>you</strong>"), "the finder's own message");

    // The coordinator sees the finder's answer, escaped.
    let page = text(coordinator.get(&s, &case_path));
    let case_thread = thread_section(&page, "case");
    assert!(case_thread.contains("<strong>the finder</strong>"));
    assert!(case_thread.contains("It also works over IPv6"));
    assert!(!page.contains("<script>alert(3)</script>"));
    assert!(
        case_thread.contains("&#60;script&#62;") || case_thread.contains("&lt;script&gt;"),
        "{case_thread}"
    );

    // The threads in French.
    let html = text(s.get_with(&case_path, &[("cookie", &coordinator.cookie), ("accept-language", "fr")]));
    assert!(html.contains("<h2 id=\"messages\">Échanges</h2>"));
    assert!(html.contains("<h3 id=\"thread-case-heading\">Fil du dossier</h3>"));
    assert!(html.contains(&format!("<h3 id=\"thread-{microsoft}-heading\">Fil privé avec Microsoft</h3>")));
    assert!(html.contains("Message publié") && html.contains("Votre message"));
    let html = text(s.get_with(&followup, &[("accept-language", "fr")]));
    assert!(
        html.contains("<h3 id=\"thread-case-heading\">Fil du dossier</h3>")
            && html.contains("<strong>vous</strong>")
    );
}

#[test]
fn files_go_up_and_down_through_the_case_page() {
    let s = demo_server();
    let (microsoft, oracle) = (org_id(&s, "microsoft.com"), org_id(&s, "oracle.com"));
    let (coordinator, case_path, followup) = case_with_vendors(&s, "Widget auth bypass", &[&microsoft]);
    user(&s, "psirt@microsoft.com", "Mia Vendor", "analyst", Some(&microsoft));
    user(&s, "analyst@oracle.com", "Olli Outsider", "analyst", Some(&oracle));
    let mia = Browser::signed_in(&s, "psirt@microsoft.com");
    let outsider = Browser::signed_in(&s, "analyst@oracle.com");
    let upload = format!("{case_path}/attachments");

    let page = text(mia.get(&s, &case_path));
    assert!(page.contains("id=\"form-attach\"") && page.contains("enctype=\"multipart/form-data\""));
    assert!(page.contains("No files yet."));

    // Without the CSRF token: refused, nothing stored.
    let pdf: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    let forged = mia.upload(&s, &upload, false, ("poc.pdf", "application/pdf", pdf));
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Uploaded: listed with its type and size, and downloads byte for byte.
    let sent = mia.upload(&s, &upload, true, ("poc.pdf", "application/pdf", pdf));
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&sent), format!("{case_path}#attachments"));
    let page = text(coordinator.get(&s, &case_path));
    let start = page.find(&format!("href=\"{upload}/")).expect("a download link") + "href=\"".len();
    let download = page[start..].split('"').next().unwrap().to_owned();
    let row = &page[page.find(&format!("href=\"{download}\"")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">poc.pdf</a>") && row.contains("<td>application/pdf</td>"), "{row}");
    assert!(row.contains(&format!("<td>{} B</td>", pdf.len())), "{row}");
    assert!(page.contains("File attached"), "in the history");
    for who in [&coordinator, &mia] {
        let file = who.get(&s, &download);
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(file.headers()["content-type"], "application/pdf");
        assert!(file.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert!(file.headers()["content-disposition"].to_str().unwrap().contains("poc.pdf"));
        assert_eq!(file.headers()["x-content-type-options"], "nosniff");
        assert_eq!(file.headers()["cache-control"], "no-store");
        assert_eq!(file.bytes().unwrap().as_ref(), pdf);
    }

    // A file whose content is not what it claims is refused on the form.
    let exe: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00";
    let refused = mia.upload(&s, &upload, true, ("invoice.pdf", "application/pdf", exe));
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(refused);
    assert!(
        html.contains("id=\"attach-error\">Only PDF, PNG, JPEG, ZIP and UTF-8 text files are accepted.</p>"),
        "{html}"
    );
    assert!(html.contains("href=\"#form-attach\""), "the error summary");
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let refused = mia.upload(&s, &upload, true, ("shot.pdf", "application/pdf", png));
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(refused).contains("does not match its declared type (application/pdf)."));
    let none = mia.upload(&s, &upload, true, ("", "application/octet-stream", b""));
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(none).contains("id=\"attach-error\">Choose a file.</p>"));
    // A file over the limit (the form's body still fits the route's limit) is refused on the form.
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let refused = mia.upload(&s, &upload, true, ("big.txt", "text/plain", &big));
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(text(refused).contains("id=\"attach-error\">The file is larger than 5 MB.</p>"));
    let html = text(coordinator.get(&s, &case_path));
    assert!(!html.contains("invoice.pdf") && !html.contains("shot.pdf"), "nothing refused is stored");
    assert!(!html.contains("big.txt"));

    // A browser that does not know the file's type declares it generic: the content decides,
    // and the type found in it is what is stored and served.
    let sent = mia.upload(&s, &upload, true, ("screenshot.bin", "application/octet-stream", png));
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let page = text(coordinator.get(&s, &case_path));
    let row = &page[page.find(">screenshot.bin</a>").expect("the generic upload is listed")..];
    assert!(row[..row.find("</tr>").unwrap()].contains("<td>image/png</td>"), "{row}");
    let refused = mia.upload(&s, &upload, true, ("tool.bin", "application/octet-stream", exe));
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(refused)
            .contains("id=\"attach-error\">Only PDF, PNG, JPEG, ZIP and UTF-8 text files are accepted.</p>")
    );

    // Outsiders and anonymous visitors get the 404 page, for the file and the form.
    let hidden = outsider.get(&s, &download);
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    assert!(text(hidden).contains("Page not found"));
    assert_eq!(s.get(&download).status(), StatusCode::NOT_FOUND);
    assert_eq!(
        outsider.upload(&s, &upload, true, ("x.txt", "text/plain", b"hello")).status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(mia.get(&s, &format!("{upload}/not-an-attachment")).status(), StatusCode::NOT_FOUND);

    // The finder lists the report's files and adds one through the follow-up page.
    let html = text(s.get(&followup));
    assert!(html.contains("poc.pdf") && html.contains("id=\"form-attach\""));
    assert!(!html.contains(&format!("href=\"{upload}/")), "no case download links on the follow-up page");
    let finder = Browser::anonymous(&s);
    let log = "2024-05-01 crash at 0xdeadbeef\n".as_bytes();
    let sent = finder.upload(&s, &format!("{followup}/attachments"), true, ("crash.log", "text/plain", log));
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&sent), format!("{followup}#attachments"));
    assert_eq!(sent.headers()["cache-control"], "no-store");
    assert_eq!(sent.headers()["referrer-policy"], "no-referrer");
    let refused =
        finder.upload(&s, &format!("{followup}/attachments"), true, ("a.pdf", "application/pdf", exe));
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.headers()["cache-control"], "no-store");
    assert!(text(refused).contains("id=\"attach-error\""));
    let html = text(coordinator.get(&s, &case_path));
    assert!(html.contains(">crash.log</a>"));

    // The files in French.
    let html = text(s.get_with(&case_path, &[("cookie", &mia.cookie), ("accept-language", "fr")]));
    assert!(
        html.contains("<h2 id=\"attachments-heading\">Fichiers</h2>") && html.contains("Ajouter un fichier")
    );

    // Once published, the public sees neither threads nor files.
    let published = coordinator.post(&s, &format!("{case_path}/publish"), &[("reason", "exploited")]);
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    let public = s.get(&case_path);
    assert_eq!(public.status(), StatusCode::OK);
    let html = text(public);
    assert!(!html.contains("id=\"attachments\"") && !html.contains("poc.pdf"));
    assert!(!html.contains("id=\"messages\"") && !html.contains("class=\"thread\""));
    assert_eq!(s.get(&download).status(), StatusCode::NOT_FOUND, "the files stay with the participants");
    let html = text(mia.get(&s, &case_path));
    assert!(html.contains("poc.pdf") && !html.contains("id=\"form-attach\""), "no uploads once published");
}

/// Refusals of the use cases read in the page's language: the same refusal is English on an
/// English page (and in the JSON API) and French on a French page.
#[test]
fn refusals_read_in_french_on_french_pages() {
    let s = demo_server();
    let microsoft = org_id(&s, "microsoft.com");
    let (coordinator, case_path, _) = case_with_vendors(&s, "Widget auth bypass", &[&microsoft]);
    let post = |lang: &str, action: &str, fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", coordinator.csrf.as_str())];
        all.extend_from_slice(fields);
        s.client
            .post(s.url(&format!("{case_path}/{action}")))
            .form(&all)
            .header("cookie", &coordinator.cookie)
            .header("accept-language", lang)
            .send()
            .unwrap()
    };

    // Publication before the agreed date without every vendor's consent or a reason (409).
    let refused = post("fr", "publish", &[("reason", "")]);
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = text(refused);
    assert!(html.contains("id=\"publish-error\">Refusé : la date publique convenue est le "), "{html}");
    assert!(html.contains("exige l’accord de chaque fournisseur (manquant : "), "{html}");
    assert!(!html.contains("publishing earlier"), "no English on the French page");
    let english = text(post("en", "publish", &[("reason", "")]));
    assert!(english.contains("id=\"publish-error\">Refused: the agreed public date is"), "{english}");

    // A transition the state machine forbids (409), with the state in French.
    let refused = post("fr", "unschedule", &[]);
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = text(refused);
    assert!(
        html.contains(
            "Refusé : L’annulation de la publication programmée n’est pas possible pour un dossier « En coordination »"
        ),
        "{html}"
    );

    // A bad CVSS vector (the field's error, 422) and a bad CVE id.
    let refused = post(
        "fr",
        "scores",
        &[("cvss_v31", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), ("cvss_v40", ""), ("cve_ids", "")],
    );
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(refused);
    assert!(html.contains("id=\"scores-error\">Vecteur refusé : AV : "), "{html}");
    assert!(html.contains("n’est pas une valeur de Attack Vector (N, A, L, P)."), "{html}");
    let english = text(post(
        "en",
        "scores",
        &[("cvss_v31", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), ("cvss_v40", ""), ("cve_ids", "")],
    ));
    assert!(english.contains("is not a value of Attack Vector (N, A, L, P)"), "{english}");
    let refused = post("fr", "scores", &[("cvss_v31", ""), ("cvss_v40", ""), ("cve_ids", "CVE-24-1")]);
    assert!(text(refused).contains("n’est pas un identifiant CVE (CVE-AAAA-NNNN)."));

    // The JSON API keeps its English message.
    let id = case_path.rsplit('/').next().unwrap();
    let token = json(s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"name": "Coordinator two", "role": "coordinator", "email": "c2@cert.example"}),
    ))["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = s.post_json(&format!("/api/v1/cases/{id}/publish"), Some(&token), &json!({}));
    assert_eq!(api.status(), StatusCode::CONFLICT);
    let body = json(api);
    assert!(body["message"].as_str().unwrap().starts_with("the agreed public date is "), "{body}");
}
