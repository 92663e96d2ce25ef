//! Payroll pages: the member's landing, a period (status, transitions, findings and their
//! acknowledgement, the exported files).
#[allow(clippy::wildcard_imports)]
use super::*;

/// How many earlier periods the landing lists (half a year: each is checked again to
/// count its findings; older ones are a « Mois précédent » away).
const RECENT: usize = 6;

/// `GET /m/{slug}/payroll`: the current period and the recent ones.
pub async fn home(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.home", "read").await?;
    let m = scope.member();
    let today = paris_today();
    let current = Month::of(chrono::Utc::now());
    let now = summary_view(&api::summary(&ctx, &scope, current).await?, today);
    let mut recent = Vec::new();
    for p in periods::list(&ctx.db, scope.tenant())
        .await?
        .iter()
        .filter(|p| p.period != current.to_string())
        .take(RECENT)
    {
        let month = Month::parse(&p.period)?;
        recent.push(summary_view(
            &api::summary(&ctx, &scope, month).await?,
            today,
        ));
    }
    Page::for_scope(
        &ctx,
        &scope,
        &format!("Paie — {}", m.name),
        &format!("/m/{}/payroll", m.slug),
    )
    .await?
    .crumb(&m.name, &format!("/m/{}", m.slug))
    .crumb("Paie", "")
    .render(
        &v,
        &jar,
        "payroll/home.html",
        json!({
            "member": views::member(m), "current": now, "recent": recent,
            "can_settings": scope.can("payroll.settings", "write").await?,
        }),
    )
}

/// What a period page shows again after a refused form: the values typed and the errors.
#[derive(Debug)]
pub(super) struct Again {
    /// The obstacles of a refused submission.
    submit: Value,
    /// The finding whose acknowledgement was refused, its comment and the error.
    ack: Option<(String, String, String)>,
    reason: String,
    reopen: Value,
    export: Value,
}

impl Default for Again {
    fn default() -> Self {
        Self {
            submit: json!([]),
            ack: None,
            reason: String::new(),
            reopen: json!({}),
            export: json!({}),
        }
    }
}

pub(super) async fn period_view(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    month: Month,
    again: Again,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let today = paris_today();
    let t = scope.tenant();
    let summary = api::summary(ctx, scope, month).await?;
    let all = lines::all(&ctx.db, t, month).await?;
    let found = findings::of_period(&ctx.db, t, month).await?;
    // Totals per code.
    let mut codes: Vec<(String, usize, Decimal, Decimal)> = Vec::new();
    for l in &all {
        match codes.iter_mut().find(|c| c.0 == l.code) {
            Some(c) => {
                c.1 += 1;
                c.2 += l.quantity;
                c.3 += l.amount.unwrap_or_default();
            }
            None => codes.push((l.code.clone(), 1, l.quantity, l.amount.unwrap_or_default())),
        }
    }
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let totals: Vec<Value> = codes
        .iter()
        .map(|(code, n, q, a)| {
            let unit = code_def(code).map(|d| d.unit);
            json!({
                "code": code, "label": lines::code_label(code), "lines": n,
                "total": match unit {
                    Some(Unit::Euros) => fr_money(*a),
                    Some(u) => format!("{} {}", fr_decimal(*q), unit_label(u, *q)),
                    None => fr_decimal(*q),
                },
            })
        })
        .collect();
    let amendments: Vec<Value> = all
        .iter()
        .filter(|l| l.concerns != month)
        .map(|l| line_view(l, month))
        .collect();
    let (ack_id, ack_comment, ack_error) = again.ack.unwrap_or_default();
    let shown: Vec<Value> = found
        .iter()
        .map(|f| {
            let mut v = finding_view(f);
            if f.id.to_string() == ack_id {
                v["comment_typed"] = json!(ack_comment);
                v["error"] = json!(ack_error);
            }
            v
        })
        .collect();
    let can_download = scope.can("payroll.export", "read").await?;
    let files: Vec<Value> = crate::files::history(&ctx.db, t, month)
        .await?
        .iter()
        .map(|f| {
            json!({
                "name": f.name, "kind": f.kind, "version": f.version, "current": f.current,
                "sha": f.sha256.get(..12).unwrap_or_default(), "at": fr_datetime(f.created_at), "by": f.created_by,
                "href": (f.current && can_download).then(|| format!("{}/{}", period_path(scope, month), file_route(&f.kind))),
            })
        })
        .collect();
    let establishments = mutualis_core::member::establishments(&ctx.db, m.id).await?;
    let sites: Vec<Value> = establishments
        .iter()
        .map(|s| json!({"nic": s.nic, "name": s.name}))
        .collect();
    let profiles: Vec<Value> = crate::files::profiles(&ctx.db)
        .await?
        .iter()
        .map(|p| json!({"value": p.code, "label": p.name}))
        .collect();
    let settings = periods::settings(&ctx.db, t).await?;
    let st = summary.status.clone();
    let open = periods::is_open(&st);
    let can_entry = scope.can("payroll.entry", "write").await?;
    let can_validate = scope.can("payroll.validate", "write").await?;
    let can_export = scope.can("payroll.export", "write").await?;
    let can_reopen = scope.can("payroll.reopen", "write").await?;
    let base = period_path(scope, month);
    payroll_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("Paie de {} — {}", month_label(month), m.name),
            &base,
        )
        .await?,
        m,
    )
    .crumb(&month_label(month), "")
    .render_with_status(
        v,
        jar,
        "payroll/period.html",
        json!({
            "member": views::member(m), "base": base, "period": month.to_string(), "label": month_label(month),
            "summary": summary_view(&summary, today), "totals": totals, "amendments": amendments,
            "findings": shown, "files": files, "sites": sites, "profiles": profiles, "profile": settings.profile,
            "prev": month.prev().to_string(), "next": month.next().to_string(),
            "may_submit": open && can_entry, "may_validate": st == periods::status::SUBMITTED && can_validate,
            "may_export": (st == periods::status::VALIDATED || st == periods::status::EXPORTED) && can_export,
            "may_reopen": !open && can_reopen, "can_entry": can_entry && open,
            "submitted_no_validate": st == periods::status::SUBMITTED && !can_validate,
            "submit_errors": again.submit, "reason": again.reason, "reopen_errors": again.reopen,
            "export_errors": again.export,
        }),
        status,
    )
}

/// The page route of a file kind.
fn file_route(kind: &str) -> &'static str {
    match kind {
        "csv" => "export.csv",
        "xlsx" => "export.xlsx",
        "123paie" => "export-123paie.txt",
        _ => "recap.pdf",
    }
}

/// `GET /m/{slug}/payroll/periods/{YYYY-MM}`
pub async fn period_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    period_view(
        &ctx,
        &v,
        &jar,
        &scope,
        month,
        Again::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST …/submit`: to the director; refused (422, the page listing what stands in the
/// way) while a blocking finding or an unacknowledged warning is left.
pub async fn submit(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    _form: WebForm<Empty>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let back = period_path(&scope, month);
    match crate::transitions::submit(&ctx.db, &scope, month).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Période de {} soumise à la direction pour validation.",
                month_label(month)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let list: Vec<String> = errs.into_iter().map(|e| e.message).collect();
            let again = Again {
                submit: json!(list),
                ..Again::default()
            };
            period_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                again,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// `POST …/validate` (the director): the period is locked.
pub async fn validate(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    _form: WebForm<Empty>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.validate", "write").await?;
    let month = month_of(&p)?;
    let back = period_path(&scope, month);
    let w = scope.write(&ctx.db).await?;
    match periods::validate(&w, &scope.actor().label, month).await {
        Ok(_) => {
            w.commit().await?;
            Ok(redirect_with_flash(
                &back,
                "success",
                &format!(
                    "Période de {} validée : elle est verrouillée et peut être exportée.",
                    month_label(month)
                ),
            ))
        }
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// The export form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExportForm {
    pub profile: String,
}

/// `POST …/export` (director, payroll officer): the files, hashed and versioned.
pub async fn export(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    form: WebForm<ExportForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.export", "write").await?;
    let month = month_of(&p)?;
    let back = period_path(&scope, month);
    let profile = form.value.profile.trim().to_string();
    let result = if profile.is_empty() {
        Err(AppError::field("profile", "Choisissez le format d’export."))
    } else {
        let w = scope.write(&ctx.db).await?;
        match crate::exports::export(&w, &scope.actor().label, month, &profile).await {
            Ok(files) => w.commit().await.map(|()| files),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(files) => Ok(redirect_with_flash(
            &format!("{back}#fichiers"),
            "success",
            &format!(
                "Période exportée : {} fichier{} prêt{} à télécharger.",
                files.len(),
                if files.len() > 1 { "s" } else { "" },
                if files.len() > 1 { "s" } else { "" }
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let again = Again {
                export: views::errors_map(errs),
                ..Again::default()
            };
            period_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                again,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// The reopening form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReopenForm {
    pub reason: String,
}

/// `POST …/reopen` (the director), with its reason.
pub async fn reopen(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    form: WebForm<ReopenForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.reopen", "write").await?;
    let month = month_of(&p)?;
    let back = period_path(&scope, month);
    match crate::transitions::reopen(&ctx.db, &scope, month, &form.value.reason).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Période de {} rouverte : les corrections s’y saisissent, puis elle se soumet à nouveau.",
                month_label(month)
            ),
        )),
        Err(AppError::Validation(errs)) => {
            let again = Again {
                reason: form.value.reason.clone(),
                reopen: views::errors_map(errs),
                ..Again::default()
            };
            period_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                again,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(msg)) => Ok(redirect_with_flash(&back, "error", &msg)),
        Err(e) => Err(e.into()),
    }
}

/// The acknowledgement form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AckForm {
    pub comment: String,
}

/// `POST …/findings/{id}/acknowledge`: a warning acknowledged with its comment.
pub async fn acknowledge(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
    form: WebForm<AckForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let back = period_path(&scope, month);
    let w = scope.write(&ctx.db).await?;
    let result =
        match findings::acknowledge(&w, &scope.actor().label, month, id, &form.value.comment).await
        {
            Ok(f) => w.commit().await.map(|()| f),
            Err(e) => Err(e),
        };
    match result {
        Ok(f) => Ok(redirect_with_flash(
            &format!("{back}#anomalies"),
            "success",
            &format!("Avertissement acquitté ({}).", f.matricule),
        )),
        Err(AppError::Validation(errs)) => {
            let msg = errs
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(" ");
            let again = Again {
                ack: Some((id.to_string(), form.value.comment.clone(), msg)),
                ..Again::default()
            };
            period_view(
                &ctx,
                &v,
                &jar,
                &scope,
                month,
                again,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        // A locked period (the form is not offered there): the error page, 409.
        Err(e) => Err(e.into()),
    }
}

async fn file(
    ctx: &AppContext,
    access: MemberAccess,
    p: &str,
    kind: &str,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.export", "read").await?;
    let month = month_of(p)?;
    let f = crate::files::current(&ctx.db, scope.tenant(), month, kind).await?;
    Ok(download(
        crate::exports::media_type(kind),
        &f.name,
        f.content,
    ))
}

/// `GET …/export.csv` (the session's download of the current file).
pub async fn file_csv(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    file(&ctx, access, &p, "csv").await
}

/// `GET …/export.xlsx`
pub async fn file_xlsx(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    file(&ctx, access, &p, "xlsx").await
}

/// `GET …/export-123paie.txt`
pub async fn file_123paie(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    file(&ctx, access, &p, "123paie").await
}

/// `GET …/recap.pdf`
pub async fn file_recap(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    file(&ctx, access, &p, "recap").await
}
