//! `accord hunt` end to end: small indicator bundles and log files written here, matched lines
//! checked exactly (token exactness, CIDR, hashes, substrings, validity), every log format,
//! standard input, a file larger than one chunk, errors naming file and line with exit code 2,
//! and a differential test: on generated events and patterns the hunt's verdicts equal those
//! of the `accord-pattern` evaluator, so the fast paths never change an answer.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::bin;

fn indicator(n: u32, pattern: &str, extra: Value) -> Value {
    let mut v = json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
        "name": format!("ioc {n}"), "pattern_type": "stix", "pattern": pattern,
        "valid_from": "2024-01-01T00:00:00Z",
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn bundle(dir: &Path, name: &str, indicators: &[Value]) -> String {
    let path = dir.join(name);
    let doc = json!({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": indicators});
    std::fs::write(&path, doc.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn hunt(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(bin())
        .arg("hunt")
        .args(args)
        .current_dir(dir)
        .env_remove("ACCORD_HUNT_TOKEN")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run accord");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (indicator number, file name, line, value) of the JSON lines output.
fn hits(out: &Output) -> Vec<(u32, String, u64, String)> {
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            let id = v["indicator"].as_str().unwrap();
            let n = id.rsplit('-').next().unwrap().parse().unwrap();
            let file = v["file"].as_str().unwrap();
            let file =
                Path::new(file).file_name().map_or(file.to_owned(), |f| f.to_string_lossy().into_owned());
            (n, file, v["line"].as_u64().unwrap(), v["value"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn h(n: u32, file: &str, line: u64, value: &str) -> (u32, String, u64, String) {
    (n, file.to_owned(), line, value.to_owned())
}

const SHA256: &str = "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f";

fn standard(dir: &Path) -> String {
    bundle(
        dir,
        "iocs.json",
        &[
            indicator(1, "[ipv4-addr:value = '10.0.0.1']", json!({})),
            indicator(2, "[domain-name:value = 'evil.com']", json!({})),
            indicator(3, &format!("[file:hashes.'SHA-256' = '{}']", SHA256.to_uppercase()), json!({})),
            indicator(4, "[ipv4-addr:value ISSUBSET '192.168.0.0/16']", json!({})),
            indicator(5, "[url:value LIKE '%/wp-login.php%']", json!({})),
            indicator(6, "[email-addr:value = 'mallory@evil.com']", json!({})),
            indicator(7, "[ipv4-addr:value = '10.9.9.9']", json!({"revoked": true})),
            indicator(8, "[ipv4-addr:value = '10.8.8.8']", json!({"valid_until": "2024-02-01T00:00:00Z"})),
            indicator(9, "[ipv4-addr:value = '10.7.7.7']", json!({"valid_from": "2999-01-01T00:00:00Z"})),
            indicator(10, "[ipv6-addr:value ISSUBSET '2001:db8::/32']", json!({})),
        ],
    )
}

#[test]
fn text_logs_match_whole_tokens_only() {
    let dir = tempfile::tempdir().unwrap();
    let iocs = standard(dir.path());
    let log = [
        "connection from 110.0.0.12 to 10.0.0.12 ok",
        "connection from 10.0.0.1:4431 refused",
        "lookup notevil.com and evil.com.au and sub.evil.com",
        "lookup EVIL.COM.",
        &format!("file {SHA256}0 dropped"),
        &format!("file {} dropped", SHA256.to_uppercase()),
        "lan 192.168.10.20 and 192.169.0.1",
        "GET http://site.test/blog/wp-login.php?x=1 from 2001:db8::7",
        "mail from mallory@evil.com to bob@good.test",
        "revoked 10.9.9.9 expired 10.8.8.8 future 10.7.7.7",
    ]
    .join("\n");
    std::fs::write(dir.path().join("app.log"), log).unwrap();
    let out = hunt(dir.path(), &["--indicators", &iocs, "--output", "json", "app.log"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        hits(&out),
        [
            h(1, "app.log", 2, "10.0.0.1"),
            h(2, "app.log", 4, "evil.com"),
            h(3, "app.log", 6, SHA256),
            h(4, "app.log", 7, "192.168.10.20"),
            h(5, "app.log", 8, "http://site.test/blog/wp-login.php?x=1"),
            h(10, "app.log", 8, "2001:db8::7"),
            h(6, "app.log", 9, "mallory@evil.com"),
        ]
    );
    // the table names the place, value and indicator
    let out = hunt(dir.path(), &["--indicators", &iocs, "app.log"], None);
    assert_eq!(out.status.code(), Some(1));
    let table = text(&out.stdout);
    let first = table.lines().next().unwrap();
    assert!(
        first.starts_with("app.log:2 ") && first.contains("10.0.0.1") && first.contains("ioc 1"),
        "{table}"
    );
    assert!(text(&out.stderr).contains("7 matches"), "{}", text(&out.stderr));
}

#[test]
fn nothing_matched_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let iocs = standard(dir.path());
    std::fs::write(dir.path().join("quiet.log"), "all is well on 10.0.0.2\n").unwrap();
    let out = hunt(dir.path(), &["--indicators", &iocs, "quiet.log"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

#[test]
fn json_lines_csv_syslog_access_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let iocs = bundle(
        d,
        "iocs.json",
        &[
            indicator(1, "[ipv4-addr:value = '10.0.0.1']", json!({})),
            indicator(2, "[domain-name:value = 'evil.com']", json!({})),
            indicator(3, "[network-traffic:dst_port = 4444]", json!({})),
            indicator(4, "[user-account:account_login = 'mallory']", json!({})),
            indicator(
                5,
                "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' LIKE 'sqlmap%']",
                json!({}),
            ),
            indicator(
                6,
                "[file:name = 'evil.exe' AND file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
                json!({}),
            ),
        ],
    );
    std::fs::write(
        d.join("events.jsonl"),
        [
            r#"{"@timestamp":"2024-05-01T10:00:00Z","source":{"ip":"10.0.0.2"},"destination":{"ip":"10.0.0.1","port":4444}}"#,
            r#"{"@timestamp":"2024-05-01T10:00:01Z","dns.question.name":"evil.com","user":{"name":"alice"}}"#,
            r#"{"srcaddr":"10.0.0.1","who":"mallory"}"#,
            r#"{"file":{"name":"evil.exe","hash":{"md5":"D41D8CD98F00B204E9800998ECF8427E"}}}"#,
            r#"{"file":{"name":"good.exe","hash":{"md5":"d41d8cd98f00b204e9800998ecf8427e"}}}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "events.jsonl"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        hits(&out),
        [
            h(1, "events.jsonl", 1, "10.0.0.1"),
            h(3, "events.jsonl", 1, "4444"),
            h(2, "events.jsonl", 2, "evil.com"),
            h(6, "events.jsonl", 4, "evil.exe"),
        ]
    );
    let times: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["time"].clone())
        .collect();
    assert_eq!(times[0], "2024-05-01T10:00:00Z");
    // a mapping file adds other field names (TOML here)
    std::fs::write(
        d.join("map.toml"),
        "srcaddr = \"ipv4-addr:value\"\nwho = \"user-account:account_login\"\n",
    )
    .unwrap();
    let out =
        hunt(d, &["--indicators", &iocs, "--mapping", "map.toml", "--output", "json", "events.jsonl"], None);
    let lines3: Vec<u32> = hits(&out).into_iter().filter(|x| x.2 == 3).map(|x| x.0).collect();
    assert_eq!(lines3, [1, 4]);

    std::fs::write(
        d.join("flows.csv"),
        "@timestamp,source.ip,destination.port,note\n2024-05-01T00:00:00Z,10.0.0.1,80,\"a, \"\"quoted\"\"\nnote\"\n2024-05-01T00:00:01Z,10.0.0.3,4444,x\n",
    )
    .unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "flows.csv"], None);
    assert_eq!(hits(&out), [h(1, "flows.csv", 2, "10.0.0.1"), h(3, "flows.csv", 4, "4444")]);

    std::fs::write(
        d.join("messages"),
        "<34>Oct 11 22:14:15 host sshd[42]: Failed password for root from 10.0.0.1 port 22\nOct 11 22:14:16 host named: query evil.com IN A\n",
    )
    .unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "messages"], None);
    assert_eq!(hits(&out), [h(1, "messages", 1, "10.0.0.1"), h(2, "messages", 2, "evil.com")]);

    let access = concat!(
        "10.0.0.1 - - [10/Oct/2024:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n",
        "10.0.0.5 - - [10/Oct/2024:13:55:37 +0000] \"GET /?q=1 HTTP/1.1\" 200 5 \"http://evil.com/x\" \"sqlmap/1.7\"\n",
        "110.0.0.1 - - [10/Oct/2024:13:55:38 +0000] \"GET /evil.com.html HTTP/1.1\" 404 5 \"-\" \"Mozilla sqlmap\"\n",
    );
    std::fs::write(d.join("access.log"), access).unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "access.log"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        hits(&out),
        [
            h(1, "access.log", 1, "10.0.0.1"),
            h(2, "access.log", 2, "evil.com"),
            h(5, "access.log", 2, "sqlmap/1.7")
        ]
    );
    let json = hits(&out);
    let out = hunt(
        d,
        &["--indicators", &iocs, "--output", "json", "--format", "access", "-"],
        Some(access.as_bytes()),
    );
    let from_stdin: Vec<_> =
        hits(&out).into_iter().map(|(n, _, l, v)| (n, "access.log".to_owned(), l, v)).collect();
    assert_eq!(from_stdin, json);
}

#[test]
fn multi_observation_patterns_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let iocs = bundle(
        d,
        "iocs.json",
        &[
            indicator(
                1,
                "([ipv4-addr:value = '10.0.0.1'] FOLLOWEDBY [domain-name:value = 'evil.com']) WITHIN 60 SECONDS",
                json!({}),
            ),
            indicator(2, "[ipv4-addr:value = '10.0.0.9'] REPEATS 3 TIMES", json!({})),
        ],
    );
    let line = |t: &str, ip: &str, domain: &str| {
        json!({"@timestamp": t, "source.ip": ip, "dns.question.name": domain}).to_string()
    };
    let log = [
        line("2024-05-01T10:00:00Z", "10.0.0.1", "good.com"),
        line("2024-05-01T10:00:30Z", "10.0.0.9", "evil.com"),
        line("2024-05-01T10:05:00Z", "10.0.0.9", "good.com"),
    ]
    .join("\n");
    std::fs::write(d.join("a.jsonl"), &log).unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "a.jsonl"], None);
    assert_eq!(hits(&out), [h(1, "a.jsonl", 1, "10.0.0.1"), h(1, "a.jsonl", 2, "evil.com")]);
    std::fs::write(
        d.join("b.jsonl"),
        format!("{log}\n{}", line("2024-05-01T10:06:00Z", "10.0.0.9", "x.com")),
    )
    .unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "b.jsonl"], None);
    let repeats: Vec<u64> = hits(&out).into_iter().filter(|x| x.0 == 2).map(|x| x.2).collect();
    assert_eq!(repeats, [2, 3, 4]);
    // too far apart: no match
    let late = [
        line("2024-05-01T10:00:00Z", "10.0.0.1", "a.com"),
        line("2024-05-01T10:02:00Z", "1.1.1.1", "evil.com"),
    ];
    std::fs::write(d.join("c.jsonl"), late.join("\n")).unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "c.jsonl"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn large_files_keep_line_numbers_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let iocs = bundle(d, "iocs.json", &[indicator(1, "[ipv4-addr:value = '10.0.0.1']", json!({}))]);
    let planted: BTreeSet<u64> = [1, 77_777, 123_456, 150_001, 199_999, 200_000].into();
    let mut log = String::new();
    for n in 1..=200_000u64 {
        if planted.contains(&n) {
            log.push_str("GET from 10.0.0.1 with a padding of some more words to make lines longer\n");
        } else {
            log.push_str(&format!(
                "GET from 10.{}.{}.1 with a padding of some more words to make lines longer\n",
                n % 200 + 1,
                n % 250
            ));
        }
    }
    assert!(log.len() > 3 * (4 << 20), "more than three chunks");
    std::fs::write(d.join("big.log"), &log).unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "big.log"], None);
    let lines: BTreeSet<u64> = hits(&out).into_iter().map(|x| x.2).collect();
    assert_eq!(lines, planted);
    // the same through standard input
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "--format", "text"], Some(log.as_bytes()));
    let lines: BTreeSet<u64> = hits(&out).into_iter().map(|x| x.2).collect();
    assert_eq!(lines, planted);
}

#[test]
fn errors_name_file_and_line_and_the_rest_is_hunted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let iocs = standard(d);
    std::fs::write(
        d.join("bad.jsonl"),
        "{\"source.ip\": \"10.0.0.1\"}\n{\"source.ip\": \"10.0.0.2\"}\n{broken\n",
    )
    .unwrap();
    std::fs::write(d.join("good.log"), "from 10.0.0.1\n").unwrap();
    let out =
        hunt(d, &["--indicators", &iocs, "--output", "json", "bad.jsonl", "missing.log", "good.log"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(hits(&out), [h(1, "bad.jsonl", 1, "10.0.0.1"), h(1, "good.log", 1, "10.0.0.1")]);
    let err = text(&out.stderr);
    assert!(err.contains("error: bad.jsonl:3: not JSON"), "{err}");
    assert!(err.contains("error: missing.log: cannot read"), "{err}");

    // a bad indicator file is named with its line; a bad pattern is a warning
    std::fs::write(d.join("broken.json"), "{\"type\": \"bundle\",\n \"objects\": [\n}").unwrap();
    let with_bad_pattern = bundle(
        d,
        "patterns.json",
        &[
            indicator(1, "[ipv4-addr:value = '10.0.0.1']", json!({})),
            indicator(2, "[ipv4-addr:value = ", json!({})),
        ],
    );
    let out = hunt(d, &["--indicators", &format!("broken.json,{with_bad_pattern}"), "good.log"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("error: broken.json:3: not JSON"), "{err}");
    assert!(
        err.contains("warning: indicator indicator--00000000-0000-4000-8000-000000000002: bad pattern"),
        "{err}"
    );
    assert!(text(&out.stdout).contains("good.log:1"));
    let out = hunt(d, &["--indicators", &with_bad_pattern, "good.log"], None);
    assert_eq!(out.status.code(), Some(1), "a bad pattern alone is not an error");
    // no indicators at all is a usage error
    let out = hunt(d, &["good.log"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no indicators"));
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[(self.next() % list.len() as u64) as usize]
    }
}

const IPS: &[&str] = &["10.0.0.1", "10.0.0.2", "10.1.2.3", "192.168.1.1", "8.8.8.8"];
const DOMAINS: &[&str] = &["evil.com", "good.org", "a.evil.com", "wp-admin.net"];
const URLS: &[&str] = &["http://evil.com/wp-admin/x", "https://good.org/", "http://a.evil.com/login.php?u=1"];
const USERS: &[&str] = &["root", "alice", "mallory"];
const PORTS: &[i64] = &[22, 80, 443, 4444];
const NAMES: &[&str] = &["evil.exe", "calc.exe", "a.dll"];
const HASHES: &[&str] = &[
    "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];

/// One generated event: its JSON line (ECS names) and the STIX objects the reader makes of it.
fn event(rng: &mut Rng) -> (Value, Vec<Value>) {
    let mut line = serde_json::Map::new();
    let mut objects = Vec::new();
    let mut add = |line: &mut serde_json::Map<String, Value>, key: &str, v: Value, object: Value| {
        line.insert(key.to_owned(), v);
        objects.push(object);
    };
    if rng.next().is_multiple_of(2) {
        let ip = *rng.pick(IPS);
        add(&mut line, "source.ip", json!(ip), json!({"type": "ipv4-addr", "value": ip}));
    }
    if rng.next().is_multiple_of(2) {
        let ip = *rng.pick(IPS);
        add(&mut line, "destination.ip", json!(ip), json!({"type": "ipv4-addr", "value": ip}));
    }
    if rng.next().is_multiple_of(2) {
        let d = *rng.pick(DOMAINS);
        add(&mut line, "dns.question.name", json!(d), json!({"type": "domain-name", "value": d}));
    }
    if rng.next().is_multiple_of(3) {
        let u = *rng.pick(URLS);
        add(&mut line, "url.full", json!(u), json!({"type": "url", "value": u}));
    }
    if rng.next().is_multiple_of(3) {
        let u = *rng.pick(USERS);
        add(&mut line, "user.name", json!(u), json!({"type": "user-account", "account_login": u}));
    }
    if rng.next().is_multiple_of(2) {
        let p = *rng.pick(PORTS);
        add(&mut line, "destination.port", json!(p), json!({"type": "network-traffic", "dst_port": p}));
    }
    if rng.next().is_multiple_of(3) {
        let (n, hash) = (*rng.pick(NAMES), *rng.pick(HASHES));
        line.insert("file.name".into(), json!(n));
        line.insert("file.hash.sha256".into(), json!(hash));
        objects.push(json!({"type": "file", "name": n, "hashes": {"SHA-256": hash}}));
    }
    (Value::Object(line), objects)
}

fn test_of(rng: &mut Rng) -> String {
    let q = |s: &&str| format!("'{s}'");
    match rng.next() % 16 {
        0 => format!("ipv4-addr:value = {}", q(rng.pick(IPS))),
        1 => format!("ipv4-addr:value != {}", q(rng.pick(IPS))),
        2 => format!(
            "ipv4-addr:value ISSUBSET {}",
            q(rng.pick(&["10.0.0.0/8", "10.0.0.0/30", "192.168.0.0/16", "0.0.0.0/1"]))
        ),
        3 => format!("domain-name:value = {}", q(rng.pick(DOMAINS))),
        4 => format!("domain-name:value IN ({}, {})", q(rng.pick(DOMAINS)), q(rng.pick(DOMAINS))),
        5 => format!("domain-name:value LIKE {}", q(rng.pick(&["%evil%", "%.com", "a.%", "%", "wp-%"]))),
        6 => {
            format!("url:value LIKE {}", q(rng.pick(&["%/wp-admin/%", "http://%", "%login.php%", "%_vil%"])))
        }
        7 => format!("url:value MATCHES {}", q(rng.pick(&["^https://", "evil\\\\.com", "php\\\\?u="]))),
        8 => format!("user-account:account_login = {}", q(rng.pick(USERS))),
        9 => format!("network-traffic:dst_port = {}", rng.pick(PORTS)),
        10 => format!("network-traffic:dst_port > {}", rng.pick(PORTS)),
        11 => format!("network-traffic:dst_port IN ({}, {})", rng.pick(PORTS), rng.pick(PORTS)),
        12 => format!("file:hashes.'SHA-256' = {}", q(rng.pick(HASHES))),
        13 => format!("file:name NOT = {}", q(rng.pick(NAMES))),
        14 => format!("EXISTS {}", rng.pick(&["file:name", "url:value", "x-custom:thing"])),
        _ => format!("domain-name:value NOT LIKE {}", q(rng.pick(&["%evil%", "good%"]))),
    }
}

fn comparison(rng: &mut Rng, depth: u32) -> String {
    if depth == 0 || rng.next().is_multiple_of(3) {
        return test_of(rng);
    }
    let op = if rng.next().is_multiple_of(2) { "AND" } else { "OR" };
    format!("({} {op} {})", comparison(rng, depth - 1), comparison(rng, depth - 1))
}

#[test]
fn differential_the_fast_paths_never_change_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let events: Vec<(Value, Vec<Value>)> = (0..300).map(|_| event(&mut rng)).collect();
    let patterns: Vec<String> = (0..300).map(|_| format!("[{}]", comparison(&mut rng, 2))).collect();
    let indicators: Vec<Value> =
        patterns.iter().enumerate().map(|(i, p)| indicator(i as u32 + 1, p, json!({}))).collect();
    let iocs = bundle(d, "iocs.json", &indicators);
    let lines: Vec<String> = events.iter().map(|(l, _)| l.to_string()).collect();
    std::fs::write(d.join("events.jsonl"), lines.join("\n")).unwrap();
    let out = hunt(d, &["--indicators", &iocs, "--output", "json", "events.jsonl"], None);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out.stderr));
    let found: BTreeSet<(u32, u64)> = hits(&out).into_iter().map(|(n, _, l, _)| (n, l)).collect();

    let mut expected = BTreeSet::new();
    for (p, text) in patterns.iter().enumerate() {
        let matcher = accord_pattern::Pattern::parse(text).unwrap().compile().unwrap();
        for (e, (_, objects)) in events.iter().enumerate() {
            let ids: Vec<String> = (0..objects.len()).map(|i| format!("x--{i}")).collect();
            let members = ids.iter().map(String::as_str).zip(objects.iter()).collect();
            let observation = accord_pattern::Observation::new(
                "observed-data--1",
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                1,
                members,
            )
            .unwrap();
            if matcher.observation_passes(0, &observation).unwrap_or(false) {
                expected.insert((p as u32 + 1, e as u64 + 1));
            }
        }
    }
    assert!(expected.len() > 500, "the corpus exercises matches: {}", expected.len());
    let missing: Vec<_> = expected
        .difference(&found)
        .take(5)
        .map(|(p, l)| (&patterns[*p as usize - 1], &lines[*l as usize - 1]))
        .collect();
    let extra: Vec<_> = found
        .difference(&expected)
        .take(5)
        .map(|(p, l)| (&patterns[*p as usize - 1], &lines[*l as usize - 1]))
        .collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
    // both the fast paths and the evaluator on its own were used
    let summary = text(&out.stderr);
    assert!(!summary.contains(" 0 equality") && !summary.contains(" 0 evaluated"), "{summary}");
}

/// Indicators read from an Accord server's TAXII collection (the demo's public one), and one
/// sighting per matched indicator posted back to it.
#[test]
fn indicators_from_a_server_and_sightings_posted_back() {
    use accord_testkit::{ADMIN_TOKEN, TestServer};
    let server = TestServer::start(bin(), &["--demo"]).expect("start the demo server");
    let taxii = [
        ("accept", "application/taxii+json;version=2.1"),
        ("authorization", &format!("Bearer {ADMIN_TOKEN}")),
    ];
    let collections: Value = server.get_with("/taxii2/accord/collections/", &taxii).json().unwrap();
    let public = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Public threat intelligence")
        .expect("the demo's public collection")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("demo.log"),
        "GET /login from 198.51.100.41\nlookup update-checker.example\nlookup notupdate-checker.example\n",
    )
    .unwrap();
    let base = server.url("");
    let identity = "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
    let out = hunt(
        dir.path(),
        &[
            "--server",
            base.trim_end_matches('/'),
            "--collection",
            &public,
            "--token",
            ADMIN_TOKEN,
            "--output",
            "json",
            "--sightings",
            "--identity",
            identity,
            "demo.log",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let found: BTreeSet<(u64, String, String)> = text(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["line"].as_u64().unwrap(),
                v["value"].as_str().unwrap().to_owned(),
                v["indicator"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let lines: Vec<(u64, &str)> = found.iter().map(|(l, v, _)| (*l, v.as_str())).collect();
    assert_eq!(lines, [(1, "198.51.100.41"), (2, "update-checker.example")]);
    assert!(text(&out.stderr).contains("Posted 2 sightings: 2 stored"), "{}", text(&out.stderr));

    let path = format!("/taxii2/accord/collections/{public}/objects/?match%5Btype%5D=sighting");
    let sightings: Value = server.get_with(&path, &taxii).json().unwrap();
    let sighted: BTreeSet<String> = sightings["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["where_sighted_refs"], json!([identity]));
            assert_eq!(s["count"], 1);
            s["sighting_of_ref"].as_str().unwrap().to_owned()
        })
        .collect();
    let matched: BTreeSet<String> = found.into_iter().map(|(_, _, id)| id).collect();
    assert_eq!(sighted, matched);
}
