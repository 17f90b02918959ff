//! tlog-policy files: the spec's example structure, quorums of nested groups, and every
//! refusal.

use accord_tlog::{Cosigner, KeyName, NoteSigner, Policy, PolicyError, VerifierKey};

fn witness_key(i: u8) -> VerifierKey {
    Cosigner::from_seed(KeyName::new(format!("w{i}.example/witness")).unwrap(), &[i; 32]).verifier_key()
}

fn log_key() -> VerifierKey {
    NoteSigner::from_seed(KeyName::new("log.example/log").unwrap(), &[100; 32]).verifier_key()
}

/// The spec's example: two of X1..X3 and one of Y1..Y3.
fn example() -> String {
    let mut text = format!("# the spec's example\nlog {} https://log.example/log\n\n", log_key());
    for (i, name) in ["X1", "X2", "X3"].iter().enumerate() {
        text += &format!("witness {name} {}\n", witness_key(i as u8 + 1));
    }
    text += "group X-witnesses 2 X1 X2 X3\n";
    for (i, name) in ["Y1", "Y2", "Y3"].iter().enumerate() {
        text += &format!("\twitness  {name}\t{} https://y{i}.example/\n", witness_key(i as u8 + 4));
    }
    text += "group Y-witnesses any Y1 Y2 Y3\n   # indented comment\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n";
    text
}

#[test]
fn the_example_policy_and_its_quorum() {
    let policy = Policy::parse(example().as_bytes()).unwrap();
    assert_eq!(policy.logs().len(), 1);
    assert_eq!(policy.logs()[0].url.as_deref(), Some("https://log.example/log"));
    assert_eq!(policy.witnesses().len(), 6);
    assert_eq!(policy.witnesses()[4].url.as_deref(), Some("https://y1.example/"));
    assert_eq!(policy.quorum_name(), "X-and-Y");
    let with = |names: &[&str]| policy.quorum_met(|w| names.contains(&w.name.as_str()));
    assert!(with(&["X1", "X3", "Y2"]));
    assert!(with(&["X1", "X2", "X3", "Y1", "Y2", "Y3"]));
    assert!(!with(&["X1", "Y2", "Y3"]), "one X is not two");
    assert!(!with(&["X1", "X2"]), "no Y");
    assert!(!with(&[]));
    // Written out and read back: the same policy.
    let again = Policy::parse(policy.to_string().as_bytes()).unwrap();
    assert_eq!(again.to_string(), policy.to_string());
}

#[test]
fn quorum_none_and_single_witness() {
    let none = Policy::parse(b"quorum none\n").unwrap();
    assert!(none.quorum_met(|_| false));
    let one = Policy::parse(format!("witness A {}\nquorum A\n", witness_key(1)).as_bytes()).unwrap();
    assert!(one.quorum_met(|_| true));
    assert!(!one.quorum_met(|_| false));
}

#[test]
fn thresholds_made_in_code() {
    let keys =
        vec![(witness_key(1), None), (witness_key(2), Some("http://w2".into())), (witness_key(3), None)];
    let p = Policy::threshold(vec![], keys.clone(), 2).unwrap();
    assert!(p.quorum_met(|w| w.name != "w1"));
    assert!(!p.quorum_met(|w| w.name == "w1"));
    assert!(p.to_string().contains("group witnesses 2 w1 w2 w3\nquorum witnesses\n"), "{p}");
    let all = Policy::threshold(vec![], keys.clone(), 3).unwrap();
    assert!(all.to_string().contains("group witnesses all w1 w2 w3"));
    assert!(Policy::threshold(vec![], keys.clone(), 0).unwrap().quorum_met(|_| false));
    assert_eq!(Policy::threshold(vec![], keys, 4).unwrap_err(), PolicyError::Threshold { k: 4, n: 3 });
}

#[test]
fn refusals() {
    let w1 = witness_key(1);
    let w2 = witness_key(2);
    let log = log_key();
    let line = |text: String| match Policy::parse(text.as_bytes()) {
        Err(PolicyError::Line { line, reason }) => (line, reason),
        other => panic!("not refused by line: {other:?}\n{text}"),
    };
    for (text, at) in [
        (format!("witness A {w1}\nwitness A {w2}\nquorum A\n"), 2),
        (format!("witness A {w1}\nwitness B {w1}\nquorum A\n"), 2),
        (format!("log {log}\nlog {log}\nquorum none\n"), 2),
        (format!("log {w1}\nquorum none\n"), 1),
        (format!("witness A {log}\nquorum A\n"), 1),
        (format!("witness none {w1}\nquorum none\n"), 1),
        (format!("witness A {w1}\ngroup G any A B\nquorum G\n"), 2),
        (format!("witness A {w1}\ngroup G 2 A\nquorum G\n"), 2),
        (format!("witness A {w1}\ngroup G 0 A\nquorum G\n"), 2),
        (format!("witness A {w1}\ngroup G 01 A\nquorum G\n"), 2),
        (format!("witness A {w1}\ngroup G any\nquorum G\n"), 2),
        (format!("witness A {w1}\ngroup G any A A\nquorum G\n"), 2),
        (format!("witness A {w1}\nwitness B {w2}\ngroup G any A\ngroup H any A B\nquorum H\n"), 4),
        (format!("witness A {w1}\ngroup G any A\ngroup G any G\nquorum G\n"), 3),
        (format!("witness A {w1}\ngroup G any none\nquorum G\n"), 2),
        (format!("quorum A\nwitness A {w1}\n"), 1),
        (format!("witness A {w1}\nquorum A\nquorum A\n"), 3),
        (format!("witness A {w1}\nquorum A B\n"), 2),
        (format!("witnesses A {w1}\nquorum A\n"), 1),
        (format!("witness A {w1} http://a extra\nquorum A\n"), 1),
        ("witness A not-a-key\nquorum A\n".to_owned(), 1),
        (format!("witness A {w1}\r\nquorum A\n"), 1),
        ("quorum none\n\u{7f}\n".to_owned(), 2),
    ] {
        assert_eq!(line(text.clone()).0, at, "{text}");
    }
    assert_eq!(Policy::parse(format!("witness A {w1}\n").as_bytes()).unwrap_err(), PolicyError::NoQuorum);
    assert_eq!(Policy::parse(b"quorum none\n\xff\n").unwrap_err(), PolicyError::NotUtf8);
}
