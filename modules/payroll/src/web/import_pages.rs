//! Payroll pages: a period's spreadsheet imports (upload, the per-row report, the
//! confirmation of the valid rows in one transaction; the same file recognised).
#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) async fn imports_view(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    month: Month,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let t = scope.tenant();
    let base = period_path(scope, month);
    let rows: Vec<Value> = imports::of_period(&ctx.db, t, month)
        .await?
        .iter()
        .map(|i| {
            json!({
                "id": i.id.to_string(), "file": i.filename, "at": fr_datetime(i.created_at), "by": i.created_by,
                "rows": i.rows, "valid": i.valid, "invalid": i.rows - i.valid, "imported": i.imported,
                "status": if i.status == "confirmed" { json!({"label": "Importé", "kind": "ok"}) } else { json!({"label": "À confirmer", "kind": "warn"}) },
            })
        })
        .collect();
    let own = imports::mapping(&ctx.db, t).await?;
    let fields: Vec<Value> = imports::FIELDS
        .iter()
        .map(|(f, label, known)| {
            let mine: Vec<&String> = own.iter().filter(|(_, x)| x == f).map(|(t, _)| t).collect();
            json!({"field": f, "label": label, "known": known.join(" · "), "own": mine})
        })
        .collect();
    let st = periods::status_of(&ctx.db, t, month).await?;
    payroll_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("Import des éléments de {} — {}", month_label(month), m.name),
            &base,
        )
        .await?,
        m,
    )
    .crumb(&month_label(month), &base)
    .crumb("Import", "")
    .render_with_status(
        v,
        jar,
        "payroll/imports.html",
        json!({
            "member": views::member(m), "base": base, "label": month_label(month), "rows": rows,
            "fields": fields, "error": error, "open": periods::is_open(&st),
            "can_import": scope.can("payroll.entry", "write").await? && periods::is_open(&st),
            "can_settings": scope.can("payroll.settings", "write").await?,
        }),
        status,
    )
}

/// `GET …/periods/{YYYY-MM}/imports`
pub async fn imports_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    imports_view(&ctx, &v, &jar, &scope, month, None, StatusCode::OK).await
}

/// `POST …/periods/{YYYY-MM}/imports` (multipart `file` + `csrf`): stages the file, then
/// shows its report; the same file again adds nothing.
pub async fn upload(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    mp: Multipart,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let path = format!("{}/imports", period_path(&scope, month));
    let (name, bytes, fields) = match mutualis_hr::api::read_upload(mp).await {
        Ok(u) => u,
        Err(AppError::Validation(e)) => {
            return imports_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                e.first().map(|e| e.message.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    check_csrf(scope.identity(), token, &path)?;
    let w = scope.write(&ctx.db).await?;
    let staged = match imports::upload(&w, &scope.actor().label, month, &name, &bytes).await {
        Ok(s) => w.commit().await.map(|()| s),
        Err(e) => Err(e),
    };
    match staged {
        Ok(s) if s.already_imported => Ok(redirect_with_flash(
            &format!("{path}/{}", s.import.id),
            "error",
            &format!(
                "Ce fichier a déjà été importé le {} par {} : rien n’a été ajouté.",
                fr_datetime(s.import.created_at),
                s.import.created_by
            ),
        )),
        Ok(s) => Ok(redirect_with_flash(
            &format!("{path}/{}", s.import.id),
            "success",
            &format!(
                "Fichier lu : {} ligne{}, {} valide{}. Vérifiez le rapport puis confirmez.",
                s.import.rows,
                if s.import.rows > 1 { "s" } else { "" },
                s.import.valid,
                if s.import.valid > 1 { "s" } else { "" }
            ),
        )),
        Err(AppError::Validation(e)) => {
            imports_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                e.first().map(|e| e.message.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&path, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// `GET …/periods/{YYYY-MM}/imports/{id}`: the per-row report and the confirmation.
pub async fn import_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    let i = imports::get(&ctx.db, scope.tenant(), id).await?;
    if i.period != month.to_string() {
        return Err(AppError::NotFound.into());
    }
    let errors: Vec<imports::RowError> = serde_json::from_str(&i.report).unwrap_or_default();
    let m = scope.member();
    let base = period_path(&scope, month);
    let st = periods::status_of(&ctx.db, scope.tenant(), month).await?;
    payroll_page(
        Page::for_scope(&ctx, &scope, &format!("Import « {} »", i.filename), &base).await?,
        m,
    )
    .crumb(&month_label(month), &base)
    .crumb("Import", &format!("{base}/imports"))
    .crumb(&i.filename, "")
    .render(
        &v,
        &jar,
        "payroll/import.html",
        json!({
            "member": views::member(m), "base": base, "id": i.id.to_string(), "file": i.filename,
            "rows": i.rows, "valid": i.valid, "invalid": i.rows - i.valid, "errors": errors,
            "staged": i.status == "staged", "imported": i.imported, "at": fr_datetime(i.created_at), "by": i.created_by,
            "can_confirm": scope.can("payroll.entry", "write").await? && periods::is_open(&st) && i.status == "staged" && i.valid > 0,
        }),
    )
}

/// `POST …/periods/{YYYY-MM}/imports/{id}/confirm`: the valid rows, in one transaction.
pub async fn confirm_import(
    State(ctx): State<AppContext>,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
    _form: WebForm<Empty>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let base = period_path(&scope, month);
    let w = scope.write(&ctx.db).await?;
    let result = match imports::confirm(&w, &scope.actor().label, month, id).await {
        Ok(n) => w.commit().await.map(|()| n),
        Err(e) => Err(e),
    };
    match result {
        Ok(n) => Ok(redirect_with_flash(
            &base,
            "success",
            &format!(
                "Import confirmé : {n} élément{} ajouté{} à la période.",
                if n > 1 { "s" } else { "" },
                if n > 1 { "s" } else { "" }
            ),
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => Ok(redirect_with_flash(
            &format!("{base}/imports/{id}"),
            "error",
            &e.message(),
        )),
        Err(e) => Err(e.into()),
    }
}
