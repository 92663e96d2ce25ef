//! GDPR pages: a member's register and its activities (form, page, the template's
//! proposed update), breaches (the short declaration any user of the member makes, the
//! file the DPO and the director complete), data-subject requests, processors, DPIAs and
//! the DPO's time; across members, the DPO's desk and templates. One file per resource;
//! this one holds the routes and the helpers they share. Handlers are thin: every rule
//! is the services' (the API calls the same ones).
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    error::{AppError, AppResult},
    scope::{MemberAccess, Scope},
    served::ServedAccess,
    time::{fr_date, fr_datetime, paris_today, time_left, time_left_until},
    web::{
        error::PageError,
        forms::{Done, EmptyForm, WebForm, form_reply},
        page::{Page, redirect_with_flash},
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::codes::{self, Code};

type View = ViewEngine<TeraView>;

mod activity_pages;
mod breach_pages;
mod desk_pages;
mod other_pages;
mod request_pages;

use activity_pages::*;
use breach_pages::*;
use desk_pages::*;
use other_pages::*;
use request_pages::*;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/gdpr", get(register_page))
        .add(
            "/m/{slug}/gdpr/activities/new",
            get(new_activity).post(create_activity),
        )
        .add("/m/{slug}/gdpr/activities/{id}", get(activity_page))
        .add(
            "/m/{slug}/gdpr/activities/{id}/edit",
            get(edit_activity).post(update_activity),
        )
        .add(
            "/m/{slug}/gdpr/activities/{id}/complete",
            post(complete_activity),
        )
        .add("/m/{slug}/gdpr/activities/{id}/check", post(check_activity))
        .add(
            "/m/{slug}/gdpr/activities/{id}/archive",
            post(archive_activity),
        )
        .add(
            "/m/{slug}/gdpr/activities/{id}/template-update/accept",
            post(accept_update),
        )
        .add(
            "/m/{slug}/gdpr/activities/{id}/template-update/reject",
            post(reject_update),
        )
        .add("/m/{slug}/gdpr/breaches", get(breaches_page))
        .add(
            "/m/{slug}/gdpr/breaches/new",
            get(new_breach).post(declare_breach),
        )
        .add(
            "/m/{slug}/gdpr/breaches/{id}",
            get(breach_page).post(complete_breach),
        )
        .add(
            "/m/{slug}/gdpr/breaches/{id}/notification",
            post(breach_notification),
        )
        .add(
            "/m/{slug}/gdpr/requests",
            get(requests_page).post(create_request),
        )
        .add("/m/{slug}/gdpr/requests/{id}", get(request_page))
        .add("/m/{slug}/gdpr/requests/{id}/extend", post(extend_request))
        .add("/m/{slug}/gdpr/requests/{id}/answer", post(answer_request))
        .add(
            "/m/{slug}/gdpr/processors",
            get(processors_page).post(create_processor),
        )
        .add("/m/{slug}/gdpr/dpias", get(dpias_page).post(create_dpia))
        .add("/m/{slug}/gdpr/dpias/{id}/sign/{which}", post(sign_dpia))
        .add("/m/{slug}/gdpr/time", get(time_page).post(log_time))
        .add("/coop/gdpr", get(desk_page))
        .add(
            "/coop/gdpr/templates",
            get(templates_page).post(create_template),
        )
        .add(
            "/coop/gdpr/templates/{id}",
            get(template_page).post(update_template),
        )
        .add("/coop/gdpr/templates/{id}/deploy", post(deploy_template))
}

/// `[{value, label}]` for a select.
fn options(list: &[Code]) -> Vec<Value> {
    list.iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect()
}

/// `[{value, label, checked}]` for a group of check boxes.
fn checks(list: &[Code], selected: &[String]) -> Vec<Value> {
    list.iter()
        .map(|(v, l)| json!({"value": v, "label": l, "checked": selected.iter().any(|s| s == v)}))
        .collect()
}

/// The French labels of stored codes, joined.
fn labels(list: &[Code], values: &[String]) -> String {
    values
        .iter()
        .map(|v| {
            list.iter()
                .find(|(c, _)| c == v)
                .map_or(v.as_str(), |(_, l)| *l)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The section's tabs the user may open, the current one marked.
async fn tabs(scope: &Scope, current: &str) -> AppResult<Vec<Value>> {
    let base = format!("/m/{}/gdpr", scope.member().slug);
    let all = [
        ("Registre", "", "gdpr.activities", "read"),
        ("Violations", "/breaches", "gdpr.breaches", "read"),
        ("Demandes de droits", "/requests", "gdpr.requests", "read"),
        ("Sous-traitants", "/processors", "gdpr.processors", "read"),
        ("AIPD", "/dpias", "gdpr.dpias", "read"),
        ("Temps du DPO", "/time", "gdpr.time", "read"),
    ];
    let mut out = Vec::new();
    for (label, sub, obj, act) in all {
        if scope.can(obj, act).await? {
            out.push(
                json!({"label": label, "href": format!("{base}{sub}"), "current": sub == current}),
            );
        }
    }
    Ok(out)
}

/// Renders a member page of the section with its breadcrumbs.
async fn member_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    (title, path, crumbs): (&str, &str, &[(&str, &str)]),
    (template, mut data): (&str, Value),
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let mut page = Page::for_scope(ctx, scope, &format!("{title} — {}", m.name), path)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug));
    for (label, href) in crumbs {
        page = page.crumb(label, href);
    }
    data["member"] = json!({"slug": m.slug, "name": m.name});
    data["title"] = json!(title);
    page.render_with_status(v, jar, template, data, status)
}

/// A deadline as the pages show it: the date and the time left in words.
fn due_day(due: chrono::NaiveDate) -> Value {
    let today = paris_today();
    json!({"date": fr_date(due), "left": time_left(due, today), "overdue": due < today})
}
