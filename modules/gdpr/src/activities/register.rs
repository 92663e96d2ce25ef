//! The register as it stood at a date ("registre à date"): the activities that existed
//! then, each in the version recorded by that evening (Europe/Paris); archived ones and
//! later ones absent, later edits not shown.
use super::*;

/// One activity of the register at a date.
#[derive(Debug, Clone)]
pub struct Entry {
    pub activity_id: Uuid,
    pub version: i32,
    pub status: String,
    pub fields: ActivityFields,
    pub recorded_at: DateTime<Utc>,
    pub dpia_required: bool,
}

/// The member's register as it stood at the end of `day`, by name.
///
/// # Errors
/// Database errors.
pub async fn register_at<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    day: NaiveDate,
) -> AppResult<Vec<Entry>> {
    let end = end_of_day(day);
    let versions = gdpr_activity_versions::Entity::find_in(tenant)
        .filter(gdpr_activity_versions::Column::RecordedAt.lt(end))
        .order_by_asc(gdpr_activity_versions::Column::ActivityId)
        .order_by_asc(gdpr_activity_versions::Column::Version)
        .all(db)
        .await?;
    let overrides: std::collections::HashMap<Uuid, Option<String>> = list(db, tenant)
        .await?
        .into_iter()
        .map(|a| (a.id, a.dpia_override))
        .collect();
    let mut latest: std::collections::BTreeMap<Uuid, gdpr_activity_versions::Model> =
        std::collections::BTreeMap::new();
    for v in versions {
        latest.insert(v.activity_id, v);
    }
    let mut out: Vec<Entry> = latest
        .into_values()
        .filter(|v| v.status != status::ARCHIVED)
        .map(|v| {
            let fields = ActivityFields::parse(&v.fields);
            let dpia_required = match overrides.get(&v.activity_id).cloned().flatten().as_deref() {
                Some("required") => true,
                Some(_) => false,
                None => rules::dpia_required_by_criteria(&fields.dpia_criteria),
            };
            Entry {
                activity_id: v.activity_id,
                version: v.version,
                status: v.status,
                fields,
                recorded_at: v.recorded_at,
                dpia_required,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.fields
            .name
            .to_lowercase()
            .cmp(&b.fields.name.to_lowercase())
    });
    Ok(out)
}
