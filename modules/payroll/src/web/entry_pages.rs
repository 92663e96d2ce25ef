//! Payroll pages: the grid per establishment (one row per employee, one column per
//! frequent code) and one employee's entry (lines, removal, the add-line form).
#[allow(clippy::wildcard_imports)]
use super::*;

/// Codes shown in the grid even when no line uses them yet (the month's usual ones).
const USUAL: [&str; 6] = ["HS25", "HS50", "TR", "IK", "PRIME_EXCEP", "MAL"];
/// At most this many code columns.
const COLUMNS: usize = 9;

/// The grid's columns: the codes with most lines this period, then the usual ones.
#[must_use]
pub fn grid_codes(all: &[&Line]) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for l in all {
        match counts.iter_mut().find(|c| c.0 == l.code) {
            Some(c) => c.1 += 1,
            None => counts.push((l.code.clone(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<String> = counts.into_iter().map(|c| c.0).take(COLUMNS).collect();
    for u in USUAL {
        if out.len() >= COLUMNS {
            break;
        }
        if !out.iter().any(|c| c == u) {
            out.push(u.to_string());
        }
    }
    out
}

/// A cell: the total of an employee's lines of one code (the amount for euro codes).
fn cell(ls: &[&Line], code: &str) -> String {
    let of: Vec<&&Line> = ls.iter().filter(|l| l.code == code).collect();
    if of.is_empty() {
        return String::new();
    }
    match code_def(code).map(|d| d.unit) {
        Some(Unit::Euros) => fr_money(of.iter().map(|l| l.amount.unwrap_or_default()).sum()),
        _ => fr_decimal(of.iter().map(|l| l.quantity).sum()),
    }
}

/// The grid's query.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GridQuery {
    /// The establishment's NIC; empty: every employee.
    pub establishment: String,
}

/// `GET …/periods/{YYYY-MM}/grid?establishment=NIC`
pub async fn grid(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    Query(q): Query<GridQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    let m = scope.member();
    let t = scope.tenant();
    let sites = mutualis_core::member::establishments(&ctx.db, m.id).await?;
    let nic = q.establishment.trim().to_string();
    let site = sites.iter().find(|s| s.nic == nic);
    if !nic.is_empty() && site.is_none() {
        return Err(AppError::NotFound.into());
    }
    let all = lines::all(&ctx.db, t, month).await?;
    let found = findings::of_period(&ctx.db, t, month).await?;
    let (first, last) = (month.first_day(), periods::last_day(month));
    let staff: Vec<mutualis_hr::facts::Employee> = mutualis_hr::facts::employees(&ctx.db, t)
        .await?
        .into_iter()
        .filter(|e| nic.is_empty() || e.establishment_nic.as_deref() == Some(nic.as_str()))
        .filter(|e| {
            (e.entry_date <= last && e.exit_date.is_none_or(|x| x >= first))
                || all.iter().any(|l| l.matricule == e.matricule)
        })
        .collect();
    let mine: Vec<&Line> = all
        .iter()
        .filter(|l| staff.iter().any(|e| e.matricule == l.matricule))
        .collect();
    let codes = grid_codes(&mine);
    let base = period_path(&scope, month);
    let rows: Vec<Value> = staff
        .iter()
        .map(|e| {
            let ls: Vec<&Line> = mine
                .iter()
                .copied()
                .filter(|l| l.matricule == e.matricule)
                .collect();
            let others = ls.iter().filter(|l| !codes.contains(&l.code)).count();
            let blocking = found
                .iter()
                .filter(|f| f.matricule == e.matricule && f.severity == Severity::Blocking.code())
                .count();
            let warnings = found
                .iter()
                .filter(|f| {
                    f.matricule == e.matricule
                        && f.severity == Severity::Warning.code()
                        && !f.acknowledged
                })
                .count();
            json!({
                "id": e.id.to_string(), "matricule": e.matricule, "name": e.name,
                "href": format!("{base}/employees/{}", e.id),
                "cells": codes.iter().map(|c| cell(&ls, c)).collect::<Vec<_>>(),
                "others": others, "blocking": blocking, "warnings": warnings,
            })
        })
        .collect();
    let columns: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({"code": c, "label": lines::code_label(c),
                "unit": code_def(c).map(|d| d.unit.code()).unwrap_or_default()})
        })
        .collect();
    let site_name = site.map_or_else(|| "Tous les établissements".to_string(), |s| s.name.clone());
    let options: Vec<Value> = sites
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    payroll_page(
        Page::for_scope(
            &ctx,
            &scope,
            &format!("Grille de {} — {}", month_label(month), site_name),
            &base,
        )
        .await?,
        m,
    )
    .crumb(&month_label(month), &base)
    .crumb(&format!("Grille — {site_name}"), "")
    .render(
        &v,
        &jar,
        "payroll/grid.html",
        json!({
            "member": views::member(m), "base": base, "label": month_label(month), "period": month.to_string(),
            "site": site_name, "nic": nic, "sites": options, "columns": columns, "rows": rows,
            "can_entry": scope.can("payroll.entry", "write").await?
                && periods::is_open(&periods::status_of(&ctx.db, t, month).await?),
        }),
    )
}

/// The add-line form (strings, as typed).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct LineForm {
    pub code: String,
    pub quantity: String,
    pub amount: String,
    pub rate: String,
    pub start_date: String,
    pub end_date: String,
    /// `first`, `extension` or empty.
    pub first_stop: String,
    pub certificate: String,
    pub concerns: String,
    pub comment: String,
}

impl LineForm {
    fn input(&self, matricule: &str) -> lines::LineInput {
        lines::LineInput {
            matricule: matricule.to_string(),
            code: self.code.trim().to_uppercase(),
            quantity: self.quantity.clone(),
            amount: self.amount.clone(),
            rate: self.rate.clone(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            first_stop: match self.first_stop.as_str() {
                "first" => Some(true),
                "extension" => Some(false),
                _ => None,
            },
            certificate: matches!(self.certificate.as_str(), "on" | "true" | "1"),
            concerns: self.concerns.clone(),
            comment: self.comment.clone(),
        }
    }
}

async fn employee_of(
    ctx: &AppContext,
    scope: &Scope,
    id: Uuid,
) -> Result<mutualis_hr::facts::Employee, PageError> {
    mutualis_hr::facts::employees(&ctx.db, scope.tenant())
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| AppError::NotFound.into())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn employee_view(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    month: Month,
    e: &mutualis_hr::facts::Employee,
    form: &LineForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let t = scope.tenant();
    let st = periods::status_of(&ctx.db, t, month).await?;
    let all = lines::all(&ctx.db, t, month).await?;
    let rows: Vec<Value> = all
        .iter()
        .filter(|l| l.matricule == e.matricule)
        .map(|l| line_view(l, month))
        .collect();
    let found: Vec<Value> = findings::of_period(&ctx.db, t, month)
        .await?
        .iter()
        .filter(|f| f.matricule == e.matricule)
        .map(finding_view)
        .collect();
    let base = period_path(scope, month);
    let grid = format!(
        "{base}/grid?establishment={}",
        e.establishment_nic.clone().unwrap_or_default()
    );
    payroll_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("{} — paie de {}", e.name, month_label(month)),
            &base,
        )
        .await?,
        m,
    )
    .crumb(&month_label(month), &base)
    .crumb("Grille", &grid)
    .crumb(&e.name, "")
    .render_with_status(
        v,
        jar,
        "payroll/employee.html",
        json!({
            "member": views::member(m), "base": base, "label": month_label(month), "period": month.to_string(),
            "employee": {"id": e.id.to_string(), "name": e.name, "matricule": e.matricule},
            "lines": rows, "findings": found, "form": form, "errors": errors, "codes": code_options(),
            "grid": grid, "status": status_badge(&st),
            "can_entry": scope.can("payroll.entry", "write").await? && periods::is_open(&st),
            "first_stop_options": [{"value": "first", "label": "Arrêt initial"}, {"value": "extension", "label": "Prolongation"}],
        }),
        status,
    )
}

/// `GET …/periods/{YYYY-MM}/employees/{id}`: the employee's lines and the add-line form.
pub async fn employee_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    let e = employee_of(&ctx, &scope, id).await?;
    employee_view(
        &ctx,
        &v,
        &jar,
        &scope,
        month,
        &e,
        &LineForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST …/periods/{YYYY-MM}/employees/{id}/lines`: a typed line (422 with each error
/// under its field; a locked period says so in French, 409).
pub async fn add_line(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
    form: WebForm<LineForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let e = employee_of(&ctx, &scope, id).await?;
    let w = scope.write(&ctx.db).await?;
    let result = match lines::add(
        &w,
        &scope.actor().label,
        month,
        &form.value.input(&e.matricule),
    )
    .await
    {
        Ok(l) => w.commit().await.map(|()| l),
        Err(err) => Err(err),
    };
    if let Err(AppError::Conflict(msg)) = &result {
        let errors = json!({"_form": msg});
        return employee_view(
            &ctx,
            &v,
            &jar,
            &scope,
            month,
            &e,
            &form.value,
            errors,
            StatusCode::CONFLICT,
        )
        .await;
    }
    let back = format!("{}/employees/{id}", period_path(&scope, month));
    form_reply(
        result,
        |l| {
            Done::new(
                back.clone(),
                format!(
                    "Élément {} enregistré pour {}{}.",
                    lines::code_label(&l.code).to_lowercase(),
                    e.name,
                    if l.late {
                        " (saisi après la date de clôture : signalé comme tardif)"
                    } else {
                        ""
                    }
                ),
            )
        },
        |errors| {
            employee_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                &e,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// The removal form: the page to come back to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub employee: String,
}

/// `POST …/periods/{YYYY-MM}/lines/{id}/delete` (not an `hr` line: it follows HR).
pub async fn delete_line(
    State(ctx): State<AppContext>,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
    form: WebForm<DeleteForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let base = period_path(&scope, month);
    let back = Uuid::parse_str(form.value.employee.trim())
        .map_or_else(|_| base.clone(), |e| format!("{base}/employees/{e}"));
    let w = scope.write(&ctx.db).await?;
    match lines::delete(&w, month, id).await {
        Ok(()) => {
            w.commit().await?;
            Ok(redirect_with_flash(&back, "success", "Élément supprimé."))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            Ok(redirect_with_flash(&back, "error", &e.message()))
        }
        Err(e) => Err(e.into()),
    }
}
