//! Keyset pagination of long lists: `?limit=50` gives the first 50 rows, and the answer
//! names the next page by its last row's sort key (`?limit=50&after=<cursor>`), never
//! by an offset — each page is one index range scan however deep it is, and a row added
//! meanwhile neither repeats nor skips a row of the next page.
//!
//! The cursor is opaque to clients: the base64url of the sort key's values as a JSON
//! array. A list answers with the same body as before (a JSON array) and, when a page
//! follows, the headers `Link: <…>; rel="next"` (RFC 8288) and `X-Next-Cursor`.
use axum::http::{HeaderMap, HeaderValue, header};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Deserialize;

use crate::error::{AppError, AppResult};

/// At most this many rows a page.
pub const MAX_LIMIT: u64 = 1000;

/// The query parameters of a paginated list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Au plus tant d’éléments (1 à 1000) ; sans `limit`, la liste entière.
    #[serde(default)]
    pub limit: Option<String>,
    /// La page suivante : le curseur donné par `X-Next-Cursor` (ou le lien `next`).
    #[serde(default)]
    pub after: Option<String>,
}

/// A page asked for: its size (`None`: everything) and the key it starts after.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub limit: Option<u64>,
    pub after: Option<Vec<String>>,
}

impl PageQuery {
    /// Reads the parameters of a list that is never given whole: without `limit`, pages
    /// of `default` rows (so `after` alone is a next page of that size).
    ///
    /// # Errors
    /// As [`PageQuery::page`].
    pub fn page_or(&self, key_len: usize, default: u64) -> AppResult<Page> {
        let mut q = self.clone();
        if q.limit.as_deref().is_none_or(|l| l.trim().is_empty()) {
            q.limit = Some(default.to_string());
        }
        q.page(key_len)
    }

    /// Reads the parameters; `key_len` is the number of values of the list's sort key.
    ///
    /// # Errors
    /// 422 naming `limit` or `after`, in French.
    pub fn page(&self, key_len: usize) -> AppResult<Page> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match s.parse::<u64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::field(
                        "limit",
                        format!("Un nombre d’éléments entre 1 et {MAX_LIMIT} est attendu."),
                    ));
                }
            },
        };
        let after = match self.after.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(decode(s, key_len).ok_or_else(bad_cursor)?),
        };
        if after.is_some() && limit.is_none() {
            return Err(AppError::field(
                "limit",
                "Une page suivante (after) se demande avec sa taille (limit).",
            ));
        }
        Ok(Page { limit, after })
    }
}

/// The cursor of a sort key.
#[must_use]
pub fn encode(key: &[String]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

fn decode(cursor: &str, key_len: usize) -> Option<Vec<String>> {
    if cursor.len() > 4096 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let key: Vec<String> = serde_json::from_slice(&bytes).ok()?;
    (key.len() == key_len).then_some(key)
}

/// Cuts the `limit + 1` rows read down to the page, and gives the next page's cursor
/// when there was one more row.
pub fn finish<T>(
    mut rows: Vec<T>,
    page: &Page,
    key: impl Fn(&T) -> Vec<String>,
) -> (Vec<T>, Option<String>) {
    match page.limit {
        Some(n) if rows.len() as u64 > n => {
            rows.truncate(usize::try_from(n).unwrap_or(usize::MAX));
            let next = rows.last().map(|r| encode(&key(r)));
            (rows, next)
        }
        _ => (rows, None),
    }
}

/// The headers of a page that has a next one: `Link` to it (`path`, which may carry the
/// list's own parameters, with `limit` and `after`) and `X-Next-Cursor`.
#[must_use]
pub fn next_headers(path: &str, page: &Page, next: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let (Some(next), Some(limit)) = (next, page.limit) {
        let sep = if path.contains('?') { '&' } else { '?' };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "<{path}{sep}limit={limit}&after={next}>; rel=\"next\""
        )) {
            h.insert(header::LINK, v);
        }
        if let Ok(v) = HeaderValue::from_str(next) {
            h.insert("x-next-cursor", v);
        }
    }
    h
}

/// The error of a cursor whose values are not this list's.
#[must_use]
pub fn bad_cursor() -> AppError {
    AppError::field(
        "after",
        "Curseur illisible : reprenez celui de X-Next-Cursor ou du lien « next ».",
    )
}

/// A cursor value that is a UUID.
///
/// # Errors
/// 422 naming `after`.
pub fn uuid_of(s: &str) -> AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(s).map_err(|_| bad_cursor())
}

/// A cursor value that is an instant (RFC 3339, as [`instant`] writes it).
///
/// # Errors
/// 422 naming `after`.
pub fn instant_of(s: &str) -> AppResult<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| bad_cursor())
}

/// An instant as a cursor value (to the microsecond, as stored).
#[must_use]
pub fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A cursor value that is an integer.
///
/// # Errors
/// 422 naming `after`.
pub fn int_of(s: &str) -> AppResult<i64> {
    s.parse().map_err(|_| bad_cursor())
}

/// Orders a select by `cols` (all in one direction), starts it after the cursor's key
/// (a row comparison `(a, b, c) > (…)`, or `<` newest first, which both engines seek to
/// in an index ending with these columns) and reads one row more than the page (so
/// [`finish`] knows whether a page follows).
#[must_use]
pub fn seek<E: sea_orm::EntityTrait>(
    mut q: sea_orm::Select<E>,
    cols: &[E::Column],
    descending: bool,
    after: Option<Vec<sea_orm::Value>>,
    limit: Option<u64>,
) -> sea_orm::Select<E> {
    use sea_orm::{
        QueryFilter, QueryOrder, QuerySelect,
        sea_query::{Expr, ExprTrait},
    };
    let order = if descending {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    for c in cols {
        q = q.order_by(*c, order.clone());
    }
    if let Some(values) = after {
        let lhs = Expr::tuple(cols.iter().map(|c| Expr::col(*c)));
        let rhs = Expr::tuple(values.into_iter().map(Expr::val));
        q = q.filter(if descending { lhs.lt(rhs) } else { lhs.gt(rhs) });
    }
    if let Some(n) = limit {
        q = q.limit(n + 1);
    }
    q
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn q(limit: Option<&str>, after: Option<&str>) -> PageQuery {
        PageQuery {
            limit: limit.map(str::to_string),
            after: after.map(str::to_string),
        }
    }

    #[test]
    fn parameters_are_read_or_refused_by_name() {
        assert_eq!(q(None, None).page(2).unwrap(), Page::default());
        assert_eq!(q(Some("50"), None).page(2).unwrap().limit, Some(50));
        for bad in ["0", "1001", "-3", "dix"] {
            let e = q(Some(bad), None).page(2).unwrap_err();
            assert!(format!("{e:?}").contains("limit"), "{bad}: {e:?}");
        }
        let c = encode(&["Martin".into(), "0190".into()]);
        assert_eq!(
            q(Some("10"), Some(&c)).page(2).unwrap().after,
            Some(vec!["Martin".to_string(), "0190".to_string()])
        );
        // A cursor of another list (another key length), garbage, or without limit.
        for bad in [encode(&["x".into()]), "%%%".to_string(), "e30".to_string()] {
            let e = q(Some("10"), Some(&bad)).page(2).unwrap_err();
            assert!(format!("{e:?}").contains("after"), "{bad}: {e:?}");
        }
        assert!(format!("{:?}", q(None, Some(&c)).page(2).unwrap_err()).contains("limit"));
    }

    #[test]
    fn a_full_page_names_the_next_one() {
        let page = Page {
            limit: Some(2),
            after: None,
        };
        let (rows, next) = finish(vec![1, 2, 3], &page, |n| vec![n.to_string()]);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next.as_deref(), Some(encode(&["2".into()]).as_str()));
        let h = next_headers("/api/x", &page, next.as_deref());
        assert!(
            h[header::LINK]
                .to_str()
                .unwrap()
                .starts_with("</api/x?limit=2&after=")
        );
        // The last page: no cursor, no headers.
        let (rows, next) = finish(vec![1, 2], &page, |n| vec![n.to_string()]);
        assert_eq!((rows.len(), next), (2, None));
        assert!(next_headers("/api/x", &page, None).is_empty());
    }

    proptest! {
        #[test]
        fn any_cursor_text_is_read_or_refused_without_panic(s in ".{0,300}") {
            let _ = q(Some("5"), Some(&s)).page(3);
        }

        #[test]
        fn a_key_round_trips(a in ".{0,40}", b in ".{0,40}") {
            let c = encode(&[a.clone(), b.clone()]);
            prop_assert_eq!(q(Some("5"), Some(&c)).page(2).unwrap().after, Some(vec![a, b]));
        }
    }
}
