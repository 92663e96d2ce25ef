//! Editing an employee's record (`/m/{slug}/hr/employees/{id}/edit`, HR): the creation
//! form prefilled; opening it shows the full NIR, so it is audited like the record.
#[allow(clippy::wildcard_imports)]
use super::*;

#[expect(clippy::too_many_arguments, reason = "the page and its form state")]
async fn edit_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    e: &hr_employees::Model,
    form: &EmployeeInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let sites: Vec<Value> = member::establishments(&ctx.db, m.id)
        .await?
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    let name = format!("{} {}", e.first_name, e.last_name);
    let record = format!("/m/{}/hr/employees/{}", m.slug, e.id);
    hr_page(
        Page::for_scope(
            ctx,
            scope,
            &format!("Modifier — {name}"),
            &format!("/m/{}/hr", m.slug),
        )
        .await?,
        m,
    )
    .crumb(&name, &record)
    .crumb("Modifier", "")
    .render_with_status(
        v,
        jar,
        "hr/employee_edit.html",
        json!({
            "member": views::member(m), "id": e.id.to_string(), "record": record,
            "form": form, "errors": errors, "sites": sites,
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/employees/{id}/edit`
pub async fn edit_employee_form(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    let e = employees::record(&ctx.db, &scope, id).await?;
    let nic = match e.establishment_id {
        Some(sid) => member::establishments(&ctx.db, scope.member_id())
            .await?
            .into_iter()
            .find(|s| s.id == sid)
            .map(|s| s.nic),
        None => None,
    };
    let form = employees::input_of(&e, nic);
    edit_page(&ctx, &v, &jar, &scope, &e, &form, json!({}), StatusCode::OK).await
}

/// `POST /m/{slug}/hr/employees/{id}/edit`
pub async fn update_employee(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<EmployeeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    let e = employees::get(&ctx.db, scope.tenant(), id).await?;
    let slug = scope.member().slug.clone();
    form_reply(
        employees::update(&ctx.db, &scope, id, &form.value).await,
        |u| {
            Done::new(
                format!("/m/{slug}/hr/employees/{}", u.id),
                "Fiche du salarié modifiée.",
            )
        },
        |errors| {
            edit_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &e,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}
