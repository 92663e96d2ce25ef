//! HR pages: the cooperative's point values.
#[allow(clippy::wildcard_imports)]
use super::*;

/// The point value form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PointForm {
    pub agreement: String,
    pub valid_from: String,
    pub value: String,
    pub source: String,
}

pub(super) async fn points_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &mutualis_core::scope::CoopScope,
    form: &PointForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let today = paris_today();
    let all = contracts::point_values(&ctx.db).await?;
    let rows: Vec<Value> = all
        .iter()
        .map(|p| {
            let current = all
                .iter()
                .filter(|x| x.agreement == p.agreement && x.valid_from <= today)
                .max_by_key(|x| x.valid_from)
                .is_some_and(|x| x.id == p.id);
            json!({
                "agreement": contracts::agreement_label(&p.agreement), "from": fr_date(p.valid_from),
                "value": p.value.parse::<Decimal>().map(fr_money).unwrap_or_else(|_| p.value.clone()),
                "source": p.source, "current": current, "future": p.valid_from > today,
            })
        })
        .collect();
    Page::for_coop(ctx, scope, "Valeurs du point des conventions", "/coop/hr/point-values")
        .await?
        .crumb("Coopérative", "/coop")
        .crumb("Valeurs du point", "")
        .render_with_status(
            v,
            jar,
            "hr/point_values.html",
            json!({
                "rows": rows, "form": form, "errors": errors,
                "agreements": [{"value": "CCN66", "label": "CCN 66"}, {"value": "CCN51", "label": "CCN 51"}],
                "can_edit": scope.can("hr.point_values", "write").await?,
            }),
            status,
        )
}

/// `GET /coop/hr/point-values`: the dated point values of the collective agreements.
pub async fn point_values(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.point_values", "read").await?;
    points_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &PointForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /coop/hr/point-values`
pub async fn add_point_value(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<PointForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.point_values", "write").await?;
    let f = &form.value;
    let result = contracts::add_point_value(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &f.agreement,
        &f.valid_from,
        &f.value,
        &f.source,
    )
    .await;
    form_reply(
        result,
        |p| {
            Done::new(
                "/coop/hr/point-values",
                format!(
                    "Valeur du point {} enregistrée à compter du {}.",
                    contracts::agreement_label(&p.agreement),
                    fr_date(p.valid_from)
                ),
            )
        },
        |errors| {
            points_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
