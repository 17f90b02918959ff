//! The normalised vector string reads back as the same vector, and scores stay in range.

use accord_cvss::{Cvss, Nomenclature, Version};
use proptest::prelude::*;

use crate::generate::{Rng, vector};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parse_of_display_is_the_same_vector(seed in any::<u64>(), version in 0..3usize) {
        let prefix = ["CVSS:3.0", "CVSS:3.1", "CVSS:4.0"][version];
        let generated = vector(&mut Rng::new(seed), prefix);
        let cvss = Cvss::parse(&generated.text).map_err(|e| TestCaseError::fail(format!("{}: {e}", generated.text)))?;
        let shown = cvss.to_string();
        prop_assert_eq!(Cvss::parse(&shown), Ok(cvss.clone()), "{}", shown);
        prop_assert!(shown.starts_with(prefix));
        prop_assert!(!shown.contains(":X"), "{}", shown);
        // Serde writes the normalised string and reads it back.
        let json = serde_json::to_string(&cvss).unwrap();
        prop_assert_eq!(&json, &format!("\"{shown}\""));
        prop_assert_eq!(serde_json::from_str::<Cvss>(&json).unwrap(), cvss.clone());
        // The base score depends on base metrics only; the 4.0 nomenclature names the groups set.
        let base_only = Cvss::parse(&generated.base_only).unwrap();
        prop_assert_eq!(cvss.base_score(), base_only.base_score(), "{}", shown);
        if !generated.temporal && !generated.environmental {
            prop_assert_eq!(cvss.score(), cvss.base_score(), "{}", shown);
        }
        if cvss.version() == Version::V4_0 {
            let expected = match (generated.temporal, generated.environmental) {
                (false, false) => Nomenclature::CvssB,
                (true, false) => Nomenclature::CvssBT,
                (false, true) => Nomenclature::CvssBE,
                (true, true) => Nomenclature::CvssBTE,
            };
            prop_assert_eq!(cvss.nomenclature(), Some(expected), "{}", shown);
        } else {
            prop_assert_eq!(cvss.nomenclature(), None);
        }
        for score in [cvss.base_score(), cvss.score()] {
            prop_assert!((0.0..=10.0).contains(&score), "{}: {}", shown, score);
            prop_assert_eq!((score * 10.0).round() / 10.0, score);
        }
    }
}

#[test]
fn normalising_drops_not_defined_and_orders_the_metrics() {
    let cvss = Cvss::parse("CVSS:3.1/MA:X/E:F/A:N/I:L/C:H/S:C/UI:R/PR:L/AC:H/AV:A/CR:X").unwrap();
    assert_eq!(cvss.to_string(), "CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N/E:F");
    assert_eq!(cvss.metrics().count(), 9);
    assert_eq!(cvss, Cvss::parse("CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N/E:F").unwrap());
}
