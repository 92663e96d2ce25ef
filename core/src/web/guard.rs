//! The input guard, in front of every route: a JSON or form body carrying a control
//! character (NUL, BEL, ESC… — tabs and line breaks aside) or a bidirectional override
//! (U+202A–U+202E, U+2066–U+2069, which make a text read differently from what it is)
//! is refused with 422 naming the field, before any handler sees it. PostgreSQL cannot
//! even store a NUL; a bidi override in a name or an identifier disguises it.
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::Response,
};
use serde_json::Value;

/// The largest body the guard reads: axum's default body limit, which every JSON and
/// form route keeps (only the multipart uploads, which the guard does not read, allow
/// more). A larger body gets the same 413 the extractor would answer.
const MAX_GUARDED: usize = 2 * 1024 * 1024;

/// True for a character no text typed by a person carries.
#[must_use]
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first field (JSON path) of `v` whose text carries a forbidden character.
#[must_use]
pub fn forbidden_in_json(v: &Value, path: &str) -> Option<String> {
    match v {
        Value::String(s) if s.chars().any(is_forbidden) => Some(if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| forbidden_in_json(x, &format!("{path}[{i}]"))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if k.chars().any(is_forbidden) {
                return Some("body".to_string());
            }
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            forbidden_in_json(x, &p)
        }),
        _ => None,
    }
}

/// The first field of a form body whose name or value carries a forbidden character.
#[must_use]
pub fn forbidden_in_form(body: &[u8]) -> Option<String> {
    for pair in body.split(|b| *b == b'&') {
        let text = String::from_utf8_lossy(pair).replace('+', " ");
        let (k, v) = text.split_once('=').unwrap_or((&text, ""));
        let decode = |s: &str| percent_decode(s);
        let (k, v) = (decode(k), decode(v));
        if k.chars().any(is_forbidden) || v.chars().any(is_forbidden) {
            return Some(if k.chars().any(is_forbidden) {
                "body".into()
            } else {
                k
            });
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(x) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The layer.
pub async fn refuse_hidden_characters(req: Request, next: Next) -> Response {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json = ct.starts_with("application/json");
    let form = ct.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(req).await;
    }
    let api = crate::web::rejections::is_api(req.uri().path());
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_GUARDED).await else {
        return crate::web::rejections::refusal(
            api,
            StatusCode::PAYLOAD_TOO_LARGE,
            "Le contenu envoyé est trop volumineux.".to_string(),
            Some("body".to_string()),
        );
    };
    let field = if json {
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| forbidden_in_json(&v, ""))
    } else {
        forbidden_in_form(&bytes)
    };
    if let Some(field) = field {
        return crate::web::rejections::refusal(
            api,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ce texte contient un caractère invisible ou de contrôle (NUL, inversion du sens \
             d’écriture…) : retirez-le."
                .to_string(),
            Some(field),
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hidden_characters_are_found_with_their_field() {
        let v = serde_json::json!({"events": [{"id": "ok"}, {"member": "a\u{202e}b"}]});
        assert_eq!(
            forbidden_in_json(&v, "").as_deref(),
            Some("events[1].member")
        );
        assert_eq!(
            forbidden_in_json(&serde_json::json!({"name": "Zoé\tK\n"}), ""),
            None
        );
        assert_eq!(
            forbidden_in_form(b"csrf=x&last_name=A%00B").as_deref(),
            Some("last_name")
        );
        assert_eq!(forbidden_in_form(b"last_name=Fran%C3%A7ois+Z"), None);
    }

    proptest! {
        #[test]
        fn any_form_body_is_answered(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = forbidden_in_form(&body);
        }
    }
}
