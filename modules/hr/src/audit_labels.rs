//! How HR's audit rows read in French (declared in the module's `ModuleDef`).
use mutualis_core::audit::labels::AuditLabels;

use crate::{
    contracts, leave,
    skills::{InterviewKind, level_label},
};

/// The French name of a field of an employee's record.
fn employee_field(code: &str) -> Option<&'static str> {
    Some(match code {
        "matricule" => "matricule",
        "first_name" => "prénom",
        "last_name" => "nom",
        "sex" => "sexe",
        "birth_date" => "date de naissance",
        "nationality" => "nationalité",
        "nir" => "NIR",
        "entry_date" => "date d’entrée",
        "establishment" => "établissement",
        "email" => "e-mail",
        "address" => "adresse",
        "phone" => "téléphone",
        "permit_type" => "type de titre de travail",
        "permit_number" => "numéro du titre de travail",
        "permit_expiry" => "expiration du titre de travail",
        _ => return None,
    })
}

fn value(object: &str, key: &str, raw: &str) -> Option<String> {
    let text = match (object, key) {
        ("leave_request" | "leave_entry", "type") => leave::leave_type(raw)?.label,
        ("leave_request", "was") => match raw {
            "pending" => "en attente",
            "approved" => "approuvée",
            "refused" => "refusée",
            "cancelled" => "annulée",
            _ => return None,
        },
        ("contract", "kind") => contracts::kind_label(raw),
        ("point_value", "agreement") => contracts::agreement_label(raw),
        ("interview", "kind") => InterviewKind::parse(raw)?.label(),
        ("employee", "fields") => employee_field(raw)?,
        ("employee_skill" | "position_skill", "level" | "previous_level") => {
            level_label(raw.parse().ok()?)
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// HR's object types, actions, detail keys, codes and task.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("employee", "Salarié"),
        ("contract", "Contrat"),
        ("leave_request", "Absence"),
        ("leave_entry", "Compteur de congés"),
        ("leave_accrual", "Acquisition mensuelle des congés"),
        ("hr_settings", "Paramètres RH"),
        ("hr_import", "Import de salariés"),
        ("hr_skill", "Compétence"),
        ("employee_skill", "Compétence d’un salarié"),
        ("position_skill", "Compétence attendue d’un poste"),
        ("training", "Formation"),
        ("interview", "Entretien professionnel"),
        ("point_value", "Valeur du point"),
    ],
    actions: &[
        ("employee", "read_nir", "Consultation du NIR"),
        ("employee", "exit", "Sortie"),
        ("contract", "amend", "Avenant"),
        ("leave_request", "request", "Demande"),
        ("leave_request", "record", "Enregistrement"),
        ("leave_request", "approve", "Approbation"),
        ("leave_request", "refuse", "Refus"),
        ("leave_request", "cancel", "Annulation"),
        ("leave_entry", "adjust", "Ajustement"),
        ("leave_accrual", "run", "Calcul"),
        ("hr_import", "stage", "Fichier déposé"),
        ("hr_import", "confirm", "Import confirmé"),
        ("employee_skill", "assess", "Évaluation"),
        ("position_skill", "set", "Niveau attendu fixé"),
        ("position_skill", "remove", "Retrait"),
        ("training", "create", "Enregistrement"),
        ("interview", "create", "Enregistrement"),
    ],
    keys: &[
        ("matricule", "Matricule"),
        ("type", "Type d’absence"),
        ("start", "Début"),
        ("end", "Fin"),
        ("days", "Jours"),
        ("was", "Statut précédent"),
        ("days_given_back", "Mouvements annulés"),
        ("exit", "Date de sortie"),
        ("kind", "Type"),
        ("version", "Version"),
        ("valid_from", "En vigueur le"),
        ("agreement", "Convention collective"),
        ("value", "Valeur"),
        ("employees", "Salariés"),
        ("entries", "Mouvements"),
        ("alsace_moselle", "Droit local d’Alsace-Moselle"),
        (
            "interview_every_years",
            "Entretien professionnel tous les (ans)",
        ),
        ("review_every_years", "Bilan tous les (ans)"),
        ("file", "Fichier"),
        ("rows", "Lignes"),
        ("valid", "Lignes valides"),
        ("imported", "Salariés importés"),
        ("strict", "Mode strict"),
        ("category", "Catégorie"),
        ("skill", "Compétence"),
        ("level", "Niveau"),
        ("previous_level", "Niveau précédent"),
        ("assessed_on", "Évaluée le"),
        ("title", "Intitulé"),
        ("certificate", "Certificat"),
        ("certificate_expiry", "Certificat valable jusqu’au"),
        ("held_on", "Date de l’entretien"),
        ("position", "Poste"),
        ("fields", "Champs modifiés"),
    ],
    value,
    tasks: &[("hr_monthly", "tâche mensuelle RH")],
};
