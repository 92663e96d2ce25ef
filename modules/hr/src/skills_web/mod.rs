//! Skills and training pages: the member's overview (what is due, each employee, the
//! skill catalogue) and one employee's levels, trainings and professional interviews.
use crate::positions::RequirementInput;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use chrono::NaiveDate;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    scope::{MemberAccess, Scope},
    time::{fr_date, fr_decimal, paris_today},
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::{Page, redirect_with_flash},
        views,
    },
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::skills::{
    self, Due, InterviewInput, InterviewKind, LEVELS, LevelInput, SkillInput, Status, Subject,
    TrainingInput, level_label, time_left,
};

mod overview;
pub use overview::*;
mod employee;
pub use employee::*;

type View = ViewEngine<TeraView>;

/// The authorization object of every skills page.
const OBJ: &str = "hr.skills";

/// The pages' routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/hr/skills", get(overview).post(add_skill))
        .add("/m/{slug}/hr/skills/positions", post(set_requirement))
        .add(
            "/m/{slug}/hr/skills/positions/{id}/delete",
            post(remove_requirement),
        )
        .add(
            "/m/{slug}/hr/employees/{id}/skills",
            get(employee).post(set_level),
        )
        .add(
            "/m/{slug}/hr/employees/{id}/skills/trainings",
            post(add_training),
        )
        .add(
            "/m/{slug}/hr/employees/{id}/skills/interviews",
            post(record_interview),
        )
}

/// An interview's badge: `En retard` (danger), `Bientôt` (warn), `À jour` (ok).
fn interview_badge(s: Status) -> Value {
    let (label, kind) = match s {
        Status::Overdue => ("En retard", "danger"),
        Status::DueSoon => ("Bientôt", "warn"),
        Status::Ok => ("À jour", "ok"),
    };
    json!({"label": label, "kind": kind})
}

/// A certificate's badge: `Expiré` (danger), `Expire bientôt` (warn), `Valide` (ok).
fn certificate_badge(s: Status) -> Value {
    let kind = match s {
        Status::Overdue => "danger",
        Status::DueSoon => "warn",
        Status::Ok => "ok",
    };
    let label = skills::certificate_label(s);
    let mut chars = label.chars();
    let label: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    json!({"label": label, "kind": kind})
}

fn next_view(next: Option<Due>, today: NaiveDate, reminder_days: u32) -> Value {
    next.map_or(Value::Null, |d| {
        json!({
            "label": d.kind.label(), "due": fr_date(d.due), "left": time_left(d.due, today),
            "badge": interview_badge(skills::status(d.due, today, reminder_days)),
        })
    })
}

fn hours_label(raw: Option<&str>) -> Option<String> {
    raw.and_then(|h| h.parse::<Decimal>().ok())
        .map(|h| format!("{} h", fr_decimal(h)))
}
