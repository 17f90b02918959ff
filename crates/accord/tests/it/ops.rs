use accord_testkit::{StatusCode, json};

use crate::demo_server;

#[test]
fn healthz_and_metrics() {
    let s = demo_server();
    let h = s.get("/healthz");
    assert_eq!(h.status(), StatusCode::OK);
    assert_eq!(json(h)["status"], "ok");
    s.get("/api/v1/signatories");
    s.get("/api/v1/organizations/nope");
    let m = s.get("/metrics");
    assert_eq!(m.status(), StatusCode::OK);
    let text = m.text().unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("accord_http_requests_total{")
            && l.contains("route=\"/api/v1/signatories\"")
            && l.contains("status=\"200\"")),
        "{text}"
    );
    assert!(text.contains("accord_http_request_duration_seconds_bucket"));
    assert!(text.contains("accord_organizations{status=\"signatory\"} 34"), "{text}");
}

#[test]
fn a_request_id_is_kept_or_made() {
    let s = demo_server();
    let given = s.get_with("/healthz", &[("x-request-id", "abc-123")]);
    assert_eq!(given.headers()["x-request-id"], "abc-123");
    let made = s.get("/healthz");
    assert_eq!(made.headers()["x-request-id"].len(), 36);
}
