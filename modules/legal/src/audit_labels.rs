//! How the legal module's audit rows read in French.
use mutualis_core::audit::labels::AuditLabels;

fn value(_object: &str, _key: &str, _raw: &str) -> Option<String> {
    None
}

/// The legal module's object types, actions and detail keys.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("legal_template", "Modèle juridique"),
        ("legal_document", "Document juridique"),
    ],
    actions: &[
        ("legal_template", "publish", "Publication"),
        ("legal_document", "generate", "Génération"),
    ],
    keys: &[
        ("title", "Titre"),
        ("version", "Version"),
        ("changelog", "Changement"),
        ("members", "Adhérents prévenus"),
        ("template", "Modèle"),
    ],
    value,
    tasks: &[],
};
