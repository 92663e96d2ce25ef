//! GDPR pages across the members a DPO serves: the desk (every running legal clock,
//! the most urgent first) and the templates (kept once, deployed to many members).
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::{activities, desk, templates};
use activity_pages::{ActivityForm, form_context};
use mutualis_core::served::ServedScope;

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "request" => "Demande de droits",
        "breach" => "Violation (72 h)",
        "processor" => "Contrat de sous-traitance",
        "dpia" => "AIPD à viser",
        "activity" => "Traitement à vérifier",
        _ => "Échéance",
    }
}

fn item_href(i: &desk::Item) -> String {
    let base = format!("/m/{}/gdpr", i.member);
    match i.kind.as_str() {
        "request" => format!("{base}/requests/{}", i.id),
        "breach" => format!("{base}/breaches/{}", i.id),
        "processor" => format!("{base}/processors"),
        "dpia" => format!("{base}/dpias#aipd-{}", i.id),
        _ => format!("{base}/activities/{}", i.id),
    }
}

/// `GET /coop/gdpr`: the DPO's desk.
pub async fn desk_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: ServedAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "gdpr.desk", "read").await?;
    let now = Utc::now();
    let items = desk::items(&ctx.db, scope.members(), now).await?;
    let overdue = items.iter().filter(|i| i.overdue).count();
    let rows: Vec<Value> = items
        .iter()
        .map(|i| {
            // A legal deadline by day (a request, a contract) ends with its day: shown as
            // that day, the time left counted in days as on the member's pages.
            let (due, left) = if matches!(i.kind.as_str(), "request" | "processor") {
                let day = desk::paris_day(i.due_at - chrono::Duration::seconds(1));
                (fr_date(day), time_left(day, paris_today()))
            } else {
                (fr_datetime(i.due_at), time_left_until(i.due_at, now))
            };
            json!({
                "member": i.member_name, "kind": kind_label(&i.kind), "title": i.title,
                "href": item_href(i), "due": due, "left": left, "overdue": i.overdue,
            })
        })
        .collect();
    let members: Vec<Value> = scope
        .members()
        .iter()
        .map(|s| {
            let n = items.iter().filter(|i| i.member == s.member.slug).count();
            json!({"name": s.member.name, "href": format!("/m/{}/gdpr", s.member.slug), "count": n})
        })
        .collect();
    let can_templates = !mutualis_core::served::members_where(
        &ctx.db,
        scope.services(),
        scope.identity().user.id,
        "gdpr.templates",
        "write",
    )
    .await?
    .is_empty();
    Page::new(&ctx, scope.identity(), "Bureau du DPO", "/coop/gdpr")
        .await?
        .render(
            &v,
            &jar,
            "gdpr/desk.html",
            json!({"rows": rows, "overdue": overdue, "members": members, "can_templates": can_templates}),
        )
}

async fn templates_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &ServedScope,
    form: &ActivityForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let all = templates::list(&ctx.db).await?;
    // The copies in force, read once per member served (not once per template).
    let mut copies_of: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for s in scope.members() {
        for a in activities::list(&ctx.db, s.tenant()).await? {
            if let Some(t) = a.template_id.filter(|_| a.status != "archived") {
                *copies_of.entry(t).or_default() += 1;
            }
        }
    }
    let mut rows = Vec::new();
    for t in &all {
        let copies = copies_of.get(&t.row.id).copied().unwrap_or(0);
        rows.push(json!({
            "href": format!("/coop/gdpr/templates/{}", t.row.id), "name": t.row.name,
            "version": t.row.current_version, "updated": fr_datetime(t.row.updated_at),
            "by": t.row.created_by, "copies": copies,
        }));
    }
    let mut data = form_context(form, &errors);
    data["rows"] = json!(rows);
    data["action"] = json!("/coop/gdpr/templates");
    Page::new(
        ctx,
        scope.identity(),
        "Modèles de traitements",
        "/coop/gdpr/templates",
    )
    .await?
    .crumb("Bureau du DPO", "/coop/gdpr")
    .crumb("Modèles", "")
    .render_with_status(v, jar, "gdpr/templates.html", data, status)
}

/// `GET /coop/gdpr/templates`
pub async fn templates_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: ServedAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let form = ActivityForm {
        role: "controller".to_string(),
        ..ActivityForm::default()
    };
    templates_view(&ctx, (&v, &jar), &scope, &form, json!({}), StatusCode::OK).await
}

/// `POST /coop/gdpr/templates`: a new template, version 1.
pub async fn create_template(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: ServedAccess,
    form: WebForm<ActivityForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let result = templates::create(
        &ctx.db,
        scope.shared_reference("gdpr templates"),
        &scope.actor(),
        scope.identity().user.id,
        &form.value.to_input(),
    )
    .await;
    form_reply(
        result,
        |t| {
            Done::new(
                format!("/coop/gdpr/templates/{}", t.row.id),
                format!(
                    "Modèle « {} » créé (version 1) : déployez-le chez les adhérents.",
                    t.row.name
                ),
            )
        },
        |errors| {
            templates_view(
                &ctx,
                (&v, &jar),
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn template_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &ServedScope,
    id: i64,
    form: Option<&ActivityForm>,
    errors: Value,
    chosen: &[String],
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = templates::get(&ctx.db, id).await?;
    let stored = ActivityForm::of(&t.fields.to_input());
    let form = form.unwrap_or(&stored);
    let mut members = Vec::new();
    for s in scope.members() {
        let copy = activities::list(&ctx.db, s.tenant())
            .await?
            .into_iter()
            .find(|a| a.template_id == Some(id) && a.status != "archived");
        let state = match &copy {
            None => "Pas encore déployé".to_string(),
            Some(a) if a.template_version == Some(t.row.current_version) => {
                format!("À jour (version {})", t.row.current_version)
            }
            Some(a) if a.template_rejected_version == Some(t.row.current_version) => format!(
                "Version {} : mise à jour refusée",
                a.template_version.unwrap_or_default()
            ),
            Some(a) => format!(
                "Version {} : mise à jour proposée",
                a.template_version.unwrap_or_default()
            ),
        };
        members.push(json!({
            "slug": s.member.slug, "name": s.member.name, "state": state,
            "deployed": copy.is_some(),
            "href": copy.map(|a| format!("/m/{}/gdpr/activities/{}", s.member.slug, a.id)),
            "checked": chosen.contains(&s.member.slug),
        }));
    }
    let mut data = form_context(form, &errors);
    data["t"] = json!({"id": id, "name": t.row.name, "version": t.row.current_version, "by": t.row.created_by, "updated": fr_datetime(t.row.updated_at)});
    data["members"] = json!(members);
    data["action"] = json!(format!("/coop/gdpr/templates/{id}"));
    Page::new(
        ctx,
        scope.identity(),
        &format!("Modèle « {} »", t.row.name),
        &format!("/coop/gdpr/templates/{id}"),
    )
    .await?
    .crumb("Bureau du DPO", "/coop/gdpr")
    .crumb("Modèles", "/coop/gdpr/templates")
    .crumb(&t.row.name, "")
    .render_with_status(v, jar, "gdpr/template.html", data, status)
}

/// `GET /coop/gdpr/templates/{id}`: the template, where it is deployed, its form.
pub async fn template_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(id): Path<i64>,
    access: ServedAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    template_view(
        &ctx,
        (&v, &jar),
        &scope,
        id,
        None,
        json!({}),
        &[],
        StatusCode::OK,
    )
    .await
}

/// `POST /coop/gdpr/templates/{id}`: a new version, proposed to every copy.
pub async fn update_template(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(id): Path<i64>,
    access: ServedAccess,
    form: WebForm<ActivityForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let result = templates::update(
        &ctx.db,
        scope.shared_reference("gdpr templates"),
        &scope.actor(),
        scope.identity().user.id,
        id,
        &form.value.to_input(),
    )
    .await;
    form_reply(
        result,
        |t| {
            Done::new(
                format!("/coop/gdpr/templates/{id}"),
                format!(
                    "Version {} du modèle enregistrée : elle est proposée, champ par champ, à chaque adhérent qui en a une copie.",
                    t.row.current_version
                ),
            )
        },
        |errors| {
            template_view(
                &ctx,
                (&v, &jar),
                &scope,
                id,
                Some(&form.value),
                errors,
                &[],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// The deployment form: the members chosen.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeployForm {
    pub members: Vec<String>,
}

/// `POST /coop/gdpr/templates/{id}/deploy`: a draft in each member's register.
pub async fn deploy_template(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(id): Path<i64>,
    access: ServedAccess,
    form: WebForm<DeployForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let result = templates::deploy(&ctx.db, &scope, id, &form.value.members).await;
    form_reply(
        result,
        |d| {
            Done::new(
                format!("/coop/gdpr/templates/{id}"),
                format!(
                    "Modèle déployé chez {} adhérent{} : un brouillon attend dans chaque registre.",
                    d.len(),
                    if d.len() > 1 { "s" } else { "" }
                ),
            )
        },
        |errors| {
            template_view(
                &ctx,
                (&v, &jar),
                &scope,
                id,
                None,
                errors,
                &form.value.members,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
