//! English and French. Every string of the web interface is a field of [`Texts`], so a missing
//! translation does not compile.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locale {
    En,
    Fr,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Locale::En => Locale::Fr,
            Locale::Fr => Locale::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::En => &EN,
            Locale::Fr => &FR,
        }
    }

    /// The language of a request: an explicit `?lang=` wins, then the `lang` cookie, then the
    /// best match in `Accept-Language` (by q-value), then English.
    pub fn negotiate(query_lang: Option<&str>, headers: &HeaderMap) -> Self {
        if let Some(l) = query_lang.and_then(Self::from_code) {
            return l;
        }
        if let Some(l) = cookie(headers, "lang").and_then(|v| Self::from_code(&v)) {
            return l;
        }
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
            .unwrap_or(Locale::En)
    }

    /// A date in words: "17 April 2018" / "17 avril 2018".
    pub fn date(self, t: jiff::Timestamp) -> String {
        let d = t.to_zoned(jiff::tz::TimeZone::UTC).date();
        let month = self.texts().months[usize::try_from(d.month() - 1).unwrap_or(0)];
        format!("{} {} {}", d.day(), month, d.year())
    }
}

/// Picks the preferred supported language of an `Accept-Language` value.
fn from_accept_language(value: &str) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(l) = Locale::from_code(primary)
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|(_, l)| l)
}

/// The value of one cookie of a request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Every string of the web interface.
pub(crate) struct Texts {
    pub switch_to: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_signatories: &'static str,
    pub nav_login: &'static str,
    pub nav_logout: &'static str,
    pub signed_in_as: &'static str,
    pub footer: &'static str,

    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub commitments_heading: &'static str,
    pub commitments: [(&'static str, &'static str); 4],
    pub today_heading: &'static str,
    pub count_signatories: &'static str,
    pub count_invited: &'static str,
    pub count_withdrawn: &'static str,
    pub see_signatories: &'static str,
    pub text_heading: &'static str,
    pub text_language_note: &'static str,
    pub version: &'static str,
    pub published_on: &'static str,
    pub no_accord: &'static str,

    pub signatories_title: &'static str,
    pub signatories_intro: &'static str,
    pub col_organization: &'static str,
    pub col_domain: &'static str,
    pub col_signed_on: &'static str,
    pub col_version: &'static str,
    pub col_invited_on: &'static str,
    pub col_withdrawn_on: &'static str,
    pub invited_heading: &'static str,
    pub withdrawn_heading: &'static str,
    pub none: &'static str,

    pub field_domain: &'static str,
    pub field_kind: &'static str,
    pub field_status: &'static str,
    pub field_contact: &'static str,
    pub field_signed_on: &'static str,
    pub field_invited_on: &'static str,
    pub field_withdrawn_on: &'static str,
    pub keys_heading: &'static str,
    pub key_fingerprint: &'static str,
    pub key_added: &'static str,
    pub key_revoked: &'static str,
    pub signatures_heading: &'static str,
    pub signature_value: &'static str,
    pub signature_statement: &'static str,
    pub signature_verify_hint: &'static str,
    pub status_signatory: &'static str,
    pub status_invited: &'static str,
    pub status_withdrawn: &'static str,
    pub status_not_invited: &'static str,
    pub kind_vendor: &'static str,
    pub kind_cert: &'static str,
    pub kind_research: &'static str,
    pub kind_customer: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub too_many_attempts: &'static str,
    pub field_required: &'static str,
    pub form_expired: &'static str,
    pub error_summary: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub error_title: &'static str,
    pub error_text: &'static str,

    pub months: [&'static str; 12],

    pub nav_intel: &'static str,
    pub intel_title: &'static str,
    pub intel_intro: &'static str,
    pub intel_sign_in_hint: &'static str,
    pub col_collection: &'static str,
    pub col_default_tlp: &'static str,
    pub col_audience: &'static str,
    pub audience_public: &'static str,
    pub audience_members: &'static str,
    pub col_type: &'static str,
    pub col_name: &'static str,
    pub col_tlp: &'static str,
    pub col_added: &'static str,
    pub col_object_version: &'static str,
    pub no_objects: &'static str,
    pub next_page: &'static str,
    pub taxii_address: &'static str,
    pub versions_heading: &'static str,
    pub relationships_heading: &'static str,
    pub sightings_heading: &'static str,
    pub object_json_heading: &'static str,
    pub field_description: &'static str,
    pub field_pattern: &'static str,
    pub sighting_count: &'static str,
}

pub(crate) static EN: Texts = Texts {
    switch_to: "Français",
    skip_to_content: "Skip to content",
    nav_label: "Main",
    nav_home: "Home",
    nav_signatories: "Signatories",
    nav_login: "Sign in",
    nav_logout: "Sign out",
    signed_in_as: "Signed in as",
    footer: "Accord: threat intelligence, coordinated disclosure and public advisories for the signatories of the Cybersecurity Tech Accord.",

    home_title: "The Cybersecurity Tech Accord",
    home_intro: "Technology companies pledged in April 2018 to protect every user and customer everywhere. Accord is where they keep that pledge: they share threat intelligence, coordinate the disclosure of vulnerabilities and publish advisories anyone can use.",
    commitments_heading: "Four commitments",
    commitments: [
        (
            "Stronger defense",
            "Every user and customer, everywhere, has a right to be protected against cyberattacks, from criminal enterprises and nation-states alike.",
        ),
        (
            "No offense",
            "Signatories refuse to help any government launch cyberattacks against innocent citizens and enterprises.",
        ),
        (
            "Capacity building",
            "Signatories help the people and companies who use their technology protect themselves better.",
        ),
        (
            "Collective action",
            "Signatories work together and share information, above all on the disclosure of vulnerabilities.",
        ),
    ],
    today_heading: "The accord today",
    count_signatories: "signatories",
    count_invited: "invited, not yet signed",
    count_withdrawn: "withdrawn",
    see_signatories: "See every signatory and when they signed",
    text_heading: "Full text",
    text_language_note: "The authoritative text is in English.",
    version: "Version",
    published_on: "published on",
    no_accord: "No accord text has been published yet.",

    signatories_title: "Signatories",
    signatories_intro: "Organisations that signed the accord, with the date of their signature. Each signature is an Ed25519 signature that anyone can verify offline.",
    col_organization: "Organisation",
    col_domain: "Domain",
    col_signed_on: "Signed on",
    col_version: "Version",
    col_invited_on: "Invited on",
    col_withdrawn_on: "Withdrawn on",
    invited_heading: "Invited, not yet signed",
    withdrawn_heading: "Withdrawn",
    none: "None.",

    field_domain: "Domain",
    field_kind: "Kind",
    field_status: "Status",
    field_contact: "Security contact",
    field_signed_on: "Signed on",
    field_invited_on: "Invited on",
    field_withdrawn_on: "Withdrawn on",
    keys_heading: "Public keys",
    key_fingerprint: "fingerprint",
    key_added: "added on",
    key_revoked: "revoked",
    signatures_heading: "Signatures",
    signature_value: "Signature (Ed25519, base64)",
    signature_statement: "Signed statement",
    signature_verify_hint: "Verify offline with: accord signature verify --statement FILE --public-key KEY --signature SIG",
    status_signatory: "Signatory",
    status_invited: "Invited",
    status_withdrawn: "Withdrawn",
    status_not_invited: "Not invited",
    kind_vendor: "Vendor",
    kind_cert: "CERT",
    kind_research: "Research",
    kind_customer: "Customer",

    login_title: "Sign in",
    login_intro: "Members sign in with the e-mail address and password of their account.",
    email_label: "E-mail address",
    password_label: "Password",
    login_submit: "Sign in",
    login_failed: "Wrong e-mail address or password.",
    too_many_attempts: "Too many failed attempts. Please wait 15 minutes before trying again.",
    field_required: "This field is required.",
    form_expired: "This form has expired. Please submit it again.",
    error_summary: "There is a problem",

    not_found_title: "Page not found",
    not_found_text: "There is no page at this address.",
    error_title: "Something went wrong",
    error_text: "The server could not answer this request. Please try again later.",

    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    nav_intel: "Threat intelligence",
    intel_title: "Threat intelligence",
    intel_intro: "The STIX 2.1 collections shared through this server's TAXII 2.1 API. You see each object only as far as its TLP marking allows: CLEAR to everyone, GREEN to members, AMBER to the producer's organisation and the organisations it names, AMBER+STRICT to the producer's organisation, RED to the organisations it names.",
    intel_sign_in_hint: "Sign in to see what is shared with members.",
    col_collection: "Collection",
    col_default_tlp: "TLP of unmarked objects",
    col_audience: "Readers",
    audience_public: "everyone",
    audience_members: "granted organisations",
    col_type: "Type",
    col_name: "Name",
    col_tlp: "TLP",
    col_added: "Added",
    col_object_version: "Version (modified)",
    no_objects: "Nothing here that you may see.",
    next_page: "Next page",
    taxii_address: "TAXII address",
    versions_heading: "Versions",
    relationships_heading: "Relationships",
    sightings_heading: "Sightings",
    object_json_heading: "STIX JSON of the latest version",
    field_description: "Description",
    field_pattern: "Pattern",
    sighting_count: "times seen",
};

pub(crate) static FR: Texts = Texts {
    switch_to: "English",
    skip_to_content: "Aller au contenu",
    nav_label: "Principal",
    nav_home: "Accueil",
    nav_signatories: "Signataires",
    nav_login: "Se connecter",
    nav_logout: "Se déconnecter",
    signed_in_as: "Connecté en tant que",
    footer: "Accord : renseignement sur les menaces, divulgation coordonnée et avis publics pour les signataires du Cybersecurity Tech Accord.",

    home_title: "Le Cybersecurity Tech Accord",
    home_intro: "En avril 2018, des entreprises technologiques se sont engagées à protéger chaque utilisateur et chaque client, partout. Accord est l’outil qui fait vivre cet engagement : elles y partagent le renseignement sur les menaces, coordonnent la divulgation des vulnérabilités et publient des avis que chacun peut utiliser.",
    commitments_heading: "Quatre engagements",
    commitments: [
        (
            "Une défense renforcée",
            "Chaque utilisateur et chaque client, partout, a le droit d’être protégé contre les cyberattaques, qu’elles viennent d’organisations criminelles ou d’États.",
        ),
        (
            "Aucune attaque",
            "Les signataires refusent d’aider tout gouvernement à lancer des cyberattaques contre des citoyens et des entreprises innocents.",
        ),
        (
            "Le renforcement des capacités",
            "Les signataires aident les personnes et les entreprises qui utilisent leurs technologies à mieux se protéger.",
        ),
        (
            "L’action collective",
            "Les signataires coopèrent et partagent l’information, avant tout sur la divulgation des vulnérabilités.",
        ),
    ],
    today_heading: "L’accord aujourd’hui",
    count_signatories: "signataires",
    count_invited: "invitées, pas encore signataires",
    count_withdrawn: "retirées",
    see_signatories: "Voir tous les signataires et la date de leur signature",
    text_heading: "Texte intégral",
    text_language_note: "Le texte qui fait foi est en anglais.",
    version: "Version",
    published_on: "publiée le",
    no_accord: "Aucun texte de l’accord n’a encore été publié.",

    signatories_title: "Signataires",
    signatories_intro: "Les organisations qui ont signé l’accord, avec la date de leur signature. Chaque signature est une signature Ed25519 que chacun peut vérifier hors ligne.",
    col_organization: "Organisation",
    col_domain: "Domaine",
    col_signed_on: "Signé le",
    col_version: "Version",
    col_invited_on: "Invitée le",
    col_withdrawn_on: "Retirée le",
    invited_heading: "Invitées, pas encore signataires",
    withdrawn_heading: "Retirées",
    none: "Aucune.",

    field_domain: "Domaine",
    field_kind: "Type",
    field_status: "Statut",
    field_contact: "Contact sécurité",
    field_signed_on: "Signé le",
    field_invited_on: "Invitée le",
    field_withdrawn_on: "Retirée le",
    keys_heading: "Clés publiques",
    key_fingerprint: "empreinte",
    key_added: "ajoutée le",
    key_revoked: "révoquée",
    signatures_heading: "Signatures",
    signature_value: "Signature (Ed25519, base64)",
    signature_statement: "Déclaration signée",
    signature_verify_hint: "Vérification hors ligne : accord signature verify --statement FICHIER --public-key CLÉ --signature SIG",
    status_signatory: "Signataire",
    status_invited: "Invitée",
    status_withdrawn: "Retirée",
    status_not_invited: "Non invitée",
    kind_vendor: "Éditeur",
    kind_cert: "CERT",
    kind_research: "Recherche",
    kind_customer: "Client",

    login_title: "Connexion",
    login_intro: "Les membres se connectent avec l’adresse électronique et le mot de passe de leur compte.",
    email_label: "Adresse électronique",
    password_label: "Mot de passe",
    login_submit: "Se connecter",
    login_failed: "Adresse électronique ou mot de passe incorrect.",
    too_many_attempts: "Trop de tentatives échouées. Veuillez patienter 15 minutes avant de réessayer.",
    field_required: "Ce champ est obligatoire.",
    form_expired: "Ce formulaire a expiré. Veuillez l’envoyer à nouveau.",
    error_summary: "Il y a un problème",

    not_found_title: "Page introuvable",
    not_found_text: "Il n’y a pas de page à cette adresse.",
    error_title: "Une erreur est survenue",
    error_text: "Le serveur n’a pas pu répondre à cette demande. Veuillez réessayer plus tard.",

    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    nav_intel: "Renseignement",
    intel_title: "Renseignement sur les menaces",
    intel_intro: "Les collections STIX 2.1 partagées par l'API TAXII 2.1 de ce serveur. Chaque objet n'est visible que dans la mesure où son marquage TLP le permet : CLEAR pour tous, GREEN pour les membres, AMBER pour l'organisation productrice et celles qu'elle nomme, AMBER+STRICT pour l'organisation productrice, RED pour les organisations nommées.",
    intel_sign_in_hint: "Connectez-vous pour voir ce qui est partagé avec les membres.",
    col_collection: "Collection",
    col_default_tlp: "TLP des objets non marqués",
    col_audience: "Lecteurs",
    audience_public: "tout le monde",
    audience_members: "organisations autorisées",
    col_type: "Type",
    col_name: "Nom",
    col_tlp: "TLP",
    col_added: "Ajouté",
    col_object_version: "Version (modifiée)",
    no_objects: "Rien ici que vous puissiez voir.",
    next_page: "Page suivante",
    taxii_address: "Adresse TAXII",
    versions_heading: "Versions",
    relationships_heading: "Relations",
    sightings_heading: "Observations",
    object_json_heading: "JSON STIX de la dernière version",
    field_description: "Description",
    field_pattern: "Motif",
    sighting_count: "fois observé",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_highest_q() {
        assert_eq!(from_accept_language("fr-CH, fr;q=0.9, en;q=0.8"), Some(Locale::Fr));
        assert_eq!(from_accept_language("de, en;q=0.5, fr;q=0.4"), Some(Locale::En));
        assert_eq!(from_accept_language("en;q=0.1, fr;q=0.2"), Some(Locale::Fr));
        assert_eq!(from_accept_language("fr;q=0"), None);
        assert_eq!(from_accept_language("de"), None);
    }

    #[test]
    fn dates_in_words() {
        let t: jiff::Timestamp = "2018-04-17T00:00:00Z".parse().unwrap();
        assert_eq!(Locale::En.date(t), "17 April 2018");
        assert_eq!(Locale::Fr.date(t), "17 avril 2018");
    }
}
