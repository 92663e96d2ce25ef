//! HR pages: the employee list and creation, an employee's record (contracts, leave
//! balances and entries), leave adjustments and exits.
#[allow(clippy::wildcard_imports)]
use super::*;

/// The sortable columns of the employee list (`?tri=`), in the table's order.
const EMPLOYEE_COLUMNS: &[Column] = &[
    Column {
        key: "matricule",
        label: "Matricule",
    },
    Column {
        key: "nom",
        label: "Nom",
    },
    Column {
        key: "contrat",
        label: "Contrat en cours",
    },
    Column {
        key: "etablissement",
        label: "Établissement",
    },
    Column {
        key: "entree",
        label: "Entrée",
    },
];

#[allow(clippy::too_many_arguments)]
pub(super) async fn home_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    table: &TableQuery,
    form: &EmployeeInput,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let establishments = member::establishments(&ctx.db, m.id).await?;
    let contracts = contracts::all_by_employee(&ctx.db, scope).await?;
    let today = paris_today();
    let rows: Vec<(Value, hr_employees::Model)> = employees::list(&ctx.db, scope)
        .await?
        .into_iter()
        .map(|e| {
            let site = e
                .establishment_id
                .and_then(|id| establishments.iter().find(|s| s.id == id))
                .map(|s| s.name.clone());
            let current = contracts
                .get(&e.id)
                .and_then(|cs| cs.iter().rev().find(|c| c.active_on(today)))
                .and_then(|c| c.at(today));
            let row = json!({
                "id": e.id.to_string(), "matricule": e.matricule, "name": format!("{} {}", e.last_name, e.first_name),
                "nir": nir::masked(&e.nir), "entry": fr_date(e.entry_date), "site": site,
                "contract": current.map(|v| format!("{} — {}", contracts::kind_label(&v.kind), v.position)),
                "left": e.exit_date.is_some_and(|x| x < today),
            });
            (row, e)
        })
        .collect();
    let base = format!("/m/{}/hr", m.slug);
    let t = table.table(EMPLOYEE_COLUMNS, "nom");
    let text = |r: &Value, k: &str| SortValue::Text(r[k].as_str().unwrap_or_default().to_string());
    let (rows, pager) = t.apply(
        rows,
        |(r, e), key| match key {
            "matricule" => SortValue::Text(e.matricule.clone()),
            "contrat" => text(r, "contract"),
            "etablissement" => text(r, "site"),
            "entree" => SortValue::Date(Some(e.entry_date)),
            _ => SortValue::Text(format!("{} {}", e.last_name, e.first_name)),
        },
        &base,
        "",
    );
    let rows: Vec<Value> = rows.into_iter().map(|(r, _)| r).collect();
    let sites: Vec<Value> = establishments
        .iter()
        .map(|s| json!({"value": s.nic, "label": format!("{} (NIC {})", s.name, s.nic)}))
        .collect();
    Page::for_scope(ctx, scope, &format!("Salariés — {}", m.name), &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Ressources humaines", "")
        .render_with_status(
            v,
            jar,
            "hr/employees.html",
            json!({
                "member": views::member(m), "rows": rows, "headers": t.headers(&base, ""), "pager": pager,
                "form": form, "errors": errors, "sites": sites,
                "can_edit": scope.can("hr.employees", "write").await?, "tabs": tabs(scope, "employees").await?,
            }),
            status,
        )
}

/// `GET /m/{slug}/hr?tri=&ordre=&page=`: the member's employees (NIR masked), sorted and
/// paged by the server.
pub async fn home(
    State(ctx): State<AppContext>,
    Query(table): Query<TableQuery>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    home_page(
        &ctx,
        &v,
        &jar,
        &scope,
        &table,
        &EmployeeInput::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/hr/employees`
pub async fn create(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<EmployeeInput>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    let slug = &scope.member().slug;
    let table = TableQuery::default();
    form_reply(
        employees::create(&ctx.db, &scope, &form.value).await,
        |e| {
            Done::new(
                format!("/m/{slug}/hr/employees/{}#contrats", e.id),
                format!(
                    "Salarié {} {} enregistré. Ajoutez maintenant son contrat.",
                    e.first_name, e.last_name
                ),
            )
        },
        |errors| {
            home_page(
                &ctx,
                &v,
                &jar,
                &scope,
                &table,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

pub(super) fn balances_view(entries: &[crate::entities::hr_leave_entries::Model]) -> Vec<Value> {
    ledger::balances_of(entries)
        .iter()
        .map(|b| {
            json!({
                "type": leave_label(&b.leave_type), "period": b.period, "accrued": fr_decimal(b.accrued),
                "taken": fr_decimal(b.taken), "adjusted": fr_decimal(b.adjusted), "expired": fr_decimal(b.expired),
                "carried": fr_decimal(b.carried), "balance": fr_decimal(b.balance), "negative": b.balance < Decimal::ZERO,
            })
        })
        .collect()
}

pub(super) fn entries_view(entries: &[crate::entities::hr_leave_entries::Model]) -> Vec<Value> {
    entries
        .iter()
        .rev()
        .map(|e| {
            let d = days(e.days_micros);
            json!({
                "date": fr_date(e.effective_date), "type": leave_label(&e.leave_type), "kind": leave::kind_label(&e.kind),
                "days": format!("{}{}", if d > Decimal::ZERO { "+" } else { "" }, fr_decimal(d)),
                "period": e.period, "note": e.note, "by": e.created_by,
            })
        })
        .collect()
}

pub(super) struct RecordForms {
    pub(super) contract: ContractInput,
    pub(super) contract_errors: Value,
    pub(super) adjust: AdjustForm,
    pub(super) adjust_errors: Value,
}

impl Default for RecordForms {
    fn default() -> Self {
        Self {
            contract: ContractInput {
                weekly_hours: "35".to_string(),
                ..Default::default()
            },
            contract_errors: json!({}),
            adjust: AdjustForm::default(),
            adjust_errors: json!({}),
        }
    }
}

pub(super) async fn record_page(
    ctx: &AppContext,
    v: &View,
    jar: &CookieJar,
    scope: &Scope,
    id: Uuid,
    forms: RecordForms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let e = employees::record(&ctx.db, scope, id).await?;
    let m = scope.member();
    let site = match e.establishment_id {
        Some(sid) => member::establishments(&ctx.db, m.id)
            .await?
            .into_iter()
            .find(|s| s.id == sid)
            .map(|s| format!("{} (NIC {})", s.name, s.nic)),
        None => None,
    };
    let mut cs = Vec::new();
    for c in contracts::of_employee(&ctx.db, scope, id)
        .await?
        .iter()
        .rev()
    {
        cs.push(contract_view(ctx, c).await?);
    }
    let can_leave = scope.can("hr.leave", "read").await?;
    let entries = if can_leave {
        ledger::entries(&ctx.db, scope, id).await?
    } else {
        Vec::new()
    };
    let requests: Vec<Value> = if can_leave {
        ledger::requests(&ctx.db, scope, Some(id))
            .await?
            .iter()
            .map(|r| request_view(r, None))
            .collect()
    } else {
        Vec::new()
    };
    let title = format!("{} {}", e.first_name, e.last_name);
    hr_page(
        Page::for_scope(ctx, scope, &title, &format!("/m/{}/hr", m.slug)).await?,
        m,
    )
    .crumb(&title, "")
    .render_with_status(
        v,
        jar,
        "hr/employee.html",
        json!({
            "member": views::member(m), "id": e.id.to_string(),
            "e": {
                "matricule": e.matricule, "first_name": e.first_name, "last_name": e.last_name,
                "sex": if e.sex == "F" { "Femme" } else { "Homme" }, "birth_date": fr_date(e.birth_date),
                "nationality": e.nationality, "nir": nir::format(&e.nir), "entry": fr_date(e.entry_date),
                "exit": e.exit_date.map(fr_date), "site": site,
                "permit": e.permit_type.as_ref().map(|t| format!("{t} {}", e.permit_number.clone().unwrap_or_default())),
                "permit_expiry": e.permit_expiry.map(fr_date), "email": e.email, "phone": e.phone, "address": e.address,
            },
            "contracts": cs, "form": forms.contract, "errors": forms.contract_errors,
            "kinds": options(&KINDS), "agreements": options(&AGREEMENTS),
            "can_contract": scope.can("hr.contracts", "write").await?,
            "can_edit": scope.can("hr.employees", "write").await?,
            "can_leave": can_leave, "can_adjust": scope.can("hr.leave", "write").await?,
            "balances": balances_view(&entries), "entries": entries_view(&entries), "requests": requests,
            "adjust": forms.adjust, "adjust_errors": forms.adjust_errors,
            "balance_types": leave::TYPES.iter().filter(|t| t.balance).map(|t| json!({"value": t.code, "label": t.label})).collect::<Vec<_>>(),
            "can_skills": scope.can("hr.skills", "read").await?,
        }),
        status,
    )
}

/// `GET /m/{slug}/hr/employees/{id}`: the record, with the full NIR (audited), the
/// contracts with their history, and the leave balances.
pub async fn record(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "read").await?;
    record_page(
        &ctx,
        &v,
        &jar,
        &scope,
        id,
        RecordForms::default(),
        StatusCode::OK,
    )
    .await
}

/// The adjustment form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AdjustForm {
    pub leave_type: String,
    pub quantity: String,
    pub note: String,
}

/// `POST /m/{slug}/hr/employees/{id}/leave/adjust`
pub async fn adjust(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<AdjustForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.leave", "write").await?;
    let f = &form.value;
    let result = ledger::adjust(&ctx.db, &scope, id, &f.leave_type, &f.quantity, &f.note).await;
    let slug = &scope.member().slug;
    form_reply(
        result,
        |e| {
            Done::new(
                format!("/m/{slug}/hr/employees/{id}#conges"),
                format!(
                    "Ajustement de {} enregistré ({}).",
                    fr_days(days(e.days_micros)),
                    leave_label(&e.leave_type)
                ),
            )
        },
        |errors| {
            let forms = RecordForms {
                adjust: form.value,
                adjust_errors: errors,
                ..Default::default()
            };
            record_page(
                &ctx,
                &v,
                &jar,
                &scope,
                id,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// The exit form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExitForm {
    pub exit_date: String,
    pub reason: String,
}

/// `POST /m/{slug}/hr/employees/{id}/exit`: records the exit and ends running contracts.
pub async fn record_exit(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    form: WebForm<ExitForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("hr.employees", "write").await?;
    let back = format!("/m/{}/hr/employees/{id}#sortie", scope.member().slug);
    match employees::record_exit(
        &ctx.db,
        &scope,
        id,
        &form.value.exit_date,
        &form.value.reason,
    )
    .await
    {
        Ok(e) => Ok(redirect_with_flash(
            &back,
            "success",
            &format!(
                "Sortie enregistrée au {} ; le salarié reste au registre du personnel cinq ans.",
                e.exit_date.map(fr_date).unwrap_or_default()
            ),
        )),
        Err(e @ AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", &e.message())),
        Err(e) => Err(e.into()),
    }
}
