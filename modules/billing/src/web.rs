//! Billing pages: the board's review of a period, charge models, invoice details, and a
//! member's invoices with the explanation of every line.
use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    error::AppError,
    member::module_label,
    metering,
    scope::{CoopAccess, CoopScope, MemberAccess},
    time::{Month, fr_date, fr_decimal, fr_money, paris_today},
    web::{
        error::PageError,
        forms::WebForm,
        page::{Page, redirect_with_flash},
        views,
    },
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    charges::{self, ChargeInput, Kind},
    compute::Computed,
    entities::{billing_invoice_lines, billing_invoices},
    service::{self, euros, status},
};

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/coop/billing", get(review))
        .add(
            "/coop/billing/charges",
            get(charges_page).post(create_charge),
        )
        .add("/coop/billing/periods/{period}/close", post(close))
        .add(
            "/coop/billing/periods/{period}/allocation.csv",
            get(allocation_csv),
        )
        .add(
            "/coop/billing/periods/{period}/allocation.xlsx",
            get(allocation_xlsx),
        )
        .add("/coop/billing/invoices/{id}", get(coop_invoice))
        .add("/coop/billing/invoices/{id}/approve", post(approve))
        .add(
            "/coop/billing/invoices/{id}/document/{format}",
            get(coop_invoice_file),
        )
        .add("/coop/billing/invoices/{id}/paid", post(mark_paid))
        .add("/coop/billing/events", get(coop_events))
        .add("/m/{slug}/billing", get(member_billing))
        .add("/m/{slug}/billing/events", get(member_events))
        .add("/m/{slug}/billing/invoices/{id}", get(member_invoice))
        .add(
            "/m/{slug}/billing/invoices/{id}/document/{format}",
            get(member_invoice_file),
        )
}

#[derive(Debug, Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
    /// The member whose chart to show (all members when empty).
    #[serde(default)]
    pub member: String,
}

fn month_or_now(raw: &str) -> Result<Month, PageError> {
    if raw.trim().is_empty() {
        Ok(Month::of(chrono::Utc::now()))
    } else {
        Ok(Month::parse(raw)?)
    }
}

fn status_badge(inv: &billing_invoices::Model) -> (&'static str, &'static str) {
    if service::is_overdue(inv) {
        ("En retard", "danger")
    } else {
        match inv.status.as_str() {
            status::DRAFT => ("Brouillon", "warn"),
            status::FINALIZED => ("Émise", "ok"),
            status::PAID => ("Payée", "muted"),
            _ => ("Inconnu", "muted"),
        }
    }
}

fn change(now: Decimal, before: Option<Decimal>) -> Value {
    match before {
        Some(b) if b != Decimal::ZERO => {
            let pct = ((now - b) / b * Decimal::from(100)).round_dp(1);
            json!({"amount": fr_money(now - b), "pct": format!("{} %", fr_decimal(pct)), "up": now > b})
        }
        Some(_) | None => Value::Null,
    }
}

/// Totals per member for a period: its invoices when closed, else the preview.
async fn totals_of(ctx: &AppContext, scope: &CoopScope, month: Month) -> HashMap<i64, Decimal> {
    let invoices = service::invoices_of_period(&ctx.db, scope.coop(), month)
        .await
        .unwrap_or_default();
    if !invoices.is_empty() {
        return invoices
            .iter()
            .map(|i| (i.member_id, euros(i.total_cents)))
            .collect();
    }
    service::preview(&ctx.db, scope.coop(), &scope.services().meters, month)
        .await
        .map(|c| c.drafts.iter().map(|d| (d.member_id, d.total)).collect())
        .unwrap_or_default()
}

/// `GET /coop/billing?period=YYYY-MM`: the board's review of a period.
pub async fn review(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<PeriodQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.preview", "read").await?;
    let month = month_or_now(&q.period)?;
    let closed = metering::is_closed(&ctx.db, month).await?;
    let members = service::members_by_id(&ctx.db).await?;
    let previous = totals_of(&ctx, &scope, month.prev()).await;
    let mut invoices = service::invoices_of_period(&ctx.db, scope.coop(), month).await?;
    let mut rows = Vec::new();
    let mut error = None;
    let mut pools = Vec::new();
    let (mut sub, mut vat, mut total) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    if invoices.is_empty() {
        match service::preview(&ctx.db, scope.coop(), &scope.services().meters, month).await {
            Ok(Computed { drafts, pools: p }) => {
                for d in &drafts {
                    sub += d.subtotal;
                    vat += d.vat;
                    total += d.total;
                    rows.push(json!({
                        "member": d.name, "slug": d.slug, "subtotal": fr_money(d.subtotal), "vat": fr_money(d.vat),
                        "total": fr_money(d.total), "change": change(d.total, previous.get(&d.member_id).copied()),
                        "status": "Aperçu", "kind": "muted", "number": null, "id": null, "approvable": false,
                    }));
                }
                pools = p
                    .iter()
                    .map(|p| json!({"label": p.label, "module": module_label(&p.module), "amount": fr_money(p.amount), "allocated": fr_money(p.allocated)}))
                    .collect();
            }
            Err(e) => error = Some(e.message()),
        }
    } else {
        let mut pool_totals: std::collections::BTreeMap<(String, String), (String, i64, i64)> =
            std::collections::BTreeMap::new();
        let all_lines = service::lines_of_many(&ctx.db, scope.coop(), &invoices).await?;
        for l in all_lines
            .values()
            .flatten()
            .filter(|l| l.charge_kind == "cost_pool")
        {
            let e = pool_totals
                .entry((l.module.clone(), l.charge_code.clone()))
                .or_insert_with(|| (l.label.clone(), l.pool_cents.unwrap_or_default(), 0));
            e.2 += l.amount_cents;
        }
        pools = pool_totals
            .iter()
            .map(|((module, _), (label, pool, allocated))| {
                json!({"label": label, "module": module_label(module), "amount": fr_money(euros(*pool)), "allocated": fr_money(euros(*allocated))})
            })
            .collect();
        invoices.sort_by(|a, b| {
            let name = |i: &billing_invoices::Model| {
                members
                    .get(&i.member_id)
                    .map(|m| m.name.clone())
                    .unwrap_or_default()
            };
            name(a).cmp(&name(b))
        });
        for i in &invoices {
            let (label, kind) = status_badge(i);
            let m = members.get(&i.member_id);
            let t = euros(i.total_cents);
            sub += euros(i.subtotal_cents);
            vat += euros(i.vat_cents);
            total += t;
            rows.push(json!({
                "member": m.map(|m| m.name.clone()), "slug": m.map(|m| m.slug.clone()),
                "subtotal": fr_money(euros(i.subtotal_cents)), "vat": fr_money(euros(i.vat_cents)), "total": fr_money(t),
                "change": change(t, previous.get(&i.member_id).copied()),
                "status": label, "kind": kind, "number": i.number, "id": i.id.to_string(),
                "approvable": i.status == status::DRAFT,
            }));
        }
    }
    let chart_member = members.values().find(|m| m.slug == q.member);
    let (months, series) =
        crate::chart::monthly_by_module(&ctx.db, chart_member.map(|m| m.id), month).await?;
    let chart_title = chart_member.map_or_else(
        || "Tous les adhérents : montants facturés par module (HT), 12 derniers mois".to_string(),
        |m| {
            format!(
                "{} : montants facturés par module (HT), 12 derniers mois",
                m.name
            )
        },
    );
    let chart = crate::chart::stacked_bars_svg(&months, &series, &chart_title);
    let mut chart_members: Vec<Value> = members
        .values()
        .map(|m| json!({"value": m.slug, "label": m.name}))
        .collect();
    chart_members.sort_by(|a, b| a["label"].as_str().cmp(&b["label"].as_str()));
    let can_close = scope.can("billing.close", "write").await?;
    let can_approve = scope.can("billing.approve", "write").await?;
    let in_effect: Vec<Value> = charges::in_effect(&charges::all_versions(&ctx.db).await?, month)
        .iter()
        .map(|c| json!({"module": module_label(&c.module), "label": c.label, "kind": c.kind.label()}))
        .collect();
    Page::for_coop(&ctx, &scope, "Facturation", "/coop/billing")
        .await?
        .render(
            &ViewEngine(v),
            &jar,
            "billing/review.html",
            json!({
                "period": month.to_string(),
                "period_label": views::month_label(month),
                "prev": month.prev().to_string(),
                "next": month.next().to_string(),
                "closed": closed,
                "rows": rows,
                "pools": pools,
                "error": error,
                "totals": {"subtotal": fr_money(sub), "vat": fr_money(vat), "total": fr_money(total)},
                "can_close": can_close,
                "closable": month < Month::of(chrono::Utc::now()),
                "can_approve": can_approve,
                "charges": in_effect,
                "chart": chart,
                "has_chart": !series.is_empty() || chart_member.is_some(),
                "chart_members": chart_members,
                "chart_member": chart_member.map(|m| m.slug.clone()).unwrap_or_default(),
            }),
        )
}

/// `POST /coop/billing/periods/{period}/close` (coop_admin)
pub async fn close(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
    _form: WebForm<mutualis_core::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.close", "write").await?;
    let month = Month::parse(&period)?;
    let back = format!("/coop/billing?period={month}");
    match service::close_period(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        month,
    )
    .await
    {
        Ok(drafts) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Période {} clôturée : {} factures en brouillon soumises au conseil.",
                views::month_label(month),
                drafts.len()
            ),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

fn line_json(l: &billing_invoice_lines::Model) -> Value {
    let q: Decimal = l.quantity.parse().unwrap_or_default();
    json!({
        "label": l.label, "module": module_label(&l.module),
        "quantity": format!("{} {}", fr_decimal(q), l.unit),
        "unit_price": l.unit_price.as_deref().and_then(|p| p.parse::<Decimal>().ok()).map(fr_money),
        "share": l.share_pct.as_deref().and_then(|p| p.parse::<Decimal>().ok()).map(|p| format!("{} %", fr_decimal(p))),
        "pool": l.pool_cents.map(|c| fr_money(euros(c))),
        "amount": fr_money(euros(l.amount_cents)),
        "vat": fr_money(euros(l.vat_cents)),
        "vat_rate": format!("{} %", fr_decimal(l.vat_rate.parse().unwrap_or_default())),
        "explanation": l.explanation,
        "meter": l.meter,
    })
}

async fn invoice_context(
    ctx: &AppContext,
    inv: &billing_invoices::Model,
) -> Result<Value, PageError> {
    let lines = service::lines_of(&ctx.db, inv).await?;
    let members = service::members_by_id(&ctx.db).await?;
    let m = members.get(&inv.member_id);
    let (label, kind) = status_badge(inv);
    let period = Month::parse(&inv.period)
        .map(views::month_label)
        .unwrap_or_default();
    Ok(json!({
        "id": inv.id.to_string(),
        "number": inv.number,
        "status": label,
        "kind": kind,
        "is_draft": inv.status == status::DRAFT,
        "is_finalized": inv.status == status::FINALIZED,
        "period": inv.period,
        "period_label": period,
        "member": m.map(views::member),
        "lines": lines.iter().map(line_json).collect::<Vec<_>>(),
        "subtotal": fr_money(euros(inv.subtotal_cents)),
        "vat": fr_money(euros(inv.vat_cents)),
        "total": fr_money(euros(inv.total_cents)),
        "issued_on": inv.issued_on.map(fr_date),
        "due_on": inv.due_on.map(fr_date),
        "paid_on": inv.paid_on.map(fr_date),
        "exempt": m.is_none_or(|m| m.vat_status != "liable"),
        "is_credit_note": inv.kind == "credit_note",
        "reason": inv.reason,
        "seller": crate::settings(ctx)?.seller,
    }))
}

/// `GET /coop/billing/invoices/{id}`
pub async fn coop_invoice(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Path(id): Path<Uuid>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let inv = service::find_any(&ctx.db, scope.coop(), id).await?;
    let mut data = invoice_context(&ctx, &inv).await?;
    data["can_approve"] = json!(scope.can("billing.approve", "write").await?);
    data["can_pay"] = json!(scope.can("billing.payments", "write").await?);
    data["coop"] = json!(true);
    data["today"] = json!(paris_today().to_string());
    let title = inv.number.clone().map_or_else(
        || format!("Brouillon {}", inv.period),
        |n| format!("Facture {n}"),
    );
    Page::for_coop(&ctx, &scope, &title, "/coop/billing")
        .await?
        .crumb(
            "Facturation",
            &format!("/coop/billing?period={}", inv.period),
        )
        .crumb(&title, "")
        .render(&ViewEngine(v), &jar, "billing/invoice.html", data)
}

/// `POST /coop/billing/invoices/{id}/approve` (board)
pub async fn approve(
    State(ctx): State<AppContext>,
    Path(id): Path<Uuid>,
    access: CoopAccess,
    _form: WebForm<mutualis_core::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.approve", "write").await?;
    let back = format!("/coop/billing/invoices/{id}");
    let quorum = crate::settings(&ctx)?.quorum;
    match service::approve(&ctx.db, scope.coop(), &scope.actor(), id, quorum).await {
        Ok(a) if a.finalized_now => {
            crate::notify::invoice_finalized(&ctx, &a.invoice).await?;
            Ok(redirect_with_flash(
                &back,
                "success",
                &format!(
                    "Facture approuvée et émise sous le n° {} ; un e-mail part au contact de facturation.",
                    a.invoice.number.unwrap_or_default()
                ),
            ))
        }
        Ok(a) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Approbation enregistrée ({} sur {} nécessaires).",
                a.approvals, a.quorum
            ),
        )),
        Err(e @ AppError::Conflict(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct PaidForm {
    #[serde(default)]
    pub paid_on: String,
}

/// `POST /coop/billing/invoices/{id}/paid` (coop_admin)
pub async fn mark_paid(
    State(ctx): State<AppContext>,
    Path(id): Path<Uuid>,
    access: CoopAccess,
    form: WebForm<PaidForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.payments", "write").await?;
    let back = format!("/coop/billing/invoices/{id}");
    let on = chrono::NaiveDate::parse_from_str(form.value.paid_on.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| paris_today());
    match service::mark_paid(&ctx.db, scope.coop(), &scope.actor(), id, on).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!("Paiement enregistré au {}.", fr_date(on)),
        )),
        Err(e @ AppError::Conflict(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}

async fn charges_page_inner(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &CoopScope,
    form: &ChargeInput,
    errors: Value,
    status_code: axum::http::StatusCode,
) -> Result<Response, PageError> {
    let versions = charges::all_versions(&ctx.db).await?;
    let now = Month::of(chrono::Utc::now());
    let current: Vec<i64> = charges::in_effect(&versions, now)
        .iter()
        .map(|c| c.id)
        .collect();
    let meter_label = |code: &str| {
        scope
            .services()
            .meters
            .get(code)
            .map_or_else(|| code.to_string(), |m| format!("« {} »", m.label))
    };
    let rows: Vec<Value> = versions
        .iter()
        .rev()
        .map(|c| {
            let what = match &c.kind {
                Kind::Subscription { fee } => format!("{} par mois, au prorata des jours", fr_money(*fee)),
                Kind::UnitPrice { meter, tiers } if tiers.len() == 1 => format!(
                    "{} par unité de {}",
                    fr_money(tiers.first().map(|t| t.unit_price).unwrap_or_default()),
                    meter_label(meter)
                ),
                Kind::UnitPrice { meter, tiers } => {
                    let mut from = Decimal::ZERO;
                    let parts: Vec<String> = tiers
                        .iter()
                        .map(|t| {
                            let s = match t.up_to {
                                Some(u) => format!("de {} à {} : {}", fr_decimal(from), fr_decimal(u), fr_money(t.unit_price)),
                                None => format!("au-delà de {} : {}", fr_decimal(from), fr_money(t.unit_price)),
                            };
                            from = t.up_to.unwrap_or(from);
                            s
                        })
                        .collect();
                    format!("{} par paliers ({})", meter_label(meter), parts.join(" ; "))
                }
                Kind::CostPool { amount, meter, fixed_share, .. } => format!(
                    "{} par mois ; {} % fixe, le reste selon {}",
                    fr_money(*amount),
                    fr_decimal((*fixed_share * Decimal::from(100)).normalize()),
                    meter_label(meter)
                ),
            };
            json!({
                "module": module_label(&c.module), "code": c.code, "label": c.label, "kind": c.kind.label(),
                "from": views::month_label(c.effective_from), "from_key": c.effective_from.to_string(), "active": c.active, "what": what,
                "current": current.contains(&c.id), "vat_rate": format!("{} %", fr_decimal(c.vat_rate)),
            })
        })
        .collect();
    let meters: Vec<Value> = scope
        .services()
        .meters
        .all()
        .iter()
        .map(|m| json!({"value": m.code, "label": format!("{} ({})", m.label, m.unit)}))
        .collect();
    let modules: Vec<Value> = charges::CHARGEABLE
        .iter()
        .map(|m| json!({"value": m, "label": module_label(m)}))
        .collect();
    Page::for_coop(ctx, scope, "Tarifs", "/coop/billing")
        .await?
        .crumb("Facturation", "/coop/billing")
        .crumb("Tarifs", "")
        .render_with_status(
            v,
            jar,
            "billing/charges.html",
            json!({
                "rows": rows, "form": form, "errors": errors, "meters": meters, "modules": modules,
                "kinds": [
                    {"value": "subscription", "label": "Abonnement mensuel (au prorata des jours)"},
                    {"value": "unit_price", "label": "Prix unitaire sur un compteur"},
                    {"value": "cost_pool", "label": "Pool de coûts réparti selon la consommation"},
                ],
                "bases": [{"value": "equal", "label": "À parts égales"}, {"value": "meter", "label": "Selon un compteur"}],
                "can_edit": scope.can("billing.charges", "write").await?,
            }), status_code)
}

/// `GET /coop/billing/charges`
pub async fn charges_page(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.charges", "read").await?;
    let form = ChargeInput {
        effective_from: Month::of(chrono::Utc::now()).to_string(),
        active: true,
        ..Default::default()
    };
    charges_page_inner(
        &ctx,
        &v,
        &jar,
        &scope,
        &form,
        json!({}),
        axum::http::StatusCode::OK,
    )
    .await
}

/// `POST /coop/billing/charges` (coop_admin): a new version of a charge.
pub async fn create_charge(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<ChargeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.charges", "write").await?;
    match charges::create_version(
        &ctx.db,
        scope.coop(),
        &scope.services().meters,
        &scope.actor(),
        &form.value,
    )
    .await
    {
        Ok(c) => Ok(redirect_with_flash(
            "/coop/billing/charges",
            "success",
            &format!(
                "Tarif « {} » enregistré, applicable à partir de {}.",
                c.label,
                views::month_label(c.effective_from)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let map = mutualis_core::web::views::errors_map(errs);
            charges_page_inner(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                map,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/billing`: the member's invoices and what the current month would cost.
pub async fn member_billing(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let m = scope.member();
    let month = month_or_now(&q.period)?;
    let invoices: Vec<Value> = service::invoices_of(&ctx.db, scope.tenant())
        .await?
        .iter()
        .filter(|i| i.status != status::DRAFT)
        .map(|i| {
            let (label, kind) = status_badge(i);
            json!({
                "id": i.id.to_string(), "number": i.number, "period": Month::parse(&i.period).map(views::month_label).unwrap_or_default(),
                "total": fr_money(euros(i.total_cents)), "status": label, "kind": kind,
                "issued_on": i.issued_on.map(fr_date), "due_on": i.due_on.map(fr_date),
            })
        })
        .collect();
    let coop = scope.coop_computation("a member's share of the pooled costs");
    let preview = service::preview(&ctx.db, coop, &scope.services().meters, month).await;
    let (lines, total, error) = match preview {
        Ok(c) => match c.drafts.into_iter().find(|d| d.member_id == m.id) {
            Some(d) => (
                d.lines
                    .iter()
                    .map(|l| {
                        json!({
                            "label": l.label, "module": module_label(&l.module),
                            "quantity": format!("{} {}", fr_decimal(l.quantity), l.unit),
                            "amount": fr_money(l.amount), "explanation": l.explanation,
                        })
                    })
                    .collect::<Vec<_>>(),
                Some(fr_money(d.total)),
                None,
            ),
            None => (Vec::new(), None, None),
        },
        Err(e) => (Vec::new(), None, Some(e.message())),
    };
    let (months, series) = crate::chart::monthly_by_module(&ctx.db, Some(m.id), month).await?;
    let chart = crate::chart::stacked_bars_svg(
        &months,
        &series,
        "Vos montants facturés par module (HT), 12 derniers mois",
    );
    let path = format!("/m/{}/billing", m.slug);
    Page::for_scope(&ctx, &scope, &format!("Facturation — {}", m.name), &path)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Facturation", "")
        .render(
            &ViewEngine(v),
            &jar,
            "billing/member.html",
            json!({
                "member": views::member(m), "invoices": invoices, "period": month.to_string(),
                "period_label": views::month_label(month), "prev": month.prev().to_string(), "next": month.next().to_string(),
                "lines": lines, "total": total, "error": error,
                "chart": chart, "has_chart": !series.is_empty(),
            }),
        )
}

/// `GET /m/{slug}/billing/invoices/{id}`: one of the member's own invoices.
pub async fn member_invoice(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let inv = service::invoices_of(&ctx.db, scope.tenant())
        .await?
        .into_iter()
        .find(|i| i.id == id && i.status != status::DRAFT)
        .ok_or(AppError::NotFound)?;
    let m = scope.member();
    let mut data = invoice_context(&ctx, &inv).await?;
    data["can_approve"] = json!(false);
    data["can_pay"] = json!(false);
    data["coop"] = json!(false);
    data["today"] = json!(paris_today().to_string());
    let what = if inv.kind == "credit_note" {
        "Avoir"
    } else {
        "Facture"
    };
    let title = format!("{what} {}", inv.number.clone().unwrap_or_default());
    Page::for_scope(&ctx, &scope, &title, &format!("/m/{}/billing", m.slug))
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Facturation", &format!("/m/{}/billing", m.slug))
        .crumb(&title, "")
        .render(&ViewEngine(v), &jar, "billing/invoice.html", data)
}

/// The allocation table of a period: its invoices' lines once closed, else the preview.
async fn allocation_rows(
    ctx: &AppContext,
    scope: &CoopScope,
    month: Month,
) -> Result<Vec<crate::export::AllocationRow>, PageError> {
    use crate::export::AllocationRow;
    let members = service::members_by_id(&ctx.db).await?;
    let invoices = service::invoices_of_period(&ctx.db, scope.coop(), month).await?;
    let mut rows = Vec::new();
    if invoices.is_empty() {
        let c = service::preview(&ctx.db, scope.coop(), &scope.services().meters, month).await?;
        for d in &c.drafts {
            let siren = members
                .get(&d.member_id)
                .map(|m| m.siren.clone())
                .unwrap_or_default();
            for l in &d.lines {
                rows.push(AllocationRow {
                    member: d.name.clone(),
                    siren: siren.clone(),
                    module: l.module.clone(),
                    charge: l.label.clone(),
                    kind: l.charge_kind.clone(),
                    meter: l.meter.clone().unwrap_or_default(),
                    quantity: l.quantity,
                    unit: l.unit.clone(),
                    share_pct: l.share_pct,
                    pool: l.pool,
                    amount: l.amount,
                    vat: l.vat,
                });
            }
        }
    } else {
        let all_lines = service::lines_of_many(&ctx.db, scope.coop(), &invoices).await?;
        for i in &invoices {
            let m = members.get(&i.member_id);
            for l in all_lines.get(&i.id).into_iter().flatten() {
                rows.push(AllocationRow {
                    member: m.map(|m| m.name.clone()).unwrap_or_default(),
                    siren: m.map(|m| m.siren.clone()).unwrap_or_default(),
                    module: l.module.clone(),
                    charge: l.label.clone(),
                    kind: l.charge_kind.clone(),
                    meter: l.meter.clone().unwrap_or_default(),
                    quantity: l.quantity.parse().unwrap_or_default(),
                    unit: l.unit.clone(),
                    share_pct: l.share_pct.as_deref().and_then(|s| s.parse().ok()),
                    pool: l.pool_cents.map(euros),
                    amount: euros(l.amount_cents),
                    vat: euros(l.vat_cents),
                });
            }
        }
        rows.sort_by(|a, b| a.member.cmp(&b.member));
    }
    Ok(rows)
}

/// `GET /coop/billing/periods/{period}/allocation.csv`
pub async fn allocation_csv(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.preview", "read").await?;
    let month = Month::parse(&period)?;
    let rows = allocation_rows(&ctx, &scope, month).await?;
    Ok(mutualis_core::web::page::download(
        "text/csv; charset=utf-8",
        &format!("repartition-{month}.csv"),
        crate::export::csv(&rows)?,
    ))
}

/// `GET /coop/billing/periods/{period}/allocation.xlsx`
pub async fn allocation_xlsx(
    State(ctx): State<AppContext>,
    Path(period): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.preview", "read").await?;
    let month = Month::parse(&period)?;
    let rows = allocation_rows(&ctx, &scope, month).await?;
    let title = format!("Répartition des coûts — {}", views::month_label(month));
    Ok(mutualis_core::web::page::download(
        mutualis_core::web::page::XLSX,
        &format!("repartition-{month}.xlsx"),
        crate::export::xlsx(&rows, &title)?,
    ))
}

#[derive(Debug, Deserialize, Default)]
pub struct EventsQuery {
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub meter: String,
    #[serde(default)]
    pub period: String,
}

async fn events_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    page: Page,
    member: &mutualis_core::entities::members::Model,
    q: &EventsQuery,
    meters: &metering::Meters,
) -> Result<Response, PageError> {
    let month = Month::parse(&q.period)?;
    let meter = meters.get(&q.meter).ok_or(AppError::NotFound)?;
    let (rows, total) = metering::events_for(&ctx.db, member.id, meter.code, month, 500).await?;
    let rows: Vec<Value> = rows
        .iter()
        .map(|e| {
            json!({
                "occurred_at": mutualis_core::time::fr_datetime(e.occurred_at),
                "received_at": mutualis_core::time::fr_datetime(e.received_at),
                "quantity": fr_decimal(metering::from_micros(e.quantity_micros)),
                "key": e.idempotency_key, "source": e.source, "reason": e.reason,
                "late": metering::period_of(e.occurred_at, &[]) != month,
            })
        })
        .collect();
    page.render(
        v,
        jar,
        "billing/events.html",
        json!({
            "member": views::member(member), "meter": {"code": meter.code, "label": meter.label, "unit": meter.unit},
            "period_label": views::month_label(month), "rows": rows, "total": total, "shown": rows.len(),
        }),
    )
}

/// `GET /coop/billing/events?member=&meter=&period=`: the usage events behind a line.
pub async fn coop_events(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<EventsQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.preview", "read").await?;
    let member = mutualis_core::member::find_by_slug(&ctx.db, &q.member)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = Page::for_coop(&ctx, &scope, "Événements de consommation", "/coop/billing")
        .await?
        .crumb("Facturation", &format!("/coop/billing?period={}", q.period))
        .crumb("Événements", "");
    events_page(&ctx, &v, &jar, page, &member, &q, &scope.services().meters).await
}

/// `GET /m/{slug}/billing/events?meter=&period=`: the member's own events behind a line.
pub async fn member_events(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<EventsQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let m = scope.member().clone();
    let page = Page::for_scope(
        &ctx,
        &scope,
        "Événements de consommation",
        &format!("/m/{}/billing", m.slug),
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Facturation", &format!("/m/{}/billing", m.slug))
    .crumb("Événements", "");
    events_page(&ctx, &v, &jar, page, &m, &q, &scope.services().meters).await
}

/// `GET /coop/billing/invoices/{id}/document/{pdf|xml}`
pub async fn coop_invoice_file(
    State(ctx): State<AppContext>,
    Path((id, format)): Path<(Uuid, String)>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let format = crate::files::Format::from_ext(&format).ok_or(AppError::NotFound)?;
    let inv = service::find_any(&ctx.db, scope.coop(), id).await?;
    let member = service::members_by_id(&ctx.db)
        .await?
        .remove(&inv.member_id)
        .ok_or(AppError::NotFound)?;
    Ok(crate::files::download(&ctx, &member, &inv, format).await?)
}

/// `GET /m/{slug}/billing/invoices/{id}/document/{pdf|xml}`: the member's own only.
pub async fn member_invoice_file(
    State(ctx): State<AppContext>,
    Path((_slug, id, format)): Path<(String, Uuid, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let format = crate::files::Format::from_ext(&format).ok_or(AppError::NotFound)?;
    let inv = service::invoices_of(&ctx.db, scope.tenant())
        .await?
        .into_iter()
        .find(|i| i.id == id && i.status != status::DRAFT)
        .ok_or(AppError::NotFound)?;
    Ok(crate::files::download(&ctx, scope.member(), &inv, format).await?)
}
