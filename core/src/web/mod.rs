//! The server-rendered French web interface (Tera views in `assets/views/`).
pub mod audit_pages;
pub mod auth_pages;
pub mod coop_pages;
pub mod error;
pub mod forms;
pub mod guard;
pub mod member_edit;
pub mod member_pages;
pub mod offboarding_pages;
pub mod page;
pub mod rejections;
pub mod table;
pub mod views;

use axum::routing::{get, post};
use loco_rs::controller::Routes;

/// Every web route of core.
#[must_use]
pub fn routes() -> Vec<Routes> {
    vec![
        Routes::new()
            .add("/", get(auth_pages::home))
            .add(
                "/login",
                get(auth_pages::login_form).post(auth_pages::login),
            )
            .add("/logout", post(auth_pages::logout))
            .add(
                "/password/forgot",
                get(auth_pages::forgot_form).post(auth_pages::forgot),
            )
            .add(
                "/password/reset",
                get(auth_pages::reset_form).post(auth_pages::reset),
            )
            .add("/switch", get(auth_pages::switch))
            .add("/me", get(auth_pages::me))
            .add("/me/password", post(auth_pages::change_password))
            .add("/m/{slug}", get(member_pages::home))
            .add("/coop", get(coop_pages::dashboard)),
        Routes::new()
            .prefix("/m/{slug}")
            .add("/usage", get(member_pages::usage))
            .add(
                "/users",
                get(member_pages::users).post(member_pages::add_user),
            )
            .add("/users/revoke", post(member_pages::revoke_user))
            .add("/audit", get(audit_pages::member_log))
            .add("/audit.csv", get(audit_pages::member_csv))
            .add("/{module}", get(member_pages::module_home)),
        Routes::new()
            .prefix("/coop")
            .add(
                "/members",
                get(coop_pages::members).post(coop_pages::create_member),
            )
            .add("/members/{slug}", get(coop_pages::member))
            .add(
                "/members/{slug}/edit",
                get(member_edit::edit_form).post(member_edit::update),
            )
            .add(
                "/members/{slug}/establishments",
                post(coop_pages::add_establishment),
            )
            .add("/members/{slug}/subscriptions", post(coop_pages::subscribe))
            .add("/members/{slug}/offboarding", get(offboarding_pages::show))
            .add(
                "/members/{slug}/offboarding/export.zip",
                get(offboarding_pages::export),
            )
            .add(
                "/members/{slug}/offboarding/erase",
                post(offboarding_pages::erase),
            )
            .add(
                "/members/{slug}/subscriptions/{id}/end",
                post(coop_pages::end_subscription),
            )
            .add(
                "/users",
                get(coop_pages::users).post(coop_pages::create_user),
            )
            .add("/users/{id}", get(coop_pages::user))
            .add("/users/{id}/grants", post(coop_pages::grant))
            .add("/users/{id}/grants/revoke", post(coop_pages::revoke))
            .add("/users/{id}/status", post(coop_pages::set_status))
            .add(
                "/api-keys",
                get(coop_pages::api_keys).post(coop_pages::create_api_key),
            )
            .add("/api-keys/{id}/revoke", post(coop_pages::revoke_api_key))
            .add("/meters", get(coop_pages::meters))
            .add("/usage", get(coop_pages::usage))
            .add("/usage.csv", get(coop_pages::usage_csv))
            .add("/audit", get(audit_pages::coop_log))
            .add("/audit.csv", get(audit_pages::coop_csv)),
    ]
}
