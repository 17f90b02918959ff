//! `accord taxii pull`: federation from a running Accord and from medallion (the OASIS
//! reference TAXII 2.1 server) into a local store, resuming, and the errors it reports.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::{Value, json};

use crate::{bin, empty_server};

const TAXII: &str = "application/taxii+json;version=2.1";

fn accord(data: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(bin());
    command.args(args).env("ACCORD_DATA", data).env_remove("ACCORD_DATABASE").stdin(Stdio::null());
    for var in ["ACCORD_PULL_TOKEN", "ACCORD_PULL_USER", "ACCORD_PULL_PASSWORD"] {
        command.env_remove(var);
    }
    for (k, v) in envs {
        command.env(k, v);
    }
    command.output().expect("run accord")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The summary line of a pull.
fn summary(o: &Output) -> String {
    stderr(o)
        .lines()
        .find(|l| l.starts_with("Pulled "))
        .unwrap_or_else(|| panic!("no summary: {}", stderr(o)))
        .to_owned()
}

/// A TAXII API root and a collection on a running Accord (TLP:CLEAR by default); its id.
fn collection(s: &TestServer, root: &str) -> String {
    let r = s.post_json(
        "/api/v1/taxii/api-roots",
        Some(ADMIN_TOKEN),
        &json!({"name": root, "title": "Feed root"}),
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    let c = json(s.post_json(
        "/api/v1/taxii/collections",
        Some(ADMIN_TOKEN),
        &json!({"api_root": root, "title": "Feed", "default_tlp": "clear"}),
    ));
    c["id"].as_str().unwrap().to_owned()
}

fn indicator(uuid: &str, modified: &str) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": format!("indicator--{uuid}"),
        "created": "2024-01-01T00:00:00.000Z", "modified": modified,
        "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
    })
}

fn post(s: &TestServer, root: &str, collection: &str, objects: Vec<Value>) {
    let body = serde_json::to_vec(&json!({ "objects": objects })).unwrap();
    let r = s.post_raw(
        &format!("/taxii2/{root}/collections/{collection}/objects/"),
        Some(ADMIN_TOKEN),
        TAXII,
        body,
    );
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_eq!(json(r)["failure_count"], 0);
}

/// Every version in a collection of a running Accord, as `id@modified`, sorted.
fn versions(s: &TestServer, root: &str, collection: &str) -> Vec<String> {
    let body = json(s.get_with(
        &format!("/taxii2/{root}/collections/{collection}/objects/?match[version]=all"),
        &[("accept", TAXII), ("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
    ));
    let mut list: Vec<String> = body["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| format!("{}@{}", o["id"].as_str().unwrap(), o["modified"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    list.sort();
    list
}

#[test]
fn pulls_every_version_from_another_accord_and_resumes() {
    let upstream = empty_server();
    let remote = collection(&upstream, "feed");
    let (a, b, c) = (
        "1f0b5b9c-6c1d-4f0e-9a55-0d5a4b1c2e01",
        "1f0b5b9c-6c1d-4f0e-9a55-0d5a4b1c2e02",
        "1f0b5b9c-6c1d-4f0e-9a55-0d5a4b1c2e03",
    );
    post(
        &upstream,
        "feed",
        &remote,
        vec![
            indicator(a, "2024-01-01T00:00:00.000Z"),
            indicator(a, "2024-02-01T00:00:00.000Z"),
            indicator(b, "2024-01-01T00:00:00.000Z"),
        ],
    );
    post(&upstream, "feed", &remote, vec![indicator(a, "2024-03-01T00:00:00.000Z")]);

    // The local store: a server of its own (for its administrator and to read the result); the
    // pull works on the store beside it.
    let local = empty_server();
    let mirror = collection(&local, "mirror");
    let data = local.data_dir().to_path_buf();
    let url = upstream.url("/taxii2/feed/");
    let pull = |extra: &[&str]| {
        let mut args = vec!["taxii", "pull", url.as_str(), "--collection", &remote, "--into", &mirror];
        args.extend_from_slice(extra);
        accord(&data, &args, &[("ACCORD_PULL_TOKEN", ADMIN_TOKEN)])
    };

    // Pages of two: the four versions arrive through `next`.
    let o = pull(&["--page-size", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        summary(&o).starts_with("Pulled 2 pages, 4 objects received, 4 stored, 0 duplicates, 0 refused"),
        "{}",
        summary(&o)
    );
    let expected = |more: &[String]| {
        let mut v = vec![
            format!("indicator--{a}@2024-01-01T00:00:00.000Z"),
            format!("indicator--{a}@2024-02-01T00:00:00.000Z"),
            format!("indicator--{a}@2024-03-01T00:00:00.000Z"),
            format!("indicator--{b}@2024-01-01T00:00:00.000Z"),
        ];
        v.extend_from_slice(more);
        v.sort();
        v
    };
    assert_eq!(versions(&local, "mirror", &mirror), expected(&[]));

    // Nothing new upstream: nothing new here.
    let o = pull(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(summary(&o).starts_with("Pulled 1 page, 0 objects received, 0 stored"), "{}", summary(&o));

    // Only what was added since comes over.
    post(
        &upstream,
        "feed",
        &remote,
        vec![indicator(c, "2024-01-01T00:00:00.000Z"), indicator(b, "2024-04-01T00:00:00.000Z")],
    );
    let o = pull(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        summary(&o).starts_with("Pulled 1 page, 2 objects received, 2 stored, 0 duplicates"),
        "{}",
        summary(&o)
    );
    assert_eq!(
        versions(&local, "mirror", &mirror),
        expected(&[
            format!("indicator--{b}@2024-04-01T00:00:00.000Z"),
            format!("indicator--{c}@2024-01-01T00:00:00.000Z")
        ])
    );
    // The pull is in the local audit trail, by the operator.
    let audit = accord(&data, &["admin", "audit", "--limit", "1"], &[]);
    assert!(String::from_utf8_lossy(&audit.stdout).contains("operator taxii.objects_pulled"));
}

#[test]
fn pull_errors_say_what_is_wrong() {
    let upstream = empty_server();
    let remote = collection(&upstream, "feed");
    let local = empty_server();
    let mirror = collection(&local, "mirror");
    let data = local.data_dir().to_path_buf();
    let url = upstream.url("/taxii2/feed/");

    let check = |o: Output, wanted: &[&str]| {
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        for w in wanted {
            assert!(stderr(&o).contains(w), "{w:?} not in: {}", stderr(&o));
        }
    };
    let args = |url: &str, into: &str| -> Vec<String> {
        ["taxii", "pull", url, "--collection", &remote, "--into", into].map(String::from).to_vec()
    };
    let run = |a: Vec<String>, envs: &[(&str, &str)]| {
        accord(&data, &a.iter().map(String::as_str).collect::<Vec<_>>(), envs)
    };

    check(
        run(args(&url, &mirror), &[("ACCORD_PULL_TOKEN", "not-the-right-token-at-all")]),
        &["authentication failed", "HTTP 401"],
    );
    check(
        run(
            args(&url, &mirror),
            &[("ACCORD_PULL_USER", "someone"), ("ACCORD_PULL_PASSWORD", "wrong-password-123")],
        ),
        &["authentication failed"],
    );
    let unknown = "0d9e8f7a-6b5c-4d3e-8f1a-0b9c8d7e6f5a";
    check(
        run(args(&url, unknown), &[("ACCORD_PULL_TOKEN", ADMIN_TOKEN)]),
        &["local collection", unknown, "hint:"],
    );
    check(
        run(args(&upstream.url("/taxii2/nowhere/"), &mirror), &[("ACCORD_PULL_TOKEN", ADMIN_TOKEN)]),
        &["HTTP 404"],
    );
    check(run(args("http://user:secret@127.0.0.1:1/x/", &mirror), &[]), &["must not carry credentials"]);

    // Nobody listens on this port any more.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    check(run(args(&format!("http://{closed}/api1/"), &mirror), &[]), &["cannot reach"]);

    // Something that is not a TAXII server, and one that sends broken JSON.
    let html = canned("text/html; charset=utf-8", "<!doctype html><p>hello</p>");
    check(
        run(args(&format!("http://{html}/api1/"), &mirror), &[]),
        &["did not answer with TAXII 2.1 content", "text/html"],
    );
    let broken = canned(TAXII, r#"{"objects": [{"type": "indicator""#);
    let o = run(args(&format!("http://{broken}/api1/"), &mirror), &[]);
    check(o, &["is not a TAXII envelope", &format!("http://{broken}/api1/collections/")]);

    // Nothing was stored by any of these.
    assert_eq!(versions(&local, "mirror", &mirror), Vec::<String>::new());
}

/// A one-request-at-a-time HTTP server on a free loopback port that answers every request
/// with 200 and this body, until the test process ends.
fn canned(content_type: &'static str, body: &'static str) -> std::net::SocketAddr {
    scripted(move |_| (200, vec![("Content-Type", content_type.to_owned())], body.to_owned()))
}

type Answer = (u16, Vec<(&'static str, String)>, String);

/// A one-request-at-a-time HTTP server on a free loopback port whose answer to each request
/// (given its path and query) is `answer`'s, until the test process ends.
fn scripted(answer: impl Fn(&str) -> Answer + Send + 'static) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let target = request_line.split(' ').nth(1).unwrap_or("").to_owned();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let (status, headers, body) = answer(&target);
            let mut stream = reader.into_inner();
            let mut head =
                format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            let _ = write!(stream, "{head}\r\n{body}");
        }
    });
    addr
}

/// A pull that fails half-way keeps the pages it stored, and the next run resumes just before
/// the last stored page's date, so objects added at that same instant are not skipped.
#[test]
fn an_interrupted_pull_resumes_without_skipping() {
    let local = empty_server();
    let mirror = collection(&local, "mirror");
    let data = local.data_dir().to_path_buf();
    let (a, b) = ("2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c01", "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c02");
    let instant = "2024-01-01T00:00:00.000000Z";
    let first_run = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = first_run.clone();
    let upstream = scripted(move |target| {
        let taxii = |last: &str| {
            vec![("Content-Type", TAXII.to_owned()), ("X-TAXII-Date-Added-Last", last.to_owned())]
        };
        let first = flag.load(std::sync::atomic::Ordering::SeqCst);
        if first && !target.contains("next=") {
            let body = json!({"more": true, "next": "page-2", "objects": [indicator(a, "2024-01-01T00:00:00.000Z")]});
            (200, taxii(instant), body.to_string())
        } else if first {
            let error = json!({"title": "Back end unavailable", "http_status": "503"});
            (503, vec![("Content-Type", TAXII.to_owned())], error.to_string())
        } else if target.contains("added_after=2023-12-31T23%3A59%3A59.999999Z") && !target.contains("next=")
        {
            // Both were added at the same instant; `a` again, and `b` that the failed page held.
            let body = json!({"more": false, "objects": [indicator(a, "2024-01-01T00:00:00.000Z"), indicator(b, "2024-01-01T00:00:00.000Z")]});
            (200, taxii(instant), body.to_string())
        } else {
            (
                400,
                vec![("Content-Type", TAXII.to_owned())],
                json!({"title": format!("unexpected {target}")}).to_string(),
            )
        }
    });
    let url = format!("http://{upstream}/api1/");
    let pull = || accord(&data, &["taxii", "pull", &url, "--collection", "c1", "--into", &mirror], &[]);

    let o = pull();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("HTTP 503: Back end unavailable"), "{}", stderr(&o));
    assert_eq!(versions(&local, "mirror", &mirror), [format!("indicator--{a}@2024-01-01T00:00:00.000Z")]);

    first_run.store(false, std::sync::atomic::Ordering::SeqCst);
    let o = pull();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        summary(&o),
        format!(
            "Pulled 1 page, 2 objects received, 1 stored, 1 duplicates, 0 refused; resume point {instant}."
        )
    );
    assert_eq!(versions(&local, "mirror", &mirror).len(), 2);
}

/// medallion on a free loopback port, killed when dropped.
struct Medallion {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

const MEDALLION_USER: &str = "puller";
const MEDALLION_PASSWORD: &str = "medallion-test-password";
const MEDALLION_COLLECTION: &str = "4b1f3c9e-7a52-4d3e-9c61-2f8a0b5d6e71";

impl Medallion {
    fn start(python: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let fixture: PathBuf =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/medallion/data.json");
        let config = dir.path().join("config.json");
        std::fs::write(
            &config,
            json!({
                "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": fixture},
                "users": {MEDALLION_USER: MEDALLION_PASSWORD},
                "taxii": {"max_page_size": 2},
            })
            .to_string(),
        )
        .unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(python)
            .args(["-m", "medallion.scripts.run", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start medallion");
        let mut m = Self { child, base: format!("http://127.0.0.1:{port}"), _dir: dir };
        let client = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let up = client
                .get(format!("{}/taxii2/", m.base))
                .header("accept", TAXII)
                .basic_auth(MEDALLION_USER, Some(MEDALLION_PASSWORD))
                .send()
                .is_ok_and(|r| r.status().is_success());
            if up {
                return m;
            }
            if let Ok(Some(status)) = m.child.try_wait() {
                let mut err = String::new();
                let _ = m.child.stderr.take().map(|mut e| e.read_to_string(&mut err));
                panic!("medallion exited ({status}): {err}");
            }
            assert!(Instant::now() < deadline, "medallion did not answer within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn add(&self, objects: Vec<Value>) {
        let r = reqwest::blocking::Client::new()
            .post(format!("{}/api1/collections/{MEDALLION_COLLECTION}/objects/", self.base))
            .header("accept", TAXII)
            .header("content-type", TAXII)
            .basic_auth(MEDALLION_USER, Some(MEDALLION_PASSWORD))
            .body(json!({ "objects": objects }).to_string())
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().unwrap_or_default());
    }
}

impl Drop for Medallion {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn pulls_from_medallion() {
    let Some(python) = accord_testkit::python_oracles() else { return };
    let upstream = Medallion::start(&python);
    let local = empty_server();
    let mirror = collection(&local, "mirror");
    let data = local.data_dir().to_path_buf();
    let url = format!("{}/api1/", upstream.base);
    let envs = [("ACCORD_PULL_USER", MEDALLION_USER), ("ACCORD_PULL_PASSWORD", MEDALLION_PASSWORD)];
    let pull = || {
        accord(
            &data,
            &["taxii", "pull", &url, "--collection", MEDALLION_COLLECTION, "--into", &mirror],
            &envs,
        )
    };

    // Pages of two (medallion's limit), through `next`; the indicator without a pattern is
    // refused and named, the rest stored: exit code 1.
    let o = pull();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        summary(&o).starts_with("Pulled 3 pages, 5 objects received, 4 stored, 0 duplicates, 1 refused; resume point 2024-03-05T09:00:01.000000Z"),
        "{}",
        summary(&o)
    );
    assert!(
        stderr(&o).contains("refused indicator--d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70: pattern"),
        "{}",
        stderr(&o)
    );
    let indicator_id = "indicator--6a1c2f3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b";
    assert_eq!(
        versions(&local, "mirror", &mirror),
        [
            "identity--f2b7c3d4-5e6f-4a1b-9c2d-3e4f5a6b7c8d@2024-03-04T09:00:00.000Z".to_owned(),
            format!("{indicator_id}@2024-03-01T10:00:00.000Z"),
            format!("{indicator_id}@2024-03-02T08:30:00.000Z"),
            "malware--0c7b5e2a-1d3f-4a6b-8c9d-7e1f2a3b4c5d@2024-03-03T12:00:00.000Z".to_owned(),
        ]
    );

    let o = pull();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(summary(&o).starts_with("Pulled 1 page, 0 objects received, 0 stored"), "{}", summary(&o));

    let mut newer = indicator("7c2d9e1f-3a4b-4c5d-8e6f-0a1b2c3d4e5f", "2024-05-01T00:00:00.000Z");
    newer["created"] = json!("2024-05-01T00:00:00.000Z");
    upstream.add(vec![newer]);
    let o = pull();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        summary(&o).starts_with("Pulled 1 page, 1 objects received, 1 stored, 0 duplicates, 0 refused"),
        "{}",
        summary(&o)
    );
    assert_eq!(versions(&local, "mirror", &mirror).len(), 5);
}
