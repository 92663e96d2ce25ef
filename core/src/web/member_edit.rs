//! Editing a member's details (`/coop/members/{slug}/edit`, coop_admin): the same fields
//! and checks as its creation, the slug kept.
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
use serde_json::{Value, json};

use crate::{
    entities::members,
    member::{self, MemberInput},
    scope::{CoopAccess, CoopScope},
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::Page,
    },
};

#[expect(clippy::too_many_arguments, reason = "the page and its form state")]
async fn edit_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &CoopScope,
    m: &members::Model,
    form: &MemberInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let has_establishments = !member::establishments(&ctx.db, m.id).await?.is_empty();
    Page::for_coop(
        ctx,
        scope,
        &format!("Modifier — {}", m.name),
        "/coop/members",
    )
    .await?
    .crumb("Adhérents", "/coop/members")
    .crumb(&m.name, &format!("/coop/members/{}", m.slug))
    .crumb("Modifier", "")
    .render_with_status(
        v,
        jar,
        "coop/member_edit.html",
        json!({
            "member": {"slug": m.slug, "name": m.name},
            "form": form,
            "errors": errors,
            "siren_locked": has_establishments,
            "vat_options": [
                {"value": "exempt", "label": "Exonéré – membre du groupement (art. 261 B CGI)"},
                {"value": "liable", "label": "Assujetti à la TVA"},
            ],
        }),
        status,
    )
}

/// `GET /coop/members/{slug}/edit`
pub async fn edit_form(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let form = MemberInput {
        name: m.name.clone(),
        slug: m.slug.clone(),
        siren: m.siren.clone(),
        address: m.address.clone(),
        finess: m.finess.clone().unwrap_or_default(),
        vat_status: m.vat_status.clone(),
        billing_email: m.billing_email.clone(),
    };
    edit_page(&ctx, &v, &jar, &scope, &m, &form, json!({}), StatusCode::OK).await
}

/// `POST /coop/members/{slug}/edit`
pub async fn update(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
    form: WebForm<MemberInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    form_reply(
        member::update_member(&ctx.db, &scope.actor(), &m, &form.value).await,
        |u| {
            Done::new(
                format!("/coop/members/{}", u.slug),
                format!("Adhérent « {} » modifié.", u.name),
            )
        },
        |errors| {
            edit_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &m,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
