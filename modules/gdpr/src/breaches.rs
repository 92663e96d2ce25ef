//! Personal data breaches (Art. 33/34): declared by any user of the member with a short
//! form, read and completed by the DPO and the director. Times are instants (UTC in the
//! database, Europe/Paris on the pages); the CNIL must be notified within 72 elapsed hours
//! of awareness, or the file says why not and why late.
use chrono::{DateTime, Utc};
use mutualis_core::{
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    limits::{Check, Text},
    tenant::{MemberOwned, Tenant},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{codes, entities::gdpr_breaches, rules};

/// Reads an instant typed as RFC 3339 (`2027-03-27T10:00:00+01:00`, `…Z`) or as a
/// local Paris time from a form (`2027-03-27T10:00`). The window: from 2000 to an hour
/// ahead (a breach is not declared in the future).
///
/// # Errors
/// The French reason (the caller names the field).
pub fn parse_instant(raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    use chrono::{NaiveDateTime, TimeZone};
    use chrono_tz::Europe::Paris;
    let raw = raw.trim();
    let at = if let Ok(d) = DateTime::parse_from_rfc3339(raw) {
        d.with_timezone(&Utc)
    } else {
        let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%d/%m/%Y %H:%M"))
            .map_err(|_| {
                let shown: String = raw.chars().take(40).collect();
                format!("« {shown} » n’est pas une date et heure (JJ/MM/AAAA HH:MM).")
            })?;
        // A local time skipped by the spring change does not exist; one repeated in
        // autumn is taken at its first occurrence.
        Paris
            .from_local_datetime(&local)
            .earliest()
            .ok_or("cette heure n’existe pas (changement d’heure).")?
            .with_timezone(&Utc)
    };
    let min = Utc
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(now);
    if at < min || at > now + chrono::Duration::hours(1) {
        return Err("date hors des limites plausibles (de 2000 à maintenant).".to_string());
    }
    Ok(at)
}

/// The short declaration any user of the member may make.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprBreachDeclaration)]
#[serde(default)]
pub struct BreachDeclaration {
    /// When the breach was discovered (RFC 3339, or a Paris local time from a form).
    pub discovered_at: String,
    /// When the member became aware of it: the 72 hours start here.
    pub aware_at: String,
    /// `confidentiality`, `integrity`, `availability`.
    pub nature: Vec<String>,
    pub description: String,
}

/// The DPO's or the director's completion of the file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprBreachDetails)]
#[serde(default)]
pub struct BreachDetails {
    pub ongoing: bool,
    pub origin: String,
    pub cause: String,
    pub data_categories: Vec<String>,
    pub person_categories: Vec<String>,
    /// Approximate number of persons (whole number, empty when unknown).
    pub persons_count: String,
    pub records_count: String,
    pub consequences: String,
    /// 1 (négligeable) to 4 (maximale).
    pub severity: String,
    pub measures_taken: String,
    pub measures_planned: String,
    /// Communication to the persons: `yes`, `later` or `no`.
    pub persons_informed: String,
    /// Why the persons are not told (Art. 34(3)).
    pub persons_exemption: String,
    /// When the ARS / CERT Santé was told (an establishment's duty).
    pub ars_reported_at: String,
}

/// The notification decision.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprNotificationInput)]
#[serde(default)]
pub struct NotificationInput {
    /// `notify` or `not_notify`.
    pub decision: String,
    /// Why (Art. 33(1): unlikely to result in a risk; or the risk that calls for it).
    pub reason: String,
    /// When the CNIL was notified (required with `notify`).
    pub notified_at: String,
    /// The CNIL's reference.
    pub reference: String,
    /// `initial` or `complementary`.
    pub kind: String,
    /// Why after 72 hours, when it is.
    pub late_reason: String,
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// A stored JSON list of codes.
#[must_use]
pub fn list_of(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn known_codes<const N: usize>(
    c: &mut Check,
    field: &str,
    values: &[String],
    list: &[codes::Code; N],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let v = v.trim();
        if codes::known(list, v) {
            if !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        } else {
            c.error(&format!("{field}[{i}]"), "Valeur inconnue.");
        }
    }
    out
}

/// One of the member's breaches.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<gdpr_breaches::Model> {
    gdpr_breaches::Entity::find_in(tenant)
        .filter(gdpr_breaches::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The member's breaches, the most recent first.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<gdpr_breaches::Model>> {
    Ok(gdpr_breaches::Entity::find_in(tenant)
        .order_by_desc(gdpr_breaches::Column::AwareAt)
        .all(db)
        .await?)
}

/// Whether the CNIL clock still runs: no decision yet.
#[must_use]
pub fn clock_running(b: &gdpr_breaches::Model) -> bool {
    b.decision.is_none()
}

/// Declares a breach (audited; any user of the member).
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn declare(
    w: &Write<'_>,
    by: &str,
    input: &BreachDeclaration,
    now: DateTime<Utc>,
) -> AppResult<gdpr_breaches::Model> {
    let mut c = Check::new();
    let instant = |c: &mut Check, field: &str, label: &str, raw: &str| {
        if raw.trim().is_empty() {
            c.error(field, format!("{label} est obligatoire (date et heure)."));
            return None;
        }
        parse_instant(raw, now)
            .map_err(|m| c.error(field, format!("{label} : {m}")))
            .ok()
    };
    let discovered = instant(
        &mut c,
        "discovered_at",
        "La découverte",
        &input.discovered_at,
    );
    let aware = instant(
        &mut c,
        "aware_at",
        "La prise de connaissance",
        &input.aware_at,
    );
    if let (Some(d), Some(a)) = (discovered, aware)
        && a < d
    {
        c.error(
            "aware_at",
            "La prise de connaissance ne peut précéder la découverte.",
        );
    }
    let natures = known_codes(&mut c, "nature", &input.nature, &codes::BREACH_NATURES);
    if input.nature.is_empty() {
        c.error(
            "nature",
            "Indiquez la nature de la violation : confidentialité, intégrité ou disponibilité.",
        );
    }
    let description = c.text(
        "description",
        "La description",
        &input.description,
        Text::Long,
        "Décrivez ce qui s’est passé, en quelques mots.",
    );
    let (discovered, aware) = c
        .finish(|| Some((discovered?, aware?)))
        .map_err(AppError::Validation)?;
    let b = gdpr_breaches::Entity::insert_in(
        w.tenant(),
        gdpr_breaches::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            discovered_at: Set(discovered),
            aware_at: Set(aware),
            ongoing: Set(false),
            natures: Set(json_list(&natures)),
            description: Set(description),
            origin: Set(None),
            cause: Set(None),
            data_categories: Set("[]".to_string()),
            person_categories: Set("[]".to_string()),
            persons_count: Set(None),
            records_count: Set(None),
            consequences: Set(None),
            severity: Set(None),
            measures_taken: Set(None),
            measures_planned: Set(None),
            decision: Set(None),
            decision_reason: Set(None),
            notified_at: Set(None),
            notification_reference: Set(None),
            notification_kind: Set(None),
            late_reason: Set(None),
            persons_informed: Set(None),
            persons_exemption: Set(None),
            ars_reported_at: Set(None),
            declared_by: Set(by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "gdpr_breach",
        &b.id.to_string(),
        "declare",
        serde_json::json!({"aware_at": b.aware_at, "deadline": rules::breach_deadline(b.aware_at)}),
    )
    .await?;
    Ok(b)
}

fn count(c: &mut Check, field: &str, raw: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.replace([' ', '\u{202f}', '\u{a0}'], "").parse::<i64>() {
        Ok(n) if (0..=100_000_000).contains(&n) => Some(n),
        _ => {
            c.error(field, "Un nombre entier est attendu (0 à 100 000 000).");
            None
        }
    }
}

/// Completes the file (the DPO or the director).
///
/// # Errors
/// 422 naming each invalid field; 404; database errors.
pub async fn complete(
    w: &Write<'_>,
    id: Uuid,
    input: &BreachDetails,
    now: DateTime<Utc>,
) -> AppResult<gdpr_breaches::Model> {
    let b = get(w.txn(), w.tenant(), id).await?;
    let mut c = Check::new();
    let long = |c: &mut Check, field: &str, label: &str, raw: &str| {
        c.optional_text(field, label, raw, Text::Long)
    };
    let origin = long(&mut c, "origin", "L’origine", &input.origin);
    let cause = long(&mut c, "cause", "La cause", &input.cause);
    let data = known_codes(
        &mut c,
        "data_categories",
        &input.data_categories,
        &codes::DATA_CATEGORIES,
    );
    let persons = known_codes(
        &mut c,
        "person_categories",
        &input.person_categories,
        &codes::PERSON_CATEGORIES,
    );
    let persons_count = count(&mut c, "persons_count", &input.persons_count);
    let records_count = count(&mut c, "records_count", &input.records_count);
    let consequences = long(
        &mut c,
        "consequences",
        "Les conséquences",
        &input.consequences,
    );
    let severity = match input.severity.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n @ 1..=4) => Some(n),
            _ => {
                c.error(
                    "severity",
                    "La gravité va de 1 (négligeable) à 4 (maximale).",
                );
                None
            }
        },
    };
    let taken = long(
        &mut c,
        "measures_taken",
        "Les mesures prises",
        &input.measures_taken,
    );
    let planned = long(
        &mut c,
        "measures_planned",
        "Les mesures prévues",
        &input.measures_planned,
    );
    let informed = match input.persons_informed.trim() {
        "" => None,
        v @ ("yes" | "later" | "no") => Some(v.to_string()),
        _ => {
            c.error("persons_informed", "Choisissez oui, plus tard ou non.");
            None
        }
    };
    let exemption = long(
        &mut c,
        "persons_exemption",
        "Le motif",
        &input.persons_exemption,
    );
    if informed.as_deref() == Some("no") && exemption.is_none() {
        c.error(
            "persons_exemption",
            "Ne pas informer les personnes demande un motif (article 34.3).",
        );
    }
    let ars = if input.ars_reported_at.trim().is_empty() {
        None
    } else {
        parse_instant(&input.ars_reported_at, now)
            .map_err(|m| c.error("ars_reported_at", format!("Le signalement à l’ARS : {m}")))
            .ok()
    };
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let mut m: gdpr_breaches::ActiveModel = b.into();
    m.ongoing = Set(input.ongoing);
    m.origin = Set(origin);
    m.cause = Set(cause);
    m.data_categories = Set(json_list(&data));
    m.person_categories = Set(json_list(&persons));
    m.persons_count = Set(persons_count);
    m.records_count = Set(records_count);
    m.consequences = Set(consequences);
    m.severity = Set(severity);
    m.measures_taken = Set(taken);
    m.measures_planned = Set(planned);
    m.persons_informed = Set(informed);
    m.persons_exemption = Set(exemption);
    m.ars_reported_at = Set(ars);
    m.updated_at = Set(now);
    let b = gdpr_breaches::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "gdpr_breach",
        &b.id.to_string(),
        "update",
        serde_json::json!({}),
    )
    .await?;
    Ok(b)
}

/// Records the notification decision: to notify the CNIL (when, its reference, initial or
/// complementary, and why late past 72 hours) or not (and why).
///
/// # Errors
/// 422 naming each missing or invalid field; 404; database errors.
pub async fn decide(
    w: &Write<'_>,
    id: Uuid,
    input: &NotificationInput,
    now: DateTime<Utc>,
) -> AppResult<gdpr_breaches::Model> {
    let b = get(w.txn(), w.tenant(), id).await?;
    let mut c = Check::new();
    let decision = match input.decision.trim() {
        d @ ("notify" | "not_notify") => Some(d.to_string()),
        _ => {
            c.error(
                "decision",
                "Choisissez : notifier la CNIL ou ne pas notifier.",
            );
            None
        }
    };
    let reason = c.text(
        "reason",
        "Le motif",
        &input.reason,
        Text::Long,
        "Le motif de la décision est obligatoire (il figure au registre des violations).",
    );
    let mut notified_at = None;
    let mut reference = None;
    let mut kind = None;
    let mut late_reason = None;
    if decision.as_deref() == Some("notify") {
        notified_at = if input.notified_at.trim().is_empty() {
            c.error(
                "notified_at",
                "Indiquez quand la CNIL a été notifiée (date et heure).",
            );
            None
        } else {
            parse_instant(&input.notified_at, now)
                .map_err(|m| c.error("notified_at", format!("La notification : {m}")))
                .ok()
        };
        if notified_at.is_some_and(|n| n < b.aware_at) {
            c.error(
                "notified_at",
                "La notification ne peut précéder la prise de connaissance.",
            );
        }
        reference = c.optional_text("reference", "La référence", &input.reference, Text::Title);
        kind = match input.kind.trim() {
            "" | "initial" => Some("initial".to_string()),
            "complementary" => Some("complementary".to_string()),
            _ => {
                c.error("kind", "Notification initiale ou complémentaire.");
                None
            }
        };
        late_reason = c.optional_text(
            "late_reason",
            "Le motif du retard",
            &input.late_reason,
            Text::Long,
        );
        if notified_at.is_some_and(|n| n > rules::breach_deadline(b.aware_at))
            && late_reason.is_none()
        {
            c.error(
                "late_reason",
                "La notification a lieu plus de 72 heures après la prise de connaissance : indiquez les motifs du retard (article 33.1).",
            );
        }
    }
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let mut m: gdpr_breaches::ActiveModel = b.into();
    m.decision = Set(decision.clone());
    m.decision_reason = Set(Some(reason));
    m.notified_at = Set(notified_at);
    m.notification_reference = Set(reference);
    m.notification_kind = Set(kind);
    m.late_reason = Set(late_reason);
    m.updated_at = Set(now);
    let b = gdpr_breaches::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "gdpr_breach",
        &b.id.to_string(),
        "decide",
        serde_json::json!({"decision": decision, "notified_at": b.notified_at}),
    )
    .await?;
    Ok(b)
}

/// The errors of a field list, for the form pages.
#[must_use]
pub fn field_errors(e: &AppError) -> Vec<FieldError> {
    match e {
        AppError::Validation(v) => v.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_instant_text_is_answered(raw in "\\PC{0,40}") {
            let _ = parse_instant(&raw, Utc::now());
        }
    }

    #[test]
    fn instants_are_read_in_utc_or_as_paris_local_time() {
        let now = Utc.with_ymd_and_hms(2027, 6, 1, 12, 0, 0).unwrap();
        // Paris summer time: 10:00 local is 08:00 UTC.
        assert_eq!(
            parse_instant("2027-05-31T10:00", now).unwrap(),
            Utc.with_ymd_and_hms(2027, 5, 31, 8, 0, 0).unwrap()
        );
        assert_eq!(
            parse_instant("31/05/2027 10:00", now).unwrap(),
            Utc.with_ymd_and_hms(2027, 5, 31, 8, 0, 0).unwrap()
        );
        assert_eq!(
            parse_instant("2027-05-31T10:00:00+02:00", now).unwrap(),
            Utc.with_ymd_and_hms(2027, 5, 31, 8, 0, 0).unwrap()
        );
        // 02:30 on 28 March 2027 does not exist in Paris.
        assert!(parse_instant("2027-03-28T02:30", now).is_err());
        assert!(
            parse_instant("2027-06-02T12:00:00Z", now).is_err(),
            "in the future"
        );
        assert!(parse_instant("1999-12-31T23:00:00Z", now).is_err());
        assert!(parse_instant("hier", now).is_err());
    }
}
