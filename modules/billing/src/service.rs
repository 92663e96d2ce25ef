//! Billing over the database: preview, period close (drafts), board approval and
//! finalization with gapless numbers, the member's invoices. Billing reads usage only
//! through `mutualis_core::metering`.
use std::collections::HashMap;

use chrono::{Datelike, Duration, Utc};
use mutualis_core::{
    audit::{self, Actor},
    db::stmt,
    entities::members,
    error::{AppError, AppResult},
    ids::new_id,
    keyset,
    member::{self, VatStatus},
    metering::{self, Meters},
    tenant::{Coop, MemberOwned, OwnedRow, Tenant},
    time::{Month, paris_today},
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    charges,
    compute::{self, BilledMember, Computed, PeriodInputs},
    entities::{billing_approvals, billing_invoice_lines, billing_invoices},
};

/// Invoice states.
pub mod status {
    pub const DRAFT: &str = "draft";
    pub const FINALIZED: &str = "finalized";
    pub const PAID: &str = "paid";
}

/// Days between issue and due date.
pub const PAYMENT_DAYS: i64 = 30;

fn cents(d: Decimal) -> i64 {
    // Amounts are bounded where they are typed (core::money): never beyond i64.
    mutualis_core::money::to_cents(d).unwrap_or(i64::MAX)
}

/// Euros from cents.
#[must_use]
pub fn euros(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

/// Loads what the computation of `month` needs.
///
/// # Errors
/// Database errors.
pub async fn load_inputs<C: ConnectionTrait>(
    db: &C,
    coop: Coop,
    meters: &Meters,
    month: Month,
) -> AppResult<PeriodInputs> {
    // One query for every subscription (not one per member).
    let mut subs: HashMap<i64, Vec<(String, chrono::NaiveDate, Option<chrono::NaiveDate>)>> =
        HashMap::new();
    for s in mutualis_core::entities::subscriptions::Entity::find_across(coop)
        .all(db)
        .await?
    {
        subs.entry(s.member_id)
            .or_default()
            .push((s.module, s.start_date, s.end_date));
    }
    let mut members = Vec::new();
    for m in member::list(db).await? {
        let subscriptions = subs.remove(&m.id).unwrap_or_default();
        members.push(BilledMember {
            id: m.id,
            slug: m.slug,
            name: m.name,
            vat_liable: VatStatus::parse(&m.vat_status) == Some(VatStatus::Liable),
            subscriptions,
        });
    }
    let versions = charges::all_versions(db).await?;
    let usage = metering::usage_all_members(db, meters, month)
        .await?
        .into_iter()
        .map(|(k, u)| (k, u.quantity))
        .collect();
    let units = meters
        .all()
        .iter()
        .map(|m| (m.code.to_string(), m.unit.to_string()))
        .collect();
    Ok(PeriodInputs {
        month,
        members,
        charges: charges::in_effect(&versions, month),
        usage,
        units,
    })
}

/// What every member would owe if the period closed now.
///
/// # Errors
/// 422 when charges are missing; database errors.
pub async fn preview<C: ConnectionTrait>(
    db: &C,
    coop: Coop,
    meters: &Meters,
    month: Month,
) -> AppResult<Computed> {
    let inputs = load_inputs(db, coop, meters, month).await?;
    compute::compute(&inputs).map_err(|e| AppError::field("period", e.message(month)))
}

fn draft_key(month: Month) -> String {
    format!("invoice:{month}")
}

/// Closes a period: freezes its usage, computes one draft per member and stores it.
/// Idempotent: drafts are recomputed from the frozen usage (same result), finalized
/// invoices are left untouched.
///
/// # Errors
/// 422 when charges are missing (nothing is closed then); database errors.
pub async fn close_period<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    meters: &Meters,
    actor: &Actor,
    month: Month,
) -> AppResult<Vec<billing_invoices::Model>> {
    let current = Month::of(Utc::now());
    if month >= current {
        return Err(AppError::field(
            "period",
            format!(
                "Le mois {} n’est pas terminé : il pourra être clôturé à partir du 1er {}.",
                mutualis_core::web::views::month_label(month),
                mutualis_core::web::views::month_label(month.next())
            ),
        ));
    }
    // Freeze first, then compute once from the frozen usage; a refusal (missing
    // charges) rolls the whole transaction back and leaves the period open.
    let txn = mutualis_core::db::begin_write(db).await?;
    metering::close_period(&txn, month).await?;
    let computed = match preview(&txn, coop, meters, month).await {
        Ok(c) => c,
        Err(e) => {
            txn.rollback().await?;
            return Err(e);
        }
    };
    let now = Utc::now();
    let key = draft_key(month);
    let mut existing: HashMap<i64, billing_invoices::Model> =
        billing_invoices::Entity::find_across(coop)
            .filter(billing_invoices::Column::Period.eq(month.to_string()))
            .filter(billing_invoices::Column::DraftKey.eq(key.as_str()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|i| (i.member_id, i))
            .collect();
    let mut out = Vec::new();
    let mut all_lines = Vec::new();
    for d in &computed.drafts {
        let invoice = match existing.remove(&d.member_id) {
            Some(inv) if inv.status != status::DRAFT => {
                out.push(inv);
                continue;
            }
            Some(inv) => {
                billing_invoice_lines::Entity::delete_in(inv.tenant())
                    .filter(billing_invoice_lines::Column::InvoiceId.eq(inv.id))
                    .exec(&txn)
                    .await?;
                let mut am: billing_invoices::ActiveModel = inv.into();
                am.subtotal_cents = Set(cents(d.subtotal));
                am.vat_cents = Set(cents(d.vat));
                am.total_cents = Set(cents(d.total));
                am.updated_at = Set(now);
                billing_invoices::Entity::update_in(coop.tenant(d.member_id), am, &txn).await?
            }
            None => {
                billing_invoices::Entity::insert_in(
                    coop.tenant(d.member_id),
                    billing_invoices::ActiveModel {
                        member_id: Set(d.member_id),
                        id: Set(new_id()),
                        kind: Set("invoice".to_string()),
                        draft_key: Set(key.clone()),
                        period: Set(month.to_string()),
                        status: Set(status::DRAFT.to_string()),
                        number: Set(None),
                        subtotal_cents: Set(cents(d.subtotal)),
                        vat_cents: Set(cents(d.vat)),
                        total_cents: Set(cents(d.total)),
                        refers_to: Set(None),
                        reason: Set(None),
                        issued_on: Set(None),
                        due_on: Set(None),
                        paid_on: Set(None),
                        finalized_at: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                    },
                    &txn,
                )
                .await?
            }
        };
        all_lines.extend(d.lines.iter().enumerate().map(|(i, l)| {
            billing_invoice_lines::ActiveModel {
                member_id: Set(d.member_id),
                id: Set(new_id()),
                invoice_id: Set(invoice.id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                module: Set(l.module.clone()),
                charge_code: Set(l.charge_code.clone()),
                charge_kind: Set(l.charge_kind.clone()),
                label: Set(l.label.clone()),
                meter: Set(l.meter.clone()),
                quantity: Set(l.quantity.normalize().to_string()),
                unit: Set(l.unit.clone()),
                unit_price: Set(l.unit_price.map(|p| p.normalize().to_string())),
                share_pct: Set(l.share_pct.map(|p| p.normalize().to_string())),
                pool_cents: Set(l.pool.map(cents)),
                amount_cents: Set(cents(l.amount)),
                vat_rate: Set(l.vat_rate.normalize().to_string()),
                vat_cents: Set(cents(l.vat)),
                explanation: Set(l.explanation.clone()),
            }
        }));
        out.push(invoice);
    }
    // Lines in batches (SQLite allows 32 766 bound values per statement).
    while !all_lines.is_empty() {
        let rest = all_lines.split_off(all_lines.len().min(1000));
        let batch = std::mem::replace(&mut all_lines, rest);
        billing_invoice_lines::Entity::insert_many_across(coop, batch, &txn).await?;
    }
    audit::record(
        &txn,
        actor,
        None,
        "billing_period",
        &month.to_string(),
        "close",
        serde_json::json!({"invoices": out.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// A member's invoices (finalized ones and, for the cooperative, drafts), newest first.
///
/// # Errors
/// Database errors.
pub async fn invoices_of<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<billing_invoices::Model>> {
    Ok(billing_invoices::Entity::find_in(tenant)
        .order_by_desc(billing_invoices::Column::Period)
        .order_by_desc(billing_invoices::Column::CreatedAt)
        .all(db)
        .await?)
}

/// One page of a member's issued invoices and credit notes (drafts are the board's),
/// newest period first: keyset on (period, created_at, id), one range of
/// `idx_billing_invoices_member_period`. Gives the rows and the next page's cursor.
///
/// # Errors
/// 422 for a cursor that is not this list's; database errors.
pub async fn issued_page<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    page: &keyset::Page,
) -> AppResult<(Vec<billing_invoices::Model>, Option<String>)> {
    let rows = issued_select(tenant, page)?.all(db).await?;
    Ok(keyset::finish(rows, page, |i| {
        vec![
            i.period.clone(),
            keyset::instant(i.created_at),
            i.id.to_string(),
        ]
    }))
}

/// The statement of [`issued_page`] (for the query plans checked by the tests).
///
/// # Errors
/// 422 for a cursor that is not this list's.
pub fn issued_page_statement(
    backend: sea_orm::DbBackend,
    tenant: Tenant,
    page: &keyset::Page,
) -> AppResult<sea_orm::Statement> {
    use sea_orm::QueryTrait;
    Ok(issued_select(tenant, page)?.build(backend))
}

fn issued_select(
    tenant: Tenant,
    page: &keyset::Page,
) -> AppResult<sea_orm::Select<billing_invoices::Entity>> {
    use billing_invoices::Column as Col;
    let after = match page.after.as_deref() {
        Some([period, at, id]) => Some(vec![
            Month::parse(period)
                .map_err(|_| keyset::bad_cursor())?
                .to_string()
                .into(),
            keyset::instant_of(at)?.into(),
            keyset::uuid_of(id)?.into(),
        ]),
        _ => None,
    };
    Ok(keyset::seek(
        billing_invoices::Entity::find_in(tenant).filter(Col::Status.ne(status::DRAFT)),
        &[Col::Period, Col::CreatedAt, Col::Id],
        true,
        after,
        page.limit,
    ))
}

/// The invoices of a period, for every member.
///
/// # Errors
/// Database errors.
pub async fn invoices_of_period<C: ConnectionTrait>(
    db: &C,
    coop: Coop,
    month: Month,
) -> AppResult<Vec<billing_invoices::Model>> {
    Ok(billing_invoices::Entity::find_across(coop)
        .filter(billing_invoices::Column::Period.eq(month.to_string()))
        .filter(billing_invoices::Column::Kind.eq("invoice"))
        .order_by_asc(billing_invoices::Column::MemberId)
        .all(db)
        .await?)
}

/// An invoice by id, any member (cooperative roles only).
///
/// # Errors
/// 404 when unknown; database errors.
pub async fn find_any<C: ConnectionTrait>(
    db: &C,
    coop: Coop,
    id: Uuid,
) -> AppResult<billing_invoices::Model> {
    billing_invoices::Entity::find_across(coop)
        .filter(billing_invoices::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An invoice of one member by its id (drafts included).
///
/// # Errors
/// 404 when it is not the tenant's; database errors.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<billing_invoices::Model> {
    billing_invoices::Entity::find_in(tenant)
        .filter(billing_invoices::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An invoice of one member by its number (finalized invoices only).
///
/// # Errors
/// 404 when unknown; database errors.
pub async fn find_by_number<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    number: &str,
) -> AppResult<billing_invoices::Model> {
    billing_invoices::Entity::find_in(tenant)
        .filter(billing_invoices::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The lines of an invoice.
///
/// # Errors
/// Database errors.
pub async fn lines_of<C: ConnectionTrait>(
    db: &C,
    inv: &billing_invoices::Model,
) -> AppResult<Vec<billing_invoice_lines::Model>> {
    Ok(billing_invoice_lines::Entity::find_in(inv.tenant())
        .filter(billing_invoice_lines::Column::InvoiceId.eq(inv.id))
        .order_by_asc(billing_invoice_lines::Column::Position)
        .all(db)
        .await?)
}

/// The lines of many invoices at once (one query per 500 invoices, not one per
/// invoice), by invoice id, in position order.
///
/// # Errors
/// Database errors.
pub async fn lines_of_many<C: ConnectionTrait>(
    db: &C,
    coop: Coop,
    invoices: &[billing_invoices::Model],
) -> AppResult<HashMap<Uuid, Vec<billing_invoice_lines::Model>>> {
    let mut out: HashMap<Uuid, Vec<billing_invoice_lines::Model>> = HashMap::new();
    for chunk in invoices.chunks(500) {
        let ids: Vec<Uuid> = chunk.iter().map(|i| i.id).collect();
        let members: Vec<i64> = chunk.iter().map(|i| i.member_id).collect();
        let rows = billing_invoice_lines::Entity::find_across(coop)
            .filter(billing_invoice_lines::Column::MemberId.is_in(members))
            .filter(billing_invoice_lines::Column::InvoiceId.is_in(ids))
            .order_by_asc(billing_invoice_lines::Column::Position)
            .all(db)
            .await?;
        for l in rows {
            out.entry(l.invoice_id).or_default().push(l);
        }
    }
    Ok(out)
}

/// Takes the next number of a series for a year, in the caller's transaction: a counter
/// row updated in place (never a sequence), so a rollback gives the number back.
/// Raw SQL on `billing_counters`, the cooperative's own table (no member's rows).
///
/// # Errors
/// Database errors.
#[allow(clippy::disallowed_methods)]
pub async fn next_number<C: ConnectionTrait>(txn: &C, series: &str, year: i32) -> AppResult<i64> {
    // The UPDATE comes first: it takes the write lock (SQLite) or the row lock
    // (PostgreSQL) before anything is read.
    let updated = txn
        .execute_raw(stmt(
            txn,
            "UPDATE billing_counters SET next = next + 1 WHERE series = ? AND year = ?",
            vec![series.into(), year.into()],
        ))
        .await?;
    if updated.rows_affected() == 0 {
        txn.execute_raw(stmt(
            txn,
            "INSERT INTO billing_counters (series, year, next) VALUES (?, ?, 1) ON CONFLICT (series, year) DO UPDATE SET next = billing_counters.next + 1",
            vec![series.into(), year.into()],
        ))
        .await?;
    }
    let row = txn
        .query_one_raw(stmt(
            txn,
            "SELECT next FROM billing_counters WHERE series = ? AND year = ?",
            vec![series.into(), year.into()],
        ))
        .await?
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("counter row missing")))?;
    Ok(row.try_get::<i64>("", "next")?)
}

/// `2026-000042`
#[must_use]
pub fn invoice_number(year: i32, n: i64) -> String {
    format!("{year}-{n:06}")
}

/// The outcome of an approval.
#[derive(Debug, Clone)]
pub struct Approval {
    pub invoice: billing_invoices::Model,
    /// True when this approval reached the quorum and finalized the invoice.
    pub finalized_now: bool,
    pub approvals: u64,
    pub quorum: u64,
}

/// Records a board member's approval of a draft; when the quorum is reached, finalizes
/// it in the same transaction: a number from the year's continuous series, issue and
/// due dates. Finalized invoices never change.
///
/// # Errors
/// 409 when the invoice is not a draft; 404 when unknown; database errors.
pub async fn approve<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    invoice_id: Uuid,
    quorum: u64,
) -> AppResult<Approval> {
    let user_id = actor.user_id.ok_or(AppError::Unauthorized)?;
    let txn = mutualis_core::db::begin_write(db).await?;
    let inv = find_any(&txn, coop, invoice_id).await?;
    if inv.status != status::DRAFT {
        return Err(AppError::Conflict(format!(
            "Cette facture est déjà finalisée (n° {}) : elle ne peut plus être approuvée ni modifiée.",
            inv.number.clone().unwrap_or_default()
        )));
    }
    billing_approvals::Entity::insert_stmt_in(
        inv.tenant(),
        billing_approvals::ActiveModel {
            member_id: Set(inv.member_id),
            invoice_id: Set(inv.id),
            user_id: Set(user_id),
            approved_at: Set(Utc::now()),
        },
    )
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            billing_approvals::Column::MemberId,
            billing_approvals::Column::InvoiceId,
            billing_approvals::Column::UserId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let approvals = billing_approvals::Entity::find_in(inv.tenant())
        .filter(billing_approvals::Column::InvoiceId.eq(inv.id))
        .count(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        Some(inv.member_id),
        "invoice",
        &inv.id.to_string(),
        "approve",
        serde_json::json!({"approvals": approvals}),
    )
    .await?;
    let finalized_now = approvals >= quorum.max(1);
    let invoice = if finalized_now {
        finalize(&txn, actor, inv).await?
    } else {
        inv
    };
    txn.commit().await?;
    Ok(Approval {
        invoice,
        finalized_now,
        approvals,
        quorum: quorum.max(1),
    })
}

async fn finalize<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    actor: &Actor,
    inv: billing_invoices::Model,
) -> AppResult<billing_invoices::Model> {
    let today = paris_today();
    let series = if inv.kind == "credit_note" {
        "credit_note"
    } else {
        "invoice"
    };
    let n = next_number(txn, series, today.year()).await?;
    let number = if series == "credit_note" {
        format!("AV-{}", invoice_number(today.year(), n))
    } else {
        invoice_number(today.year(), n)
    };
    // Guarded update: only a draft becomes finalized, exactly once.
    let res = billing_invoices::Entity::update_many_in(inv.tenant())
        .col_expr(
            billing_invoices::Column::Status,
            sea_orm::sea_query::Expr::value(status::FINALIZED),
        )
        .col_expr(
            billing_invoices::Column::Number,
            sea_orm::sea_query::Expr::value(number.clone()),
        )
        .col_expr(
            billing_invoices::Column::IssuedOn,
            sea_orm::sea_query::Expr::value(today),
        )
        .col_expr(
            billing_invoices::Column::DueOn,
            sea_orm::sea_query::Expr::value(today + Duration::days(PAYMENT_DAYS)),
        )
        .col_expr(
            billing_invoices::Column::FinalizedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .col_expr(
            billing_invoices::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(billing_invoices::Column::Id.eq(inv.id))
        .filter(billing_invoices::Column::Status.eq(status::DRAFT))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Cette facture vient d’être finalisée par quelqu’un d’autre.".to_string(),
        ));
    }
    audit::record(
        txn,
        actor,
        Some(inv.member_id),
        "invoice",
        &inv.id.to_string(),
        "finalize",
        serde_json::json!({"number": number}),
    )
    .await?;
    find(txn, inv.tenant(), inv.id).await
}

/// Deletes a draft (it comes back at the next close). Finalized invoices refuse.
///
/// # Errors
/// 409 for a finalized invoice; 404 when unknown; database errors.
pub async fn delete_draft<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    invoice_id: Uuid,
) -> AppResult<()> {
    let inv = find_any(db, coop, invoice_id).await?;
    if inv.status != status::DRAFT {
        return Err(AppError::Conflict(
            "Une facture finalisée ne peut être ni modifiée ni supprimée : établissez un avoir."
                .to_string(),
        ));
    }
    billing_invoices::Entity::delete_in(inv.tenant())
        .filter(billing_invoices::Column::Id.eq(inv.id))
        .filter(billing_invoices::Column::Status.eq(status::DRAFT))
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        Some(inv.member_id),
        "invoice",
        &inv.id.to_string(),
        "delete",
        serde_json::json!({"period": inv.period}),
    )
    .await?;
    Ok(())
}

/// Marks a finalized invoice paid.
///
/// # Errors
/// 409 unless finalized; database errors.
pub async fn mark_paid<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    invoice_id: Uuid,
    on: chrono::NaiveDate,
) -> AppResult<billing_invoices::Model> {
    let inv = find_any(db, coop, invoice_id).await?;
    if inv.status != status::FINALIZED {
        return Err(AppError::Conflict(
            "Seule une facture finalisée et non réglée peut être marquée payée.".to_string(),
        ));
    }
    if on > mutualis_core::time::paris_today() {
        return Err(AppError::field(
            "paid_on",
            "La date de paiement ne peut pas être dans le futur.",
        ));
    }
    if let Some(issued) = inv.issued_on
        && on < issued
    {
        return Err(AppError::field(
            "paid_on",
            format!(
                "La date de paiement précède l’émission de la facture ({}).",
                mutualis_core::time::fr_date(issued)
            ),
        ));
    }
    let tenant = inv.tenant();
    let mut am: billing_invoices::ActiveModel = inv.into();
    am.status = Set(status::PAID.to_string());
    am.paid_on = Set(Some(on));
    am.updated_at = Set(Utc::now());
    let inv = billing_invoices::Entity::update_in(tenant, am, db).await?;
    audit::record(
        db,
        actor,
        Some(inv.member_id),
        "invoice",
        &inv.id.to_string(),
        "paid",
        serde_json::json!({"paid_on": on}),
    )
    .await?;
    Ok(inv)
}

/// Whether an invoice is overdue today.
#[must_use]
pub fn is_overdue(inv: &billing_invoices::Model) -> bool {
    inv.status == status::FINALIZED && inv.due_on.is_some_and(|d| d < paris_today())
}

/// Members by id (for labels).
///
/// # Errors
/// Database errors.
pub async fn members_by_id<C: ConnectionTrait>(db: &C) -> AppResult<HashMap<i64, members::Model>> {
    Ok(member::list(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}
