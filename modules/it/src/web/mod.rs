//! IT support pages: a member's month of interventions and its recap PDF
//! (`/m/{slug}/it`), the IT staff's forms (intervention, the member's IT contact), their
//! desk across the members they serve (`/coop/it`, CSV) and the cooperative's rounding
//! step (`/coop/it/settings`) — one file per resource; this one holds the routes and the
//! helpers they share.
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
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
    metering,
    scope::{CoopAccess, MemberAccess, Scope},
    served::ServedAccess,
    time::{Month, fr_date, fr_datetime, fr_decimal},
    web::{
        error::PageError,
        forms::{Done, EmptyForm, WebForm, form_reply},
        page::{Page, download, redirect_with_flash},
        views::{self, month_label},
    },
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    desk::{self, ContactInput},
    entities::it_interventions,
    interventions::{self, CATEGORIES, InterventionInput, category_label, hours},
};

type View = ViewEngine<TeraView>;

mod desk_pages;
mod intervention_pages;
mod member_pages;

use desk_pages::*;
use intervention_pages::*;
use member_pages::*;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/it", get(member_home))
        .add("/m/{slug}/it/recap.pdf", get(recap))
        .add("/m/{slug}/it/contact", get(contact_form).post(save_contact))
        .add(
            "/m/{slug}/it/interventions",
            get(new_intervention).post(create_intervention),
        )
        .add(
            "/m/{slug}/it/interventions/{id}",
            get(edit_intervention).post(update_intervention),
        )
        .add(
            "/m/{slug}/it/interventions/{id}/resolve",
            post(resolve_intervention),
        )
        .add(
            "/m/{slug}/it/interventions/{id}/delete",
            post(delete_intervention),
        )
        .add("/coop/it", get(desk_page))
        .add("/coop/it/desk.csv", get(desk_csv))
        .add("/coop/it/settings", get(settings_page).post(save_settings))
}

/// `?period=YYYY-MM` (this month when empty).
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
}

impl PeriodQuery {
    fn month(&self) -> Result<Month, PageError> {
        if self.period.trim().is_empty() {
            Ok(Month::of(chrono::Utc::now()))
        } else {
            Ok(Month::parse(self.period.trim())?)
        }
    }
}

/// Hours as pages show them: `1,25 h`.
fn fr_hours(h: Decimal) -> String {
    format!("{} h", fr_decimal(h))
}

/// A duration in minutes as pages show it: `45 min`, `1 h`, `1 h 15`.
fn fr_minutes(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, r) => format!("{r} min"),
        (h, 0) => format!("{h} h"),
        (h, r) => format!("{h} h {r:02}"),
    }
}

/// `every 15 minutes` in French: the rounding step as a hint.
fn step_label(step: i32) -> String {
    match step {
        1 => "à la minute".to_string(),
        15 => "au quart d’heure supérieur (15 min)".to_string(),
        30 => "à la demi-heure supérieure (30 min)".to_string(),
        60 => "à l’heure supérieure".to_string(),
        s => format!("aux {s} minutes supérieures"),
    }
}

fn category_options() -> Vec<Value> {
    CATEGORIES
        .iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect()
}

/// The open/resolved badge.
fn status_badge(status: &str) -> (&'static str, &'static str) {
    if status == "resolved" {
        ("Résolue", "ok")
    } else {
        ("En cours", "warn")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_french() {
        assert_eq!(fr_minutes(45), "45 min");
        assert_eq!(fr_minutes(60), "1 h");
        assert_eq!(fr_minutes(75), "1 h 15");
        assert_eq!(fr_minutes(605), "10 h 05");
        assert_eq!(fr_hours(hours(75)), "1,25 h");
        assert_eq!(step_label(15), "au quart d’heure supérieur (15 min)");
        assert_eq!(step_label(10), "aux 10 minutes supérieures");
    }
}
