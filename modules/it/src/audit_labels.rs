//! How IT support's audit rows read in French.
use mutualis_core::audit::labels::AuditLabels;

fn value(object: &str, key: &str, raw: &str) -> Option<String> {
    match (object, key) {
        ("it_intervention", "category") => {
            Some(crate::interventions::category_label(raw).to_string())
        }
        _ => None,
    }
}

/// IT support's object types, actions and detail keys.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("it_intervention", "Intervention informatique"),
        ("it_contact", "Contact informatique de l’adhérent"),
        ("it_settings", "Réglages du support informatique"),
    ],
    actions: &[],
    keys: &[
        ("date", "Date"),
        ("minutes", "Durée (minutes)"),
        ("was", "Durée précédente (minutes)"),
        ("category", "Catégorie"),
        ("ticket", "Ticket"),
        ("rounding_minutes", "Arrondi des durées (minutes)"),
        ("rounding_was", "Arrondi précédent (minutes)"),
    ],
    value,
    tasks: &[],
};
