//! The usage events: the cooperative's and a member's pages.
use super::*;

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
    let member = mutualis_core::member::get_by_slug(&ctx.db, &q.member).await?;
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
