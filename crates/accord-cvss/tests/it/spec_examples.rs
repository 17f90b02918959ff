//! Scores published by FIRST in the CVSS v3.0, v3.1 and v4.0 examples documents, and the
//! vector strings of the v4.0 specification (section 7).

use accord_cvss::{Cvss, Nomenclature, Severity, Version};

fn check(vector: &str, score: f64, severity: Severity) {
    let cvss = Cvss::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
    assert_eq!(cvss.score(), score, "{vector}");
    assert_eq!(cvss.severity(), severity, "{vector}");
}

#[test]
fn cvss_3_1_examples_document() {
    use Severity::*;
    // (CVE, vector, base score)
    let examples = [
        ("CVE-2013-0375", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, Medium),
        ("CVE-2014-3566", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, Low),
        ("CVE-2012-1516", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 9.1, Critical),
        ("CVE-2009-0783", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, Medium),
        ("CVE-2012-0384", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2, High),
        ("CVE-2015-1098", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, High),
        ("CVE-2014-0160", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, High),
        ("CVE-2008-1447", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, Medium),
        ("CVE-2014-2005", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, Medium),
        ("CVE-2010-0467", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, Medium),
        ("CVE-2012-1342", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8, Medium),
        ("CVE-2013-6014", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3, Critical),
        ("CVE-2011-1265", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8, High),
        ("CVE-2014-2019", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6, Medium),
        ("CVE-2015-0970", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, High),
        ("CVE-2014-0224", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4, High),
        ("CVE-2012-5376", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, Critical),
        ("CVE-2016-0128", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 6.8, Medium),
        ("CVE-2016-2118", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.5, High),
        ("CVE-2019-7551", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, Critical),
        ("CVE-2017-5942", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Medium),
        ("CVE-2016-5558", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:L", 8.6, High),
        ("CVE-2016-5729", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.2, High),
        ("CVE-2015-2890", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:H", 6.0, Medium),
        ("CVE-2018-3652", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 7.6, High),
        ("CVE-2019-0884", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N", 4.2, Medium),
    ];
    for (cve, vector, score, severity) in examples {
        let cvss = Cvss::parse(vector).unwrap_or_else(|e| panic!("{cve}: {e}"));
        assert_eq!(cvss.base_score(), score, "{cve}");
        check(vector, score, severity);
    }
}

#[test]
fn cvss_3_0_examples_are_read_with_the_3_1_rules() {
    // CVE-2013-1937 and CVE-2014-9253 of the v3.0 examples document.
    check("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Severity::Medium);
    check("CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4, Severity::Medium);
    let v30 = Cvss::parse("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/MC:L").unwrap();
    let v31 = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/MC:L").unwrap();
    assert_eq!(v30.version(), Version::V3_0);
    assert_eq!(v30.score(), v31.score());
    assert!(v30.to_string().starts_with("CVSS:3.0/"));
}

#[test]
fn cvss_4_0_examples_document() {
    use Severity::*;
    let examples = [
        ("CVE-2022-41741", "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, High),
        ("CVE-2020-3549", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7, High),
        (
            "CVE-2020-3549 E:U",
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
            5.2,
            Medium,
        ),
        ("CVE-2023-3089", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 8.3, High),
        ("CVE-2021-44714", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 4.6, Medium),
        ("CVE-2022-24682", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1, Medium),
        ("CVE-2022-22186", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 6.9, Medium),
        ("CVE-2023-21989", "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N", 5.9, Medium),
        ("CVE-2020-3947", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.4, Critical),
        ("CVE-2023-48228", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:H", 9.3, Critical),
        ("CVE-2024-6387", "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P", 8.2, High),
        ("CVE-2013-6014", "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H", 6.4, Medium),
        ("CVE-2014-0160", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 8.7, High),
        (
            "CVE-2021-44228",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A",
            9.3,
            Critical,
        ),
    ];
    for (cve, vector, score, severity) in examples {
        let cvss = Cvss::parse(vector).unwrap_or_else(|e| panic!("{cve}: {e}"));
        assert_eq!(cvss.score(), score, "{cve}");
        assert_eq!(cvss.severity(), severity, "{cve}");
    }
    // E:A is the value a missing Exploit Maturity stands for: the same score as CVSS-B.
    let b = Cvss::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
    assert_eq!(b.score(), 9.3);
}

#[test]
fn cvss_4_0_specification_vector_strings() {
    use Nomenclature::*;
    // Section 7: a base vector, and vectors with threat, environmental and supplemental
    // metrics; all are valid and already in normalised form, but for the X values of the last.
    let vectors = [
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", CvssB),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:A", CvssBT),
        ("CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:P", CvssBT),
        (
            "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M/MAV:N/MAC:L/MAT:P/MPR:L/MUI:A/MVC:N/MVI:H/MVA:L/MSC:L/MSI:S/MSA:H",
            CvssBE,
        ),
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:A/S:P/AU:Y/R:A/V:D/RE:L/U:Red",
            CvssBT,
        ),
    ];
    for (vector, nomenclature) in vectors {
        let cvss = Cvss::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_eq!(cvss.to_string(), vector);
        assert_eq!(cvss.nomenclature(), Some(nomenclature), "{vector}");
    }
    let with_x = "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:L/IR:X/AR:L/MAV:A/MAC:H/MAT:N/MPR:N/MUI:P/MVC:X/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/S:N/AU:N/R:I/V:C/RE:H/U:Green";
    let cvss = Cvss::parse(with_x).unwrap();
    assert_eq!(cvss.to_string(), with_x.replace("/IR:X", "").replace("/MVC:X", ""));
    assert_eq!(cvss.nomenclature(), Some(CvssBTE));
    assert_eq!(cvss.get("U"), Some("Green"));
    assert_eq!(cvss.get("IR"), None);
}

#[test]
fn cvss_4_0_specification_invalid_vector_strings() {
    // Section 7: each of these breaks one rule of the vector string.
    let invalid = [
        ("CVSS:4.0/AV:F/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "AV: \"F\""),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A/E:X",
            "E: appears more than once",
        ),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/ui:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "unknown metric \"ui\""),
        ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "not a CVSS vector"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/SC:N/SI:N/SA:N", "missing mandatory metric VA"),
        (
            "CVSS:4.0/AC:L/AV:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/CR:L/IR:X/AR:L/RE:H/MAV:A/MAC:H/MAT:N/MPR:N/MUI:P/AT:N/MVC:X/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/E:U/S:N/AU:N/R:I/V:C/U:Green",
            "AV: out of order",
        ),
    ];
    for (vector, message) in invalid {
        let error = Cvss::parse(vector).expect_err(vector).to_string();
        assert!(error.contains(message), "{vector}: {error}");
    }
}
