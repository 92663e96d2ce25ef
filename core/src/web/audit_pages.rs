//! The audit log pages: the cooperative's (`/coop/audit`, every row) and a member's
//! (`/m/{slug}/audit`, its director), each with its filters (member, person, action,
//! days) kept in the query string, and the CSV export of the filtered rows.
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use axum_extra::extract::CookieJar;
use chrono::{Days, NaiveDate};
use loco_rs::{
    app::AppContext,
    controller::views::{ViewEngine, engines::TeraView},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    audit::{
        self, ChainReport, Filter, MemberFilter,
        labels::{Described, action_label, actor_label, describe, object_label},
        query,
    },
    entities::{audit_log, members},
    error::{AppError, FieldError},
    member,
    scope::{CoopAccess, MemberAccess},
    time::paris_midnight,
    web::{error::PageError, error::encode_component, page::Page, views},
};

/// Rows per page.
const PER_PAGE: u64 = 50;
/// The most rows one CSV export holds.
pub const EXPORT_MAX: u64 = 100_000;

/// The query string of the log pages.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub page: Option<u64>,
    #[serde(default)]
    pub verify: Option<String>,
    /// A member's slug, `coop` for the cooperative's own rows (cooperative page only).
    #[serde(default)]
    pub member: String,
    /// The actor as stored.
    #[serde(default)]
    pub actor: String,
    /// `object_type` or `object_type.action`.
    #[serde(default)]
    pub action: String,
    /// First day, `AAAA-MM-JJ` or `JJ/MM/AAAA` (Europe/Paris).
    #[serde(default)]
    pub from: String,
    /// Last day, included.
    #[serde(default)]
    pub to: String,
}

impl AuditQuery {
    /// The filters as a query string (`member=…&from=…`), without the page.
    #[must_use]
    pub fn filters_query(&self, coop: bool) -> String {
        let mut pairs = Vec::new();
        let fields = [
            ("member", if coop { self.member.as_str() } else { "" }),
            ("actor", self.actor.as_str()),
            ("action", self.action.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ];
        for (k, v) in fields {
            let v = v.trim();
            if !v.is_empty() {
                pairs.push(format!("{k}={}", encode_component(v)));
            }
        }
        pairs.join("&")
    }
}

fn parse_day(field: &str, raw: &str) -> Result<Option<NaiveDate>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            let what = if field == "from" { "début" } else { "fin" };
            FieldError::new(
                field,
                format!("Date de {what} « {raw} » invalide : écrivez-la JJ/MM/AAAA."),
            )
        })
}

/// Reads the query into a [`Filter`]: `member` is the member resolved from the slug
/// (cooperative page) or forced (a member's page). Dates are days in Europe/Paris.
///
/// # Errors
/// Each bad field with its French message.
pub fn parse_filter(q: &AuditQuery, member: MemberFilter) -> Result<Filter, Vec<FieldError>> {
    let mut errors = Vec::new();
    let from = parse_day("from", &q.from).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let to = parse_day("to", &q.to).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(FieldError::new(
            "to",
            "La date de fin précède la date de début.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let action = q.action.trim();
    let (object_type, action) = match action.split_once('.') {
        Some((o, a)) => (Some(o.to_string()), Some(a.to_string())),
        None if action.is_empty() => (None, None),
        None => (Some(action.to_string()), None),
    };
    let actor = q.actor.trim();
    Ok(Filter {
        member,
        actor: (!actor.is_empty()).then(|| actor.to_string()),
        object_type,
        action,
        from: from.map(paris_midnight),
        until: to
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(paris_midnight),
    })
}

/// The cooperative page's member: every row, the cooperative's own, or one member's.
fn coop_member(q: &AuditQuery, list: &[members::Model]) -> Result<MemberFilter, FieldError> {
    match q.member.trim() {
        "" => Ok(MemberFilter::Any),
        "coop" => Ok(MemberFilter::Coop),
        slug => list
            .iter()
            .find(|m| m.slug == slug)
            .map(|m| MemberFilter::One(m.id))
            .ok_or_else(|| FieldError::new("member", format!("Aucun adhérent « {slug} »."))),
    }
}

/// The cooperative page's filter, every bad field named (the member's and the days').
fn coop_filter(q: &AuditQuery, list: &[members::Model]) -> Result<Filter, Vec<FieldError>> {
    let member = coop_member(q, list);
    let filter = parse_filter(q, member.clone().unwrap_or_default());
    match (member, filter) {
        (Ok(_), f) => f,
        (Err(e), Ok(_)) => Err(vec![e]),
        (Err(e), Err(mut errs)) => {
            errs.insert(0, e);
            Err(errs)
        }
    }
}

fn member_name(list: &[members::Model], id: Option<i64>) -> String {
    id.and_then(|id| list.iter().find(|m| m.id == id))
        .map_or_else(|| "Coopérative".to_string(), |m| m.name.clone())
}

/// The CSV of described rows: UTF-8 with a BOM (Excel reads the accents), `;`, French
/// headers; a cell that a spreadsheet would read as a formula is prefixed with `'`.
///
/// # Errors
/// Unexpected writer errors.
pub fn csv(rows: &[(Described, Option<String>)], with_member: bool) -> Result<Vec<u8>, AppError> {
    let unexpected = |e: &dyn std::fmt::Display| AppError::Unexpected(anyhow::anyhow!("{e}"));
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let mut header = vec!["N°", "Date (heure de Paris)", "Qui"];
    if with_member {
        header.push("Adhérent");
    }
    header.extend(["Objet", "Identifiant", "Action", "Détails"]);
    w.write_record(&header).map_err(|e| unexpected(&e))?;
    let cell = |s: &str| {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    };
    for (d, member) in rows {
        let mut rec = vec![d.seq.to_string(), d.at.clone(), cell(&d.actor)];
        if with_member {
            rec.push(cell(member.as_deref().unwrap_or("Coopérative")));
        }
        rec.extend([
            cell(&d.object),
            cell(&d.object_id),
            cell(&d.action),
            cell(&d.details_line()),
        ]);
        w.write_record(&rec).map_err(|e| unexpected(&e))?;
    }
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(w.into_inner().map_err(|e| unexpected(&e))?);
    Ok(body)
}

/// The filter form's choices: who acted and which actions, among the rows the page
/// may show (a director never sees another member's actors); the values the query
/// asks for are among them even when no row has them, so the form shows its filter.
async fn choices(
    ctx: &AppContext,
    scope_rows: MemberFilter,
    q: &AuditQuery,
) -> Result<(Vec<Value>, Vec<Value>), PageError> {
    let mut actors = query::actors(&ctx.db, scope_rows).await?;
    let asked = q.actor.trim();
    if !asked.is_empty() && !actors.iter().any(|a| a == asked) {
        actors.push(asked.to_string());
    }
    let mut pairs = query::actions(&ctx.db, scope_rows).await?;
    if let Some((o, a)) = q.action.trim().split_once('.')
        && !pairs.iter().any(|(x, y)| x == o && y == a)
    {
        pairs.push((o.to_string(), a.to_string()));
    }
    let actors = actors
        .into_iter()
        .map(|a| json!({"value": a, "label": actor_label(&a)}))
        .collect();
    let mut actions: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(o, a)| {
            let object = object_label(&o).map_or_else(|| o.replace('_', " "), str::to_string);
            let action = action_label(&o, &a).map_or_else(|| a.replace('_', " "), str::to_string);
            (format!("{o}.{a}"), format!("{object} — {action}"))
        })
        .collect();
    actions.sort_by(|a, b| a.1.cmp(&b.1));
    let actions = actions
        .into_iter()
        .map(|(value, label)| json!({"value": value, "label": label}))
        .collect();
    Ok((actors, actions))
}

/// What both pages show: the rows of the page, the form and the pager.
struct Listing {
    rows: Vec<Value>,
    total: u64,
    page: u64,
    errors: Value,
}

async fn listing(
    ctx: &AppContext,
    q: &AuditQuery,
    filter: Result<Filter, Vec<FieldError>>,
    list: &[members::Model],
    with_member: bool,
) -> Result<Listing, PageError> {
    let page = q.page.unwrap_or(1).max(1);
    let filter = match filter {
        Ok(f) => f,
        Err(errs) => {
            return Ok(Listing {
                rows: Vec::new(),
                total: 0,
                page: 1,
                errors: views::errors_map(errs),
            });
        }
    };
    let offset = (page - 1).saturating_mul(PER_PAGE);
    let (rows, total) = query::search(&ctx.db, &filter, PER_PAGE, offset).await?;
    let rows = rows
        .iter()
        .map(|r| {
            let mut v = json!(describe(r));
            if with_member {
                v["member"] = json!(r.member_id.map(|_| member_name(list, r.member_id)));
            }
            v
        })
        .collect();
    Ok(Listing {
        rows,
        total,
        page,
        errors: json!({}),
    })
}

fn context(l: Listing, q: &AuditQuery, coop: bool, base: &str, extra: Value) -> Value {
    let query = q.filters_query(coop);
    let mut ctx = json!({
        "rows": l.rows, "total": l.total, "page": l.page,
        "pages": l.total.div_ceil(PER_PAGE).max(1),
        "base": base,
        "query": query,
        "csv_href": if query.is_empty() { format!("{base}.csv") } else { format!("{base}.csv?{query}") },
        "filtered": !query.is_empty(),
        "errors": l.errors,
        "f": {
            "member": q.member.trim(), "actor": q.actor.trim(), "action": q.action.trim(),
            "from": iso_or_raw(&q.from), "to": iso_or_raw(&q.to),
        },
        "coop": coop,
    });
    if let (Some(obj), Value::Object(extra)) = (ctx.as_object_mut(), extra) {
        obj.extend(extra);
    }
    ctx
}

/// A date field's value for `<input type="date">` (ISO), or what was typed.
fn iso_or_raw(raw: &str) -> String {
    parse_day("from", raw)
        .ok()
        .flatten()
        .map_or_else(|| raw.trim().to_string(), |d| d.to_string())
}

fn status_of(l: &Listing) -> StatusCode {
    if l.errors.as_object().is_some_and(|m| !m.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// `GET /coop/audit`: the whole log, filtered; `?verify=1` walks the chain.
pub async fn coop_log(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<AuditQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("coop.audit", "read").await?;
    let list = member::list(&ctx.db).await?;
    let filter = coop_filter(&q, &list);
    let l = listing(&ctx, &q, filter, &list, true).await?;
    let status = status_of(&l);
    let (actors, actions) = choices(&ctx, MemberFilter::Any, &q).await?;
    let mut members: Vec<Value> =
        vec![json!({"value": "coop", "label": "Coopérative (hors adhérents)"})];
    members.extend(
        list.iter()
            .map(|m| json!({"value": m.slug, "label": m.name})),
    );
    let verify = if q.verify.is_some() {
        Some(match audit::verify(&ctx.db).await? {
            ChainReport::Intact { rows } => {
                json!({"ok": true, "message": format!("Chaîne intacte : {rows} lignes vérifiées.")})
            }
            ChainReport::Broken { seq, reason } => {
                json!({"ok": false, "message": format!("Chaîne rompue à la ligne {seq} : {reason}.")})
            }
        })
    } else {
        None
    };
    let data = context(
        l,
        &q,
        true,
        "/coop/audit",
        json!({
            "scope_label": "toute la coopérative", "verify": verify,
            "member_options": members, "actor_options": actors, "action_options": actions,
        }),
    );
    Page::for_coop(&ctx, &scope, "Journal d’audit", "/coop/audit")
        .await?
        .render_with_status(&v, &jar, "audit.html", data, status)
}

/// `GET /coop/audit.csv`: the filtered rows of the whole log.
pub async fn coop_csv(
    State(ctx): State<AppContext>,
    Query(q): Query<AuditQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    access.authorize("coop.audit", "read").await?;
    let list = member::list(&ctx.db).await?;
    let filter = coop_filter(&q, &list).map_err(AppError::Validation)?;
    let (rows, _) = query::export(&ctx.db, &filter, EXPORT_MAX).await?;
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                describe(r),
                r.member_id.map(|_| member_name(&list, r.member_id)),
            )
        })
        .collect();
    Ok(crate::web::page::download(
        "text/csv; charset=utf-8",
        &format!("journal-audit-{}.csv", crate::time::paris_today()),
        csv(&rows, true)?,
    ))
}

/// `GET /m/{slug}/audit`: the member's log (its director), filtered.
pub async fn member_log(
    State(ctx): State<AppContext>,
    v: ViewEngine<TeraView>,
    jar: CookieJar,
    Query(q): Query<AuditQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("audit", "read").await?;
    let m = scope.member();
    let own = MemberFilter::One(scope.member_id());
    let l = listing(&ctx, &q, parse_filter(&q, own), &[], false).await?;
    let status = status_of(&l);
    let (actors, actions) = choices(&ctx, own, &q).await?;
    let path = format!("/m/{}/audit", m.slug);
    let data = context(
        l,
        &q,
        false,
        &path,
        json!({"scope_label": m.name, "verify": null, "actor_options": actors, "action_options": actions}),
    );
    Page::for_scope(
        &ctx,
        &scope,
        &format!("Journal d’audit — {}", m.name),
        &path,
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Journal d’audit", "")
    .render_with_status(&v, &jar, "audit.html", data, status)
}

/// `GET /m/{slug}/audit.csv`: the member's filtered rows.
pub async fn member_csv(
    State(ctx): State<AppContext>,
    Query(q): Query<AuditQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("audit", "read").await?;
    let filter =
        parse_filter(&q, MemberFilter::One(scope.member_id())).map_err(AppError::Validation)?;
    let (rows, _) = query::export(&ctx.db, &filter, EXPORT_MAX).await?;
    let rows: Vec<(Described, Option<String>)> = rows
        .iter()
        .map(|r: &audit_log::Model| (describe(r), None))
        .collect();
    Ok(crate::web::page::download(
        "text/csv; charset=utf-8",
        &format!(
            "journal-audit-{}-{}.csv",
            scope.member().slug,
            crate::time::paris_today()
        ),
        csv(&rows, false)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: &str, to: &str) -> AuditQuery {
        AuditQuery {
            from: from.to_string(),
            to: to.to_string(),
            ..AuditQuery::default()
        }
    }

    #[test]
    fn days_are_paris_days() {
        let f = parse_filter(&q("2026-07-01", "01/07/2026"), MemberFilter::Any).unwrap();
        // CEST: 1 July 00:00 in Paris is 30 June 22:00 UTC; the last day is included.
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-06-30T22:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2026-07-01T22:00:00+00:00");
    }

    #[test]
    fn bad_days_name_their_field() {
        let e = parse_filter(&q("31/02/2026", "demain"), MemberFilter::Any).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].field, "from");
        assert!(e[0].message.contains("« 31/02/2026 »"), "{}", e[0].message);
        assert_eq!(e[1].field, "to");
        let e = parse_filter(&q("2026-07-02", "2026-07-01"), MemberFilter::Any).unwrap_err();
        assert_eq!(e[0].field, "to");
        assert_eq!(e[0].message, "La date de fin précède la date de début.");
    }

    #[test]
    fn action_is_an_object_and_maybe_an_action() {
        let mut a = AuditQuery {
            action: "leave_request.approve".to_string(),
            ..AuditQuery::default()
        };
        let f = parse_filter(&a, MemberFilter::One(3)).unwrap();
        assert_eq!(f.object_type.as_deref(), Some("leave_request"));
        assert_eq!(f.action.as_deref(), Some("approve"));
        assert_eq!(f.member, MemberFilter::One(3));
        a.action = "invoice".to_string();
        let f = parse_filter(&a, MemberFilter::Any).unwrap();
        assert_eq!(
            (f.object_type.as_deref(), f.action),
            (Some("invoice"), None)
        );
    }

    #[test]
    fn the_query_string_keeps_the_filters() {
        let a = AuditQuery {
            member: "tilleuls".to_string(),
            actor: "rh@tilleuls.example".to_string(),
            from: "2026-07-01".to_string(),
            page: Some(3),
            ..AuditQuery::default()
        };
        assert_eq!(
            a.filters_query(true),
            "member=tilleuls&actor=rh%40tilleuls.example&from=2026-07-01"
        );
        // A member's page has no member filter.
        assert_eq!(
            a.filters_query(false),
            "actor=rh%40tilleuls.example&from=2026-07-01"
        );
    }

    #[test]
    fn a_formula_is_not_a_formula_in_the_csv() {
        let d = Described {
            seq: 1,
            at: "18/11/2026 10:30".to_string(),
            actor: "=HYPERLINK(\"x\")".to_string(),
            object: "Compte".to_string(),
            object_id: "1".to_string(),
            object_id_short: "1".to_string(),
            action: "Création".to_string(),
            details: Vec::new(),
            unlabelled: Vec::new(),
        };
        let body = String::from_utf8(csv(&[(d, None)], true).unwrap()).unwrap();
        assert!(
            body.starts_with("\u{feff}N°;Date (heure de Paris);Qui;Adhérent;Objet"),
            "{body}"
        );
        assert!(body.contains("'=HYPERLINK"), "{body}");
        assert!(body.contains(";Coopérative;"), "{body}");
    }
}
