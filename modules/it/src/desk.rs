//! The IT staff's desk across the members they serve (this month's hours against the
//! previous months', open interventions, members without a recorded contact; a CSV), each
//! member's IT contact, and the member's monthly recap PDF with the total billing uses.
use chrono::Utc;
use mutualis_core::{
    documents::{Column, Doc, Row, Table},
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Text},
    metering::{self, Meters},
    served::Served,
    tenant::{MemberOwned, Tenant},
    time::{Month, fr_date, fr_decimal},
    web::views::month_label,
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Set};
use serde::{Deserialize, Serialize};

use crate::{
    entities::{it_contacts, it_interventions},
    interventions::{self, category_label, hours},
};

/// One member's line of the desk.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ItDeskRow)]
pub struct DeskRow {
    /// The member's slug.
    pub member: String,
    #[serde(skip)]
    pub member_name: String,
    /// This month's support hours (decimal string).
    #[schema(schema_with = mutualis_core::api::schema::decimal)]
    pub hours: Decimal,
    /// The two previous months' hours, the latest first.
    #[schema(schema_with = hours_list)]
    pub previous: Vec<Decimal>,
    /// Interventions this month.
    pub interventions: usize,
    /// Interventions still open (any month).
    pub open: usize,
    /// The member has an IT contact recorded.
    pub has_contact: bool,
}

fn hours_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(mutualis_core::api::schema::decimal())
        .build()
}

/// The members' total minutes of a month.
fn total(rows: &[it_interventions::Model]) -> Decimal {
    hours(rows.iter().map(|r| r.minutes).sum())
}

/// The desk for `month`, the busiest members first.
///
/// # Errors
/// Database errors.
pub async fn rows<C: ConnectionTrait>(
    db: &C,
    served: &[Served],
    month: Month,
) -> AppResult<Vec<DeskRow>> {
    let mut out = Vec::new();
    for s in served {
        let t = s.tenant();
        let this = interventions::of_month(db, t, month).await?;
        let prev1 = interventions::of_month(db, t, month.prev()).await?;
        let prev2 = interventions::of_month(db, t, month.prev().prev()).await?;
        let open = it_interventions::Entity::find_in(t)
            .all(db)
            .await?
            .iter()
            .filter(|r| r.status == "open")
            .count();
        out.push(DeskRow {
            member: s.member.slug.clone(),
            member_name: s.member.name.clone(),
            hours: total(&this),
            previous: vec![total(&prev1), total(&prev2)],
            interventions: this.len(),
            open,
            has_contact: contact(db, t).await?.is_some(),
        });
    }
    out.sort_by(|a, b| {
        b.hours
            .cmp(&a.hours)
            .then(a.member_name.cmp(&b.member_name))
    });
    Ok(out)
}

/// An open intervention of a member served, for the desk.
#[derive(Debug, Clone)]
pub struct OpenItem {
    pub member_slug: String,
    pub member_name: String,
    pub row: it_interventions::Model,
}

/// The interventions still open across the members served, the oldest first.
///
/// # Errors
/// Database errors.
pub async fn open_across<C: ConnectionTrait>(
    db: &C,
    served: &[Served],
) -> AppResult<Vec<OpenItem>> {
    let mut out = Vec::new();
    for s in served {
        for row in it_interventions::Entity::find_in(s.tenant())
            .all(db)
            .await?
        {
            if row.status == "open" {
                out.push(OpenItem {
                    member_slug: s.member.slug.clone(),
                    member_name: s.member.name.clone(),
                    row,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        a.row
            .day
            .cmp(&b.row.day)
            .then(a.member_name.cmp(&b.member_name))
    });
    Ok(out)
}

/// The desk as CSV (`;`, decimal comma, UTF-8).
#[must_use]
pub fn csv(rows: &[DeskRow], month: Month) -> Vec<u8> {
    let comma = |d: Decimal| d.to_string().replace('.', ",");
    let mut out = String::from(
        "adherent;periode;heures;heures_mois_precedent;interventions;ouvertes;contact\n",
    );
    for r in rows {
        out.push_str(&format!(
            "{};{month};{};{};{};{};{}\n",
            r.member_name.replace(';', ","),
            comma(r.hours),
            comma(r.previous.first().copied().unwrap_or_default()),
            r.interventions,
            r.open,
            if r.has_contact { "oui" } else { "non" }
        ));
    }
    out.into_bytes()
}

/// A member's IT contact as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ItContactInput)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// The member's IT contact.
///
/// # Errors
/// Database errors.
pub async fn contact<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Option<it_contacts::Model>> {
    Ok(it_contacts::Entity::find_in(tenant).one(db).await?)
}

/// Records or replaces the member's IT contact (audited).
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn save_contact(w: &Write<'_>, input: &ContactInput) -> AppResult<it_contacts::Model> {
    let mut c = Check::new();
    let name = c.text(
        "name",
        "Le nom",
        &input.name,
        Text::Name,
        "Le nom du contact est obligatoire.",
    );
    let email = if input.email.trim().is_empty() {
        None
    } else {
        mutualis_core::member::email(&input.email)
            .map_err(|m| c.error("email", m))
            .ok()
    };
    let phone = c.optional_text("phone", "Le téléphone", &input.phone, Text::Name);
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let now = Utc::now();
    let row = match contact(w.txn(), w.tenant()).await? {
        Some(old) => {
            let mut a: it_contacts::ActiveModel = old.into();
            a.name = Set(name);
            a.email = Set(email);
            a.phone = Set(phone);
            a.updated_at = Set(now);
            it_contacts::Entity::update_in(w.tenant(), a, w.txn()).await?
        }
        None => {
            it_contacts::Entity::insert_in(
                w.tenant(),
                it_contacts::ActiveModel {
                    member_id: Set(w.tenant().member_id()),
                    id: Set(new_id()),
                    name: Set(name),
                    email: Set(email),
                    phone: Set(phone),
                    updated_at: Set(now),
                },
                w.txn(),
            )
            .await?
        }
    };
    w.audit(
        "it_contact",
        &row.id.to_string(),
        "update",
        serde_json::json!({"name": row.name}),
    )
    .await?;
    Ok(row)
}

/// The hours billing counts for the member's month (`it.support_hours` as metered).
///
/// # Errors
/// Database errors.
pub async fn billed_hours<C: ConnectionTrait>(
    db: &C,
    meters: &Meters,
    tenant: Tenant,
    month: Month,
) -> AppResult<Decimal> {
    Ok(
        metering::usage_for_month(db, meters, tenant.member_id(), month)
            .await?
            .into_iter()
            .find(|u| u.meter == crate::SUPPORT_HOURS.code)
            .map_or(Decimal::ZERO, |u| u.quantity),
    )
}

/// The member's monthly recap as a PDF: each intervention, the total, the hours billed.
///
/// # Errors
/// A document error.
pub fn recap_pdf(
    member_name: &str,
    month: Month,
    rows: &[it_interventions::Model],
    billed: Decimal,
) -> AppResult<Vec<u8>> {
    let err = |e: mutualis_core::documents::DocError| {
        AppError::Unexpected(anyhow::anyhow!(e.to_string()))
    };
    let mut doc = Doc::new(&format!(
        "Support informatique — {member_name} — {}",
        month_label(month)
    ))
    .map_err(err)?;
    doc.set_footer(&format!(
        "{member_name} — support informatique, {}",
        month_label(month)
    ));
    doc.title(&format!("Support informatique — {}", month_label(month)));
    doc.paragraph(&format!(
        "{member_name} : les interventions de l’équipe informatique de la coopérative pendant le mois, et les heures retenues pour la répartition du coût du support."
    ));
    if rows.is_empty() {
        doc.paragraph("Aucune intervention ce mois-ci.");
    } else {
        let table = Table {
            columns: vec![
                Column::left("Date", 1.2),
                Column::left("Catégorie", 1.6),
                Column::left("Intervention", 4.0),
                Column::left("Mode", 1.0),
                Column::right("Durée", 1.0),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    Row::new([
                        fr_date(r.day),
                        category_label(&r.category).to_string(),
                        r.description.clone(),
                        if r.remote { "à distance" } else { "sur site" }.to_string(),
                        format!("{} h", fr_decimal(hours(r.minutes))),
                    ])
                    .with_sub(
                        r.ticket
                            .as_deref()
                            .map(|t| format!("Ticket {t}"))
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        };
        doc.table(&table);
    }
    doc.totals(&[
        (
            "Total des interventions",
            format!("{} h", fr_decimal(total(rows))),
        ),
        ("Heures retenues", format!("{} h", fr_decimal(billed))),
    ]);
    doc.finish().map_err(err)
}
