//! The codes the register stores and the API exchanges, each with its French label (the
//! CNIL model register's categories, the EDPB's nine DPIA criteria, Art. 6 and 9(2)).

/// A code and its French label.
pub type Code = (&'static str, &'static str);

/// The organisation's role in the processing.
pub const ROLES: [Code; 3] = [
    ("controller", "Responsable de traitement"),
    ("joint_controller", "Responsable conjoint"),
    ("processor", "Sous-traitant"),
];

/// Art. 6(1) legal bases.
pub const LEGAL_BASES: [Code; 6] = [
    ("consent", "Consentement (art. 6.1.a)"),
    ("contract", "Exécution d’un contrat (art. 6.1.b)"),
    ("legal_obligation", "Obligation légale (art. 6.1.c)"),
    (
        "vital_interests",
        "Sauvegarde des intérêts vitaux (art. 6.1.d)",
    ),
    ("public_task", "Mission d’intérêt public (art. 6.1.e)"),
    ("legitimate_interests", "Intérêt légitime (art. 6.1.f)"),
];

/// Art. 9(2) conditions for special categories of data.
pub const ART9_CONDITIONS: [Code; 10] = [
    ("9.2.a", "9.2.a — consentement explicite"),
    (
        "9.2.b",
        "9.2.b — droit du travail et de la protection sociale",
    ),
    ("9.2.c", "9.2.c — intérêts vitaux"),
    (
        "9.2.d",
        "9.2.d — fondation, association, organisme à but non lucratif",
    ),
    ("9.2.e", "9.2.e — données rendues publiques par la personne"),
    ("9.2.f", "9.2.f — droits en justice"),
    ("9.2.g", "9.2.g — intérêt public important"),
    (
        "9.2.h",
        "9.2.h — médecine, prise en charge sanitaire ou sociale",
    ),
    ("9.2.i", "9.2.i — santé publique"),
    ("9.2.j", "9.2.j — archives, recherche, statistiques"),
];

/// The nine criteria of the EDPB guidelines (WP248): two or more call for a DPIA.
pub const DPIA_CRITERIA: [Code; 9] = [
    ("evaluation_scoring", "Évaluation ou notation"),
    (
        "automated_decision",
        "Décision automatisée avec effet juridique",
    ),
    ("systematic_monitoring", "Surveillance systématique"),
    (
        "sensitive_data",
        "Données sensibles ou hautement personnelles",
    ),
    ("large_scale", "Traitement à grande échelle"),
    ("matching_datasets", "Croisement de données"),
    ("vulnerable_persons", "Personnes vulnérables"),
    (
        "innovative_technology",
        "Usage innovant ou nouvelle technologie",
    ),
    (
        "prevents_rights",
        "Exclusion du bénéfice d’un droit ou d’un contrat",
    ),
];

/// Categories of personal data (CNIL model, with the NIR and health apart).
pub const DATA_CATEGORIES: [Code; 11] = [
    ("identity", "État civil, identité"),
    ("personal_life", "Vie personnelle"),
    ("working_life", "Vie professionnelle"),
    ("economic", "Informations d’ordre économique et financier"),
    ("connection", "Données de connexion"),
    ("location", "Données de localisation"),
    ("health", "Données de santé"),
    ("nir", "Numéro de sécurité sociale (NIR)"),
    ("offences", "Infractions, condamnations"),
    ("biometric", "Données génétiques ou biométriques"),
    ("other", "Autres"),
];

/// Categories of persons concerned.
pub const PERSON_CATEGORIES: [Code; 8] = [
    ("employees", "Salariés"),
    ("service_users", "Usagers"),
    ("minors", "Mineurs"),
    ("vulnerable_adults", "Majeurs vulnérables"),
    ("families", "Familles, proches"),
    ("volunteers", "Bénévoles"),
    ("applicants", "Candidats"),
    ("other", "Autres"),
];

/// What becomes of data at the end of its retention.
pub const FINAL_FATES: [Code; 4] = [
    ("destroy", "Destruction"),
    ("archive", "Archivage définitif"),
    ("anonymise", "Anonymisation"),
    ("keep", "Conservation"),
];

/// The nature of a breach.
pub const BREACH_NATURES: [Code; 3] = [
    ("confidentiality", "Confidentialité"),
    ("integrity", "Intégrité"),
    ("availability", "Disponibilité"),
];

/// The kinds of data-subject requests (Art. 15–22).
pub const REQUEST_KINDS: [Code; 8] = [
    ("access", "Accès"),
    ("rectification", "Rectification"),
    ("erasure", "Effacement"),
    ("restriction", "Limitation"),
    ("portability", "Portabilité"),
    ("objection", "Opposition"),
    ("consent_withdrawal", "Retrait du consentement"),
    ("other", "Autre"),
];

/// A request's title by its kind (« Demande d’accès »).
#[must_use]
pub fn request_title(kind: &str) -> &'static str {
    match kind {
        "access" => "Demande d’accès",
        "rectification" => "Demande de rectification",
        "erasure" => "Demande d’effacement",
        "restriction" => "Demande de limitation",
        "portability" => "Demande de portabilité",
        "objection" => "Opposition",
        "consent_withdrawal" => "Retrait du consentement",
        _ => "Autre demande",
    }
}

/// The states of a data-subject request.
pub const REQUEST_STATES: [Code; 6] = [
    ("to_handle", "À traiter"),
    ("awaiting_id", "En attente d’un justificatif d’identité"),
    ("awaiting_clarification", "En attente de précisions"),
    ("awaiting_service", "En attente d’un service"),
    ("answered", "Répondue"),
    ("refused", "Refusée (motivée)"),
];

/// The severity of a breach (CNIL's four levels).
pub const SEVERITIES: [Code; 4] = [
    ("1", "Négligeable"),
    ("2", "Limitée"),
    ("3", "Importante"),
    ("4", "Maximale"),
];

/// The status of a processing activity.
pub const STATUSES: [Code; 4] = [
    ("draft", "Brouillon"),
    ("completed", "Complétée"),
    ("checked", "Vérifiée par le DPO"),
    ("archived", "Archivée"),
];

/// The French label of `code` in `list`, or the code itself.
#[must_use]
pub fn label<const N: usize>(list: &[Code; N], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map_or("—", |(_, l)| l)
}

/// Whether `code` is one of `list`'s.
#[must_use]
pub fn known<const N: usize>(list: &[Code; N], code: &str) -> bool {
    list.iter().any(|(c, _)| *c == code)
}

/// The French name of each field of an activity (a template update's difference names
/// them so).
pub const FIELDS: [Code; 24] = [
    ("name", "Nom du traitement"),
    ("purposes", "Finalités"),
    ("role", "Rôle de l’organisme"),
    ("controller", "Responsable de traitement et contact"),
    ("service", "Service en charge"),
    ("legal_bases", "Bases légales (art. 6)"),
    ("art9_condition", "Condition de l’article 9.2"),
    ("nir_basis", "Base légale du NIR"),
    ("data_categories", "Catégories de données"),
    ("person_categories", "Catégories de personnes"),
    ("persons_estimate", "Nombre de personnes"),
    ("recipients", "Destinataires"),
    ("transfers", "Transferts hors de l’Union européenne"),
    ("retention", "Durées de conservation"),
    ("security_measures", "Mesures de sécurité"),
    ("software", "Logiciel"),
    ("hosting", "Hébergement"),
    ("hds_host", "Hébergeur certifié données de santé (HDS)"),
    ("dpia_criteria", "Critères d’AIPD du CEPD"),
    ("dpia_override", "AIPD : décision contraire aux critères"),
    ("dpia_override_reason", "AIPD : motif de la décision"),
    ("finess", "Établissement (FINESS)"),
    ("notes", "Notes"),
    ("status", "Statut"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_label_and_unknown_codes_do_not() {
        assert_eq!(
            label(&DPIA_CRITERIA, "large_scale"),
            "Traitement à grande échelle"
        );
        assert_eq!(label(&LEGAL_BASES, "nope"), "—");
        assert!(known(&ART9_CONDITIONS, "9.2.h"));
        assert!(!known(&ART9_CONDITIONS, "9.2.k"));
    }
}
