//! The input guard, in front of every route: a JSON or form body carrying a control
//! character (NUL, BEL, ESC… — tabs and line breaks aside) or a bidirectional override
//! (U+202A–U+202E, U+2066–U+2069, which make a text read differently from what it is)
//! is refused with 422 naming the field, before any handler sees it; so is a text longer
//! than [`MAX_ANY_TEXT`] characters, whatever the field (each field's own, lower bound is
//! checked by its form through `core::limits`). PostgreSQL cannot
//! even store a NUL; a bidi override in a name or an identifier disguises it.
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::Response,
};
use serde_json::Value;

use crate::limits::MAX_ANY_TEXT;

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

/// What the guard refuses in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A control or bidi sign.
    Hidden,
    /// Longer than [`MAX_ANY_TEXT`] characters (how many).
    TooLong(usize),
}

fn problem_in(text: &str) -> Option<Problem> {
    if text.chars().any(is_forbidden) {
        return Some(Problem::Hidden);
    }
    // Bytes bound characters from above: count only when it may matter.
    if text.len() > MAX_ANY_TEXT {
        let n = text.chars().count();
        if n > MAX_ANY_TEXT {
            return Some(Problem::TooLong(n));
        }
    }
    None
}

/// The first field (JSON path) of `v` whose text the guard refuses, and why.
#[must_use]
pub fn problem_in_json(v: &Value, path: &str) -> Option<(String, Problem)> {
    let here = || {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    match v {
        Value::String(s) => problem_in(s).map(|p| (here(), p)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| problem_in_json(x, &format!("{path}[{i}]"))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if let Some(p) = problem_in(k) {
                return Some(("body".to_string(), p));
            }
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            problem_in_json(x, &p)
        }),
        _ => None,
    }
}

/// The first field of a form body whose name or value the guard refuses, and why.
#[must_use]
pub fn problem_in_form(body: &[u8]) -> Option<(String, Problem)> {
    for pair in body.split(|b| *b == b'&') {
        let text = String::from_utf8_lossy(pair).replace('+', " ");
        let (k, v) = text.split_once('=').unwrap_or((&text, ""));
        let decode = |s: &str| percent_decode(s);
        let (k, v) = (decode(k), decode(v));
        if let Some(p) = problem_in(&k) {
            return Some(("body".into(), p));
        }
        if let Some(p) = problem_in(&v) {
            return Some((k, p));
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
    let found = if json {
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| problem_in_json(&v, ""))
    } else {
        problem_in_form(&bytes)
    };
    if let Some((field, problem)) = found {
        let message = match problem {
            Problem::Hidden => "Ce texte contient un caractère invisible ou de contrôle (NUL, \
                                inversion du sens d’écriture…) : retirez-le."
                .to_string(),
            Problem::TooLong(n) => {
                format!("Ce texte est trop long : {MAX_ANY_TEXT} caractères au plus ({n} reçus).")
            }
        };
        return crate::web::rejections::refusal(
            api,
            StatusCode::UNPROCESSABLE_ENTITY,
            message,
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
            problem_in_json(&v, ""),
            Some(("events[1].member".to_string(), Problem::Hidden))
        );
        assert_eq!(
            problem_in_json(&serde_json::json!({"name": "Zoé\tK\n"}), ""),
            None
        );
        assert_eq!(
            problem_in_form(b"csrf=x&last_name=A%00B"),
            Some(("last_name".to_string(), Problem::Hidden))
        );
        assert_eq!(problem_in_form(b"last_name=Fran%C3%A7ois+Z"), None);
        let long = "é".repeat(MAX_ANY_TEXT + 1);
        assert_eq!(
            problem_in_json(&serde_json::json!({"a": [{"b": long}]}), ""),
            Some(("a[0].b".to_string(), Problem::TooLong(MAX_ANY_TEXT + 1)))
        );
        // 20,000 two-byte characters are 40,000 bytes but not too long.
        let fits = "é".repeat(MAX_ANY_TEXT);
        assert_eq!(problem_in_json(&serde_json::json!({ "b": fits }), ""), None);
    }

    proptest! {
        #[test]
        fn any_form_body_is_answered(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = problem_in_form(&body);
        }
    }
}
