//! How the practice exchange's audit rows read in French.
use mutualis_core::audit::labels::AuditLabels;

fn value(_object: &str, _key: &str, _raw: &str) -> Option<String> {
    None
}

/// The module's object types, actions and detail keys.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("practices_sheet", "Fiche pratique"),
        ("practices_address", "Bonne adresse"),
        ("practices_comment", "Commentaire sur une fiche"),
        ("practices_reader", "Préférences de lecture"),
    ],
    actions: &[
        ("practices_sheet", "create", "Création"),
        ("practices_sheet", "edit", "Modification"),
        ("practices_sheet", "submit", "Soumission"),
        ("practices_sheet", "publish", "Publication"),
        ("practices_sheet", "return", "Renvoi à l’auteur"),
        ("practices_sheet", "archive", "Archivage"),
        ("practices_sheet", "attach", "Pièce jointe ajoutée"),
        ("practices_sheet", "detach", "Pièce jointe retirée"),
        ("practices_address", "create", "Proposition"),
        ("practices_address", "review", "Avis"),
        ("practices_address", "review_edit", "Avis modifié"),
        ("practices_sheet", "useful", "Marquée utile"),
        ("practices_sheet", "not_useful", "Mention « utile » retirée"),
        ("practices_comment", "create", "Publication"),
        ("practices_comment", "delete", "Suppression"),
        ("practices_reader", "digest_on", "Lettre mensuelle demandée"),
        ("practices_reader", "digest_off", "Lettre mensuelle arrêtée"),
    ],
    keys: &[
        ("title", "Titre"),
        ("version", "Version"),
        ("comment", "Commentaire"),
        ("rating", "Note"),
        ("file", "Fichier"),
        ("media_type", "Type"),
        ("size", "Taille (octets)"),
        ("sha256", "Empreinte SHA-256"),
        ("author", "Auteur"),
    ],
    value,
    tasks: &[],
};
