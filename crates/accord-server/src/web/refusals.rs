//! Refusals of the use cases in the page's language.
//!
//! A use case refuses with an [`accord_app::model::Refusal`] — a stable key (the variant) with
//! typed parameters — whose `Display` is the English text the JSON API sends. Pages render it
//! here: English pages show that text (except where the pages word it themselves, as for the
//! file form), French pages a French sentence built from the same parameters. The French match
//! has no catch-all arm, so a new refusal does not compile until it is translated; only
//! [`Refusal::Text`] (sentences from parts without keys) is shown as given.

use accord_app::model::Refusal;
use accord_app::model::cvd::{CREDIT_TYPES, CaseAction, REFERENCE_TYPES, ReportStatus, VexJustification};
use accord_app::model::refusal::CvssError;

use super::cases::state_label;
use super::i18n::{Locale, Texts};

/// The refusal in the language of `t`.
pub(crate) fn refusal_text(t: &Texts, r: &Refusal) -> String {
    // What the file form words itself, in both languages.
    match r {
        Refusal::FileType => return t.attach_unknown_type.to_owned(),
        Refusal::FileTypeMismatch { declared, .. } => {
            return t.attach_type_mismatch.replace("{type}", declared);
        }
        Refusal::FileNameLength | Refusal::FileNameCharacters => return t.attach_bad_name.to_owned(),
        _ => {}
    }
    match t.locale {
        Locale::En => r.to_string(),
        Locale::Fr => french(t, r),
    }
}

fn report_status(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Received => "reçu",
        ReportStatus::Accepted => "accepté",
        ReportStatus::Rejected => "refusé",
        ReportStatus::Duplicate => "marqué comme doublon",
    }
}

fn action(a: CaseAction) -> &'static str {
    match a {
        CaseAction::StartCoordination => "L’ouverture de la coordination",
        CaseAction::SchedulePublication => "La programmation de la publication",
        CaseAction::Unschedule => "L’annulation de la publication programmée",
        CaseAction::Publish => "La publication",
        CaseAction::Close(_) => "La clôture",
        CaseAction::Reopen => "La réouverture",
    }
}

fn cvss(e: &CvssError) -> String {
    match e {
        CvssError::NotAVector => {
            "ce n’est pas un vecteur CVSS : il doit commencer par CVSS:3.1/, CVSS:3.0/ ou CVSS:4.0/".into()
        }
        CvssError::UnsupportedVersion(v) => {
            format!("version CVSS {v:?} non prise en charge (versions prises en charge : 3.0, 3.1 et 4.0)")
        }
        CvssError::Malformed { component } => {
            format!("composant {component:?} mal formé : METRIQUE:VALEUR attendu entre des barres obliques")
        }
        CvssError::UnknownMetric { metric, version } => {
            format!("métrique {metric:?} inconnue dans un vecteur CVSS {version}")
        }
        CvssError::Duplicate { metric } => format!("{metric} : apparaît plus d’une fois"),
        CvssError::InvalidValue { metric, name, value, allowed } => {
            format!("{metric} : {value:?} n’est pas une valeur de {name} ({allowed})")
        }
        CvssError::MissingMetric { metric } => format!("la métrique obligatoire {metric} manque"),
        CvssError::OutOfOrder { metric, after } => format!(
            "{metric} : hors d’ordre (CVSS 4.0 fixe l’ordre des métriques : {metric} vient avant {after})"
        ),
    }
}

fn french(t: &Texts, r: &Refusal) -> String {
    use Refusal as R;
    match r {
        R::Text(text) => text.clone(),
        R::CoordinatorOnly => "seul un coordinateur peut le faire".into(),
        R::VendorOrCoordinatorOnly => "seuls ce fournisseur et les coordinateurs peuvent le faire".into(),
        R::StatementsByUser => "les déclarations sont faites par un utilisateur".into(),
        R::VendorItselfConsents => "seul le fournisseur lui-même peut donner son accord".into(),
        R::AlreadyTriaged { status } => {
            format!("le signalement est déjà {} ; le tri ne se décide qu’une fois", report_status(*status))
        }
        R::ReportIs { status } => format!("le signalement est {}", report_status(*status)),
        R::AcceptByOpeningCase => "un signalement est accepté en ouvrant un dossier".into(),
        R::InviteVendorsFirst => "invitez d’abord les fournisseurs concernés".into(),
        R::CasePublishedFinal => "le dossier est publié : c’est définitif".into(),
        R::CaseClosedReopenFirst => "le dossier est clos ; rouvrez-le d’abord".into(),
        R::NotPossible { action: a, state } => {
            format!("{} n’est pas possible pour un dossier « {} »", action(*a), state_label(t, *state))
        }
        R::CaseIs { state } => format!("le dossier est à l’état « {} »", state_label(t, *state)),
        R::UsePublishOrInvite => "publiez, ou invitez un fournisseur".into(),
        R::NoThreadYet => {
            "le signalement n’est pas (encore) un dossier : il n’a pas de fil de discussion".into()
        }
        R::StatementsFrozen { state } => {
            format!("les déclarations ne peuvent pas changer dans un dossier « {} »", state_label(t, *state))
        }
        R::EarlierDateNeedsConsent => "une date publique plus proche exige l’accord de chaque fournisseur ; \
             sinon, publiez plus tôt avec une raison écrite"
            .into(),
        R::EarlyPublication { public_date, missing } => {
            let missing = if missing.is_empty() {
                "aucun fournisseur n’est invité".to_owned()
            } else {
                missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            };
            format!(
                "la date publique convenue est le {} : publier plus tôt exige l’accord de chaque \
                 fournisseur (manquant : {missing}) ou une raison écrite",
                Locale::Fr.date(*public_date)
            )
        }
        R::TooManyAttachments { max } => format!("un signalement a au plus {max} fichiers"),
        R::Required => "Ce champ est obligatoire.".into(),
        R::TooLong { max } => format!("Ce champ dépasse {max} caractères."),
        R::ControlCharacters => "Ce champ contient des caractères de contrôle.".into(),
        R::Cvss(e) => format!("Vecteur refusé : {}.", cvss(e)),
        R::CvssWrongVersion { given, expected } => {
            format!("C’est un vecteur CVSS {given} ; ce champ attend un vecteur CVSS {expected}.")
        }
        R::NotACveId { id } => format!("{id:?} n’est pas un identifiant CVE (CVE-AAAA-NNNN)."),
        R::TooManyIds { max } => format!("Plus de {max} identifiants."),
        R::JustificationRequired => "Une justification est obligatoire pour « not_affected ».".into(),
        R::NotAJustification { value } => format!(
            "{value:?} n’est pas une justification VEX ({}).",
            VexJustification::ALL.map(|j| j.as_str()).join(", ")
        ),
        R::FixedVersionRequired => "La version corrigée est obligatoire pour « fixed ».".into(),
        R::NotAProductStatus { value } => format!(
            "{value:?} n’est pas un statut de produit (under_investigation, affected, not_affected, fixed)."
        ),
        R::JustificationOnlyForNotAffected => "Seul « not_affected » a une justification.".into(),
        R::FixedVersionOnlyForFixed => "Seul « fixed » a une version corrigée.".into(),
        R::ProductNameLength => "Le nom du produit doit compter de 1 à 100 caractères.".into(),
        R::ProductNameCharacters => {
            "Le nom du produit ne doit contenir ni caractère de contrôle ni « / ».".into()
        }
        R::NotACloseReason { value } => {
            format!("{value:?} n’est pas un motif de clôture (invalid, withdrawn, transferred).")
        }
        R::NotAThread => "Le fil est « case » ou l’identifiant d’une organisation fournisseur.".into(),
        R::NoSuchOrganization => "Cette organisation n’existe pas.".into(),
        R::NoSuchCase => "Ce dossier n’existe pas.".into(),
        R::NotACaseId => "Ce n’est pas un identifiant de dossier.".into(),
        R::DuplicateNeedsCase => "Le dossier dont c’est un doublon est obligatoire.".into(),
        R::FileEmpty => "Le fichier est vide.".into(),
        R::FileTooLarge { max } => format!("Le fichier dépasse {max} octets."),
        // Worded by the file form (above); kept here so that the match stays complete.
        R::FileType => t.attach_unknown_type.into(),
        R::FileTypeMismatch { declared, .. } => t.attach_type_mismatch.replace("{type}", declared),
        R::FileNameLength | R::FileNameCharacters => t.attach_bad_name.into(),
        R::TooManyCreditsOrReferences { max } => format!("Au plus {max} mentions et {max} références."),
        R::NotACreditType { value } => {
            format!("{value:?} n’est pas un type de mention ({}).", CREDIT_TYPES.join(", "))
        }
        R::NotAReferenceType { value } => {
            format!("{value:?} n’est pas un type de référence ({}).", REFERENCE_TYPES.join(", "))
        }
        R::NotAnHttpUrl { url } => format!("{url:?} n’est pas une URL http(s)."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_app::model::cvd::CaseState;

    #[test]
    fn english_is_the_api_text_and_french_is_french() {
        let (en, fr) = (Locale::En.texts(), Locale::Fr.texts());
        let r = Refusal::CaseIs { state: CaseState::Closed };
        assert_eq!(refusal_text(en, &r), "the case is closed");
        assert_eq!(refusal_text(fr, &r), "le dossier est à l’état « Clos »");
        let r = Refusal::NotPossible { action: CaseAction::Unschedule, state: CaseState::Triaged };
        assert_eq!(refusal_text(en, &r), "Unschedule is not possible in a triaged case");
        assert_eq!(
            refusal_text(fr, &r),
            "L’annulation de la publication programmée n’est pas possible pour un dossier « Examiné »"
        );
        let bad = CvssError::InvalidValue {
            metric: "AV",
            name: "Attack Vector",
            value: "Q".into(),
            allowed: "N, A, L, P".into(),
        };
        assert!(
            refusal_text(fr, &Refusal::Cvss(bad))
                .starts_with("Vecteur refusé : AV : \"Q\" n’est pas une valeur")
        );
        assert_eq!(refusal_text(fr, &Refusal::Text("as given".into())), "as given");
    }
}
