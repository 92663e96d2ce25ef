//! How an audit row reads in French. Core declares the labels of its own rows
//! ([`CORE`]); each module declares its own in its `ModuleDef` (`.audit_labels(…)`), so a
//! new module's rows read in French without any edit here. [`describe`] turns a stored
//! row (codes, JSON details) into what the log page and its CSV show.
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::{
    authz::Role,
    entities::audit_log,
    module,
    time::{Month, fr_date, fr_datetime, fr_decimal},
    web::views::month_label,
};

/// A detail value that is a code, in French: `(object type, detail key, raw value)` →
/// the label, or `None` to show the value as core formats it (dates, numbers, yes/no).
pub type ValueFn = fn(&str, &str, &str) -> Option<String>;

fn no_value(_: &str, _: &str, _: &str) -> Option<String> {
    None
}

/// The French labels of the rows a module (or core) records.
#[derive(Clone, Copy)]
pub struct AuditLabels {
    /// Object types it records → French noun (`leave_request` → `Demande d’absence`).
    /// An object type belongs to one module only (checked at boot).
    pub objects: &'static [(&'static str, &'static str)],
    /// `(object type, action, label)`; object `*` for any of its objects. An action not
    /// listed reads as core's generic one (`create`, `update`, `delete`).
    pub actions: &'static [(&'static str, &'static str, &'static str)],
    /// Detail keys → French (`matricule` → `Matricule`).
    pub keys: &'static [(&'static str, &'static str)],
    /// Detail values that are codes (leave types, contract kinds, levels…).
    pub value: ValueFn,
    /// The names of its system actors (tasks: `close_period` → `clôture de période`).
    pub tasks: &'static [(&'static str, &'static str)],
}

impl std::fmt::Debug for AuditLabels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLabels")
            .field("objects", &self.objects)
            .finish_non_exhaustive()
    }
}

impl AuditLabels {
    /// No labels (a module that records nothing).
    pub const NONE: Self = Self {
        objects: &[],
        actions: &[],
        keys: &[],
        value: no_value,
        tasks: &[],
    };
}

fn core_value(_object: &str, key: &str, raw: &str) -> Option<String> {
    match key {
        "module" => module::get(raw).map(|m| m.label.to_string()),
        "role" => Role::parse(raw).map(|r| r.label().to_string()),
        "vat_status" => Some(crate::member::VatStatus::label(raw).to_string()),
        _ => None,
    }
}

/// Core's own rows: accounts, members, subscriptions, roles, API keys, usage batches.
pub const CORE: AuditLabels = AuditLabels {
    objects: &[
        ("user", "Compte"),
        ("member", "Adhérent"),
        ("establishment", "Établissement"),
        ("subscription", "Abonnement"),
        ("grant", "Rôle d’un compte"),
        ("api_key", "Clé d’API"),
        ("usage_batch", "Envoi de consommation"),
    ],
    actions: &[
        ("*", "create", "Création"),
        ("*", "update", "Modification"),
        ("*", "delete", "Suppression"),
        ("user", "password_reset", "Réinitialisation du mot de passe"),
        ("user", "password_change", "Changement du mot de passe"),
        ("user", "disable", "Désactivation"),
        ("user", "enable", "Réactivation"),
        ("grant", "create", "Attribution"),
        ("grant", "delete", "Retrait"),
        ("api_key", "revoke", "Révocation"),
        ("usage_batch", "ingest", "Réception"),
        ("subscription", "update", "Date de fin modifiée"),
        ("member", "export", "Export de départ"),
        ("member", "erase", "Effacement de départ"),
    ],
    keys: &[
        ("email", "E-mail"),
        ("name", "Nom"),
        ("slug", "Identifiant"),
        ("siret", "SIRET"),
        ("module", "Module"),
        ("start_date", "Début"),
        ("end_date", "Fin"),
        ("role", "Rôle"),
        ("prefix", "Début de la clé"),
        ("accepted", "Acceptés"),
        ("duplicates", "Doublons"),
        ("rejected", "Refusés"),
        ("reason", "Motif"),
        ("sessions_closed", "Autres sessions fermées"),
        ("siren", "SIREN"),
        ("address", "Adresse"),
        ("finess", "FINESS"),
        ("vat_status", "Régime de TVA"),
        ("billing_email", "E-mail de facturation"),
        ("tables", "Tables"),
        ("rows", "Lignes"),
        ("files", "Fichiers"),
        ("erased", "Lignes effacées"),
        ("kept", "Lignes conservées"),
        ("users_disabled", "Comptes désactivés"),
    ],
    value: core_value,
    tasks: &[
        ("démo", "données de démonstration"),
        ("create_admin", "création de l’administrateur"),
        ("member_export", "export de départ d’un adhérent"),
        ("member_erase", "effacement de départ d’un adhérent"),
        ("test", "tests"),
    ],
};

/// Core's labels, then each installed module's.
fn all() -> impl Iterator<Item = &'static AuditLabels> {
    std::iter::once(&CORE).chain(module::all().iter().map(|m| &m.audit_labels))
}

/// The labels that own `object_type` (core's or a module's).
fn owner(object_type: &str) -> Option<&'static AuditLabels> {
    all().find(|l| l.objects.iter().any(|(o, _)| *o == object_type))
}

fn find2(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// The French name of an object type.
#[must_use]
pub fn object_label(object_type: &str) -> Option<&'static str> {
    owner(object_type).and_then(|l| find2(l.objects, object_type))
}

/// The French name of an action on an object type: the owner's own label, else its
/// `*` label, else core's generic one.
#[must_use]
pub fn action_label(object_type: &str, action: &str) -> Option<&'static str> {
    let pick = |l: &AuditLabels, obj: &str| {
        l.actions
            .iter()
            .find(|(o, a, _)| *o == obj && *a == action)
            .map(|(_, _, label)| *label)
    };
    owner(object_type)
        .and_then(|l| pick(l, object_type).or_else(|| pick(l, "*")))
        .or_else(|| pick(&CORE, "*"))
}

fn key_label(owner: Option<&AuditLabels>, key: &str) -> Option<&'static str> {
    owner
        .and_then(|l| find2(l.keys, key))
        .or_else(|| find2(CORE.keys, key))
}

/// Who acted, in French: an e-mail, `Système (clôture de période)`, `Clé d’API « X »`.
#[must_use]
pub fn actor_label(actor: &str) -> String {
    if let Some(task) = actor.strip_prefix("système:") {
        let name = all()
            .find_map(|l| find2(l.tasks, task))
            .map_or_else(|| task.replace('_', " "), str::to_string);
        format!("Système ({name})")
    } else if let Some(key) = actor.strip_prefix("clé-api:") {
        format!("Clé d’API « {key} »")
    } else {
        actor.to_string()
    }
}

/// A stored string, formatted: ISO dates as `JJ/MM/AAAA`, instants as
/// `JJ/MM/AAAA HH:MM` (Paris), months as `mars 2026`, decimals with a comma.
#[must_use]
pub fn format_text(raw: &str) -> String {
    let ascii_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if raw.len() == 10
        && let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
    {
        return fr_date(d);
    }
    if raw.len() == 7
        && raw.as_bytes().get(4) == Some(&b'-')
        && let Ok(m) = Month::parse(raw)
    {
        return month_label(m);
    }
    if raw.len() > 10
        && raw.as_bytes().get(10) == Some(&b'T')
        && let Ok(at) = DateTime::parse_from_rfc3339(raw)
    {
        return fr_datetime(at.with_timezone(&Utc));
    }
    // A plain decimal (`2.5`, `-0.75`); whole numbers are left alone (SIRET, ids).
    let unsigned = raw.strip_prefix('-').unwrap_or(raw);
    if let Some((int, frac)) = unsigned.split_once('.')
        && ascii_digits(int)
        && ascii_digits(frac)
        && let Ok(d) = raw.parse::<Decimal>()
    {
        return fr_decimal(d);
    }
    raw.to_string()
}

fn format_value(owner: Option<&AuditLabels>, object: &str, key: &str, v: &Value) -> String {
    let raw = match v {
        Value::Null => return "—".to_string(),
        Value::Bool(b) => return if *b { "oui" } else { "non" }.to_string(),
        Value::Array(items) => {
            return items
                .iter()
                .map(|i| format_value(owner, object, key, i))
                .collect::<Vec<_>>()
                .join(", ");
        }
        Value::Object(map) => {
            return map
                .iter()
                .map(|(k, v)| {
                    let label =
                        key_label(owner, k).map_or_else(|| k.replace('_', " "), str::to_string);
                    format!("{label} : {}", format_value(owner, object, k, v))
                })
                .collect::<Vec<_>>()
                .join(" ; ");
        }
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
    };
    if let Some(label) = owner
        .and_then(|l| (l.value)(object, key, &raw))
        .or_else(|| core_value(object, key, &raw))
    {
        return label;
    }
    match v {
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| raw.replace('.', ","), |i| fr_decimal(Decimal::from(i))),
        _ => format_text(&raw),
    }
}

/// One detail of a row: its French label and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub label: String,
    pub value: String,
}

/// An audit row as people read it.
#[derive(Debug, Clone, Serialize)]
pub struct Described {
    pub seq: i64,
    /// `26/11/2026 14:05`, Europe/Paris.
    pub at: String,
    pub actor: String,
    pub object: String,
    /// The object's identifier as stored (a month reads `mars 2026`).
    pub object_id: String,
    /// A short form for the page (`…a1b2c3` for a UUID).
    pub object_id_short: String,
    pub action: String,
    pub details: Vec<Detail>,
    /// The codes that have no French label (`object:…`, `action:…`, `key:…`): empty
    /// when every part of the row is declared. Not shown; the tests read it.
    #[serde(skip)]
    pub unlabelled: Vec<String>,
}

impl Described {
    /// The details on one line: `Matricule : T0001 · Type d’absence : Congés payés`.
    #[must_use]
    pub fn details_line(&self) -> String {
        self.details
            .iter()
            .map(|d| format!("{} : {}", d.label, d.value))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Reads a stored row in French.
#[must_use]
pub fn describe(row: &audit_log::Model) -> Described {
    let mut unlabelled = Vec::new();
    let owner = owner(&row.object_type);
    let object = object_label(&row.object_type).map_or_else(
        || {
            unlabelled.push(format!("object:{}", row.object_type));
            row.object_type.replace('_', " ")
        },
        str::to_string,
    );
    let action = action_label(&row.object_type, &row.action).map_or_else(
        || {
            unlabelled.push(format!("action:{}.{}", row.object_type, row.action));
            row.action.replace('_', " ")
        },
        str::to_string,
    );
    let mut details = Vec::new();
    let raw = row.details.trim();
    let parsed = if raw.is_empty() {
        Ok(Value::Null)
    } else {
        serde_json::from_str::<Value>(raw)
    };
    match parsed {
        Ok(Value::Null) => {}
        Ok(Value::Object(map)) => {
            // In the order the owner declares its keys (then core's), not the stored
            // (alphabetical) one: « Début » before « Fin ».
            let rank = |k: &str| {
                let own = owner.and_then(|l| l.keys.iter().position(|(x, _)| *x == k));
                own.or_else(|| {
                    CORE.keys
                        .iter()
                        .position(|(x, _)| *x == k)
                        .map(|i| 1000 + i)
                })
                .unwrap_or(usize::MAX)
            };
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| rank(k));
            for (k, v) in entries {
                let label = key_label(owner, k).map_or_else(
                    || {
                        unlabelled.push(format!("key:{}.{k}", row.object_type));
                        k.replace('_', " ")
                    },
                    str::to_string,
                );
                details.push(Detail {
                    label,
                    value: format_value(owner, &row.object_type, k, v),
                });
            }
        }
        Ok(v) => details.push(Detail {
            label: "Détails".to_string(),
            value: format_value(owner, &row.object_type, "", &v),
        }),
        Err(_) => details.push(Detail {
            label: "Détails".to_string(),
            value: row.details.clone(),
        }),
    }
    let object_id = format_text(&row.object_id);
    let object_id_short = if object_id.chars().count() > 12 {
        let tail: String = object_id
            .chars()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    } else {
        object_id.clone()
    };
    Described {
        seq: row.seq,
        at: fr_datetime(row.at),
        actor: actor_label(&row.actor),
        object,
        object_id,
        object_id_short,
        action,
        details,
        unlabelled,
    }
}

/// Checks the labels of a list of modules against core's and each other's: an object
/// type belongs to one owner, and each action names one of the owner's objects (or `*`).
///
/// # Errors
/// A message naming the module and the object type.
pub fn check(modules: &[&module::ModuleDef]) -> Result<(), String> {
    let mut owners: Vec<(&str, &str)> = CORE.objects.iter().map(|(o, _)| (*o, "core")).collect();
    for m in modules {
        let labels = &m.audit_labels;
        for (o, _) in labels.objects {
            if let Some((_, other)) = owners.iter().find(|(x, _)| x == o) {
                return Err(format!(
                    "audit object type « {o} » of module « {} » is already {other}'s",
                    m.code
                ));
            }
            owners.push((o, m.code));
        }
        for (o, a, _) in labels.actions {
            if *o != "*" && !labels.objects.iter().any(|(x, _)| x == o) {
                return Err(format!(
                    "audit action « {o}.{a} » of module « {} » names an object type it does not declare",
                    m.code
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(object_type: &str, action: &str, details: &str) -> audit_log::Model {
        audit_log::Model {
            seq: 7,
            at: DateTime::parse_from_rfc3339("2026-11-18T09:30:00Z")
                .unwrap()
                .to_utc(),
            user_id: Some(1),
            actor: "système:démo".to_string(),
            member_id: None,
            object_type: object_type.to_string(),
            object_id: "0192f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6".to_string(),
            action: action.to_string(),
            details: details.to_string(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_core_row_reads_in_french() {
        let d = describe(&row(
            "subscription",
            "create",
            r#"{"end_date":null,"module":"nothing-installed","role":"dpo","start_date":"2026-11-18"}"#,
        ));
        assert!(d.unlabelled.is_empty(), "{:?}", d.unlabelled);
        assert_eq!(d.object, "Abonnement");
        assert_eq!(d.action, "Création");
        assert_eq!(d.at, "18/11/2026 10:30");
        assert_eq!(d.actor, "Système (données de démonstration)");
        assert_eq!(d.object_id_short, "…d4e5f6");
        assert_eq!(
            d.details_line(),
            "Module : nothing-installed · Début : 18/11/2026 · Fin : — · Rôle : DPO"
        );
    }

    #[test]
    fn unknown_codes_are_reported_not_hidden() {
        let d = describe(&row("gizmo", "frobnicate", r#"{"colour_code":"x"}"#));
        assert_eq!(
            d.unlabelled,
            [
                "object:gizmo",
                "action:gizmo.frobnicate",
                "key:gizmo.colour_code"
            ]
        );
        assert_eq!(d.object, "gizmo");
        assert_eq!(d.details_line(), "colour code : x");
        // A generic action on an unknown object still reads in French.
        assert_eq!(action_label("gizmo", "delete"), Some("Suppression"));
    }

    #[test]
    fn values_are_formatted() {
        assert_eq!(format_text("2026-03"), "mars 2026");
        assert_eq!(format_text("2.5"), "2,5");
        assert_eq!(format_text("-0.75"), "-0,75");
        assert_eq!(format_text("77566101000105"), "77566101000105");
        assert_eq!(format_text("2026-11-18T09:30:00Z"), "18/11/2026 10:30");
        assert_eq!(format_text("T0001"), "T0001");
        assert_eq!(format_text("1.2.3"), "1.2.3");
        let d = describe(&row(
            "usage_batch",
            "ingest",
            r#"{"accepted":1200,"rejected":0,"duplicates":true}"#,
        ));
        assert_eq!(
            d.details_line(),
            "Acceptés : 1\u{202f}200 · Doublons : oui · Refusés : 0"
        );
        assert_eq!(actor_label("clé-api:Outil"), "Clé d’API « Outil »");
        assert_eq!(actor_label("système:nightly_job"), "Système (nightly job)");
        assert_eq!(actor_label("a@b.test"), "a@b.test");
    }

    #[test]
    fn an_object_type_has_one_owner() {
        static TWICE: AuditLabels = AuditLabels {
            objects: &[("user", "Utilisateur")],
            ..AuditLabels::NONE
        };
        let m = module::ModuleDef::new("alpha", "Alpha").audit_labels(TWICE);
        assert!(check(&[&m]).unwrap_err().contains("« user »"));
        static STRAY: AuditLabels = AuditLabels {
            objects: &[("alpha_thing", "Chose")],
            actions: &[("beta_thing", "make", "Fabrication")],
            ..AuditLabels::NONE
        };
        let m = module::ModuleDef::new("alpha", "Alpha").audit_labels(STRAY);
        assert!(check(&[&m]).unwrap_err().contains("beta_thing.make"));
        let ok = module::ModuleDef::new("alpha", "Alpha").audit_labels(AuditLabels {
            objects: &[("alpha_thing", "Chose")],
            actions: &[("alpha_thing", "make", "Fabrication")],
            ..AuditLabels::NONE
        });
        assert!(check(&[&ok]).is_ok());
    }
}
