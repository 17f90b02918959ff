//! Coordinated disclosure through the HTTP API: a three-vendor case from an anonymous report to
//! publication, every participant and outsider, the permission boundaries, forbidden
//! transitions, and the sealed store.

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::{Value, json};

use crate::demo_server;

const DESCRIPTION: &str =
    "Heap overflow in the frobnicator's TLV parser: a 70000-byte length field overruns the buffer";

fn org_id(s: &TestServer, domain: &str) -> String {
    let orgs = json(s.get("/api/v1/organizations"));
    orgs["organizations"].as_array().unwrap().iter().find(|o| o["domain"] == domain).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A user made as the interface says (`name`, `organization_id`, `role`; no e-mail): its token.
fn user(s: &TestServer, name: &str, role: &str, organization: Option<&str>) -> String {
    let mut body = json!({ "name": name, "role": role });
    if let Some(o) = organization {
        body["organization_id"] = json!(o);
    }
    let resp = s.post_json("/api/v1/users", Some(ADMIN_TOKEN), &body);
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created = json(resp);
    assert!(created["id"].is_string());
    created["token"].as_str().unwrap().to_owned()
}

fn send(
    s: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::blocking::Response {
    let mut req = match method {
        "GET" => s.client.get(s.url(path)),
        "POST" => s.client.post(s.url(path)),
        "PUT" => s.client.put(s.url(path)),
        "DELETE" => s.client.delete(s.url(path)),
        _ => unreachable!(),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    req.send().unwrap()
}

fn status(s: &TestServer, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> StatusCode {
    send(s, method, path, token, body).status()
}

fn report(s: &TestServer, vendors: &[&str]) -> (String, String) {
    report_with(s, vendors, DESCRIPTION)
}

fn report_with(s: &TestServer, vendors: &[&str], description: &str) -> (String, String) {
    let resp = send(
        s,
        "POST",
        "/api/v1/reports",
        None,
        Some(json!({
            "title": "Frobnicator TLV heap overflow",
            "description": description,
            "vendors": vendors,
            "products": ["Frobnicator"],
            "versions": "< 2.4.1",
            "impact": "remote code execution",
            "steps_to_reproduce": "send the attached packet",
            "contact": "finder@example.net",
            "credit": "A. Finder",
        })),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
    let r = json(resp);
    (r["id"].as_str().unwrap().to_owned(), r["followup_token"].as_str().unwrap().to_owned())
}

#[test]
fn a_three_vendor_case_from_report_to_publication() {
    let s = demo_server();
    let (ms, cisco, oracle, nokia, fastly) = (
        org_id(&s, "microsoft.com"),
        org_id(&s, "cisco.com"),
        org_id(&s, "oracle.com"),
        org_id(&s, "nokia.com"),
        org_id(&s, "fastly.com"),
    );
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let ms_user = user(&s, "MS analyst", "analyst", Some(&ms));
    let cisco_user = user(&s, "Cisco analyst", "analyst", Some(&cisco));
    let oracle_user = user(&s, "Oracle analyst", "analyst", Some(&oracle));
    let uninvited = user(&s, "Nokia analyst", "analyst", Some(&nokia));
    let other_case_vendor = user(&s, "Fastly analyst", "analyst", Some(&fastly));

    // An anonymous finder reports; the follow-up link shows the report.
    let (report_id, followup) = report(&s, &[&ms, &cisco, &oracle]);
    let seen = json(send(&s, "GET", &format!("/api/v1/followup/{followup}"), None, None));
    assert_eq!(seen["report"]["status"], "received");
    assert_eq!(seen["report"]["description"], DESCRIPTION);
    assert!(seen["case"].is_null());
    assert_eq!(
        status(&s, "GET", "/api/v1/followup/accord_not-a-real-token", None, None),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(&s, "GET", &format!("/api/v1/reports/{report_id}"), Some(&ms_user), None),
        StatusCode::NOT_FOUND
    );

    // Triage: the coordinator opens a case; the embargo runs 90 days from the report.
    let opened =
        send(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id })));
    assert_eq!(opened.status(), StatusCode::CREATED);
    let case = json(opened);
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(case["state"], "triaged");
    let reported: jiff::Timestamp = case["reported_at"].as_str().unwrap().parse().unwrap();
    let until: jiff::Timestamp = case["embargo_until"].as_str().unwrap().parse().unwrap();
    assert_eq!(until.duration_since(reported), jiff::SignedDuration::from_hours(90 * 24));
    assert!(case["local_id"].as_str().unwrap().starts_with("ACCORD-"));
    let path = format!("/api/v1/cases/{id}");
    assert_eq!(
        status(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))),
        StatusCode::CONFLICT,
        "a report becomes one case"
    );

    // A second case with another vendor, to show its vendor sees nothing of the first.
    let (other_report, _) = report_with(&s, &[&fastly], "Cache poisoning through a doubled Host header");
    let other = json(send(
        &s,
        "POST",
        "/api/v1/cases",
        Some(&coordinator),
        Some(json!({ "report_id": other_report })),
    ));
    let other_id = other["id"].as_str().unwrap();
    assert_eq!(
        status(
            &s,
            "POST",
            &format!("/api/v1/cases/{other_id}/vendors"),
            Some(&coordinator),
            Some(json!({ "organization_id": fastly }))
        ),
        StatusCode::CREATED
    );

    // Not invited yet: the vendors do not see the case; the finder's link does.
    assert_eq!(status(&s, "GET", &path, Some(&ms_user), None), StatusCode::NOT_FOUND);
    let seen = json(send(&s, "GET", &format!("/api/v1/followup/{followup}"), None, None));
    assert_eq!(seen["case"]["id"], id.as_str());
    for vendor in [&ms, &cisco, &oracle] {
        let r = send(
            &s,
            "POST",
            &format!("{path}/vendors"),
            Some(&coordinator),
            Some(json!({ "organization_id": vendor })),
        );
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(json(r)["state"], "coordinating");
    }

    // Everyone else gets 404, on every path, whether or not the case exists.
    let missing = "/api/v1/cases/00000000-0000-4000-8000-000000000000";
    for (who, token) in [
        ("uninvited", Some(uninvited.as_str())),
        ("other case's vendor", Some(other_case_vendor.as_str())),
        ("anonymous", None),
    ] {
        for p in [path.clone(), format!("{path}/history"), missing.to_owned()] {
            assert_eq!(status(&s, "GET", &p, token, None), StatusCode::NOT_FOUND, "{who}: GET {p}");
        }
        let statement = json!({ "status": "affected" });
        assert_eq!(
            status(
                &s,
                "PUT",
                &format!("{path}/vendors/{nokia}/products/Frobnicator"),
                token,
                Some(statement.clone())
            ),
            StatusCode::NOT_FOUND,
            "{who}"
        );
        let listed = json(send(&s, "GET", "/api/v1/cases", token, None));
        assert!(!listed.to_string().contains(&id), "{who} lists no trace of the case");
        assert!(!listed.to_string().contains("TLV parser"), "{who}");
    }
    let listed = json(send(&s, "GET", "/api/v1/cases", Some(&other_case_vendor), None));
    let unpublished: Vec<&Value> =
        listed["cases"].as_array().unwrap().iter().filter(|c| c["state"] != "published").collect();
    assert_eq!(unpublished.len(), 1, "the Fastly analyst sees its own case, and published ones");
    assert_eq!(unpublished[0]["id"], other_id);

    // Each vendor states its products; one cannot speak for another.
    let product = |org: &str| format!("{path}/vendors/{org}/products/Frobnicator");
    let r = send(
        &s,
        "PUT",
        &product(&ms),
        Some(&ms_user),
        Some(json!({ "status": "fixed", "fixed_version": "2.4.1", "remediation": "upgrade" })),
    );
    assert_eq!(r.status(), StatusCode::OK);
    let r = send(&s, "PUT", &product(&cisco), Some(&cisco_user), Some(json!({ "status": "not_affected" })));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(r)["field"], "justification");
    let r = send(
        &s,
        "PUT",
        &product(&cisco),
        Some(&cisco_user),
        Some(json!({ "status": "not_affected", "justification": "vulnerable_code_not_present" })),
    );
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        status(&s, "PUT", &product(&oracle), Some(&oracle_user), Some(json!({ "status": "affected" }))),
        StatusCode::OK
    );
    assert_eq!(
        status(&s, "PUT", &product(&ms), Some(&oracle_user), Some(json!({ "status": "affected" }))),
        StatusCode::FORBIDDEN,
        "Oracle cannot speak for Microsoft"
    );
    let case = json(send(&s, "GET", &path, Some(&ms_user), None));
    assert_eq!(case["role"], "vendor");
    assert_eq!(case["vendors"].as_array().unwrap().len(), 3);

    // Scores.
    let r = send(
        &s,
        "PUT",
        &format!("{path}/scores"),
        Some(&coordinator),
        Some(
            json!({ "cvss_v31": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "cve_ids": ["CVE-2026-12345"] }),
        ),
    );
    assert_eq!(r.status(), StatusCode::OK);
    let scored = json(r);
    assert_eq!(scored["scores"][0]["score"], 9.8);
    assert_eq!(scored["scores"][0]["severity"], "critical");
    let r = send(
        &s,
        "PUT",
        &format!("{path}/scores"),
        Some(&coordinator),
        Some(json!({ "cvss_v31": "CVSS:3.1/AV:Q/AC:L" })),
    );
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(r)["field"], "cvss_v31");

    // Publishing before the agreed date needs every vendor's consent or a reason.
    let early = send(&s, "POST", &format!("{path}/publish"), Some(&coordinator), Some(json!({})));
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let message = json(early)["message"].as_str().unwrap().to_owned();
    assert!(message.contains(&ms) && message.contains(&cisco) && message.contains(&oracle), "{message}");
    for (org, token) in [(&ms, &ms_user), (&cisco, &cisco_user)] {
        assert_eq!(
            status(&s, "POST", &format!("{path}/vendors/{org}/consent"), Some(token), None),
            StatusCode::OK
        );
    }
    let still = send(&s, "POST", &format!("{path}/publish"), Some(&coordinator), None);
    assert_eq!(still.status(), StatusCode::CONFLICT);
    let message = json(still)["message"].as_str().unwrap().to_owned();
    assert!(message.contains(&oracle) && !message.contains(&ms), "only Oracle is missing: {message}");
    assert_eq!(status(&s, "POST", &format!("{path}/publish"), Some(&ms_user), None), StatusCode::FORBIDDEN);
    let published = send(
        &s,
        "POST",
        &format!("{path}/publish"),
        Some(&coordinator),
        Some(json!({ "reason": "exploited in the wild; Oracle unreachable" })),
    );
    assert_eq!(published.status(), StatusCode::CREATED);
    let advisory_id = json(published)["advisory_id"].as_str().unwrap().to_owned();
    assert_eq!(advisory_id, case["local_id"].as_str().unwrap());

    // Public now, for everyone; the advisory carries the statements.
    let public = json(send(&s, "GET", &path, None, None));
    assert_eq!((public["state"].as_str(), public["role"].as_str()), (Some("published"), Some("public")));
    assert!(public["steps_to_reproduce"].is_null(), "reproduction steps stay with the participants");
    let doc = json(send(&s, "GET", &format!("/api/v1/advisories/{advisory_id}/document"), None, None));
    let affected = doc["affected"].as_array().unwrap();
    assert_eq!(affected.len(), 3);
    assert!(affected.iter().any(|a| a["status"] == "fixed" && a["fixed_version"] == "2.4.1"));
    assert_eq!(doc["aliases"], json!(["CVE-2026-12345"]));
    assert_eq!(doc["credits"], json!([{ "name": "A. Finder", "type": "FINDER" }]));
    assert_eq!(
        status(&s, "POST", &format!("{path}/publish"), Some(&coordinator), None),
        StatusCode::CONFLICT
    );

    // The history records every step, with the override's reason.
    let history = json(send(&s, "GET", &format!("{path}/history"), Some(&coordinator), None));
    let actions: Vec<&str> =
        history["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in [
        "reported",
        "accepted",
        "vendor_invited",
        "status_set",
        "scores_set",
        "consented_to_publication",
        "published",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let last = history["events"].as_array().unwrap().last().unwrap();
    assert_eq!(last["detail"]["basis"], "coordinator_override");
    assert_eq!(last["detail"]["reason"], "exploited in the wild; Oracle unreachable");
    assert_eq!(
        status(&s, "GET", &format!("{path}/history"), None, None),
        StatusCode::NOT_FOUND,
        "the history is for participants"
    );
}

#[test]
fn forbidden_transitions_and_permission_boundaries() {
    let s = demo_server();
    let ms = org_id(&s, "microsoft.com");
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let analyst = user(&s, "MS analyst", "analyst", Some(&ms));
    let (report_id, _) = report(&s, &[&ms]);

    // Only coordinators triage.
    for token in [Some(analyst.as_str()), None] {
        let st = status(&s, "POST", "/api/v1/cases", token, Some(json!({ "report_id": report_id })));
        assert!(st == StatusCode::FORBIDDEN || st == StatusCode::UNAUTHORIZED, "{st}");
    }
    assert_eq!(status(&s, "GET", "/api/v1/reports", Some(&analyst), None), StatusCode::FORBIDDEN);
    let listed = json(send(&s, "GET", "/api/v1/reports?status=received", Some(&coordinator), None));
    assert_eq!(listed["reports"].as_array().unwrap().len(), 1);

    // A rejected report cannot become a case; a rejection needs a reason.
    let (rejected, _) = report(&s, &[]);
    let r = send(
        &s,
        "POST",
        &format!("/api/v1/reports/{rejected}/rejection"),
        Some(&coordinator),
        Some(json!({})),
    );
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(r)["field"], "reason");
    assert_eq!(
        status(
            &s,
            "POST",
            &format!("/api/v1/reports/{rejected}/rejection"),
            Some(&coordinator),
            Some(json!({ "reason": "not a vulnerability" }))
        ),
        StatusCode::OK
    );
    assert_eq!(
        status(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": rejected }))),
        StatusCode::CONFLICT
    );

    let case =
        json(send(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))));
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    // A duplicate report points at the case.
    let (dup, _) = report(&s, &[]);
    assert_eq!(
        status(
            &s,
            "POST",
            &format!("/api/v1/reports/{dup}/duplicate"),
            Some(&coordinator),
            Some(json!({ "case_id": case["id"] }))
        ),
        StatusCode::OK
    );

    // From triaged: no schedule, no publication before vendors are invited.
    assert_eq!(
        status(&s, "POST", &format!("{path}/schedule"), Some(&coordinator), None),
        StatusCode::CONFLICT
    );
    assert_eq!(
        status(&s, "POST", &format!("{path}/publish"), Some(&coordinator), Some(json!({ "reason": "x" }))),
        StatusCode::CONFLICT
    );
    assert_eq!(
        status(
            &s,
            "POST",
            &format!("{path}/vendors"),
            Some(&analyst),
            Some(json!({ "organization_id": ms }))
        ),
        StatusCode::FORBIDDEN,
        "only coordinators invite"
    );
    assert_eq!(
        status(
            &s,
            "POST",
            &format!("{path}/vendors"),
            Some(&coordinator),
            Some(json!({ "organization_id": ms }))
        ),
        StatusCode::CREATED
    );
    assert_eq!(
        status(
            &s,
            "POST",
            &format!("{path}/vendors"),
            Some(&coordinator),
            Some(json!({ "organization_id": ms }))
        ),
        StatusCode::CONFLICT,
        "invited once"
    );

    // Embargo: shortening needs every vendor's consent; extending needs a reason, and is recorded.
    let until: jiff::Timestamp = case["embargo_until"].as_str().unwrap().parse().unwrap();
    let earlier = until.checked_sub(jiff::SignedDuration::from_hours(24 * 30)).unwrap();
    let later = until.checked_add(jiff::SignedDuration::from_hours(24 * 30)).unwrap();
    assert_eq!(
        status(
            &s,
            "PUT",
            &format!("{path}/embargo"),
            Some(&coordinator),
            Some(json!({ "public_date": earlier, "reason": "vendor ready" }))
        ),
        StatusCode::CONFLICT
    );
    let r = send(
        &s,
        "PUT",
        &format!("{path}/embargo"),
        Some(&coordinator),
        Some(json!({ "public_date": later, "reason": "" })),
    );
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("reason")));
    let r = send(
        &s,
        "PUT",
        &format!("{path}/embargo"),
        Some(&coordinator),
        Some(json!({ "public_date": later, "reason": "fix needs a hardware respin" })),
    );
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r)["embargo_until"], json!(later));
    assert_eq!(
        status(
            &s,
            "PUT",
            &format!("{path}/embargo"),
            Some(&analyst),
            Some(json!({ "public_date": later, "reason": "x" }))
        ),
        StatusCode::FORBIDDEN
    );

    // Schedule, unschedule, close, reopen; a vendor may do none of it.
    for (method, action) in [("POST", "schedule"), ("DELETE", "schedule")] {
        assert_eq!(
            status(&s, method, &format!("{path}/{action}"), Some(&analyst), None),
            StatusCode::FORBIDDEN
        );
        assert_eq!(status(&s, method, &format!("{path}/{action}"), Some(&coordinator), None), StatusCode::OK);
    }
    let r =
        send(&s, "POST", &format!("{path}/close"), Some(&coordinator), Some(json!({ "reason": "resolved" })));
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("reason")));
    let closed = json(send(
        &s,
        "POST",
        &format!("{path}/close"),
        Some(&coordinator),
        Some(json!({ "reason": "transferred", "note": "vendor's own PSIRT" })),
    ));
    assert_eq!(
        (closed["state"].as_str(), closed["close_reason"].as_str()),
        (Some("closed"), Some("transferred"))
    );
    assert_eq!(
        status(&s, "POST", &format!("{path}/publish"), Some(&coordinator), Some(json!({ "reason": "x" }))),
        StatusCode::CONFLICT
    );
    assert_eq!(
        status(
            &s,
            "PUT",
            &format!("{path}/vendors/{ms}/products/Frobnicator"),
            Some(&analyst),
            Some(json!({ "status": "affected" }))
        ),
        StatusCode::CONFLICT,
        "statements are frozen in a closed case"
    );
    let reopened = json(send(&s, "POST", &format!("{path}/reopen"), Some(&coordinator), Some(json!({}))));
    assert_eq!(reopened["state"], "triaged");
}

#[test]
fn the_store_file_alone_does_not_reveal_embargoed_text() {
    let s = demo_server();
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let (report_id, _) = report(&s, &[]);
    assert_eq!(
        status(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))),
        StatusCode::CREATED
    );
    let data = s.data_dir().to_path_buf();
    let mut scanned = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.contains(".db") || name.ends_with("-wal") {
            let bytes = std::fs::read(&path).unwrap();
            scanned += bytes.len();
            let text = String::from_utf8_lossy(&bytes);
            for secret in ["TLV parser", "Frobnicator TLV", "finder@example.net", "send the attached packet"]
            {
                assert!(!text.contains(secret), "{secret:?} in clear in {name}");
            }
        }
    }
    assert!(scanned > 0, "the store files were found in {}", data.display());
    // The key lives in its own file, readable by its owner only.
    let key = data.join("case-sealing.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn threads_reach_their_participants_only() {
    let s = demo_server();
    let (ms, cisco, nokia) = (org_id(&s, "microsoft.com"), org_id(&s, "cisco.com"), org_id(&s, "nokia.com"));
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let ms_user = user(&s, "MS analyst", "analyst", Some(&ms));
    let cisco_user = user(&s, "Cisco analyst", "analyst", Some(&cisco));
    let outsider = user(&s, "Nokia analyst", "analyst", Some(&nokia));
    let (report_id, followup) = report(&s, &[&ms, &cisco]);
    assert_eq!(
        status(&s, "GET", &format!("/api/v1/followup/{followup}/messages"), None, None),
        StatusCode::CONFLICT,
        "no thread before there is a case"
    );
    let case =
        json(send(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))));
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    for org in [&ms, &cisco] {
        send(
            &s,
            "POST",
            &format!("{path}/vendors"),
            Some(&coordinator),
            Some(json!({ "organization_id": org })),
        );
    }
    let post = |token: Option<&str>, thread: &str, body: &str| {
        send(&s, "POST", &format!("{path}/messages"), token, Some(json!({ "thread": thread, "body": body })))
            .status()
    };
    assert_eq!(post(Some(&coordinator), "case", "Welcome, everyone."), StatusCode::CREATED);
    assert_eq!(post(Some(&ms_user), &ms, "Microsoft only: our fix lands in May."), StatusCode::CREATED);
    assert_eq!(
        post(Some(&cisco_user), &ms, "sneaking in"),
        StatusCode::NOT_FOUND,
        "another vendor's private thread"
    );
    assert_eq!(post(Some(&outsider), "case", "hello?"), StatusCode::NOT_FOUND);
    assert_eq!(post(None, "case", "hello?"), StatusCode::NOT_FOUND);
    // The finder answers through the link.
    let r = send(
        &s,
        "POST",
        &format!("/api/v1/followup/{followup}/messages"),
        None,
        Some(json!({ "body": "Thanks; PoC attached." })),
    );
    assert_eq!(r.status(), StatusCode::CREATED);

    let read = |token: Option<&str>, thread: &str| -> (StatusCode, Vec<String>) {
        let r = send(&s, "GET", &format!("{path}/messages?thread={thread}"), token, None);
        let st = r.status();
        let bodies = if st == StatusCode::OK {
            json(r)["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["body"].as_str().unwrap().to_owned())
                .collect()
        } else {
            vec![]
        };
        (st, bodies)
    };
    let everyone = vec!["Welcome, everyone.".to_owned(), "Thanks; PoC attached.".to_owned()];
    assert_eq!(read(Some(&cisco_user), "case"), (StatusCode::OK, everyone.clone()));
    assert_eq!(
        read(Some(&coordinator), &ms),
        (StatusCode::OK, vec!["Microsoft only: our fix lands in May.".to_owned()])
    );
    assert_eq!(read(Some(&ms_user), &ms).1.len(), 1);
    assert_eq!(read(Some(&cisco_user), &ms).0, StatusCode::NOT_FOUND);
    assert_eq!(read(Some(&outsider), "case").0, StatusCode::NOT_FOUND);
    let finder = json(send(&s, "GET", &format!("/api/v1/followup/{followup}/messages"), None, None));
    let bodies: Vec<&str> =
        finder["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(
        bodies,
        ["Welcome, everyone.", "Thanks; PoC attached."],
        "the finder reads the case thread, not the vendors'"
    );
}

#[test]
fn the_demo_has_a_published_case_and_an_embargoed_one() {
    let s = demo_server();
    let public = json(send(&s, "GET", "/api/v1/cases", None, None));
    let listed = public["cases"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "anonymous visitors see the published case only");
    let published = &listed[0];
    assert_eq!(published["state"], "published");
    assert_eq!(published["publication_basis"], "agreed_date_reached");
    assert_eq!(published["vendors"].as_array().unwrap().len(), 3);
    let advisory = published["local_id"].as_str().unwrap();
    let doc = json(send(&s, "GET", &format!("/api/v1/advisories/{advisory}/document"), None, None));
    assert_eq!(doc["affected"].as_array().unwrap().len(), 3);

    let all = json(send(&s, "GET", "/api/v1/cases", Some(ADMIN_TOKEN), None));
    let states: Vec<&str> =
        all["cases"].as_array().unwrap().iter().map(|c| c["state"].as_str().unwrap()).collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&"coordinating"), "{states:?}");
    let cisco = user(&s, "Cisco analyst", "analyst", Some(&org_id(&s, "cisco.com")));
    assert_eq!(
        json(send(&s, "GET", "/api/v1/cases", Some(&cisco), None))["cases"].as_array().unwrap().len(),
        2
    );
    let nokia = user(&s, "Nokia analyst", "analyst", Some(&org_id(&s, "nokia.com")));
    assert_eq!(
        json(send(&s, "GET", "/api/v1/cases", Some(&nokia), None))["cases"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn vendors_outside_the_accord_are_invited_by_their_contact() {
    let s = demo_server();
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let (report_id, _) = report(&s, &[]);
    let case =
        json(send(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))));
    let path = format!("/api/v1/cases/{}/vendors", case["id"].as_str().unwrap());
    let r = send(
        &s,
        "POST",
        &path,
        Some(&coordinator),
        Some(
            json!({ "name": "Widgets Ltd", "domain": "widgets.example", "contact": "security@widgets.example" }),
        ),
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    let vendors = json(r)["vendors"].clone();
    assert_eq!(vendors[0]["name"], "Widgets Ltd");
    let orgs = json(s.get("/api/v1/organizations?status=not_invited"));
    let added =
        orgs["organizations"].as_array().unwrap().iter().find(|o| o["domain"] == "widgets.example").unwrap();
    assert_eq!(added["security_contact"], "security@widgets.example");
    let r = send(
        &s,
        "POST",
        &path,
        Some(&coordinator),
        Some(json!({ "name": "Widgets Ltd", "domain": "widgets.example" })),
    );
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(r)["field"], "organization_id");
    let r = send(
        &s,
        "POST",
        &path,
        Some(&coordinator),
        Some(json!({ "name": "X", "domain": "x.example", "contact": "not a contact" })),
    );
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("security_contact")));
}

#[test]
fn attachments_are_checked_sealed_and_kept_from_outsiders() {
    let s = demo_server();
    let ms = org_id(&s, "microsoft.com");
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let ms_user = user(&s, "MS analyst", "analyst", Some(&ms));
    let outsider = user(&s, "Nokia analyst", "analyst", Some(&org_id(&s, "nokia.com")));
    let (report_id, followup) = report(&s, &[&ms]);
    let upload = |path: &str, token: Option<&str>, content_type: &str, bytes: &[u8]| {
        let mut req = s.client.post(s.url(path)).header("content-type", content_type).body(bytes.to_vec());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().unwrap()
    };
    let poc = b"#!/usr/bin/env python3\nprint('frobnicator proof of concept 7Q2')\n";
    // The finder attaches through the link before triage.
    let r =
        upload(&format!("/api/v1/followup/{followup}/attachments?filename=poc.py"), None, "text/plain", poc);
    assert_eq!(r.status(), StatusCode::CREATED);
    let attached = json(r);
    let file_id = attached["id"].as_str().unwrap();
    let back = send(&s, "GET", &format!("/api/v1/followup/{followup}/attachments/{file_id}"), None, None);
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(back.headers()["referrer-policy"], "no-referrer");
    assert_eq!(back.bytes().unwrap().as_ref(), poc, "the finder downloads their own file");
    let wrong = format!("/api/v1/followup/accord_not-a-real-token/attachments/{file_id}");
    assert_eq!(status(&s, "GET", &wrong, None, None), StatusCode::NOT_FOUND);
    let r = upload(
        &format!("/api/v1/followup/{followup}/attachments?filename=x.pdf"),
        None,
        "application/pdf",
        b"MZ\x90\x00binary",
    );
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("file")));
    let r =
        upload(&format!("/api/v1/followup/{followup}/attachments?filename=../x"), None, "text/plain", b"x");
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("filename")));
    // Over the limit: answered 413 from the declared length alone, before any byte is read (a
    // client that kept sending would race the early answer, so this one sends only headers).
    {
        use std::io::{Read, Write};
        let addr = s.base.trim_start_matches("http://").to_owned();
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
        conn.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        write!(
            conn,
            "POST /api/v1/followup/{followup}/attachments?filename=big.txt HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
            5 * 1024 * 1024 + 2048
        )
        .unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&answer).contains("payload_too_large") {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 413"));
    }

    let case =
        json(send(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))));
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    send(&s, "POST", &format!("{path}/vendors"), Some(&coordinator), Some(json!({ "organization_id": ms })));
    let listed = json(send(&s, "GET", &format!("{path}/attachments"), Some(&ms_user), None));
    assert_eq!(listed["attachments"][0]["name"], "poc.py");
    let file = format!("{path}/attachments/{}", attached["id"].as_str().unwrap());
    let got = send(&s, "GET", &file, Some(&ms_user), None);
    assert_eq!(got.status(), StatusCode::OK);
    assert!(got.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(got.headers()["cache-control"], "no-store");
    assert_eq!(got.bytes().unwrap().as_ref(), poc);
    for token in [Some(outsider.as_str()), None] {
        assert_eq!(status(&s, "GET", &file, token, None), StatusCode::NOT_FOUND);
        assert_eq!(status(&s, "GET", &format!("{path}/attachments"), token, None), StatusCode::NOT_FOUND);
    }
    // A vendor attaches too; the store never holds the file in clear.
    let r = upload(
        &format!("{path}/attachments?filename=patch.txt"),
        Some(&ms_user),
        "text/plain",
        b"patch for 7Q2 overflow",
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    for entry in std::fs::read_dir(s.data_dir()).unwrap() {
        let p = entry.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("proof of concept 7Q2") && !text.contains("poc.py"),
            "in clear in {}",
            p.display()
        );
    }
}

#[test]
fn the_advisory_carries_credits_and_references() {
    let s = demo_server();
    let ms = org_id(&s, "microsoft.com");
    let coordinator = user(&s, "Coordinator", "coordinator", None);
    let (report_id, _) = report(&s, &[&ms]);
    let case =
        json(send(&s, "POST", "/api/v1/cases", Some(&coordinator), Some(json!({ "report_id": report_id }))));
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    send(&s, "POST", &format!("{path}/vendors"), Some(&coordinator), Some(json!({ "organization_id": ms })));
    let put = |body: Value| send(&s, "PUT", &format!("{path}/advisory"), Some(&coordinator), Some(body));
    let r = put(json!({ "credits": [{ "name": "B. Fixer", "type": "fixer" }] }));
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("credits")));
    let r = put(json!({ "references": [{ "url": "javascript:alert(1)" }] }));
    assert_eq!((r.status(), json(r)["field"].clone()), (StatusCode::BAD_REQUEST, json!("references")));
    let r = put(json!({
        "credits": [{ "name": "B. Fixer", "type": "remediation_developer" }],
        "references": [{ "url": "https://vendor.example/security/ADV-1", "type": "ADVISORY" }, { "url": "https://vendor.example/fix" }]
    }));
    assert_eq!(r.status(), StatusCode::OK);
    let updated = json(r);
    assert_eq!(updated["credits"][0]["type"], "REMEDIATION_DEVELOPER");
    assert_eq!(updated["references"][1]["type"], "WEB");
    let published = json(send(
        &s,
        "POST",
        &format!("{path}/publish"),
        Some(&coordinator),
        Some(json!({ "reason": "vendor fixed early" })),
    ));
    let doc = json(send(
        &s,
        "GET",
        &format!("/api/v1/advisories/{}/document", published["advisory_id"].as_str().unwrap()),
        None,
        None,
    ));
    assert_eq!(
        doc["credits"],
        json!([{ "name": "A. Finder", "type": "FINDER" }, { "name": "B. Fixer", "type": "REMEDIATION_DEVELOPER" }])
    );
    assert_eq!(doc["references"][0]["url"], "https://vendor.example/security/ADV-1");
    assert_eq!(put(json!({})).status(), StatusCode::CONFLICT, "a published advisory is final");
}
