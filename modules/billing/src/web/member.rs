//! A member's own billing: its invoices and what the current month would cost.
use super::*;

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
