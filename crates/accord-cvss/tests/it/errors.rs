//! Every refusal says which metric is at fault and what is wrong with it.

use accord_cvss::Cvss;

const V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V40: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

fn check(vector: &str, message: &str) {
    match Cvss::parse(vector) {
        Ok(cvss) => panic!("{vector} was accepted as {cvss}"),
        Err(e) => assert_eq!(e.to_string(), message, "{vector}"),
    }
}

#[test]
fn values_outside_a_metric_are_named_with_the_allowed_ones() {
    check(&V31.replace("AV:N", "AV:Q"), r#"AV: "Q" is not a value of Attack Vector (N, A, L, P)"#);
    check(&V31.replace("AV:N", "AV:n"), r#"AV: "n" is not a value of Attack Vector (N, A, L, P)"#);
    check(&V31.replace("AV:N", "AV:X"), r#"AV: "X" is not a value of Attack Vector (N, A, L, P)"#);
    check(&V31.replace("AV:N", "AV:"), r#"AV: "" is not a value of Attack Vector (N, A, L, P)"#);
    check(&format!("{V31}/E:A"), r#"E: "A" is not a value of Exploit Code Maturity (X, H, F, P, U)"#);
    check(&format!("{V31}/MS:S"), r#"MS: "S" is not a value of Modified Scope (X, U, C)"#);
    check(
        &V40.replace("SI:N", "SI:S"),
        r#"SI: "S" is not a value of Subsequent System Integrity Impact (H, L, N)"#,
    );
    check(
        &format!("{V40}/U:red"),
        r#"U: "red" is not a value of Provider Urgency (X, Clear, Green, Amber, Red)"#,
    );
}

#[test]
fn every_mandatory_metric_must_be_present() {
    check(&V31.replace("/PR:N", ""), "missing mandatory metric PR");
    check(&V31.replace("/S:U", "/E:H"), "missing mandatory metric S");
    check("CVSS:3.1", "missing mandatory metric AV");
    check(&V40.replace("/AT:N", ""), "missing mandatory metric AT");
}

#[test]
fn a_metric_appears_at_most_once() {
    check(&format!("{V31}/AV:N"), "AV: appears more than once");
    check(&format!("{V31}/RL:X/RL:X"), "RL: appears more than once");
    check(&V40.replace("SA:N", "SA:N/SA:H"), "SA: appears more than once");
}

#[test]
fn unknown_metrics_are_refused() {
    check(&format!("{V31}/XX:N"), r#"unknown metric "XX" in a CVSS 3.1 vector"#);
    check(&format!("{V31}/AT:N"), r#"unknown metric "AT" in a CVSS 3.1 vector"#);
    check(&V31.replace("UI:N", "ui:N"), r#"unknown metric "ui" in a CVSS 3.1 vector"#);
    check(&format!("{V40}/MS:U"), r#"unknown metric "MS" in a CVSS 4.0 vector"#);
}

#[test]
fn cvss_4_0_metrics_keep_the_specification_order() {
    check(
        &V40.replace("AV:N/AC:L", "AC:L/AV:N"),
        "AV: out of order (CVSS 4.0 fixes the order of metrics: AV comes before AC)",
    );
    check(
        &format!("{V40}/CR:H/E:A"),
        "E: out of order (CVSS 4.0 fixes the order of metrics: E comes before CR)",
    );
    // CVSS 3.x allows any order.
    let shuffled = Cvss::parse("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/MA:L/E:P").unwrap();
    assert_eq!(shuffled.to_string(), format!("{V31}/E:P/MA:L"));
}

#[test]
fn the_frame_of_the_vector_is_checked() {
    check("", "not a CVSS vector: it must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/");
    check(&V31[5..], "not a CVSS vector: it must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/");
    check(
        &V31.replace("CVSS", "cvss"),
        "not a CVSS vector: it must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/",
    );
    check(&V31.replace("3.1", "2.0"), r#"unsupported CVSS version "2.0" (supported: 3.0, 3.1 and 4.0)"#);
    check(&V31.replace("3.1", "3.2"), r#"unsupported CVSS version "3.2" (supported: 3.0, 3.1 and 4.0)"#);
    check(&format!("{V31}/"), r#"malformed component "": expected METRIC:VALUE between slashes"#);
    check(
        &V31.replace("/AC:L", "//AC:L"),
        r#"malformed component "": expected METRIC:VALUE between slashes"#,
    );
    check(&V31.replace("AC:L", "AC"), r#"malformed component "AC": expected METRIC:VALUE between slashes"#);
    check(
        &V31.replace("AC:L", "AC:L:H"),
        r#"malformed component "AC:L:H": expected METRIC:VALUE between slashes"#,
    );
    check(&V31.replace("AC:L", ":L"), r#"malformed component ":L": expected METRIC:VALUE between slashes"#);
    check(&format!(" {V31}"), "not a CVSS vector: it must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/");
    check(&format!("{V31} "), r#"A: "H " is not a value of Availability (H, L, N)"#);
}

#[test]
fn serde_refuses_with_the_same_message() {
    let json = format!("\"{}\"", V31.replace("AV:N", "AV:Q"));
    let error = serde_json::from_str::<Cvss>(&json).unwrap_err().to_string();
    assert!(error.contains(r#"AV: "Q" is not a value of Attack Vector (N, A, L, P)"#), "{error}");
}
