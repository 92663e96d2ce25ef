//! Point values of the collective agreements and the pay basis of a version (coefficient × point value × part-time ratio).
use super::*;

/// The point value of an agreement in force on `day` (latest `valid_from` not after it).
///
/// # Errors
/// Database errors.
pub async fn point_value_at<C: ConnectionTrait>(
    db: &C,
    agreement: &str,
    day: NaiveDate,
) -> AppResult<Option<Decimal>> {
    let v = hr_point_values::Entity::find_shared()
        .filter(hr_point_values::Column::Agreement.eq(agreement))
        .filter(hr_point_values::Column::ValidFrom.lte(day))
        .order_by_desc(hr_point_values::Column::ValidFrom)
        .one(db)
        .await?;
    Ok(v.and_then(|v| v.value.parse::<Decimal>().ok()))
}

/// Every dated point value, newest first.
///
/// # Errors
/// Database errors.
pub async fn point_values<C: ConnectionTrait>(db: &C) -> AppResult<Vec<hr_point_values::Model>> {
    Ok(hr_point_values::Entity::find_shared()
        .order_by_asc(hr_point_values::Column::Agreement)
        .order_by_desc(hr_point_values::Column::ValidFrom)
        .all(db)
        .await?)
}

/// Adds a dated point value (cooperative configuration; an existing date is refused).
///
/// # Errors
/// 422 on an invalid value or date, or a date already set; database errors.
pub async fn add_point_value<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    actor: &audit::Actor,
    agreement: &str,
    valid_from: &str,
    value: &str,
    source: &str,
) -> AppResult<hr_point_values::Model> {
    let mut c = Check::new();
    let agreement = parse_agreement(agreement).filter(|a| *a != "OTHER");
    if agreement.is_none() {
        c.error("agreement", "Choisissez la convention (CCN 66 ou CCN 51).");
    }
    let day = c.date(
        "valid_from",
        "La date d’effet",
        valid_from,
        Dates::Record,
        "La date d’effet est obligatoire (JJ/MM/AAAA).",
    );
    let v = parse_hours(value).filter(|v| *v > Decimal::ZERO && *v < Decimal::from(100));
    if v.is_none() {
        c.error(
            "value",
            "La valeur du point est un montant en euros, par exemple 3,96.",
        );
    }
    let source = c.optional_text("source", "La source", source, Text::Short);
    let (agreement, day, v) = c
        .finish(|| Some((agreement?, day?, v?)))
        .map_err(AppError::Validation)?;
    let txn = begin_write(db).await?;
    let exists = hr_point_values::Entity::find_shared()
        .filter(hr_point_values::Column::Agreement.eq(agreement))
        .filter(hr_point_values::Column::ValidFrom.eq(day))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::field(
            "valid_from",
            format!(
                "Une valeur du point est déjà fixée au {} : une valeur ne se modifie pas, ajoutez-en une nouvelle à une autre date.",
                fr_date(day)
            ),
        ));
    }
    let row = hr_point_values::Entity::insert_coop(
        coop,
        hr_point_values::ActiveModel {
            agreement: Set(agreement.to_string()),
            valid_from: Set(day),
            value: Set(v.normalize().to_string()),
            source: Set(source),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        None,
        "point_value",
        &row.id.to_string(),
        "create",
        serde_json::json!({"agreement": row.agreement, "valid_from": row.valid_from, "value": row.value}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The monthly pay basis of a CCN 66 version: coefficient × point value × part-time
/// ratio, to the cent. `None` when it does not apply or the point value is unknown.
#[must_use]
pub fn pay_basis(v: &hr_contracts::Model, point_value: Option<Decimal>) -> Option<PayBasis> {
    if v.agreement != "CCN66" {
        return None;
    }
    let coefficient = Decimal::from(v.coefficient?);
    let point = point_value?;
    let hours = parse_hours(&v.weekly_hours)?;
    let full =
        (coefficient * point).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let ratio = part_time_ratio(hours);
    let amount = (coefficient * point * ratio)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(PayBasis {
        coefficient,
        point,
        full_time: full,
        ratio,
        amount,
    })
}

/// The CCN 66 pay basis of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayBasis {
    pub coefficient: Decimal,
    pub point: Decimal,
    pub full_time: Decimal,
    pub ratio: Decimal,
    pub amount: Decimal,
}
