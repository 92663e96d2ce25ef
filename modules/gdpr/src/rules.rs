//! The legal clocks and the register's rules, as plain functions: a data-subject
//! request's deadline (one calendar month, extendable to three; the medical file's
//! 8 days or 2 months; a deadline falling on a non-working day moves to the next working
//! day), a breach's 72 elapsed hours, the DPIA the EDPB criteria call for, and how a
//! template's new version merges into a member's copy.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use mutualis_core::calendar::{add_months, next_working_day};
use serde_json::{Map, Value};

/// What a request's clock runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestClock {
    /// Art. 12(3): one calendar month from receipt.
    OneMonth,
    /// Art. 12(3): extended by two further months (three from receipt).
    Extended,
    /// CSP L1111-7: a medical file, 8 days.
    MedicalFile,
    /// CSP L1111-7: a medical file older than five years, 2 months.
    OldMedicalFile,
}

/// The last day to answer a request received on `received`. Months end on the same date
/// of the last month, or its last day (Reg. 1182/71 art. 3(2)(c)); a deadline on a
/// Saturday, Sunday or public holiday moves to the next working day (art. 3(4)).
#[must_use]
pub fn request_due(received: NaiveDate, clock: RequestClock) -> NaiveDate {
    let raw = match clock {
        RequestClock::OneMonth => add_months(received, 1),
        RequestClock::Extended => add_months(received, 3),
        RequestClock::MedicalFile => received
            .checked_add_signed(Duration::days(8))
            .unwrap_or(NaiveDate::MAX),
        RequestClock::OldMedicalFile => add_months(received, 2),
    };
    next_working_day(raw, false)
}

/// The clock a new request runs on.
#[must_use]
pub const fn first_clock(medical_file: bool, older_than_5_years: bool) -> RequestClock {
    match (medical_file, older_than_5_years) {
        (true, true) => RequestClock::OldMedicalFile,
        (true, false) => RequestClock::MedicalFile,
        (false, _) => RequestClock::OneMonth,
    }
}

/// Whether an extension may still be decided on `day`: only while the first month runs
/// (the person must be told within it), and not for a medical file.
#[must_use]
pub fn may_extend(received: NaiveDate, medical_file: bool, day: NaiveDate) -> bool {
    !medical_file && day <= request_due(received, RequestClock::OneMonth)
}

/// When the CNIL must have been notified: 72 elapsed hours after the controller became
/// aware (Art. 33(1)) — instants in UTC, so a change of clocks in Europe/Paris neither
/// adds nor removes an hour.
#[must_use]
pub fn breach_deadline(aware_at: DateTime<Utc>) -> DateTime<Utc> {
    aware_at + Duration::hours(72)
}

/// Whether the EDPB's criteria call for a DPIA: two or more of the nine.
#[must_use]
pub fn dpia_required_by_criteria(criteria: &[String]) -> bool {
    let mut distinct: Vec<&str> = criteria.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() >= 2
}

/// A field's value as the activity's JSON holds it: a text, a list of codes or of
/// retention rows, a yes/no, or null.
fn field_value() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type, schema::SchemaType};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::String,
            Type::Array,
            Type::Boolean,
            Type::Null,
        ]))
        .description(Some(
            "The field's value as in the activity: a text, a list, a yes/no or null.",
        ))
        .build()
}

/// One field a template's new version changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GdprFieldChange)]
pub struct FieldChange {
    pub field: String,
    /// The template's value the copy was made from.
    #[schema(schema_with = field_value)]
    pub before: Value,
    /// The template's new value.
    #[schema(schema_with = field_value)]
    pub after: Value,
    /// The member's copy today (differs from `before` when the member changed it).
    #[schema(schema_with = field_value)]
    pub member_value: Value,
}

/// The fields a template's new version (`after`) changes against the version the copy
/// follows (`base`), with the copy's own value beside each.
#[must_use]
pub fn template_changes(
    base: &Map<String, Value>,
    after: &Map<String, Value>,
    copy: &Map<String, Value>,
) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = base.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let b = base.get(k).cloned().unwrap_or(Value::Null);
            let a = after.get(k).cloned().unwrap_or(Value::Null);
            (b != a).then(|| FieldChange {
                field: k.clone(),
                before: b,
                after: a,
                member_value: copy.get(k).cloned().unwrap_or(Value::Null),
            })
        })
        .collect()
}

/// The copy once a template update is accepted: each changed field takes the template's
/// new value, unless the member had changed that field itself (its value is kept).
#[must_use]
pub fn accept_update(copy: &Map<String, Value>, changes: &[FieldChange]) -> Map<String, Value> {
    let mut out = copy.clone();
    for c in changes {
        if c.member_value == c.before {
            out.insert(c.field.clone(), c.after.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;
    use serde_json::json;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn a_month_ends_on_the_same_date_or_the_months_last_day_then_a_working_day() {
        // 31 January → 28 February 2027 (a Sunday → Monday 1 March); 29 in 2028 (Tuesday).
        assert_eq!(
            request_due(d(2027, 1, 31), RequestClock::OneMonth),
            d(2027, 3, 1)
        );
        assert_eq!(
            request_due(d(2028, 1, 31), RequestClock::OneMonth),
            d(2028, 2, 29)
        );
        // 31 March → 30 April 2027 (a Friday).
        assert_eq!(
            request_due(d(2027, 3, 31), RequestClock::OneMonth),
            d(2027, 4, 30)
        );
        // 13 February 2027 → Saturday 13 March → Monday 15 March.
        assert_eq!(
            request_due(d(2027, 2, 13), RequestClock::OneMonth),
            d(2027, 3, 15)
        );
        // 14 June 2027 → Wednesday 14 July (Fête nationale) → Thursday 15 July.
        assert_eq!(
            request_due(d(2027, 6, 14), RequestClock::OneMonth),
            d(2027, 7, 15)
        );
        // Extended: three months from receipt, same rules (30 November 2026 → 28 February
        // 2027, a Sunday → 1 March).
        assert_eq!(
            request_due(d(2026, 11, 30), RequestClock::Extended),
            d(2027, 3, 1)
        );
        // Medical file: 8 days (Monday 4 January 2027 → Tuesday 12); two months when old.
        assert_eq!(
            request_due(d(2027, 1, 4), RequestClock::MedicalFile),
            d(2027, 1, 12)
        );
        assert_eq!(
            request_due(d(2027, 1, 4), RequestClock::OldMedicalFile),
            d(2027, 3, 4)
        );
        assert_eq!(first_clock(true, true), RequestClock::OldMedicalFile);
        assert_eq!(first_clock(false, true), RequestClock::OneMonth);
    }

    #[test]
    fn an_extension_is_decided_within_the_first_month_only() {
        assert!(may_extend(d(2027, 1, 31), false, d(2027, 3, 1)));
        assert!(!may_extend(d(2027, 1, 31), false, d(2027, 3, 2)));
        assert!(!may_extend(d(2027, 1, 31), true, d(2027, 2, 1)));
    }

    #[test]
    fn seventy_two_hours_are_elapsed_hours_across_a_change_of_clocks() {
        // Spring: aware Saturday 27 March 2027 10:00 in Paris (UTC+1); the clocks go
        // forward on Sunday 28; 72 h later it is Tuesday 30 March 11:00 in Paris (UTC+2).
        let aware = Paris
            .with_ymd_and_hms(2027, 3, 27, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let due = breach_deadline(aware).with_timezone(&Paris);
        assert_eq!(due.format("%Y-%m-%d %H:%M").to_string(), "2027-03-30 11:00");
        // Autumn: aware Saturday 30 October 2027 10:00 (UTC+2); back on Sunday 31; due
        // Tuesday 2 November 09:00 (UTC+1).
        let aware = Paris
            .with_ymd_and_hms(2027, 10, 30, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let due = breach_deadline(aware).with_timezone(&Paris);
        assert_eq!(due.format("%Y-%m-%d %H:%M").to_string(), "2027-11-02 09:00");
    }

    #[test]
    fn two_distinct_criteria_call_for_a_dpia() {
        let c = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert!(!dpia_required_by_criteria(&c(&[])));
        assert!(!dpia_required_by_criteria(&c(&["sensitive_data"])));
        assert!(!dpia_required_by_criteria(&c(&[
            "sensitive_data",
            "sensitive_data"
        ])));
        assert!(dpia_required_by_criteria(&c(&[
            "sensitive_data",
            "vulnerable_persons"
        ])));
    }

    #[test]
    fn accepting_an_update_keeps_what_the_member_changed() {
        let obj = |v: Value| v.as_object().unwrap().clone();
        let base = obj(json!({"purposes": "Suivi", "recipients": "Équipe", "transfers": "Aucun"}));
        let after = obj(
            json!({"purposes": "Suivi des usagers", "recipients": "Équipe et tutelles", "transfers": "Aucun"}),
        );
        let copy = obj(
            json!({"purposes": "Suivi", "recipients": "Équipe éducative", "transfers": "Aucun"}),
        );
        let changes = template_changes(&base, &after, &copy);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["purposes", "recipients"]);
        assert_eq!(changes[1].member_value, json!("Équipe éducative"));
        let merged = accept_update(&copy, &changes);
        assert_eq!(merged["purposes"], json!("Suivi des usagers"));
        assert_eq!(merged["recipients"], json!("Équipe éducative"));
        assert_eq!(merged["transfers"], json!("Aucun"));
    }
}
