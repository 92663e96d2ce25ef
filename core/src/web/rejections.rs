//! Every refusal in French, in the client's language: one layer for the whole router.
//!
//! axum's extractors (JSON, query string, path, form, multipart, body limit) reject a
//! request with an English `text/plain` body ("Failed to deserialize the JSON body…",
//! "Invalid URL: Cannot parse `id`…") or an empty one (405). The layer rewrites each such
//! answer, keeping its status: on `/api/…` the JSON of every API error
//! (`{"error", "errors": [{"field", "message"}]}`, the field named when the rejection
//! names it), on pages the French error page. Our own answers (JSON or HTML) pass
//! untouched. The router's fallback answers an unknown URL the same way, and sends a URL
//! ending in `/` to the same URL without it.
use axum::{
    body::to_bytes,
    extract::Request,
    http::{HeaderValue, StatusCode, Uri, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use crate::error::{AppError, ErrorBody, FieldError};

/// True for a path of the JSON API.
#[must_use]
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The router's fallback: a URL no route serves. A trailing `/` is dropped (308, so a
/// POST stays a POST); otherwise 404, JSON on the API and the French page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let to = match uri.query() {
            Some(q) => format!("{}?{q}", if trimmed.is_empty() { "/" } else { trimmed }),
            None => (if trimmed.is_empty() { "/" } else { trimmed }).to_string(),
        };
        // Only a path of this site: `//evil.example/` trimmed must not become a
        // protocol-relative redirect.
        if !to.starts_with("//") {
            return Redirect::permanent(&to).into_response();
        }
    }
    refusal(
        is_api(path),
        StatusCode::NOT_FOUND,
        AppError::NotFound.message(),
        None,
    )
}

/// The layer: rewrites the framework's plain-text (or empty) 4xx/5xx answers.
pub async fn french_rejections(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let ours = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("text/html"));
    if ours {
        return res;
    }
    let kept: Vec<_> = [header::RETRY_AFTER, header::ALLOW]
        .into_iter()
        .filter_map(|h| res.headers().get(&h).cloned().map(|v| (h, v)))
        .collect();
    // A rejection's text is short; a larger body is not one of them (kept as is).
    let (_, body) = res.into_parts();
    // A rejection that echoes a huge input is explained without its text.
    let bytes = to_bytes(body, 16 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let (message, field) = explain(status, &text);
    let mut out = refusal(api, status, message, field);
    for (h, v) in kept {
        out.headers_mut().insert(h, v);
    }
    out
}

/// A refusal with `status`: the API's JSON body or the French error page.
#[must_use]
pub fn refusal(api: bool, status: StatusCode, message: String, field: Option<String>) -> Response {
    if api {
        let errors = field.map(|f| vec![FieldError::new(f, message.clone())]);
        let mut res = (
            status,
            axum::Json(ErrorBody {
                error: message,
                errors,
            }),
        )
            .into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    } else {
        crate::web::error::error_page(status, &message)
    }
}

/// The French message of a framework rejection, and the field it names (if any).
#[must_use]
pub fn explain(status: StatusCode, text: &str) -> (String, Option<String>) {
    let text = text.trim();
    match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "Cette adresse n’accepte pas cette méthode (GET, POST…).".to_string(),
            None,
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Le contenu envoyé est trop volumineux.".to_string(),
            Some("body".to_string()),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            if text.contains("multipart") {
                "Envoyez le fichier en multipart/form-data.".to_string()
            } else if text.contains("form") {
                "Envoyez le formulaire en application/x-www-form-urlencoded.".to_string()
            } else {
                "Envoyez le contenu en JSON (en-tête Content-Type: application/json).".to_string()
            },
            Some("body".to_string()),
        ),
        StatusCode::NOT_FOUND => (AppError::NotFound.message(), None),
        StatusCode::UNAUTHORIZED => (AppError::Unauthorized.message(), None),
        StatusCode::FORBIDDEN => ("Accès refusé.".to_string(), None),
        StatusCode::TOO_MANY_REQUESTS => (AppError::TooManyRequests.message(), None),
        s if s.is_server_error() => (
            "Une erreur interne est survenue. L’équipe technique a été prévenue.".to_string(),
            None,
        ),
        _ => explain_client(text),
    }
}

fn explain_client(text: &str) -> (String, Option<String>) {
    if let Some(rest) =
        text.strip_prefix("Failed to deserialize the JSON body into the target type: ")
    {
        return serde_detail(rest, "body");
    }
    if let Some(rest) = text.strip_prefix("Failed to parse the request body as JSON: ") {
        return (
            format!(
                "Le corps de la requête n’est pas du JSON valide{}.",
                position(rest)
            ),
            Some("body".to_string()),
        );
    }
    if text.starts_with("Failed to buffer the request body") {
        return (
            "Le contenu envoyé n’a pas pu être lu (trop volumineux ou interrompu).".to_string(),
            Some("body".to_string()),
        );
    }
    if let Some(rest) = text.strip_prefix("Failed to deserialize query string: ") {
        return serde_detail(rest, "query");
    }
    if let Some(rest) = text
        .strip_prefix("Failed to deserialize form body: ")
        .or_else(|| text.strip_prefix("Failed to deserialize form: "))
    {
        return serde_detail(rest, "body");
    }
    if let Some(rest) = text.strip_prefix("Invalid URL: ") {
        // "Cannot parse `id` with value `abc` to a `u64`" or "Cannot parse `abc` to a
        // `Uuid`…": the parameter is named when it is the first quoted word followed by
        // "with value".
        let name = rest
            .strip_prefix("Cannot parse `")
            .and_then(|r| r.split_once("` with value"))
            .map(|(n, _)| n.to_string());
        return (
            "L’adresse contient un identifiant invalide.".to_string(),
            Some(name.unwrap_or_else(|| "path".to_string())),
        );
    }
    if text.contains("multipart") || text.contains("boundary") {
        return (
            "Le fichier envoyé n’a pas pu être lu (multipart/form-data mal formé).".to_string(),
            Some("file".to_string()),
        );
    }
    ("La requête est invalide.".to_string(), None)
}

/// " (ligne 1, colonne 12)" from serde's "… at line 1 column 12".
fn position(detail: &str) -> String {
    detail
        .rsplit_once(" at line ")
        .and_then(|(_, lc)| lc.split_once(" column "))
        .map(|(l, c)| format!(" (ligne {l}, colonne {c})"))
        .unwrap_or_default()
}

/// serde's message (`path: inner` with serde_path_to_error) in French, with the field.
fn serde_detail(detail: &str, part: &str) -> (String, Option<String>) {
    let (path, inner) = match detail.split_once(": ") {
        Some((p, i))
            if !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)) =>
        {
            (Some(p.trim_start_matches('.').to_string()), i)
        }
        _ => (None, detail),
    };
    let path = path.filter(|p| !p.is_empty());
    let quoted = |s: &str, after: &str| {
        s.split_once(after)
            .and_then(|(_, r)| r.split_once('`'))
            .map(|(n, _)| n.to_string())
    };
    if let Some(name) = quoted(inner, "missing field `") {
        let field = path.map_or(name.clone(), |p| format!("{p}.{name}"));
        return ("Ce champ est obligatoire.".to_string(), Some(field));
    }
    if let Some(name) = quoted(inner, "unknown field `") {
        let field = path.map_or(name.clone(), |p| format!("{p}.{name}"));
        return ("Ce champ n’existe pas.".to_string(), Some(field));
    }
    let field = path.or_else(|| Some(part.to_string()));
    let message = if inner.starts_with("invalid type") || inner.starts_with("invalid value") {
        let expected = inner
            .split_once(", expected ")
            .map_or("", |(_, e)| e)
            .split(" at line ")
            .next()
            .unwrap_or("");
        format!(
            "Valeur de type invalide : {} attendu.",
            expected_fr(expected)
        )
    } else if inner.starts_with("unknown variant") {
        "Valeur inconnue.".to_string()
    } else if inner.starts_with("invalid length") {
        "Nombre d’éléments invalide.".to_string()
    } else if inner.contains("EOF while parsing") || inner.contains("expected value") {
        format!("JSON incomplet ou mal formé{}.", position(inner))
    } else if inner.starts_with("trailing characters") {
        format!("Caractères en trop après le JSON{}.", position(inner))
    } else if inner.contains("out of range") || inner.contains("number too large") {
        "Nombre hors limites.".to_string()
    } else if inner.starts_with("cannot parse") || inner.contains("invalid digit") {
        "Valeur illisible.".to_string()
    } else {
        "Valeur invalide.".to_string()
    };
    (message, field)
}

/// What serde expected, in French (never a Rust type name).
fn expected_fr(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.contains("string") || e.contains("char") {
        "un texte"
    } else if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        "une liste"
    } else if e.contains("bool") {
        "vrai ou faux (true/false)"
    } else if e.starts_with("i") || e.starts_with("u") || e.contains("integer") {
        "un nombre entier"
    } else if e.starts_with('f') || e.contains("number") || e.contains("decimal") {
        "un nombre"
    } else if e.contains("struct") || e.contains("map") || e.contains("object") {
        "un objet JSON"
    } else if e.contains("enum") || e.contains("variant") {
        "une des valeurs prévues"
    } else {
        "une autre valeur"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn json_rejections_name_the_field_in_french() {
        let (m, f) = explain(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Failed to deserialize the JSON body into the target type: events[0].quantity: invalid type: integer `5`, expected a string at line 1 column 40",
        );
        assert_eq!(f.as_deref(), Some("events[0].quantity"));
        assert!(m.contains("un texte"), "{m}");
        let (m, f) = explain(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Failed to deserialize the JSON body into the target type: missing field `nir` at line 1 column 2",
        );
        assert_eq!(
            (m.as_str(), f.as_deref()),
            ("Ce champ est obligatoire.", Some("nir"))
        );
        let (m, _) = explain(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Failed to deserialize the JSON body into the target type: invalid type: sequence, expected struct EmployeeInput at line 1 column 0",
        );
        assert!(
            !m.contains("EmployeeInput") && m.contains("objet JSON"),
            "{m}"
        );
        let (m, _) = explain(
            StatusCode::BAD_REQUEST,
            "Failed to parse the request body as JSON: expected value at line 1 column 1",
        );
        assert_eq!(
            m,
            "Le corps de la requête n’est pas du JSON valide (ligne 1, colonne 1)."
        );
    }

    #[test]
    fn path_and_query_rejections_are_french() {
        let (m, f) = explain(
            StatusCode::BAD_REQUEST,
            "Invalid URL: Cannot parse `id` with value `abc` to a `u64`",
        );
        assert_eq!(
            (m.as_str(), f.as_deref()),
            ("L’adresse contient un identifiant invalide.", Some("id"))
        );
        let (_, f) = explain(
            StatusCode::BAD_REQUEST,
            "Invalid URL: Cannot parse `abc` to a `Uuid`: UUID parsing failed: invalid character",
        );
        assert_eq!(f.as_deref(), Some("path"));
        let (m, f) = explain(
            StatusCode::BAD_REQUEST,
            "Failed to deserialize query string: invalid digit found in string",
        );
        assert_eq!(
            (m.as_str(), f.as_deref()),
            ("Valeur illisible.", Some("query"))
        );
    }

    proptest! {
        // Whatever text a rejection carries: a French message, never the text itself.
        #[test]
        fn any_rejection_text_gets_a_french_message(text in "\\PC{0,200}", code in 400u16..600) {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
            let (m, _) = explain(status, &text);
            prop_assert!(!m.is_empty());
            prop_assert!(!m.contains("Failed") && !m.contains("expected"));
        }
    }
}
