//! Differential test against the OASIS reference library `stix2` (Python): whatever it refuses
//! among broken variants of real objects, `validate_object` refuses too.

use accord_stix::validate_object;

use crate::mutations::{objects, variants};

/// Properties whose content `stix2` checks beyond STIX itself or that belong to another
/// capability: the indicator `pattern` is parsed by the STIX patterning crate (the hunting
/// capability), not by object validation.
const CHECKED_ELSEWHERE: &[&str] = &["pattern"];

#[test]
fn whatever_the_reference_library_refuses_is_refused() {
    let Some(python) = accord_testkit::python_oracles() else { return };
    let Some(examples) = accord_testkit::shared_fixtures("stix/examples") else { return };
    let mut cases = Vec::new();
    for original in objects(&examples) {
        cases.push(("original".to_owned(), original.clone()));
        for (what, variant) in variants(&original) {
            if CHECKED_ELSEWHERE.iter().any(|p| what.starts_with(&format!("{p} as"))) {
                continue;
            }
            cases.push((what, variant));
        }
    }
    let input: String = cases.iter().map(|(_, v)| format!("{v}\n")).collect();
    let verdicts = accord_testkit::run_python(&python, "stix2_verdicts.py", &[], &input).unwrap();
    let verdicts: Vec<&str> = verdicts.lines().collect();
    assert_eq!(verdicts.len(), cases.len());
    let mut too_lax = Vec::new();
    let mut refused = 0;
    for ((what, object), verdict) in cases.iter().zip(&verdicts) {
        if what == "original" {
            assert_eq!(*verdict, "ok", "stix2 refuses an official example: {object}");
            continue;
        }
        if verdict.starts_with("error") {
            refused += 1;
            if validate_object(&object.to_string()).is_ok() {
                too_lax.push(format!("{} {what}: stix2 says {verdict}", object["id"]));
            }
        }
    }
    assert!(refused > 500, "only {refused} variants refused by stix2");
    assert!(
        too_lax.is_empty(),
        "{} variants refused by stix2 were accepted:\n{}",
        too_lax.len(),
        too_lax.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
}
