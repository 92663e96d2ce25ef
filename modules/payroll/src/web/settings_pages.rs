//! Payroll pages: the member's settings (cut-off day, default export profile, company
//! code at the provider), its codes at its payroll software, its spreadsheet titles.
#[allow(clippy::wildcard_imports)]
use super::*;

/// The settings form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct SettingsForm {
    pub cutoff_day: String,
    pub profile: String,
    pub company_code: String,
}

/// A code mapping form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
    pub provider_code: String,
}

/// A title mapping form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TitleForm {
    pub title: String,
    pub field: String,
}

/// The forms of the settings page, with what was typed and the errors.
#[derive(Debug)]
pub(super) struct SettingsAgain {
    settings: Option<SettingsForm>,
    settings_errors: Value,
    code: CodeForm,
    code_errors: Value,
    title: TitleForm,
    title_errors: Value,
}

impl Default for SettingsAgain {
    fn default() -> Self {
        Self {
            settings: None,
            settings_errors: json!({}),
            code: CodeForm::default(),
            code_errors: json!({}),
            title: TitleForm::default(),
            title_errors: json!({}),
        }
    }
}

pub(super) async fn settings_view(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    again: SettingsAgain,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let t = scope.tenant();
    let s = periods::settings(&ctx.db, t).await?;
    let form = again.settings.unwrap_or_else(|| SettingsForm {
        cutoff_day: s.cutoff_day.to_string(),
        profile: s.profile.clone(),
        company_code: s.company_code.clone().unwrap_or_default(),
    });
    let profiles: Vec<Value> = crate::files::profiles(&ctx.db)
        .await?
        .iter()
        .map(|p| json!({"value": p.code, "label": p.name}))
        .collect();
    let map = crate::files::code_map(&ctx.db, t).await?;
    let codes: Vec<Value> = CATALOGUE
        .iter()
        .map(|d| json!({"code": d.code, "label": d.label, "unit": d.unit.code(), "provider": map.get(d.code)}))
        .collect();
    let titles: Vec<Value> = imports::mapping(&ctx.db, t)
        .await?
        .iter()
        .map(|(title, field)| {
            json!({"title": title, "field": imports::FIELDS.iter().find(|f| f.0 == field).map_or(field.as_str(), |f| f.1)})
        })
        .collect();
    let fields: Vec<Value> = imports::FIELDS
        .iter()
        .map(|(f, label, _)| json!({"value": f, "label": label}))
        .collect();
    let path = format!("/m/{}/payroll/settings", m.slug);
    payroll_page(
        Page::for_scope(ctx, scope, &format!("Réglages de la paie — {}", m.name), &path).await?,
        m,
    )
    .crumb("Réglages", "")
    .render_with_status(
        v,
        jar,
        "payroll/settings.html",
        json!({
            "member": views::member(m), "form": form, "errors": again.settings_errors, "profiles": profiles,
            "codes": codes, "code_options": code_options(), "code": again.code, "code_errors": again.code_errors,
            "titles": titles, "fields": fields, "title": again.title, "title_errors": again.title_errors,
        }),
        status,
    )
}

/// `GET /m/{slug}/payroll/settings` (director, payroll officer).
pub async fn settings_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.settings", "read").await?;
    settings_view(
        &ctx,
        &v,
        &jar,
        &scope,
        SettingsAgain::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/payroll/settings`
pub async fn save_settings(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<SettingsForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.settings", "write").await?;
    let codes: Vec<String> = crate::files::profiles(&ctx.db)
        .await?
        .into_iter()
        .map(|p| p.code)
        .collect();
    let f = &form.value;
    let w = scope.write(&ctx.db).await?;
    let result = match periods::save_settings(
        &w,
        &f.cutoff_day,
        &f.profile,
        &f.company_code,
        &codes,
    )
    .await
    {
        Ok(s) => w.commit().await.map(|()| s),
        Err(e) => Err(e),
    };
    let path = format!("/m/{}/payroll/settings", scope.member().slug);
    form_reply(
        result,
        |s| {
            Done::new(
                path.clone(),
                format!(
                    "Réglages enregistrés : clôture le {} de chaque mois pour les périodes à venir.",
                    s.cutoff_day
                ),
            )
        },
        |errors| {
            settings_view(
                &ctx,
                &v,
                &jar,
                &scope,
                SettingsAgain {
                    settings: Some(form.value.clone()),
                    settings_errors: errors,
                    ..SettingsAgain::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/payroll/settings/codes`: one code at the member's payroll software.
pub async fn save_code(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<CodeForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.settings", "write").await?;
    let w = scope.write(&ctx.db).await?;
    let result = match crate::files::set_code(&w, &form.value.code, &form.value.provider_code).await
    {
        Ok(()) => w.commit().await,
        Err(e) => Err(e),
    };
    let path = format!("/m/{}/payroll/settings#codes", scope.member().slug);
    form_reply(
        result,
        |()| {
            Done::new(
                path.clone(),
                format!(
                    "Code {} associé à « {} » dans votre logiciel de paie.",
                    form.value.code.trim().to_uppercase(),
                    form.value.provider_code.trim()
                ),
            )
        },
        |errors| {
            settings_view(
                &ctx,
                &v,
                &jar,
                &scope,
                SettingsAgain {
                    code: form.value.clone(),
                    code_errors: errors,
                    ..SettingsAgain::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/payroll/settings/titles`: a column title of the member's spreadsheets.
pub async fn save_title(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<TitleForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("payroll.settings", "write").await?;
    let w = scope.write(&ctx.db).await?;
    let result = match imports::set_mapping(&w, &form.value.title, &form.value.field).await {
        Ok(()) => w.commit().await,
        Err(e) => Err(e),
    };
    let path = format!("/m/{}/payroll/settings#titres", scope.member().slug);
    form_reply(
        result,
        |()| {
            Done::new(
                path.clone(),
                format!(
                    "Titre « {} » enregistré pour vos prochains imports.",
                    form.value.title.trim()
                ),
            )
        },
        |errors| {
            settings_view(
                &ctx,
                &v,
                &jar,
                &scope,
                SettingsAgain {
                    title: form.value.clone(),
                    title_errors: errors,
                    ..SettingsAgain::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
