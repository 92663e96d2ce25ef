//! How billing's audit rows read in French (declared in the module's `ModuleDef`).
use mutualis_core::{audit::labels::AuditLabels, time::fr_money};
use rust_decimal::Decimal;

fn value(object: &str, key: &str, raw: &str) -> Option<String> {
    match (object, key) {
        ("billing_charge", "kind") => Some(
            match raw {
                "subscription" => "Abonnement",
                "unit_price" => "Prix unitaire",
                "cost_pool" => "Pool de coûts",
                "true_up" => "Régularisation",
                _ => return None,
            }
            .to_string(),
        ),
        ("credit_note", "total") => raw.parse::<Decimal>().ok().map(fr_money),
        _ => None,
    }
}

/// Billing's object types, actions, detail keys, codes and task.
pub const LABELS: AuditLabels = AuditLabels {
    objects: &[
        ("billing_charge", "Tarif"),
        ("billing_period", "Période de facturation"),
        ("billing_true_up", "Régularisation annuelle"),
        ("invoice", "Facture"),
        ("credit_note", "Avoir"),
    ],
    actions: &[
        ("billing_charge", "create", "Nouvelle version"),
        ("billing_period", "close", "Clôture"),
        ("billing_true_up", "compute", "Calcul"),
        ("invoice", "approve", "Approbation"),
        ("invoice", "finalize", "Émission"),
        ("invoice", "paid", "Paiement enregistré"),
    ],
    keys: &[
        ("code", "Code du tarif"),
        ("kind", "Type"),
        ("effective_from", "En vigueur le"),
        ("active", "Actif"),
        ("invoices", "Factures"),
        ("drafts", "Brouillons"),
        ("approvals", "Approbations"),
        ("number", "Numéro"),
        ("period", "Période"),
        ("paid_on", "Payée le"),
        ("invoice", "Facture"),
        ("total", "Montant"),
    ],
    value,
    tasks: &[("close_period", "clôture de période")],
};
