//! HR pages: the employees of a member and an employee's record.
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::get,
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
    member,
    scope::{MemberAccess, Scope},
    time::fr_date,
    web::{
        error::PageError,
        forms::WebForm,
        page::{Page, redirect_with_flash},
        views,
    },
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    employees::{self, EmployeeInput},
    nir,
};

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/hr", get(home))
        .add("/m/{slug}/hr/employees", axum::routing::post(create))
        .add("/m/{slug}/hr/employees/{id}", get(record))
}

async fn home_page(
    ctx: &AppContext,
    v: &ViewEngine<TeraView>,
    jar: &CookieJar,
    scope: &Scope,
    form: &EmployeeInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let establishments = member::establishments(&ctx.db, m.id).await?;
    let rows: Vec<Value> = employees::list(&ctx.db, scope)
        .await?
        .iter()
        .map(|e| {
            let site = e
                .establishment_id
                .and_then(|id| establishments.iter().find(|s| s.id == id))
                .map(|s| s.name.clone());
            json!({
                "id": e.id.to_string(), "matricule": e.matricule, "name": format!("{} {}", e.last_name, e.first_name),
                "nir": nir::masked(&e.nir), "entry": fr_date(e.entry_date), "site": site,
            })
        })
        .collect();
    let sites: Vec<Value> = establishments
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    let path = format!("/m/{}/hr", m.slug);
    Page::for_scope(ctx, scope, &format!("Salariés — {}", m.name), &path)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Ressources humaines", "")
        .render_with_status(
            v,
            jar,
            "hr/employees.html",
            json!({
                "member": views::member(m), "rows": rows, "form": form, "errors": errors, "sites": sites,
                "can_edit": scope.can("hr.employees", "write").await?,
            }), status)
}

/// `GET /m/{slug}/hr`: the member's employees (NIR masked).
pub async fn home(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    home_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &EmployeeInput::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/hr/employees`
pub async fn create(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<EmployeeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    match employees::create(&ctx.db, &scope, &form.value).await {
        Ok(e) => Ok(redirect_with_flash(
            &format!("/m/{}/hr/employees/{}", scope.member().slug, e.id),
            "success",
            &format!("Salarié {} {} enregistré.", e.first_name, e.last_name),
        )),
        Err(AppError::Validation(errs)) => {
            let map = mutualis_core::web::views::errors_map(errs);
            home_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &form.value,
                map,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/hr/employees/{id}`: the record, with the full NIR (audited).
pub async fn record(
    State(ctx): State<AppContext>,
    ViewEngine(v): ViewEngine<TeraView>,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    let e = employees::record(&ctx.db, &scope, id).await?;
    let m = scope.member();
    let site = match e.establishment_id {
        Some(sid) => member::establishments(&ctx.db, m.id)
            .await?
            .into_iter()
            .find(|s| s.id == sid)
            .map(|s| format!("{} (NIC {})", s.name, s.nic)),
        None => None,
    };
    let title = format!("{} {}", e.first_name, e.last_name);
    Page::for_scope(&ctx, &scope, &title, &format!("/m/{}/hr", m.slug))
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Ressources humaines", &format!("/m/{}/hr", m.slug))
        .crumb(&title, "")
        .render(
            &ViewEngine(v),
            &jar,
            "hr/employee.html",
            json!({
                "e": {
                    "matricule": e.matricule, "first_name": e.first_name, "last_name": e.last_name,
                    "sex": if e.sex == "F" { "Femme" } else { "Homme" }, "birth_date": fr_date(e.birth_date),
                    "nationality": e.nationality, "nir": nir::format(&e.nir), "entry": fr_date(e.entry_date),
                    "exit": e.exit_date.map(fr_date), "site": site,
                },
            }),
        )
}
