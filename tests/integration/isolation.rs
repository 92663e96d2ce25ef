//! Every route of the router, called as every role of another member with the first
//! member's ids: 403 or 404, never a byte of the first member's data, nothing changed.
//! And every state-changing web route refuses a POST without its CSRF token.
//!
//! The routes come from the router itself (`App::routes`), not from a hand list: a new
//! module's member and coop routes are checked the day they land. A route whose path
//! carries an `{id}` must say in [`ID_KINDS`] whose id it takes, and a route outside
//! `/m/{slug}`, `/api/m/{slug}`, `/coop` and `/api/coop` must be listed in [`PUBLIC`]:
//! otherwise the test fails, naming the route.
use axum::http::Method;
use loco_rs::app::Hooks;
use mutualis::app::{App, MODULES};
use mutualis_core::{authz::Role, entities::subscriptions, testkit::TestKit};
use mutualis_hr::entities::{
    hr_contracts, hr_employees, hr_imports, hr_leave_requests, hr_position_skills,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::*;

/// Whose id a route's `{id}` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Id {
    Employee,
    Contract,
    LeaveRequest,
    Import,
    Position,
    Invoice,
    Subscription,
    User,
    ApiKey,
    GdprActivity,
    GdprBreach,
    GdprRequest,
    GdprDpia,
    GdprTemplate,
    PayrollLine,
    PayrollImport,
    PayrollFinding,
    ItIntervention,
    LegalDocument,
    /// A practice sheet: its routes are outside `/m/{slug}` (every subscribed member
    /// reads published sheets), so they are in [`PUBLIC`]; `tests/integration/practices.rs`
    /// shows who sees which sheet.
    PracticeSheet,
    /// A good address: read by every subscribed member (its API in [`PUBLIC`]), shown by
    /// `tests/integration/practices_addresses.rs`.
    PracticeAddress,
}

/// The policy table: every route with an `{id}`, and the kind of id it takes.
const ID_KINDS: &[(&str, Id)] = &[
    // The practice exchange's sheets (outside `/m/{slug}`).
    ("/api/practices/sheets/{id}", Id::PracticeSheet),
    ("/m/{slug}/practices/sheets/{id}", Id::PracticeSheet),
    ("/m/{slug}/practices/sheets/{id}/edit", Id::PracticeSheet),
    ("/m/{slug}/practices/sheets/{id}/submit", Id::PracticeSheet),
    ("/coop/practices/sheets/{id}/publish", Id::PracticeSheet),
    ("/coop/practices/sheets/{id}/return", Id::PracticeSheet),
    ("/api/practices/sheets/{id}/submit", Id::PracticeSheet),
    ("/api/practices/sheets/{id}/publish", Id::PracticeSheet),
    ("/api/practices/sheets/{id}/return", Id::PracticeSheet),
    ("/api/practices/sheets/{id}/archive", Id::PracticeSheet),
    ("/api/practices/sheets/{id}/attachments", Id::PracticeSheet),
    (
        "/api/practices/sheets/{id}/attachments/{attachment_id}",
        Id::PracticeSheet,
    ),
    (
        "/m/{slug}/practices/sheets/{id}/attachments",
        Id::PracticeSheet,
    ),
    (
        "/m/{slug}/practices/sheets/{id}/attachments/{attachment_id}",
        Id::PracticeSheet,
    ),
    (
        "/m/{slug}/practices/sheets/{id}/attachments/{attachment_id}/delete",
        Id::PracticeSheet,
    ),
    ("/api/practices/addresses/{id}", Id::PracticeAddress),
    ("/api/practices/addresses/{id}/reviews", Id::PracticeAddress),
    ("/m/{slug}/practices/addresses/{id}", Id::PracticeAddress),
    (
        "/m/{slug}/practices/addresses/{id}/reviews",
        Id::PracticeAddress,
    ),
    ("/api/practices/sheets/{id}/comments", Id::PracticeSheet),
    (
        "/api/practices/sheets/{id}/comments/{comment_id}",
        Id::PracticeSheet,
    ),
    ("/api/practices/sheets/{id}/useful", Id::PracticeSheet),
    (
        "/m/{slug}/practices/sheets/{id}/comments",
        Id::PracticeSheet,
    ),
    (
        "/m/{slug}/practices/sheets/{id}/comments/{comment_id}/delete",
        Id::PracticeSheet,
    ),
    ("/m/{slug}/practices/sheets/{id}/useful", Id::PracticeSheet),
    // GDPR's API.
    ("/api/m/{slug}/gdpr/activities/{id}", Id::GdprActivity),
    (
        "/api/m/{slug}/gdpr/activities/{id}/archive",
        Id::GdprActivity,
    ),
    ("/api/m/{slug}/gdpr/activities/{id}/check", Id::GdprActivity),
    (
        "/api/m/{slug}/gdpr/activities/{id}/complete",
        Id::GdprActivity,
    ),
    (
        "/api/m/{slug}/gdpr/activities/{id}/template-update",
        Id::GdprActivity,
    ),
    (
        "/api/m/{slug}/gdpr/activities/{id}/template-update/accept",
        Id::GdprActivity,
    ),
    (
        "/api/m/{slug}/gdpr/activities/{id}/template-update/reject",
        Id::GdprActivity,
    ),
    ("/api/m/{slug}/gdpr/breaches/{id}", Id::GdprBreach),
    (
        "/api/m/{slug}/gdpr/breaches/{id}/notification",
        Id::GdprBreach,
    ),
    ("/api/m/{slug}/gdpr/requests/{id}", Id::GdprRequest),
    ("/api/m/{slug}/gdpr/requests/{id}/answer", Id::GdprRequest),
    ("/api/m/{slug}/gdpr/requests/{id}/extend", Id::GdprRequest),
    ("/api/m/{slug}/gdpr/requests/{id}/state", Id::GdprRequest),
    ("/api/m/{slug}/gdpr/dpias/{id}/sign/{which}", Id::GdprDpia),
    ("/api/coop/gdpr/templates/{id}", Id::GdprTemplate),
    ("/api/coop/gdpr/templates/{id}/deploy", Id::GdprTemplate),
    // Payroll's API.
    (
        "/api/m/{slug}/payroll/periods/{period}/lines/{id}",
        Id::PayrollLine,
    ),
    (
        "/api/m/{slug}/payroll/periods/{period}/imports/{id}/confirm",
        Id::PayrollImport,
    ),
    (
        "/api/m/{slug}/payroll/periods/{period}/findings/{id}/acknowledge",
        Id::PayrollFinding,
    ),
    // Payroll's pages.
    (
        "/m/{slug}/payroll/periods/{period}/findings/{id}/acknowledge",
        Id::PayrollFinding,
    ),
    (
        "/m/{slug}/payroll/periods/{period}/employees/{id}",
        Id::Employee,
    ),
    (
        "/m/{slug}/payroll/periods/{period}/employees/{id}/lines",
        Id::Employee,
    ),
    (
        "/m/{slug}/payroll/periods/{period}/lines/{id}/delete",
        Id::PayrollLine,
    ),
    (
        "/m/{slug}/payroll/periods/{period}/imports/{id}",
        Id::PayrollImport,
    ),
    (
        "/m/{slug}/payroll/periods/{period}/imports/{id}/confirm",
        Id::PayrollImport,
    ),
    // GDPR's files: one activity's sheet (API and page).
    ("/api/m/{slug}/gdpr/activities/{id}/pdf", Id::GdprActivity),
    ("/m/{slug}/gdpr/activities/{id}/pdf", Id::GdprActivity),
    // GDPR's pages.
    ("/m/{slug}/gdpr/activities/{id}", Id::GdprActivity),
    ("/m/{slug}/gdpr/activities/{id}/edit", Id::GdprActivity),
    ("/m/{slug}/gdpr/activities/{id}/complete", Id::GdprActivity),
    ("/m/{slug}/gdpr/activities/{id}/check", Id::GdprActivity),
    ("/m/{slug}/gdpr/activities/{id}/archive", Id::GdprActivity),
    (
        "/m/{slug}/gdpr/activities/{id}/template-update/accept",
        Id::GdprActivity,
    ),
    (
        "/m/{slug}/gdpr/activities/{id}/template-update/reject",
        Id::GdprActivity,
    ),
    ("/m/{slug}/gdpr/breaches/{id}", Id::GdprBreach),
    ("/m/{slug}/gdpr/breaches/{id}/notification", Id::GdprBreach),
    ("/m/{slug}/gdpr/requests/{id}", Id::GdprRequest),
    ("/m/{slug}/gdpr/requests/{id}/extend", Id::GdprRequest),
    ("/m/{slug}/gdpr/requests/{id}/answer", Id::GdprRequest),
    ("/m/{slug}/gdpr/dpias/{id}/sign/{which}", Id::GdprDpia),
    ("/coop/gdpr/templates/{id}", Id::GdprTemplate),
    ("/coop/gdpr/templates/{id}/deploy", Id::GdprTemplate),
    // IT support's API.
    ("/api/m/{slug}/it/interventions/{id}", Id::ItIntervention),
    // Legal documents' files (`{id}.pdf`).
    ("/api/m/{slug}/legal/documents/{id}", Id::LegalDocument),
    ("/m/{slug}/legal/documents/{id}", Id::LegalDocument),
    // IT support's pages.
    ("/m/{slug}/it/interventions/{id}", Id::ItIntervention),
    (
        "/m/{slug}/it/interventions/{id}/resolve",
        Id::ItIntervention,
    ),
    ("/m/{slug}/it/interventions/{id}/delete", Id::ItIntervention),
    // The rest.
    ("/api/m/{slug}/hr/contracts/{id}/versions", Id::Contract),
    ("/api/m/{slug}/hr/employees/{id}", Id::Employee),
    ("/api/m/{slug}/hr/employees/{id}/contracts", Id::Employee),
    ("/api/m/{slug}/hr/employees/{id}/exit", Id::Employee),
    ("/api/m/{slug}/hr/employees/{id}/leave", Id::Employee),
    ("/m/{slug}/hr/employees/{id}/edit", Id::Employee),
    ("/api/m/{slug}/hr/imports/{id}", Id::Import),
    ("/api/m/{slug}/hr/imports/{id}/confirm", Id::Import),
    (
        "/api/m/{slug}/hr/leave/requests/{id}/approve",
        Id::LeaveRequest,
    ),
    (
        "/api/m/{slug}/hr/leave/requests/{id}/cancel",
        Id::LeaveRequest,
    ),
    (
        "/api/m/{slug}/hr/leave/requests/{id}/refuse",
        Id::LeaveRequest,
    ),
    ("/api/coop/billing/invoices/{id}/approve", Id::Invoice),
    ("/api/coop/billing/invoices/{id}/credit-notes", Id::Invoice),
    ("/coop/api-keys/{id}/revoke", Id::ApiKey),
    ("/coop/billing/invoices/{id}", Id::Invoice),
    ("/coop/billing/invoices/{id}/approve", Id::Invoice),
    ("/coop/billing/invoices/{id}/document/{format}", Id::Invoice),
    ("/coop/billing/invoices/{id}/paid", Id::Invoice),
    (
        "/coop/members/{slug}/subscriptions/{id}/end",
        Id::Subscription,
    ),
    ("/coop/users/{id}", Id::User),
    ("/coop/users/{id}/grants", Id::User),
    ("/coop/users/{id}/grants/revoke", Id::User),
    ("/coop/users/{id}/status", Id::User),
    ("/m/{slug}/billing/invoices/{id}", Id::Invoice),
    (
        "/m/{slug}/billing/invoices/{id}/document/{format}",
        Id::Invoice,
    ),
    ("/m/{slug}/hr/contracts/{id}/amend", Id::Contract),
    ("/m/{slug}/hr/employees/{id}", Id::Employee),
    ("/m/{slug}/hr/employees/{id}/contracts", Id::Employee),
    ("/m/{slug}/hr/employees/{id}/exit", Id::Employee),
    ("/m/{slug}/hr/employees/{id}/leave/adjust", Id::Employee),
    ("/m/{slug}/hr/employees/{id}/skills", Id::Employee),
    (
        "/m/{slug}/hr/employees/{id}/skills/interviews",
        Id::Employee,
    ),
    ("/m/{slug}/hr/employees/{id}/skills/trainings", Id::Employee),
    ("/m/{slug}/hr/imports/{id}", Id::Import),
    ("/m/{slug}/hr/imports/{id}/confirm", Id::Import),
    ("/m/{slug}/hr/leave/requests/{id}/cancel", Id::LeaveRequest),
    ("/m/{slug}/hr/leave/requests/{id}/decide", Id::LeaveRequest),
    ("/m/{slug}/hr/me/leave/{id}/cancel", Id::LeaveRequest),
    ("/m/{slug}/hr/skills/positions/{id}/delete", Id::Position),
];

/// Routes that belong to no member and to the cooperative's staff only: sign-in, the
/// user's own pages, health checks, usage ingestion (API key), the assets.
const PUBLIC: &[&str] = &[
    "/",
    "/_health",
    "/_ping",
    "/_readiness",
    "/login",
    "/logout",
    "/me",
    "/me/password",
    "/password",
    "/password/forgot",
    "/password/reset",
    "/switch",
    "/api/auth/login",
    "/api/me",
    "/api/meters",
    "/api/usage/events",
    "/api/openapi.json",
    "/api/docs",
    // The practice exchange: every subscribed member's users read published sheets;
    // each handler asks what its user may see (`practices::sheets::reader`), shown by
    // tests/integration/practices.rs.
    "/api/practices/sheets",
    "/api/practices/sheets/{id}",
    "/api/practices/sheets/{id}/submit",
    "/api/practices/sheets/{id}/publish",
    "/api/practices/sheets/{id}/return",
    "/api/practices/sheets/{id}/archive",
    "/api/practices/themes",
    "/api/practices/search",
    "/api/practices/sheets/{id}/attachments",
    "/api/practices/sheets/{id}/attachments/{attachment_id}",
    "/api/practices/addresses",
    "/api/practices/addresses/{id}",
    "/api/practices/addresses/{id}/reviews",
    "/api/practices/sheets/{id}/comments",
    "/api/practices/sheets/{id}/comments/{comment_id}",
    "/api/practices/sheets/{id}/useful",
    "/api/practices/news",
];

/// The member roles a user of another member may hold.
const MEMBER_ROLES: [Role; 6] = [
    Role::Director,
    Role::HrOfficer,
    Role::Staff,
    Role::Dpo,
    Role::ItSupport,
    Role::PayrollOfficer,
];

/// What the first member owns, by kind of id.
pub(crate) struct Alpha {
    pub(crate) slug: String,
    ids: Vec<(Id, String)>,
    period: String,
    invoice_file: String,
    /// Strings found only in the first member's data (NIRs, names, invoice number).
    markers: Vec<String>,
}

impl Alpha {
    fn id(&self, kind: Id) -> &str {
        &self
            .ids
            .iter()
            .find(|(k, _)| *k == kind)
            .unwrap_or_else(|| panic!("no {kind:?} id"))
            .1
    }
}

pub(crate) fn fill(template: &str, slug: &str, alpha: &Alpha) -> String {
    let id = ID_KINDS
        .iter()
        .find(|(t, _)| *t == template)
        .map(|(_, k)| alpha.id(*k));
    let mut path = template.replace("{slug}", slug);
    if let Some(id) = id {
        path = path.replace("{id}", id);
    }
    path.replace("{module}", "hr")
        .replace("{file}", &alpha.invoice_file)
        .replace("{period}", &alpha.period)
        .replace("{year}", &alpha.period[..4])
        .replace("{format}", "pdf")
        .replace("{which}", "author")
}

/// Routes across the members a user serves (the DPO's desk and shared templates): any
/// signed-in user may call them and sees its own members' data there, never another's —
/// so a user of another member may be answered, but no byte of the first member's data.
pub(crate) fn is_served_route(t: &str) -> bool {
    [
        "/coop/gdpr",
        "/api/coop/gdpr",
        "/coop/payroll",
        "/api/coop/payroll",
        "/coop/it",
        "/api/coop/it",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

pub(crate) fn is_member_route(t: &str) -> bool {
    t.starts_with("/m/{slug}") || t.starts_with("/api/m/{slug}")
}

pub(crate) fn is_coop_route(t: &str) -> bool {
    t == "/coop" || t.starts_with("/coop/") || t.starts_with("/api/coop/")
}

/// The demo cooperative, plus an import and a finalized invoice of « Les Tilleuls ».
pub(crate) async fn alpha_data(server: &axum_test::TestServer, kit: &TestKit<'_>) -> Alpha {
    let ctx = kit.ctx;
    mutualis_core::kit::seed(ctx, MODULES).await.unwrap();
    let m = mutualis_core::member::find_by_slug(&ctx.db, "tilleuls")
        .await
        .unwrap()
        .unwrap();
    let rh = kit.bearer(
        &kit.user("rh@tilleuls.test", Role::HrOfficer, Some(&m))
            .await,
    );
    let csv = "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d'entrée\n\
               Z900;Quillardet;Zélie;F;12/03/1984;française;;01/09/2024\n";
    let form = axum_test::multipart::MultipartForm::new().add_part(
        "file",
        axum_test::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("liste.csv"),
    );
    let r = server
        .post("/api/m/tilleuls/hr/imports")
        .add_header("authorization", rh.as_str())
        .multipart(form)
        .await;
    assert!(r.status_code().is_success(), "{}", r.text());

    // Close last month (demo charges and usage) and finalize the member's invoice.
    let admin = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
    let board = kit.bearer(&kit.user("ca@coop.test", Role::Board, None).await);
    let period = mutualis_core::time::Month::of(chrono::Utc::now())
        .prev()
        .to_string();
    let drafts: Value = server
        .post(&format!("/api/coop/billing/periods/{period}/close"))
        .add_header("authorization", admin.as_str())
        .await
        .json();
    let draft = drafts["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["member"] == "tilleuls")
        .unwrap_or_else(|| panic!("no draft for tilleuls: {drafts}"))
        .clone();
    let invoice_id = draft["id"].as_str().unwrap().to_string();
    let approved: Value = server
        .post(&format!("/api/coop/billing/invoices/{invoice_id}/approve"))
        .add_header("authorization", board.as_str())
        .json(&json!({}))
        .await
        .json();
    let number = approved["number"]
        .as_str()
        .unwrap_or_else(|| panic!("not finalized: {approved}"))
        .to_string();

    // GDPR records of its own, with names found nowhere else.
    let dpo = kit.bearer(&kit.user("dpo@tilleuls.test", Role::Dpo, Some(&m)).await);
    let gdpr = |path: &str, body: Value| {
        let (server, dpo) = (&server, &dpo);
        let path = format!("/api/m/tilleuls/gdpr/{path}");
        async move {
            let r = server
                .post(&path)
                .add_header("authorization", dpo.as_str())
                .json(&body)
                .await;
            assert!(r.status_code().is_success(), "{path}: {}", r.text());
            r.json::<Value>()["id"].as_str().unwrap().to_string()
        }
    };
    let activity = gdpr(
        "activities",
        json!({"name": "Traitement Quetzalcoatl", "purposes": "Suivi Quetzalcoatl"}),
    )
    .await;
    let breach = gdpr(
        "breaches",
        json!({"discovered_at": chrono::Utc::now().to_rfc3339(), "aware_at": chrono::Utc::now().to_rfc3339(),
               "nature": ["integrity"], "description": "Fuite Zébulonesque"}),
    )
    .await;
    let request = gdpr(
        "requests",
        json!({"kind": "erasure", "received_on": mutualis_core::time::paris_today().to_string(),
               "applicant": "Ysolde Marchetti-Vauquelin"}),
    )
    .await;
    let dpia = gdpr(
        "dpias",
        json!({"activity_id": activity, "title": "AIPD Quetzalcoatl"}),
    )
    .await;
    // Payroll: a line, an import and a finding of its own (a line after the cut-off).
    let paie = kit.bearer(
        &kit.user("paie@tilleuls.test", Role::PayrollOfficer, Some(&m))
            .await,
    );
    let month = mutualis_core::time::Month::of(chrono::Utc::now());
    let payroll = |rest: &str| format!("/api/m/tilleuls/payroll/periods/{month}/{rest}");
    let matricule = hr_employees::Entity::find()
        .filter(hr_employees::Column::MemberId.eq(m.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
        .matricule;
    let r = server
        .post(&payroll("lines"))
        .add_header("authorization", paie.as_str())
        .json(&json!({"matricule": matricule, "code": "PRIME_EXCEP", "amount": "1234.56", "comment": "Prime Quetzalcoatl"}))
        .await;
    assert!(r.status_code().is_success(), "{}", r.text());
    let payroll_line = r.json::<Value>()["id"].as_str().unwrap().to_string();
    let file = format!("Matricule;Code;Quantité\n{matricule};HS25;2\n");
    let form = axum_test::multipart::MultipartForm::new().add_part(
        "file",
        axum_test::multipart::Part::bytes(file.into_bytes()).file_name("evp.csv"),
    );
    let r = server
        .post(&payroll("imports"))
        .add_header("authorization", paie.as_str())
        .multipart(form)
        .await;
    assert!(r.status_code().is_success(), "{}", r.text());
    let payroll_import = r.json::<Value>()["id"].as_str().unwrap().to_string();
    let findings: Value = server
        .get(&payroll("findings"))
        .add_header("authorization", paie.as_str())
        .await
        .json();
    let payroll_finding = findings[0]["id"]
        .as_str()
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_string);
    let legal_document = mutualis_legal::entities::legal_documents::Entity::find()
        .filter(mutualis_legal::entities::legal_documents::Column::MemberId.eq(m.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("the demo has a legal document for tilleuls")
        .id;
    let it_intervention = mutualis_it::entities::it_interventions::Entity::find()
        .filter(mutualis_it::entities::it_interventions::Column::MemberId.eq(m.id))
        .one(&ctx.db)
        .await
        .unwrap()
        .expect("the demo has interventions for tilleuls")
        .id
        .to_string();
    let practice_sheet = {
        use mutualis_practices::entities::practices_sheets as ps;
        ps::Entity::find()
            .filter(ps::Column::MemberId.eq(m.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .expect("the demo has practice sheets for tilleuls")
            .id
            .to_string()
    };
    let practice_address = {
        use mutualis_practices::entities::practices_addresses as pa;
        pa::Entity::find()
            .filter(pa::Column::MemberId.eq(m.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .expect("the demo has good addresses for tilleuls")
            .id
            .to_string()
    };
    let template = mutualis_gdpr::templates::list(&ctx.db).await.unwrap()[0]
        .row
        .id
        .to_string();
    let employees = hr_employees::Entity::find()
        .filter(hr_employees::Column::MemberId.eq(m.id))
        .all(&ctx.db)
        .await
        .unwrap();
    let mut markers: Vec<String> = employees
        .iter()
        .filter(|e| !e.nir.is_empty())
        .map(|e| e.nir.clone())
        .collect();
    markers.extend([
        m.name.clone(),
        number.clone(),
        "Quillardet".to_string(),
        "Quetzalcoatl".to_string(),
        "Zébulonesque".to_string(),
        "Ysolde".to_string(),
    ]);
    // The first id of a member-owned table, for this member.
    macro_rules! first_id {
        ($entity:ident, $what:literal) => {
            $entity::Entity::find()
                .filter($entity::Column::MemberId.eq(m.id))
                .one(&ctx.db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("the demo has no {} for tilleuls", $what))
                .id
                .to_string()
        };
    }
    let contract = first_id!(hr_contracts, "contract");
    let leave = first_id!(hr_leave_requests, "leave request");
    let import = first_id!(hr_imports, "import");
    let position = first_id!(hr_position_skills, "position requirement");
    let subscription = first_id!(subscriptions, "subscription");
    let director = kit
        .user("dir@tilleuls.test", Role::Director, Some(&m))
        .await;
    Alpha {
        slug: m.slug.clone(),
        ids: vec![
            (Id::Employee, employees[0].id.to_string()),
            (Id::Contract, contract),
            (Id::LeaveRequest, leave),
            (Id::Import, import),
            (Id::Position, position),
            (Id::Invoice, invoice_id),
            (Id::Subscription, subscription),
            (Id::User, director.id.to_string()),
            (Id::ApiKey, "1".to_string()),
            (Id::GdprActivity, activity),
            (Id::GdprBreach, breach),
            (Id::GdprRequest, request),
            (Id::GdprDpia, dpia),
            (Id::GdprTemplate, template),
            (Id::PayrollLine, payroll_line),
            (Id::PayrollImport, payroll_import),
            (Id::PayrollFinding, payroll_finding),
            (Id::ItIntervention, it_intervention),
            (Id::LegalDocument, format!("{legal_document}.pdf")),
            (Id::PracticeSheet, practice_sheet),
            (Id::PracticeAddress, practice_address),
        ],
        period,
        invoice_file: format!("{number}.pdf"),
        markers,
    }
}

/// What the first member's director sees through the API: unchanged by the sweep.
async fn snapshot(server: &axum_test::TestServer, dir: &str, alpha: &Alpha) -> Vec<String> {
    let slug = &alpha.slug;
    let mut out = Vec::new();
    for path in [
        format!("/api/m/{slug}/hr/employees"),
        format!("/api/m/{slug}/hr/leave/requests"),
        format!("/api/m/{slug}/hr/register"),
        format!("/api/m/{slug}/invoices"),
        format!(
            "/api/m/{slug}/hr/employees/{}/contracts",
            alpha.id(Id::Employee)
        ),
        format!("/api/m/{slug}/hr/imports/{}", alpha.id(Id::Import)),
    ] {
        let r = api_get(server, dir, &path).await;
        assert_eq!(r.status_code(), 200, "{path}: {}", r.text());
        out.push(r.text());
    }
    out
}

fn methods(actions: &[Method]) -> Vec<Method> {
    actions
        .iter()
        .filter(|m| {
            [
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ]
            .contains(m)
        })
        .cloned()
        .collect()
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one sweep, read top to bottom")]
async fn every_route_refuses_every_other_member_and_every_web_post_wants_its_token() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let alpha = alpha_data(&server, &kit).await;
        let m_alpha = mutualis_core::member::find_by_slug(&ctx.db, &alpha.slug)
            .await
            .unwrap()
            .unwrap();
        let dir_alpha = kit
            .user("dir2@tilleuls.test", Role::Director, Some(&m_alpha))
            .await;
        let dir_bearer = kit.bearer(&dir_alpha);
        let before = snapshot(&server, &dir_bearer, &alpha).await;

        let routes: Vec<(String, Vec<Method>)> = App::routes(&ctx)
            .collect()
            .into_iter()
            .map(|r| (r.uri, methods(&r.actions)))
            .collect();
        // The policy table covers the router.
        let unknown: Vec<&str> = routes
            .iter()
            .map(|(t, _)| t.as_str())
            .filter(|t| {
                let public = PUBLIC.contains(t) || t.starts_with("/static");
                let needs_id = t.contains("{id}") && !ID_KINDS.iter().any(|(k, _)| k == t);
                needs_id || (!public && !is_member_route(t) && !is_coop_route(t))
            })
            .collect();
        assert!(
            unknown.is_empty(),
            "routes missing from the isolation policy table: {unknown:#?}"
        );
        for (t, _) in ID_KINDS {
            assert!(
                routes.iter().any(|(r, _)| r == t),
                "{t} is in the policy table but no longer in the router"
            );
        }

        // Users of another member, every member role.
        let beta = mutualis_core::member::find_by_slug(&ctx.db, "val-de-loire")
            .await
            .unwrap()
            .unwrap();
        let mut users = Vec::new();
        for role in MEMBER_ROLES {
            let u = kit
                .user(
                    &format!("{}@val-de-loire.test", role.as_str()),
                    role,
                    Some(&beta),
                )
                .await;
            users.push((role, kit.bearer(&u), kit.web(&u).await));
        }

        let leaks = |body: &str| -> Option<String> {
            alpha
                .markers
                .iter()
                .find(|mk| body.contains(mk.as_str()))
                .cloned()
        };
        let (mut checked, mut member_routes, mut coop_routes) = (0usize, 0usize, 0usize);
        for (template, methods) in &routes {
            let member = is_member_route(template);
            if !member && !is_coop_route(template) {
                continue;
            }
            if member {
                member_routes += 1;
            } else {
                coop_routes += 1;
            }
            let api = template.starts_with("/api/");
            // The first member's slug; and, for a route with an id, the user's own slug
            // with the first member's id.
            let mut paths = vec![(fill(template, &alpha.slug, &alpha), false)];
            if member && template.contains("{id}") {
                paths.push((fill(template, &beta.slug, &alpha), true));
            }
            for method in methods {
                for (path, own_slug) in &paths {
                    for (role, bearer, web) in &users {
                        let res = match (api, method == Method::GET) {
                            (true, true) => api_get(&server, bearer, path).await,
                            (true, false) => {
                                server
                                    .method(method.clone(), path)
                                    .add_header("authorization", bearer.as_str())
                                    .json(&json!({}))
                                    .await
                            }
                            (false, true) => web_get(&server, web, path).await,
                            (false, false) => web_post(&server, web, path, &[]).await,
                        };
                        let status = res.status_code().as_u16();
                        // On its own slug a POST may also be refused as malformed
                        // before the id is looked up; the snapshot proves nothing changed.
                        let allowed: &[u16] = if is_served_route(template) {
                            &[200, 201, 400, 403, 404, 409, 415, 422]
                        } else if *own_slug && method != Method::GET {
                            &[400, 403, 404, 409, 415, 422]
                        } else {
                            &[403, 404]
                        };
                        assert!(
                            allowed.contains(&status),
                            "{method} {path} as {} of {}: {status}\n{}",
                            role.as_str(),
                            beta.slug,
                            res.text()
                        );
                        if let Some(mk) = leaks(&res.text()) {
                            panic!(
                                "{method} {path} as {} of {} shows « {mk} »",
                                role.as_str(),
                                beta.slug
                            );
                        }
                        if api {
                            let ct = res
                                .headers()
                                .get("content-type")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("");
                            assert!(
                                ct.starts_with("application/json"),
                                "{method} {path}: an API error answered {ct}"
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }

        // CSRF: every state-changing web route refuses a POST without the token, even
        // from the first member's own director.
        let own = kit.web(&dir_alpha).await;
        let mut csrf_checked = 0usize;
        for (template, methods) in &routes {
            if template.starts_with("/api/") || !methods.contains(&Method::POST) {
                continue;
            }
            let path = fill(template, &alpha.slug, &alpha);
            let mut res = server
                .post(&path)
                .add_header("cookie", own.cookie.as_str())
                .form(&[("x", "1")])
                .await;
            if res.status_code() == 400 {
                // An upload route: the same refusal for a multipart body.
                let form = axum_test::multipart::MultipartForm::new().add_part(
                    "file",
                    axum_test::multipart::Part::bytes(b"a;b\n".to_vec()).file_name("x.csv"),
                );
                res = server
                    .post(&path)
                    .add_header("cookie", own.cookie.as_str())
                    .multipart(form)
                    .await;
            }
            assert_eq!(
                res.status_code().as_u16(),
                403,
                "POST {path} without a CSRF token: {}",
                res.text()
            );
            csrf_checked += 1;
        }

        assert_eq!(
            before,
            snapshot(&server, &dir_bearer, &alpha).await,
            "the first member's data changed"
        );
        eprintln!(
            "isolation: {member_routes} member routes and {coop_routes} coop routes, \
             {checked} requests as {} roles of another member; \
             {csrf_checked} web POST routes refuse a missing CSRF token",
            MEMBER_ROLES.len()
        );
        assert!(member_routes >= 40 && checked > member_routes * MEMBER_ROLES.len());
    })
    .await;
}
