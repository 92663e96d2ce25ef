//! The OpenAPI document as a contract: every real answer is checked against what the
//! document declares for its operation and status — a JSON body against the schema
//! (JSON Schema 2020-12, `#/components/schemas` resolved), a file against its media type.
//!
//! The schemas are **sealed** for the check: every object they describe gets
//! `unevaluatedProperties: false`, so an answer carrying a field the document does not
//! declare fails too. The published document stays open (a client must accept fields
//! added later); only the test is strict.
use std::collections::BTreeSet;

use axum_test::{TestResponse, TestServer};
use serde_json::{Map, Value, json};

/// A file answer's media type and the bytes its body starts with.
const FILE_MAGIC: &[(&str, &[u8])] = &[
    ("application/pdf", b"%PDF-"),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        b"PK\x03\x04",
    ),
    ("image/png", b"\x89PNG"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/gif", b"GIF8"),
    ("image/webp", b"RIFF"),
    ("application/xml", b"<?xml"),
    ("text/csv", b""),
    ("text/plain", b""),
];

/// Whether `media` is a file type the document may declare for a success.
pub fn is_file_type(media: &str) -> bool {
    FILE_MAGIC.iter().any(|(t, _)| *t == media)
}

/// `format: decimal`: digits, an optional `-`, an optional `.` followed by digits.
pub fn is_decimal(s: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let s = s.strip_prefix('-').unwrap_or(s);
    match s.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(s),
    }
}

/// `schema` with `unevaluatedProperties: false` on every object schema (properties, a
/// composition or a reference) that is not itself a part of an `allOf`: the `allOf`
/// seals the whole, and a component is sealed where it is referenced, not at its root
/// (a flattened part is a component too).
pub fn sealed(v: &Value, part: bool) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let each = |x: &Value, part: bool| match x {
        Value::Array(a) => Value::Array(a.iter().map(|s| sealed(s, part)).collect()),
        other => sealed(other, part),
    };
    let mut out = Map::new();
    for (k, x) in m {
        let child = match k.as_str() {
            "allOf" => each(x, true),
            "oneOf"
            | "anyOf"
            | "prefixItems"
            | "items"
            | "additionalProperties"
            | "not"
            | "contains" => each(x, false),
            "properties" | "patternProperties" | "$defs" => Value::Object(
                x.as_object()
                    .map(|ps| {
                        ps.iter()
                            .map(|(n, s)| (n.clone(), sealed(s, false)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            _ => x.clone(),
        };
        out.insert(k.clone(), child);
    }
    let object_like = ["properties", "allOf", "$ref"]
        .iter()
        .any(|k| m.contains_key(*k));
    if object_like && !part {
        out.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

/// The document, ready to check answers, and what was checked.
pub struct Contract {
    doc: Value,
    /// `#/components`, each schema sealed where it is referenced.
    components: Value,
    /// (METHOD, path template) answered 2xx and checked.
    pub covered: BTreeSet<(String, String)>,
    /// Answers checked, whatever their status.
    pub checked: usize,
}

impl Contract {
    pub fn new(doc: Value) -> Self {
        let schemas = doc["components"]["schemas"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(n, s)| (n.clone(), sealed(s, true)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        Self {
            doc,
            components: json!({ "schemas": schemas }),
            covered: BTreeSet::new(),
            checked: 0,
        }
    }

    /// Every operation of the document: (METHOD, path template).
    pub fn operations(&self) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (path, item) in self.doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
        out
    }

    /// The document's path template for a concrete path (its query ignored): the one
    /// with the most literal segments when several match (`imports/template.xlsx`
    /// before `imports/{id}`).
    pub fn template(&self, method: &str, path: &str) -> String {
        let path = path.split('?').next().unwrap_or_default();
        let segs: Vec<&str> = path.split('/').collect();
        let method = method.to_lowercase();
        let mut best: Option<(usize, &String)> = None;
        for (t, item) in self.doc["paths"].as_object().into_iter().flatten() {
            if item[&method].is_null() {
                continue;
            }
            let tsegs: Vec<&str> = t.split('/').collect();
            if tsegs.len() != segs.len() {
                continue;
            }
            let mut literal = 0;
            let fits = tsegs.iter().zip(&segs).all(|(t, s)| {
                if t.starts_with('{') && t.ends_with('}') {
                    !s.is_empty()
                } else {
                    literal += 1;
                    t == s
                }
            });
            if fits && best.is_none_or(|(n, _)| literal > n) {
                best = Some((literal, t));
            }
        }
        best.map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("{method} {path} is in no path of the document"))
    }

    /// Validates `body` against `schema` (a schema of the document), sealed.
    pub fn validate(&self, schema: &Value, body: &Value) -> Result<(), Vec<String>> {
        let mut root = sealed(schema, false);
        if let Some(m) = root.as_object_mut() {
            m.insert("components".into(), self.components.clone());
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_format("decimal", is_decimal)
            .build(&root)
            .unwrap_or_else(|e| panic!("the document's schema does not compile: {e}\n{root:#}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The JSON schema the document declares for (`method`, `template`, `status`).
    pub fn schema_of(&self, method: &str, template: &str, status: u16) -> Option<&Value> {
        let r =
            &self.doc["paths"][template][method.to_lowercase()]["responses"][status.to_string()];
        let s = &r["content"]["application/json"]["schema"];
        (!s.is_null()).then_some(s)
    }

    /// Checks a real answer against the document, and returns its JSON body (`null` for a
    /// file or an empty body).
    ///
    /// # Panics
    /// When the status is not declared for the operation, when a JSON body does not
    /// validate, when a file's type is not declared or its bytes are not of that type.
    pub fn check(&mut self, method: &str, path: &str, res: &TestResponse) -> Value {
        let template = self.template(method, path);
        let status = res.status_code().as_u16();
        let declared =
            &self.doc["paths"][&template][method.to_lowercase()]["responses"][status.to_string()];
        assert!(
            declared.is_object(),
            "{method} {path} answered {status}, a status the document does not declare for \
             {template}: {}",
            res.text()
        );
        self.checked += 1;
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let media = content_type.split(';').next().unwrap_or_default().trim();
        let body = if status == 204 {
            assert!(
                res.as_bytes().is_empty(),
                "{method} {path}: a 204 with a body"
            );
            Value::Null
        } else if media == "application/json" {
            let schema = self
                .schema_of(method, &template, status)
                .unwrap_or_else(|| {
                    panic!("{method} {template} {status}: JSON answered, no JSON schema declared")
                })
                .clone();
            let body: Value = serde_json::from_slice(res.as_bytes())
                .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e})"));
            if let Err(errors) = self.validate(&schema, &body) {
                panic!(
                    "{method} {path} ({status}) drifted from its schema in /api/openapi.json:\n{}\nbody: {body:#}",
                    errors.join("\n")
                );
            }
            body
        } else {
            assert!(
                declared["content"][media].is_object(),
                "{method} {path} ({status}) answered {content_type:?}, not declared: {declared}"
            );
            let magic = FILE_MAGIC
                .iter()
                .find(|(t, _)| *t == media)
                .map(|(_, m)| *m)
                .unwrap_or_else(|| panic!("{media} is not a known file type"));
            assert!(
                res.as_bytes().len() > magic.len() && res.as_bytes().starts_with(magic),
                "{method} {path}: not a {media} file"
            );
            Value::Null
        };
        if (200..300).contains(&status) {
            self.covered.insert((method.to_string(), template));
        }
        body
    }

    /// A request with a JSON body or none, `auth` as (header, value), checked.
    pub async fn call(
        &mut self,
        server: &TestServer,
        method: &str,
        path: &str,
        auth: Option<(&str, &str)>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = match method {
            "GET" => server.get(path),
            "POST" => server.post(path),
            "PUT" => server.put(path),
            "DELETE" => server.delete(path),
            other => panic!("{other}"),
        };
        if let Some((name, value)) = auth {
            req = req.add_header(name, value);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.await;
        let v = self.check(method, path, &res);
        (res.status_code().as_u16(), v)
    }
}
