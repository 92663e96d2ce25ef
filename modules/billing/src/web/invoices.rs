//! One invoice for the cooperative's staff: its lines, the board's approval, payment.
use super::*;

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

pub(super) async fn invoice_context(
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
        Err(e @ (AppError::Conflict(_) | AppError::Validation(_))) => {
            Ok(redirect_with_flash(&back, "error", &e.message()))
        }
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
    let raw = form.value.paid_on.trim();
    let on = if raw.is_empty() {
        paris_today()
    } else {
        let mut c = mutualis_core::limits::Check::new();
        match c.optional_date(
            "paid_on",
            "La date de paiement",
            raw,
            mutualis_core::limits::Dates::Record,
        ) {
            Some(d) => d,
            None => {
                let message = AppError::Validation(c.into_errors()).message();
                return Ok(redirect_with_flash(&back, "error", &message));
            }
        }
    };
    match service::mark_paid(&ctx.db, scope.coop(), &scope.actor(), id, on).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!("Paiement enregistré au {}.", fr_date(on)),
        )),
        Err(e @ (AppError::Conflict(_) | AppError::Validation(_))) => {
            Ok(redirect_with_flash(&back, "error", &e.message()))
        }
        Err(e) => Err(e.into()),
    }
}
