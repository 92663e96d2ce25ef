//! HR pages: spreadsheet imports (upload, per-row report, confirmation, template).
#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) async fn imports_list(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let rows: Vec<Value> = import::list(&ctx.db, scope)
        .await?
        .iter()
        .map(|i| {
            json!({
                "id": i.id.to_string(), "file": i.filename, "at": fr_datetime(i.created_at), "by": i.created_by,
                "rows": i.rows, "valid": i.valid, "invalid": i.rows - i.valid,
                "status": if i.status == "confirmed" { json!({"label": "Importé", "kind": "ok"}) } else { json!({"label": "À confirmer", "kind": "warn"}) },
                "imported": i.imported,
            })
        })
        .collect();
    hr_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("Import de salariés — {}", m.name),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb("Import", "")
    .render_with_status(
        v,
        jar,
        "hr/imports.html",
        json!({
            "member": views::member(m), "tabs": tabs(scope, "imports").await?, "rows": rows,
            "error": error, "can_import": scope.can("hr.imports", "write").await?,
            "max_rows": fr_decimal(Decimal::from(import::MAX_ROWS)),
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/imports`
pub async fn imports_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "read").await?;
    imports_list(&ctx, &v, &jar, &scope, None, StatusCode::OK).await
}

/// `POST /m/{slug}/hr/imports` (multipart `file` + `csrf`): stages the file, then shows
/// its report.
pub async fn upload(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    mp: Multipart,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "write").await?;
    let path = format!("/m/{}/hr/imports", scope.member().slug);
    let upload = read_upload(mp).await;
    let (name, bytes, fields) = match upload {
        Ok(u) => u,
        Err(AppError::Validation(e)) => {
            return imports_list(
                &ctx,
                &v,
                &jar,
                &scope,
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
    match import::stage(&ctx.db, &scope, &name, &bytes).await {
        Ok(i) => Ok(redirect_with_flash(
            &format!("{path}/{}", i.id),
            "success",
            &format!(
                "Fichier lu : {} ligne{}, {} valide{}. Vérifiez le rapport puis confirmez.",
                i.rows,
                if i.rows > 1 { "s" } else { "" },
                i.valid,
                if i.valid > 1 { "s" } else { "" }
            ),
        )),
        Err(AppError::Validation(e)) => {
            imports_list(
                &ctx,
                &v,
                &jar,
                &scope,
                e.first().map(|e| e.message.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/hr/imports/{id}`: the per-row report and the confirmation.
pub async fn import_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "read").await?;
    let i = import::get(&ctx.db, &scope, id).await?;
    let errors = import::errors_of(&i);
    // From the totals: the report keeps only the first errors.
    let bad_rows = i.rows - i.valid;
    let m = scope.member();
    hr_page(
        Page::for_scope(
            &ctx,
            &scope,
            &format!("Import « {} »", i.filename),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb("Import", &format!("/m/{}/hr/imports", m.slug))
    .crumb(&i.filename, "")
    .render(
        &v,
        &jar,
        "hr/import.html",
        json!({
            "member": views::member(m), "id": i.id.to_string(), "file": i.filename, "rows": i.rows,
            "valid": i.valid, "bad_rows": bad_rows, "errors": errors.iter().filter(|e| e.row > 0).collect::<Vec<_>>(),
            "notes": errors.iter().filter(|e| e.row == 0).map(|e| &e.message).collect::<Vec<_>>(), "staged": i.status == "staged",
            "imported": i.imported, "confirmed_at": i.confirmed_at.map(fr_datetime),
            "can_import": scope.can("hr.imports", "write").await?,
        }),
    )
}

/// The confirmation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    pub strict: String,
}

/// `POST /m/{slug}/hr/imports/{id}/confirm`
pub async fn confirm_import(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.imports", "write").await?;
    let back = format!("/m/{}/hr/imports/{id}", scope.member().slug);
    let strict = matches!(form.value.strict.as_str(), "on" | "true" | "1");
    match import::confirm(&ctx.db, &scope, id, strict).await {
        Ok(i) => Ok(redirect_with_flash(
            &format!("/m/{}/hr", scope.member().slug),
            "success",
            &format!(
                "Import confirmé : {} salarié{} et leur contrat enregistrés.",
                i.imported.unwrap_or(0),
                if i.imported.unwrap_or(0) > 1 { "s" } else { "" }
            ),
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            Ok(redirect_with_flash(&back, "error", &e.message()))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/hr/imports/template.xlsx`
pub async fn template(access: MemberAccess) -> Result<Response, PageError> {
    access.authorize("hr.imports", "read").await?;
    Ok(download(
        XLSX,
        "modele-import-salaries.xlsx",
        import::template_xlsx()?,
    ))
}
