//! `/api/m/{slug}/hr/…`
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{error::AppError, scope::MemberAccess, web::error::PageError};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    employees::{self, EmployeeInput},
    entities::hr_employees,
    nir,
};

/// The module's API routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/m/{slug}/hr")
        .add("/employees", get(list).post(create))
        .add("/employees/{id}", get(one))
}

fn api(e: AppError) -> PageError {
    PageError::new(e, false, "")
}

fn employee_json(e: &hr_employees::Model, full_nir: bool) -> Value {
    json!({
        "id": e.id,
        "matricule": e.matricule,
        "first_name": e.first_name,
        "last_name": e.last_name,
        "sex": e.sex,
        "birth_date": e.birth_date,
        "nationality": e.nationality,
        "nir": if full_nir { e.nir.clone() } else { nir::masked(&e.nir) },
        "entry_date": e.entry_date,
        "exit_date": e.exit_date,
    })
}

/// `POST /api/m/{slug}/hr/employees` → 201 `{"id"}` or 422 `{"errors": [{"field", "message"}]}`.
async fn create(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(input): Json<EmployeeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    let e = employees::create(&ctx.db, &scope, &input)
        .await
        .map_err(api)?;
    Ok((StatusCode::CREATED, Json(json!({"id": e.id}))).into_response())
}

/// `GET /api/m/{slug}/hr/employees` (NIR masked).
async fn list(State(ctx): State<AppContext>, access: MemberAccess) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    let all = employees::list(&ctx.db, &scope).await.map_err(api)?;
    Ok(Json(
        all.iter()
            .map(|e| employee_json(e, false))
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// `GET /api/m/{slug}/hr/employees/{id}` (full NIR; the view is audited).
async fn one(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    let e = employees::record(&ctx.db, &scope, id).await.map_err(api)?;
    Ok(Json(employee_json(&e, true)).into_response())
}
