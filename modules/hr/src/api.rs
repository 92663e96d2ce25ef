//! `/api/m/{slug}/hr/…`: the same rules as the pages, in JSON. Each handler answers
//! with a type of [`bodies`], named in its `#[utoipa::path]`.
mod bodies;

/// The list's item, for the load test's bare handler (`benches/load_bare.rs`).
pub use bodies::Employee;

use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::HeaderMap,
    routing::{get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    error::AppError,
    error::ErrorBody,
    keyset::{self, PageQuery},
    scope::MemberAccess,
    time::Month,
    web::error::ApiResult,
    web::page::{XLSX, download},
};
use serde::Deserialize;
use uuid::Uuid;

use self::bodies::{
    AccrualRun, ContractHistory, ContractVersion, ContractVersionCreated, EmployeeCreated,
    EmployeeRecord, Import, ImportConfirmed, LeaveAccount, LeaveBalance, LeaveMovement,
    LeaveRequest, RegisterBody,
};
use crate::{
    contracts::{self, ContractInput},
    employees::{self, EmployeeInput},
    import, ledger,
    register::{self, RegisterQuery},
};

/// The largest spreadsheet accepted (a 100,000-row xlsx is about 7 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create, list, one, update_employee, exit, employee_contracts, create_contract, amend_contract, employee_leave, create_request, leave_requests, approve, refuse, cancel, run_accruals, upload, import_status, confirm, template, register_pdf, register_xlsx, register_json),
    tags((name = "hr", description = "Ressources humaines : salariés, contrats, congés, imports, registre du personnel"))
)]
struct HrApi;

/// The module's API, for its declaration (`ModuleDef::api_doc`).
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <HrApi as utoipa::OpenApi>::openapi()
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/m/{slug}/hr")
        .add("/employees", get(list).post(create))
        .add("/employees/{id}", get(one).put(update_employee))
        .add("/employees/{id}/exit", post(exit))
        .add(
            "/employees/{id}/contracts",
            get(employee_contracts).post(create_contract),
        )
        .add("/contracts/{id}/versions", post(amend_contract))
        .add("/employees/{id}/leave", get(employee_leave))
        .add("/leave/requests", get(leave_requests).post(create_request))
        .add("/leave/requests/{id}/approve", post(approve))
        .add("/leave/requests/{id}/refuse", post(refuse))
        .add("/leave/requests/{id}/cancel", post(cancel))
        .add("/leave/accruals", post(run_accruals))
        .add(
            "/imports",
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .add("/imports/template.xlsx", get(template))
        .add("/imports/{id}", get(import_status))
        .add("/imports/{id}/confirm", post(confirm))
        .add("/register.pdf", get(register_pdf))
        .add("/register.xlsx", get(register_xlsx))
        .add("/register", get(register_json))
}

/// `POST /api/m/{slug}/hr/employees` → 201 `{"id"}` or 422 `{"errors": [{"field", "message"}]}`.
#[utoipa::path(post, operation_id = "hr_create", path = "/api/m/{slug}/hr/employees", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body = EmployeeInput, responses((status = 201, description = "Salarié créé `{\"id\"}`", body = EmployeeCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(input): Json<EmployeeInput>,
) -> ApiResult<Created<EmployeeCreated>> {
    let scope = access.authorize("hr.employees", "write").await?;
    let e = employees::create(&ctx.db, &scope, &input).await?;
    Ok(created(EmployeeCreated { id: e.id }))
}

/// `GET /api/m/{slug}/hr/employees` (NIR masked), by name; `?limit=&after=` pages it
/// (keyset: `core::keyset`).
#[utoipa::path(get, operation_id = "hr_list", path = "/api/m/{slug}/hr/employees", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PageQuery), responses((status = 200, description = "Les salariés par nom (NIR masqué) ; avec `limit`, une page, et la suivante dans `Link` et `X-Next-Cursor`", body = Vec<Employee>, headers(("link" = String, description = "`<…?limit=…&after=…>; rel=\"next\"` quand une page suit"), ("x-next-cursor" = String, description = "Le curseur de la page suivante (paramètre `after`)"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "`limit` ou `after` invalide, nommé", body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    Query(q): Query<PageQuery>,
    access: MemberAccess,
) -> ApiResult<(HeaderMap, Json<Vec<Employee>>)> {
    let scope = access.authorize("hr.employees", "read").await?;
    let page = q.page(3)?;
    let (rows, next) = employees::list_page(&ctx.db, &scope, &page).await?;
    let path = format!("/api/m/{}/hr/employees", scope.member().slug);
    Ok((
        keyset::next_headers(&path, &page, next.as_deref()),
        Json(rows.iter().map(|e| Employee::of(e, false)).collect()),
    ))
}

/// `GET /api/m/{slug}/hr/employees/{id}` (full NIR; the view is audited).
#[utoipa::path(get, operation_id = "hr_one", path = "/api/m/{slug}/hr/employees/{id}", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Salarié")), responses((status = 200, description = "Le salarié (NIR complet ; consultation journalisée)", body = EmployeeRecord), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn one(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<EmployeeRecord>> {
    let scope = access.authorize("hr.employees", "read").await?;
    let e = employees::record(&ctx.db, &scope, id).await?;
    let nic = employees::nic_of(&ctx.db, scope.tenant(), &e).await?;
    Ok(Json(EmployeeRecord::of(&e, nic)))
}

/// `PUT /api/m/{slug}/hr/employees/{id}`: corrects the record (every field of the
/// creation; the entry date only while no contract or absence starts before it).
#[utoipa::path(put, operation_id = "hr_update_employee", path = "/api/m/{slug}/hr/employees/{id}", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Salarié")), request_body = EmployeeInput, responses((status = 200, description = "La fiche corrigée (modification journalisée)", body = EmployeeRecord), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn update_employee(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<EmployeeInput>,
) -> ApiResult<Json<EmployeeRecord>> {
    let scope = access.authorize("hr.employees", "write").await?;
    let e = employees::update(&ctx.db, &scope, id, &body).await?;
    let nic = employees::nic_of(&ctx.db, scope.tenant(), &e).await?;
    Ok(Json(EmployeeRecord::of(&e, nic)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct ExitBody {
    #[serde(default)]
    exit_date: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/m/{slug}/hr/employees/{id}/exit` `{"exit_date", "reason"}`: the exit date,
/// and running contracts end that day (new versions).
#[utoipa::path(post, operation_id = "hr_exit", path = "/api/m/{slug}/hr/employees/{id}/exit", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Salarié")), request_body = ExitBody, responses((status = 200, description = "Sortie enregistrée ; les contrats en cours prennent fin", body = Employee), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn exit(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<ExitBody>,
) -> ApiResult<Json<Employee>> {
    let scope = access.authorize("hr.employees", "write").await?;
    let e = employees::record_exit(&ctx.db, &scope, id, &body.exit_date, &body.reason).await?;
    Ok(Json(Employee::of(&e, false)))
}

/// `GET /api/m/{slug}/hr/employees/{id}/contracts`: each contract with its versions.
#[utoipa::path(get, operation_id = "hr_employee_contracts", path = "/api/m/{slug}/hr/employees/{id}/contracts", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Salarié")), responses((status = 200, description = "Les contrats et leurs versions", body = Vec<ContractHistory>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn employee_contracts(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<ContractHistory>>> {
    let scope = access.authorize("hr.contracts", "read").await?;
    let cs = contracts::of_employee(&ctx.db, &scope, id).await?;
    Ok(Json(
        cs.iter()
            .map(|c| ContractHistory {
                contract_id: c.versions.first().map(|v| v.contract_id),
                versions: c.versions.iter().map(ContractVersion::from).collect(),
            })
            .collect(),
    ))
}

/// `POST /api/m/{slug}/hr/employees/{id}/contracts` → 201 `{"contract_id", "id", "version"}`.
#[utoipa::path(post, operation_id = "hr_create_contract", path = "/api/m/{slug}/hr/employees/{id}/contracts", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Salarié")), request_body = ContractInput, responses((status = 201, description = "Contrat créé `{\"contract_id\"}`", body = ContractVersionCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_contract(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(input): Json<ContractInput>,
) -> ApiResult<Created<ContractVersionCreated>> {
    let scope = access.authorize("hr.contracts", "write").await?;
    let v = contracts::create(&ctx.db, &scope, id, &input).await?;
    Ok(created(ContractVersionCreated::from(&v)))
}

/// `POST /api/m/{slug}/hr/contracts/{contract_id}/versions`: an amendment (the full new
/// terms, `valid_from` and `reason`) → 201 `{"contract_id", "id", "version"}`.
#[utoipa::path(post, operation_id = "hr_amend_contract", path = "/api/m/{slug}/hr/contracts/{id}/versions", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Contrat")), request_body = ContractInput, responses((status = 201, description = "Avenant enregistré (nouvelle version)", body = ContractVersionCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn amend_contract(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(input): Json<ContractInput>,
) -> ApiResult<Created<ContractVersionCreated>> {
    let scope = access.authorize("hr.contracts", "write").await?;
    let v = contracts::amend(&ctx.db, &scope, id, &input).await?;
    Ok(created(ContractVersionCreated::from(&v)))
}

/// `GET /api/m/{slug}/hr/employees/{id}/leave`: balances by type and period, and the
/// ledger's movements.
#[utoipa::path(get, operation_id = "hr_employee_leave", path = "/api/m/{slug}/hr/employees/{id}/leave", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Salarié")), responses((status = 200, description = "Soldes et mouvements de congés", body = LeaveAccount), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn employee_leave(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<LeaveAccount>> {
    let scope = access.authorize("hr.leave", "read").await?;
    let entries = ledger::entries(&ctx.db, &scope, id).await?;
    Ok(Json(LeaveAccount {
        balances: ledger::balances_of(&entries)
            .iter()
            .map(LeaveBalance::from)
            .collect(),
        entries: entries.iter().map(LeaveMovement::from).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct NewRequest {
    employee_id: Uuid,
    #[serde(flatten)]
    input: ledger::RequestInput,
}

/// `POST /api/m/{slug}/hr/leave/requests` `{"employee_id", "leave_type", "start_date",
/// "end_date", "comment"}` → 201 with the request (`pending`, or `approved` for an
/// absence recorded by HR).
#[utoipa::path(post, operation_id = "hr_create_request", path = "/api/m/{slug}/hr/leave/requests", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body = NewRequest, responses((status = 201, description = "Demande créée", body = LeaveRequest), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_request(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<NewRequest>,
) -> ApiResult<Created<LeaveRequest>> {
    let scope = access.authorize("hr.leave", "write").await?;
    let r = ledger::request(&ctx.db, &scope, body.employee_id, &body.input, false).await?;
    Ok(created(LeaveRequest::from(&r)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RequestFilter {
    employee_id: Option<Uuid>,
    status: Option<String>,
}

/// `GET /api/m/{slug}/hr/leave/requests?employee_id=&status=`
#[utoipa::path(get, operation_id = "hr_leave_requests", path = "/api/m/{slug}/hr/leave/requests", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), RequestFilter), responses((status = 200, description = "Les demandes d’absence", body = Vec<LeaveRequest>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn leave_requests(
    State(ctx): State<AppContext>,
    Query(f): Query<RequestFilter>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<LeaveRequest>>> {
    let scope = access.authorize("hr.leave", "read").await?;
    let all = ledger::requests(&ctx.db, &scope, f.employee_id).await?;
    Ok(Json(
        all.iter()
            .filter(|r| f.status.as_ref().is_none_or(|s| *s == r.status))
            .map(LeaveRequest::from)
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct Decision {
    #[serde(default)]
    note: String,
}

async fn decide(
    ctx: &AppContext,
    access: MemberAccess,
    id: Uuid,
    approve: bool,
    body: Option<Json<Decision>>,
) -> ApiResult<Json<LeaveRequest>> {
    let scope = access.authorize("hr.leave_approve", "write").await?;
    let note = body.map(|b| b.0.note).unwrap_or_default();
    let r = ledger::decide(&ctx.db, &scope, id, approve, &note).await?;
    Ok(Json(LeaveRequest::from(&r)))
}

/// `POST /api/m/{slug}/hr/leave/requests/{id}/approve` (director).
#[utoipa::path(post, operation_id = "hr_approve", path = "/api/m/{slug}/hr/leave/requests/{id}/approve", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Demande")), request_body = Option<Decision>, responses((status = 200, description = "Demande acceptée", body = LeaveRequest), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn approve(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    body: Option<Json<Decision>>,
) -> ApiResult<Json<LeaveRequest>> {
    decide(&ctx, access, id, true, body).await
}

/// `POST /api/m/{slug}/hr/leave/requests/{id}/refuse` (director).
#[utoipa::path(post, operation_id = "hr_refuse", path = "/api/m/{slug}/hr/leave/requests/{id}/refuse", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Demande")), request_body = Option<Decision>, responses((status = 200, description = "Demande refusée", body = LeaveRequest), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn refuse(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    body: Option<Json<Decision>>,
) -> ApiResult<Json<LeaveRequest>> {
    decide(&ctx, access, id, false, body).await
}

/// `POST /api/m/{slug}/hr/leave/requests/{id}/cancel` (HR): a pending request ends, an
/// approved one is given back to the balance.
#[utoipa::path(post, operation_id = "hr_cancel", path = "/api/m/{slug}/hr/leave/requests/{id}/cancel", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Demande")), responses((status = 200, description = "Demande annulée", body = LeaveRequest), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn cancel(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<LeaveRequest>> {
    let scope = access.authorize("hr.leave", "write").await?;
    let r = ledger::cancel(&ctx.db, &scope, id, None).await?;
    Ok(Json(LeaveRequest::from(&r)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct AccrualBody {
    month: String,
}

/// `POST /api/m/{slug}/hr/leave/accruals` `{"month": "YYYY-MM"}`: runs the month's
/// accrual for this member (idempotent) → the report.
#[utoipa::path(post, operation_id = "hr_run_accruals", path = "/api/m/{slug}/hr/leave/accruals", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body = AccrualBody, responses((status = 200, description = "Le rapport d’acquisition du mois (idempotent)", body = AccrualRun), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn run_accruals(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<AccrualBody>,
) -> ApiResult<Json<AccrualRun>> {
    let scope = access.authorize("hr.leave", "write").await?;
    let month = Month::parse(&body.month)?;
    let r = ledger::run_accruals(&ctx.db, scope.tenant(), month, &scope.actor()).await?;
    Ok(Json(AccrualRun::from(r)))
}

/// Reads the `file` part of a multipart upload: (file name, bytes, other text fields).
///
/// # Errors
/// 422 when no file was sent.
pub async fn read_upload(
    mut mp: Multipart,
) -> Result<(String, Vec<u8>, Vec<(String, String)>), AppError> {
    let mut file = None;
    let mut fields = Vec::new();
    loop {
        let field = mp.next_field().await.map_err(|e| {
            AppError::BadRequest(format!(
                "Envoi interrompu ou trop volumineux ({} Mo au plus) : {e}",
                MAX_UPLOAD / 1024 / 1024
            ))
        })?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or("fichier").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("Envoi du fichier interrompu : {e}")))?;
            // No copy when the body arrived in one piece.
            file = Some((filename, Vec::from(bytes)));
        } else {
            let text = field.text().await.unwrap_or_default();
            fields.push((name, text));
        }
    }
    match file {
        Some((name, bytes)) if !bytes.is_empty() => Ok((name, bytes, fields)),
        _ => Err(AppError::field(
            "file",
            "Choisissez un fichier (.xlsx, .ods ou .csv).",
        )),
    }
}

/// `POST /api/m/{slug}/hr/imports` (multipart `file`) → 201 `{"id", "rows", "valid",
/// "errors": [{"row", "column", "message"}]}`; nothing is imported before the confirm.
#[utoipa::path(post, operation_id = "hr_upload", path = "/api/m/{slug}/hr/imports", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body(content = String, content_type = "multipart/form-data", description = "Champ `file` : xlsx, ods ou csv"), responses((status = 201, description = "Import analysé : rapport ligne par ligne, rien n’est encore écrit", body = Import), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn upload(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    mp: Multipart,
) -> ApiResult<Created<Import>> {
    let scope = access.authorize("hr.imports", "write").await?;
    let (name, bytes, _) = read_upload(mp).await?;
    let i = import::stage(&ctx.db, &scope, &name, &bytes).await?;
    Ok(created(Import::from(&i)))
}

/// `GET /api/m/{slug}/hr/imports/{id}`: the staged import and its report.
#[utoipa::path(get, operation_id = "hr_import_status", path = "/api/m/{slug}/hr/imports/{id}", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Import")), responses((status = 200, description = "L’import et son rapport", body = Import), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn import_status(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Import>> {
    let scope = access.authorize("hr.imports", "read").await?;
    let i = import::get(&ctx.db, &scope, id).await?;
    Ok(Json(Import::from(&i)))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ConfirmQuery {
    #[serde(default)]
    strict: Option<bool>,
}

/// `POST /api/m/{slug}/hr/imports/{id}/confirm[?strict=true]` (or body `{"strict": true}`)
/// → `{"id", "imported", "status"}`; in strict mode a file with errors imports nothing (422).
#[utoipa::path(post, operation_id = "hr_confirm", path = "/api/m/{slug}/hr/imports/{id}/confirm", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Import"), ConfirmQuery), request_body = Option<ConfirmQuery>, responses((status = 200, description = "Lignes valides importées `{\"id\", \"imported\", \"status\"}`", body = ImportConfirmed), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody), (status = 409, description = "En conflit avec l’état actuel", body = ErrorBody)))]
async fn confirm(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    Query(q): Query<ConfirmQuery>,
    access: MemberAccess,
    body: Option<Json<ConfirmQuery>>,
) -> ApiResult<Json<ImportConfirmed>> {
    let scope = access.authorize("hr.imports", "write").await?;
    let strict = q.strict.or(body.and_then(|b| b.0.strict)).unwrap_or(false);
    let i = import::confirm(&ctx.db, &scope, id, strict).await?;
    Ok(Json(ImportConfirmed {
        id: i.id,
        imported: i.imported,
        status: i.status,
    }))
}

/// `GET /api/m/{slug}/hr/imports/template.xlsx`
#[utoipa::path(get, operation_id = "hr_template", path = "/api/m/{slug}/hr/imports/template.xlsx", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), responses((status = 200, description = "Le modèle de fichier (xlsx)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn template(access: MemberAccess) -> ApiResult {
    access.authorize("hr.imports", "read").await?;
    let bytes = import::template_xlsx()?;
    Ok(download(XLSX, "modele-import-salaries.xlsx", bytes))
}

async fn register_file(
    ctx: &AppContext,
    access: MemberAccess,
    q: &RegisterQuery,
    pdf: bool,
) -> ApiResult {
    let scope = access.authorize("hr.register", "read").await?;
    let r = register::for_query(&ctx.db, &scope, q).await?;
    let (content_type, name, bytes) = register::file(&r, &scope.member().slug, pdf)?;
    Ok(download(content_type, &name, bytes))
}

/// `GET /api/m/{slug}/hr/register.pdf?date=YYYY-MM-DD[&establishment=NIC]`
#[utoipa::path(get, operation_id = "hr_register_pdf", path = "/api/m/{slug}/hr/register.pdf", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), RegisterQuery), responses((status = 200, description = "Le registre unique du personnel (PDF)", content_type = "application/pdf"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn register_pdf(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> ApiResult {
    register_file(&ctx, access, &q, true).await
}

/// `GET /api/m/{slug}/hr/register.xlsx?date=YYYY-MM-DD[&establishment=NIC]`
#[utoipa::path(get, operation_id = "hr_register_xlsx", path = "/api/m/{slug}/hr/register.xlsx", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), RegisterQuery), responses((status = 200, description = "Le registre unique du personnel (xlsx)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn register_xlsx(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> ApiResult {
    register_file(&ctx, access, &q, false).await
}

/// `GET /api/m/{slug}/hr/register?date=`: the register's lines in JSON.
#[utoipa::path(get, operation_id = "hr_register_json", path = "/api/m/{slug}/hr/register", tag = "hr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), RegisterQuery), responses((status = 200, description = "Le registre unique du personnel", body = RegisterBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn register_json(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> ApiResult<Json<RegisterBody>> {
    let scope = access.authorize("hr.register", "read").await?;
    let r = register::for_query(&ctx.db, &scope, &q).await?;
    Ok(Json(RegisterBody {
        date: r.at,
        lines: r.lines,
    }))
}
