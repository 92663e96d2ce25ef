//! HR pages: the personnel register, on screen and as PDF or XLSX.
#[allow(clippy::wildcard_imports)]
use super::*;

/// `GET /m/{slug}/hr/register?date=&establishment=`
pub async fn register_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.register", "read").await?;
    let m = scope.member();
    let (r, error) = match register::for_query(&ctx.db, &scope, &q).await {
        Ok(r) => (r, None),
        Err(AppError::Validation(e)) => (
            register::for_query(&ctx.db, &scope, &RegisterQuery::default()).await?,
            e.first().map(|e| e.message.clone()),
        ),
        Err(e) => return Err(e.into()),
    };
    let sites: Vec<Value> = member::establishments(&ctx.db, m.id)
        .await?
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    let lines: Vec<Value> = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "n": i + 1, "matricule": l.matricule, "name": format!("{} {}", l.last_name, l.first_name),
                "nationality": l.nationality, "birth": fr_date(l.birth_date), "sex": if l.sex == "F" { "F" } else { "H" },
                "job": l.job, "qualification": l.qualification, "entry": fr_date(l.entry_date),
                "exit": l.exit_date.map(fr_date), "permit": l.permit, "mentions": l.mentions.join(" · "),
                "without_contract": l.without_contract,
            })
        })
        .collect();
    let query = format!(
        "date={}{}",
        r.at,
        q.establishment
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("&establishment={}", s.trim()))
            .unwrap_or_default()
    );
    hr_page(
        Page::for_scope(
            &ctx,
            &scope,
            &format!("Registre unique du personnel — {}", m.name),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb("Registre du personnel", "")
    .render(
        &v,
        &jar,
        "hr/register.html",
        json!({
            "member": views::member(m), "tabs": tabs(&scope, "register").await?, "lines": lines,
            "date": r.at.to_string(), "date_fr": fr_date(r.at), "sites": sites,
            "establishment": q.establishment.clone().unwrap_or_default(), "query": query,
            "error": error, "headers": register_docs::HEADERS,
        }),
    )
}

pub(super) async fn register_file(
    ctx: &AppContext,
    access: MemberAccess,
    q: &RegisterQuery,
    pdf: bool,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.register", "read").await?;
    let r = register::for_query(&ctx.db, &scope, q).await?;
    let (content_type, name, bytes) = register::file(&r, &scope.member().slug, pdf)?;
    Ok(download(content_type, &name, bytes))
}

/// `GET /m/{slug}/hr/register.pdf?date=`
pub async fn register_pdf(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    register_file(&ctx, access, &q, true).await
}

/// `GET /m/{slug}/hr/register.xlsx?date=`
pub async fn register_xlsx(
    State(ctx): State<AppContext>,
    Query(q): Query<RegisterQuery>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    register_file(&ctx, access, &q, false).await
}
