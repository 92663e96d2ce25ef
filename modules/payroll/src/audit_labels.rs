//! How payroll's audit rows read in French (declared in the module's `ModuleDef`).
use mutualis_core::audit::labels::AuditLabels;

fn value(object: &str, key: &str, raw: &str) -> Option<String> {
    let text = match (object, key) {
        (_, "code") => crate::lines::code_label(raw).to_string(),
        (_, "was") => crate::periods::status_label(raw).to_lowercase(),
        (_, "profile") => match raw {
            "generic" => "générique (CSV)".to_string(),
            "123paie" => "123Paie".to_string(),
            other => other.to_string(),
        },
        ("payroll_import_map", "field") => crate::imports::FIELDS
            .iter()
            .find(|(f, _, _)| *f == raw)
            .map(|(_, l, _)| (*l).to_string())?,
        _ => return None,
    };
    Some(text)
}

/// Payroll's object types, actions, detail keys and codes.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("payroll_period", "Période de paie"),
        ("payroll_line", "Élément variable de paie"),
        ("payroll_import", "Import d’éléments de paie"),
        (
            "payroll_import_map",
            "Correspondance de colonne (import de paie)",
        ),
        ("payroll_finding", "Anomalie de paie"),
        ("payroll_settings", "Réglages de la paie"),
        ("payroll_export", "Export de paie"),
    ],
    actions: &[
        ("payroll_period", "submit", "Soumission à la direction"),
        ("payroll_period", "validate", "Validation par la direction"),
        ("payroll_period", "export", "Export"),
        ("payroll_period", "reopen", "Réouverture"),
        ("payroll_import", "stage", "Fichier déposé"),
        ("payroll_import", "confirm", "Import confirmé"),
        ("payroll_finding", "acknowledge", "Avertissement acquitté"),
    ],
    keys: &[
        ("period", "Période"),
        ("matricule", "Matricule"),
        ("code", "Élément"),
        ("was", "Statut précédent"),
        ("reason", "Motif"),
        ("file", "Fichier"),
        ("rows", "Lignes"),
        ("valid", "Lignes valides"),
        ("imported", "Lignes importées"),
        ("rule", "Contrôle"),
        ("comment", "Commentaire"),
        ("cutoff_day", "Jour de clôture"),
        ("profile", "Profil d’export"),
        ("provider_code", "Code du logiciel de paie"),
        ("title", "Titre de colonne"),
        ("field", "Champ"),
        ("files", "Fichiers"),
        ("employees", "Salariés exportés"),
    ],
    value,
    tasks: &[],
};
