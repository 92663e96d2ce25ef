//! How GDPR's audit rows read in French (declared in the module's `ModuleDef`).
use mutualis_core::audit::labels::AuditLabels;

use crate::codes;

fn value(object: &str, key: &str, raw: &str) -> Option<String> {
    let text = match (object, key) {
        ("gdpr_request", "kind") => codes::label(&codes::REQUEST_KINDS, raw),
        ("gdpr_request", "state") => codes::label(&codes::REQUEST_STATES, raw),
        ("gdpr_activity", "status") => codes::label(&codes::STATUSES, raw),
        ("gdpr_breach", "decision") => match raw {
            "notify" => "notifier la CNIL",
            "not_notify" => "ne pas notifier",
            _ => return None,
        },
        _ => return None,
    };
    Some(text.to_string())
}

/// GDPR's object types, actions, detail keys, codes and task.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("gdpr_activity", "Traitement (registre RGPD)"),
        ("gdpr_template", "Modèle de traitement"),
        ("gdpr_breach", "Violation de données"),
        ("gdpr_request", "Demande de droits"),
        ("gdpr_processor", "Sous-traitant"),
        ("gdpr_dpia", "AIPD"),
        ("gdpr_time", "Temps du DPO"),
    ],
    actions: &[
        ("gdpr_activity", "complete", "Marqué complété"),
        ("gdpr_activity", "check", "Vérifié par le DPO"),
        ("gdpr_activity", "archive", "Archivé"),
        (
            "gdpr_activity",
            "template_accept",
            "Mise à jour du modèle acceptée",
        ),
        (
            "gdpr_activity",
            "template_reject",
            "Mise à jour du modèle refusée",
        ),
        ("gdpr_breach", "declare", "Déclaration"),
        ("gdpr_breach", "decide", "Décision de notification"),
        ("gdpr_request", "extend", "Délai prolongé"),
        ("gdpr_request", "answer", "Réponse"),
        ("gdpr_request", "state", "Changement d’état"),
        ("gdpr_dpia", "sign", "Signature"),
    ],
    keys: &[
        ("template", "Modèle"),
        ("status", "Statut"),
        ("version", "Version"),
        ("kept", "Champs propres conservés"),
        ("aware_at", "Connaissance le"),
        ("deadline", "Échéance CNIL"),
        ("decision", "Décision"),
        ("notified_at", "Notifiée le"),
        ("kind", "Droit exercé"),
        ("received_on", "Reçue le"),
        ("due_on", "Échéance"),
        ("state", "État"),
        ("answered_on", "Répondue le"),
        ("late", "En retard"),
        ("expires_on", "Échéance du contrat"),
        ("title", "Intitulé"),
        ("activity", "Traitement"),
        ("sign_off", "Signature"),
        ("date", "Date"),
        ("hours", "Heures"),
    ],
    value,
    tasks: &[("gdpr_reminders", "rappels RGPD")],
};
