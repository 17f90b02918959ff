//! CVSS v4.0 scores (specification section 8: MacroVectors, their lookup table and the
//! severity-distance interpolation), computed by the RustSec `cvss` crate.
//!
//! Only the parsing of that crate is too lenient for us (it accepts lower case and metrics out
//! of order), so it receives the normalised vector string this crate prints, which it always
//! accepts; supplemental metrics, which never change a score, are left out.

use crate::catalogue::Group;
use crate::{Cvss, vector};

fn score_of(cvss: &Cvss, keep: impl Fn(Group) -> bool) -> f64 {
    let mut text = String::new();
    vector::write(&mut text, cvss.version, &cvss.values, keep).expect("writing to a String cannot fail");
    let parsed: cvss::v4::Vector = text.parse().expect("a normalised CVSS 4.0 vector is accepted");
    parsed.score().value()
}

/// CVSS-B: the base metrics alone.
pub(crate) fn base_score(cvss: &Cvss) -> f64 {
    score_of(cvss, |group| group == Group::Base)
}

/// The score of the vector as given (CVSS-B, -BT, -BE or -BTE).
pub(crate) fn score(cvss: &Cvss) -> f64 {
    score_of(cvss, |group| group != Group::Supplemental)
}
