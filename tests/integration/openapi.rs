//! The OpenAPI document: every API route of the router is in it, with its methods, and
//! it is a valid OpenAPI 3.1 document (parsed by `oas3`, path parameters declared,
//! references resolved, operation ids unique); the readable page lists every path.
use std::collections::HashSet;

use axum::http::Method;
use loco_rs::app::Hooks;
use mutualis::app::App;
use serde_json::Value;

use crate::common::*;

/// The document's own routes.
const SELF: &[&str] = &["/api/openapi.json", "/api/docs"];

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_api_route_is_documented_in_a_valid_openapi_document() {
    run(|server, ctx| async move {
        let res = server.get("/api/openapi.json").await;
        assert_eq!(res.status_code(), 200);
        let text = res.text();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3."),
            "{}",
            doc["openapi"]
        );
        oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");

        let paths = doc["paths"].as_object().unwrap();
        let mut missing = Vec::new();
        let mut api_routes = 0;
        for r in App::routes(&ctx).collect() {
            if !r.uri.starts_with("/api/") || SELF.contains(&r.uri.as_str()) {
                continue;
            }
            for m in &r.actions {
                if *m != Method::GET && *m != Method::POST {
                    continue;
                }
                api_routes += 1;
                let op = &paths.get(&r.uri).unwrap_or(&Value::Null)[m.as_str().to_lowercase()];
                if op.is_null() {
                    missing.push(format!("{m} {}", r.uri));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "API routes missing from /api/openapi.json: {missing:#?}"
        );
        assert!(api_routes >= 40, "{api_routes}");

        // Path parameters declared; operation ids unique; references resolved.
        let mut ids = HashSet::new();
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                let declared: Vec<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .map(|p| p["name"].as_str().unwrap())
                            .collect()
                    })
                    .unwrap_or_default();
                for seg in path.split('/') {
                    if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        assert!(
                            declared.contains(&name),
                            "{method} {path}: {{{name}}} undeclared"
                        );
                    }
                }
                let id = op["operationId"].as_str().unwrap_or_default().to_string();
                assert!(!id.is_empty(), "{method} {path} has no operationId");
                assert!(ids.insert(id.clone()), "operationId {id} twice");
                assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
            }
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        for r in all {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r}"));
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "unresolved {r}"
            );
        }

        // The readable page, for the members' IT staff.
        let page = server.get("/api/docs").await;
        assert_eq!(page.status_code(), 200);
        let html = page.text();
        assert!(html.contains("API de Mutualis"));
        for path in paths.keys() {
            assert!(html.contains(path.as_str()), "{path} not on /api/docs");
        }
    })
    .await;
}
