//! The trial of bad input, repeatable: a catalogue of bad values sent to every write
//! route the router has (API and pages, enumerated from `App::routes`, the API's fields
//! from its OpenAPI document), as users allowed to write there. Asserted: no 5xx;
//! every API refusal is JSON in French; a page refusal is the French page; and nothing
//! is stored by a refusal (every table's row count unchanged, the audit and the
//! sessions aside).
use std::collections::BTreeSet;

use axum::http::Method;
use loco_rs::app::Hooks;
use mutualis::app::App;
use mutualis_core::{authz::Role, testkit::TestKit};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::{
    common::*,
    isolation::{alpha_data, fill, is_coop_route, is_member_route},
};

/// The bad values: empty, huge, control and bidi characters, emoji in a code, numbers
/// beyond every type, exponents, too many decimals, dates out of any window, wrong
/// JSON types.
fn catalogue() -> Vec<Value> {
    vec![
        json!(""),
        json!("x".repeat(100_000)),
        json!("A\u{0000}B\u{202e}C\u{0007}"),
        json!("🦀CDI"),
        json!("123456789012é1"),
        json!("2850é519200537"),
        json!("79228162514264337593543950335"),
        json!("9223372036854.775807"),
        json!("1e2"),
        json!("0.1234567890123456789012345678"),
        json!("-1"),
        json!("0000-01-01"),
        json!("9999-12-31"),
        json!("31/02/2024"),
        json!(1e308),
        json!(-1),
        json!(true),
        json!([]),
        json!({}),
        Value::Null,
    ]
}

/// Bodies that are not what any route takes.
const RAW: &[&str] = &["{bad", "[]", "null", "\"x\"", "{}", "{\"a\":1}}"];

/// Routes not sent: signing out ends the session the rest of the trial uses.
const SKIP: &[&str] = &["/logout", "/switch"];

/// The tables a refusal may touch: the audit trail and its head (refusals of access
/// are logged), sessions and the login throttle (a failed sign-in is counted).
const MAY_GROW: &[&str] = &["audit_log", "audit_head", "sessions", "login_failures"];

async fn tables(ctx: &loco_rs::app::AppContext) -> Vec<String> {
    let db = &ctx.db;
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "t").unwrap())
        .filter(|t| !MAY_GROW.contains(&t.as_str()))
        .collect();
    out.sort();
    out
}

/// Every table's row count, in one query.
async fn counts(ctx: &loco_rs::app::AppContext, tables: &[String]) -> Vec<i64> {
    let db = &ctx.db;
    let sql = tables
        .iter()
        .map(|t| format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM \"{t}\""))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<i64>("", "n").unwrap())
        .collect()
}

/// The request body's property names of `method path` in the OpenAPI document.
fn fields(doc: &Value, path: &str, method: &str) -> Vec<String> {
    let body = &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    let schema = match body["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()],
        None => body,
    };
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn english(body: &str) -> bool {
    [
        "Failed to",
        "deserialize",
        "expected ",
        "struct ",
        "Invalid URL",
        "panicked",
    ]
    .iter()
    .any(|w| body.contains(w))
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one sweep, read top to bottom")]
async fn bad_input_on_every_write_route_is_refused_in_french_and_stores_nothing() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let alpha = alpha_data(&server, &kit).await;
        let m = mutualis_core::member::find_by_slug(&ctx.db, &alpha.slug)
            .await
            .unwrap()
            .unwrap();
        let writer = kit.user("ecrit@tilleuls.test", Role::Director, Some(&m)).await;
        for role in [Role::HrOfficer, Role::PayrollOfficer] {
            kit.grant(&writer, role, Some(&m)).await;
        }
        let admin = kit.user("trial-admin@coop.test", Role::CoopAdmin, None).await;
        let (member_bearer, member_web) = (kit.bearer(&writer), kit.web(&writer).await);
        let (admin_bearer, admin_web) = (kit.bearer(&admin), kit.web(&admin).await);
        let key = kit.api_key("outil du procès").await;
        let doc: Value = server.get("/api/openapi.json").await.json();
        let names: BTreeSet<String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|s| s["properties"].as_object())
            .flat_map(|p| p.keys().cloned())
            .collect();
        let tables = tables(&ctx).await;

        let routes: Vec<(String, Vec<Method>)> = App::routes(&ctx)
            .collect()
            .into_iter()
            .map(|r| {
                let writes = r
                    .actions
                    .iter()
                    .filter(|m| **m != Method::GET && **m != Method::HEAD)
                    .cloned()
                    .collect();
                (r.uri, writes)
            })
            .filter(|(u, w): &(String, Vec<Method>)| {
                !w.is_empty() && !SKIP.contains(&u.as_str()) && !u.starts_with("/static")
            })
            .collect();
        let (mut sent, mut refused, mut route_count) = (0usize, 0usize, 0usize);
        let mut failures = Vec::new();
        for (template, methods) in &routes {
            route_count += 1;
            let path = fill(template, &alpha.slug, &alpha);
            let api = template.starts_with("/api/");
            let coop = is_coop_route(template) || (!is_member_route(template) && !api);
            let method_name = methods[0].as_str().to_lowercase();
            // The bodies: raw ones, then each bad value in every field.
            let mut bodies: Vec<Vec<u8>> = RAW.iter().map(|b| b.as_bytes().to_vec()).collect();
            let props = if api {
                fields(&doc, template, &method_name)
            } else {
                names.iter().cloned().collect()
            };
            for v in catalogue() {
                if api {
                    let obj: serde_json::Map<String, Value> =
                        props.iter().map(|p| (p.clone(), v.clone())).collect();
                    let body = if template == "/api/usage/events" {
                        json!({"events": [Value::Object(obj.clone()),
                            {"id": v, "member": v, "meter": "it.support_hours", "quantity": v, "occurred_at": v}]})
                    } else {
                        Value::Object(obj)
                    };
                    bodies.push(serde_json::to_vec(&body).unwrap());
                } else {
                    let text = match &v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let enc = mutualis_core::web::error::encode_component;
                    let form: Vec<String> =
                        props.iter().map(|p| format!("{}={}", enc(p), enc(&text))).collect();
                    bodies.push(form.join("&").into_bytes());
                }
            }
            for body in bodies {
                let before = counts(&ctx, &tables).await;
                let mut req = server.method(methods[0].clone(), &path).bytes(body.clone().into());
                if api {
                    req = req.add_header("content-type", "application/json");
                    req = if template == "/api/usage/events" {
                        req.add_header("x-api-key", key.as_str())
                    } else {
                        req.add_header(
                            "authorization",
                            if coop { admin_bearer.as_str() } else { member_bearer.as_str() },
                        )
                    };
                } else {
                    let s = if coop { &admin_web } else { &member_web };
                    let mut b = format!("csrf={}&", s.csrf).into_bytes();
                    b.extend_from_slice(&body);
                    req = server
                        .method(methods[0].clone(), &path)
                        .bytes(b.into())
                        .add_header("content-type", "application/x-www-form-urlencoded")
                        .add_header("cookie", s.cookie.as_str());
                }
                let res = req.await;
                sent += 1;
                let status = res.status_code().as_u16();
                let text = res.text();
                let shown: String = String::from_utf8_lossy(&body).chars().take(80).collect();
                let what = format!("{} {path} {shown}", methods[0]);
                if status >= 500 {
                    failures.push(format!("{what}: {status} {}", text.chars().take(200).collect::<String>()));
                    continue;
                }
                if status >= 400 {
                    refused += 1;
                    let ct = res
                        .maybe_header("content-type")
                        .and_then(|v| v.to_str().ok().map(str::to_string))
                        .unwrap_or_default();
                    if api && !ct.starts_with("application/json") {
                        failures.push(format!("{what}: {status} not JSON ({ct})"));
                    }
                    let french_page = ct.starts_with("text/html") && text.contains("lang=\"fr\"");
                    if !api && !french_page {
                        failures.push(format!("{what}: {status} not the French page ({ct})"));
                    }
                    if english(&text) {
                        failures.push(format!("{what}: {status} English: {}", text.chars().take(200).collect::<String>()));
                    }
                    if counts(&ctx, &tables).await != before {
                        failures.push(format!("{what}: {status} but rows were stored"));
                    }
                }
            }
        }
        println!("trial: {route_count} write routes, {sent} requests, {refused} refused");
        assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    })
    .await;
}
