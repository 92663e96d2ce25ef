//! The board's review of a period (members' totals, change against the month before) and its close.
use super::*;

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
