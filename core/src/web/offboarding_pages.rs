//! A member's departure (`/coop/members/{slug}/offboarding`, casbin `coop.members`
//! `offboard`): the export zip, the dry run of the erasure, the erasure confirmed by
//! typing the member's slug. Rules in `core::offboarding`.
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use axum_extra::extract::CookieJar;
use loco_rs::{
    app::AppContext,
    controller::views::{ViewEngine, engines::TeraView},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    entities::members,
    member, offboarding,
    scope::{CoopAccess, CoopScope},
    time::fr_datetime,
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::{Page, download},
    },
};

const OBJ: &str = "coop.members";
const ACT: &str = "offboard";

async fn page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &CoopScope,
    m: &members::Model,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let plan = offboarding::dry_run(ctx, m).await?;
    let tables: Vec<Value> = plan
        .tables
        .iter()
        .filter(|t| t.rows > 0)
        .map(|t| {
            json!({
                "table": t.table, "owner": t.owner, "rows": t.rows, "erased": t.erased,
                "kept": t.kept, "reason": t.reason, "cleared": t.cleared.join(", "),
            })
        })
        .collect();
    let people: Vec<Value> = plan
        .people
        .iter()
        .map(|p| json!({"name": p.name, "email": p.email, "anonymised": p.anonymised}))
        .collect();
    Page::for_coop(
        ctx,
        scope,
        &format!("Départ de l’adhérent — {}", m.name),
        "/coop/members",
    )
    .await?
    .crumb("Adhérents", "/coop/members")
    .crumb(&m.name, &format!("/coop/members/{}", m.slug))
    .crumb("Départ", "")
    .render_with_status(
        v,
        jar,
        "coop/member_offboarding.html",
        json!({
            "member": {"slug": m.slug, "name": m.name},
            "erased_at": m.erased_at.map(fr_datetime),
            "tables": tables,
            "people": people,
            "grants": plan.grants,
            "erased": plan.erased(),
            "kept": plan.kept(),
            "refused": plan.refused,
            "errors": errors,
        }),
        status,
    )
}

/// `GET /coop/members/{slug}/offboarding`: the export and the dry run.
pub async fn show(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, ACT).await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    page(&ctx, &v, &jar, &scope, &m, json!({}), StatusCode::OK).await
}

/// `GET /coop/members/{slug}/offboarding/export.zip`: the member's export (audited).
pub async fn export(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, ACT).await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let out = offboarding::export(&ctx, &scope.actor(), &m).await?;
    Ok(download("application/zip", &out.file_name, out.bytes))
}

#[derive(Debug, Deserialize, Default)]
pub struct EraseForm {
    #[serde(default)]
    pub confirm: String,
}

/// `POST /coop/members/{slug}/offboarding/erase`: the erasure, confirmed by the slug.
pub async fn erase(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
    form: WebForm<EraseForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(OBJ, ACT).await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    form_reply(
        offboarding::erase(&ctx, &scope.actor(), &m, &form.value.confirm).await,
        |plan| {
            Done::new(
                format!("/coop/members/{}", m.slug),
                format!(
                    "Adhérent « {} » effacé : {} lignes effacées, {} conservées comme la loi l’exige.",
                    m.name,
                    plan.erased(),
                    plan.kept()
                ),
            )
        },
        |errors| page(&ctx, &v, &jar, &scope, &m, errors, StatusCode::UNPROCESSABLE_ENTITY),
    )
    .await
}
