//! The OpenAPI 3 document of the whole API, from the handlers' `#[utoipa::path]`
//! annotations: core's here, each module's through its declaration
//! ([`ModuleDef::api_doc`]). Served at `/api/openapi.json`, readable at `/api/docs`.
use std::sync::Arc;

use axum::{
    Json,
    response::{Html, IntoResponse},
    routing::get,
};
use loco_rs::controller::Routes;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, PathItem,
        path::Operation,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::{
    error::{ErrorBody, FieldError},
    mail::escape_html as escape,
    module::ModuleDef,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mutualis",
        description = "L’API de la plateforme de services partagés de la coopérative. \
                       Les utilisateurs s’authentifient par `POST /api/auth/login` puis \
                       `Authorization: Bearer <jeton>` ; les sources d’usage par `X-Api-Key`. \
                       Chaque erreur répond `{\"error\": message en français, \"errors\": \
                       [{\"field\", \"message\"}]}`."
    ),
    paths(
        super::login,
        super::me,
        super::meters,
        super::ingest,
        super::member_usage,
        super::member_usage_events,
        super::member_audit,
        super::coop_audit,
        super::module_status,
        super::create_api_key,
        super::list_members,
        super::create_member,
        super::one_member,
        super::update_member,
        super::subscribe,
    ),
    components(schemas(ErrorBody, FieldError)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Connexion et compte"),
        (name = "usage", description = "Compteurs d’usage"),
        (name = "audit", description = "Journal d’audit"),
        (name = "members", description = "Adhérents"),
        (name = "coop", description = "Administration de la coopérative"),
    )
)]
struct CoreApi;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        );
    }
}

/// The document: core's API, then each listed module's.
#[must_use]
pub fn document(modules: &[&ModuleDef]) -> openapi::OpenApi {
    let mut doc = CoreApi::openapi();
    for m in modules {
        if let Some(part) = m.api_doc {
            doc.merge(part());
        }
    }
    doc
}

/// Every operation of the document: (method, path, operation).
#[must_use]
pub fn operations(doc: &openapi::OpenApi) -> Vec<(&'static str, &str, &Operation)> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in item_operations(item) {
            out.push((method, path.as_str(), op));
        }
    }
    out
}

fn item_operations(item: &PathItem) -> Vec<(&'static str, &Operation)> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
    .collect()
}

/// The readable page: every operation by tag, its parameters and answers.
#[must_use]
pub fn page(doc: &openapi::OpenApi) -> String {
    let mut ops = operations(doc);
    let tag = |op: &Operation| {
        op.tags
            .as_ref()
            .and_then(|t| t.first().cloned())
            .unwrap_or_default()
    };
    ops.sort_by(|a, b| (tag(a.2), a.1).cmp(&(tag(b.2), b.1)));
    let mut body = String::new();
    let mut current = None;
    for (method, path, op) in ops {
        let t = tag(op);
        if current.as_ref() != Some(&t) {
            if current.is_some() {
                body.push_str("</tbody></table></section>");
            }
            let title = doc
                .tags
                .as_ref()
                .and_then(|ts| ts.iter().find(|x| x.name == t))
                .and_then(|x| x.description.clone())
                .unwrap_or_else(|| t.clone());
            body.push_str(&format!(
                "<section class=\"card\"><h2>{}</h2><table class=\"table\"><thead><tr>\
                 <th scope=\"col\">Méthode</th><th scope=\"col\">Chemin</th>\
                 <th scope=\"col\">Description</th><th scope=\"col\">Réponses</th></tr></thead><tbody>",
                escape(&title)
            ));
            current = Some(t);
        }
        // The French description of the success, then every answer's code (its
        // description as a tooltip).
        let described = |r: &openapi::RefOr<openapi::Response>| match r {
            openapi::RefOr::T(r) => r.description.clone(),
            openapi::RefOr::Ref(_) => String::new(),
        };
        let summary = op
            .responses
            .responses
            .iter()
            .find(|(code, _)| code.starts_with('2'))
            .map(|(_, r)| described(r))
            .unwrap_or_default();
        let answers = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                format!(
                    "<code title=\"{}\">{}</code>",
                    escape(&described(r)),
                    escape(code)
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        body.push_str(&format!(
            "<tr><td><code>{method}</code></td><td><code>{}</code></td><td>{}</td><td>{answers}</td></tr>",
            escape(path),
            escape(&summary)
        ));
    }
    if current.is_some() {
        body.push_str("</tbody></table></section>");
    }
    let intro = doc.info.description.clone().unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>API — Mutualis</title><link rel=\"stylesheet\" href=\"/static/css/app.css\"></head>\
         <body><main id=\"contenu\" class=\"api-docs\"><h1>API de Mutualis</h1>\
         <p>{}</p><p><a class=\"btn btn-primary\" href=\"/api/openapi.json\">Document OpenAPI (JSON)</a></p>\
         {body}</main></body></html>",
        escape(&intro)
    )
}

/// `GET /api/openapi.json` and `GET /api/docs`: public, like any API reference.
#[must_use]
pub fn routes(modules: &[&ModuleDef]) -> Routes {
    let doc = Arc::new(document(modules));
    let html = Arc::new(page(&doc));
    Routes::new()
        .prefix("/api")
        .add(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json((*doc).clone()).into_response() }
            }),
        )
        .add(
            "/docs",
            get(move || {
                let html = html.clone();
                async move { Html((*html).clone()).into_response() }
            }),
        )
}
