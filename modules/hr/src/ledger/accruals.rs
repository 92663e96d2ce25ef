//! The monthly accrual runs (acquisition by month worked, absences that count or not, idempotent by run number) and the return-to-work notices.
use super::*;

/// What a run did for a member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccrualReport {
    pub month: String,
    pub employees: usize,
    pub entries: usize,
    pub days: Decimal,
}

struct Planned {
    employee_id: Uuid,
    leave_type: &'static str,
    kind: &'static str,
    days: Decimal,
    period: String,
    effective: NaiveDate,
    key: String,
    note: String,
}

/// Days of each absence type of an employee within `[from, to]`.
fn absence_days(
    reqs: &[&hr_leave_requests::Model],
    code: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    reqs.iter()
        .filter(|r| r.leave_type == code && r.status == "approved")
        .map(|r| calendar::overlap_days(r.start_date, r.end_date, from, to))
        .sum()
}

/// The movements a month's run must add for one employee, given the ledger so far.
/// Pure: re-planning after the movements are written plans nothing.
fn plan_employee(
    employee_id: Uuid,
    contracts: &[Contract],
    reqs: &[&hr_leave_requests::Model],
    ledger: &[&hr_leave_entries::Model],
    month: Month,
) -> Vec<Planned> {
    let mut out = Vec::new();
    let first = month.first_day();
    let Some((_, last)) = calendar::month_bounds(month.year, month.month) else {
        return out;
    };
    let booked = |prefix: &str| -> Decimal {
        ledger
            .iter()
            .filter(|e| {
                e.source_key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(prefix))
            })
            .map(|e| days(e.days_micros))
            .sum()
    };
    let count = |prefix: &str| {
        ledger
            .iter()
            .filter(|e| {
                e.source_key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(prefix))
            })
            .count()
    };
    // Congés payés: what the month earns, less what earlier runs booked for it.
    let contract_days: u32 = contracts
        .iter()
        .filter_map(|c| c.span())
        .map(|(s, e)| calendar::overlap_days(s, e.unwrap_or(last), first, last))
        .sum::<u32>()
        .min(last.day());
    let period = cp_period(first);
    if contract_days > 0 {
        let facts = MonthFacts {
            days_in_month: last.day(),
            contract_days,
            sick_days: absence_days(reqs, "MAL", first, last),
            accident_days: absence_days(reqs, "AT", first, last),
            unpaid_days: absence_days(reqs, "CSS", first, last),
        };
        let month_key = format!("cp:{employee_id}:{month}:");
        let in_period = |e: &&&hr_leave_entries::Model| {
            e.leave_type == "CP"
                && e.kind == "accrual"
                && e.period == period
                && !e
                    .source_key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(&month_key))
        };
        let so_far = EarnedSoFar {
            total: ledger
                .iter()
                .filter(in_period)
                .map(|e| days(e.days_micros))
                .sum(),
            sick: ledger
                .iter()
                .filter(in_period)
                .filter(|e| e.source_key.as_deref().is_some_and(|k| k.contains(":sick")))
                .map(|e| days(e.days_micros))
                .sum(),
        };
        let a = leave::cp_for_month(&facts, so_far);
        let label = mutualis_core::web::views::month_label(month);
        for (part, due, what) in [
            ("work", a.worked, "travail effectif et périodes assimilées"),
            ("sick", a.sick, "arrêt maladie, loi 2024-364"),
        ] {
            let prefix = format!("{month_key}{part}");
            let delta = due - booked(&prefix);
            if !delta.is_zero() {
                let n = count(&prefix);
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "accrual",
                    days: delta,
                    period: period.clone(),
                    effective: last,
                    key: if n == 0 {
                        prefix.clone()
                    } else {
                        format!("{prefix}:{n}")
                    },
                    note: format!(
                        "{} {label} ({what}){}{}",
                        if n == 0 {
                            "Acquisition"
                        } else {
                            "Recalcul de l’acquisition"
                        },
                        a.capped
                            .as_ref()
                            .map(|c| format!(" — {c}"))
                            .unwrap_or_default(),
                        if facts.contract_days < facts.days_in_month {
                            format!(
                                " — {} jours sous contrat sur {}",
                                facts.contract_days, facts.days_in_month
                            )
                        } else {
                            String::new()
                        },
                    ),
                });
            }
        }
    }
    // CCN 66 quarterly leave: granted once per eligible quarter, to contracts with the
    // entitlement in force on the month's first day covered.
    if let Some(q) = leave::ct66_quarter(month.month) {
        let eligible = contracts.iter().any(|c| {
            c.overlaps(first, last)
                && c.at(first.max(c.span().map_or(first, |(s, _)| s)))
                    .is_some_and(|v| v.agreement == "CCN66" && v.quarterly_leave)
        });
        let label = leave::quarter_label(month.year, q);
        let key = format!("ct66:{employee_id}:{label}");
        if eligible && count(&key) == 0 {
            out.push(Planned {
                employee_id,
                leave_type: "CT66",
                kind: "accrual",
                days: leave::CT66_PER_QUARTER,
                period: label.clone(),
                effective: first,
                key,
                note: format!("Congés trimestriels CCN 66, trimestre {q} {}", month.year),
            });
        }
        // What is left at the quarter's end expires.
        if month.month.is_multiple_of(3) {
            let left: Decimal = ledger
                .iter()
                .filter(|e| e.leave_type == "CT66" && e.period == label)
                .map(|e| days(e.days_micros))
                .sum::<Decimal>()
                + out
                    .iter()
                    .filter(|p| p.leave_type == "CT66" && p.period == label)
                    .map(|p| p.days)
                    .sum::<Decimal>();
            let key = format!("ct66-exp:{employee_id}:{label}");
            if left > Decimal::ZERO && count(&key) == 0 {
                out.push(Planned {
                    employee_id,
                    leave_type: "CT66",
                    kind: "expiry",
                    days: -left,
                    period: label.clone(),
                    effective: last,
                    key,
                    note: format!("Congés trimestriels non pris à la fin du trimestre {q}"),
                });
            }
        }
    }
    // End of May: CP of the period before last expires, or is carried over when a
    // sickness or accident kept the employee from taking it.
    if month.month == 5 {
        let old = format!("{}-{}", month.year - 2, month.year - 1);
        let left: Decimal = ledger
            .iter()
            .filter(|e| e.leave_type == "CP" && e.period == old)
            .map(|e| days(e.days_micros))
            .sum();
        let key = format!("cp-end:{employee_id}:{old}");
        if left > Decimal::ZERO && count(&key) == 0 {
            let window_start = NaiveDate::from_ymd_opt(month.year - 1, 6, 1).unwrap_or(first);
            let off = absence_days(reqs, "MAL", window_start, last)
                + absence_days(reqs, "AT", window_start, last);
            if off > 0 {
                let next = leave::next_period(&old).unwrap_or_else(|| period.clone());
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "carry_over",
                    days: -left,
                    period: old.clone(),
                    effective: last,
                    key: key.clone(),
                    note: format!("Report de la période {old} (absence pour maladie ou accident)"),
                });
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "carry_over",
                    days: left,
                    period: next,
                    effective: last,
                    key: format!("{key}:in"),
                    note: format!("Report de la période {old} : 15 mois pour les prendre à compter de la reprise"),
                });
            } else {
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "expiry",
                    days: -left,
                    period: old.clone(),
                    effective: last,
                    key,
                    note: format!(
                        "Congés de la période {old} non pris au 31 mai {}",
                        month.year
                    ),
                });
            }
        }
    }
    out
}

/// Runs a finished month's accrual for one member, in one transaction, and records the
/// run (status `ok` or `failed` with its message). A re-run adds nothing unless the
/// facts changed (a sick note recorded late): then only the difference is added.
///
/// # Errors
/// 422 for a month not finished yet; database errors (the run is recorded as failed).
pub async fn run_accruals<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    actor: &Actor,
) -> AppResult<AccrualReport> {
    if month >= Month::of(Utc::now()) {
        return Err(AppError::field(
            "month",
            format!(
                "Le mois {} n’est pas terminé : les acquisitions se calculent sur un mois échu.",
                mutualis_core::web::views::month_label(month)
            ),
        ));
    }
    let started_at = Utc::now();
    let result = accrue(db, tenant, month, actor).await;
    let (status, message, report) = match &result {
        Ok(r) => ("ok", None, r.clone()),
        Err(e) => (
            "failed",
            Some(e.message()),
            AccrualReport {
                month: month.to_string(),
                ..Default::default()
            },
        ),
    };
    if let Err(e) = &result {
        tracing::error!(member_id = tenant.member_id(), %month, error = %e, "leave accrual failed");
    }
    hr_accrual_runs::Entity::insert_in(
        tenant,
        hr_accrual_runs::ActiveModel {
            member_id: Set(tenant.member_id()),
            month: Set(month.to_string()),
            status: Set(status.to_string()),
            employees: Set(i64::try_from(report.employees).unwrap_or(i64::MAX)),
            entries: Set(i64::try_from(report.entries).unwrap_or(i64::MAX)),
            message: Set(message),
            started_by: Set(actor.label.clone()),
            started_at: Set(started_at),
            finished_at: Set(Some(Utc::now())),
            ..Default::default()
        },
        db,
    )
    .await?;
    result
}

async fn accrue<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    actor: &Actor,
) -> AppResult<AccrualReport> {
    let txn = begin_write(db).await?;
    let by_employee = contracts::by_employee_for(&txn, tenant).await?;
    let reqs = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Status.eq("approved"))
        .all(&txn)
        .await?;
    let ledger = entries_for(&txn, tenant, None).await?;
    let mut planned = Vec::new();
    let mut employees = 0;
    for (employee_id, cs) in &by_employee {
        let r: Vec<_> = reqs
            .iter()
            .filter(|r| r.employee_id == *employee_id)
            .collect();
        let l: Vec<_> = ledger
            .iter()
            .filter(|e| e.employee_id == *employee_id)
            .collect();
        let p = plan_employee(*employee_id, cs, &r, &l, month);
        if !p.is_empty() {
            employees += 1;
        }
        planned.extend(p);
    }
    let now = Utc::now();
    let total: Decimal = planned
        .iter()
        .filter(|p| p.kind == "accrual")
        .map(|p| p.days)
        .sum();
    for p in &planned {
        hr_leave_entries::Entity::insert_in(
            tenant,
            hr_leave_entries::ActiveModel {
                member_id: Set(tenant.member_id()),
                id: Set(new_id()),
                employee_id: Set(p.employee_id),
                leave_type: Set(p.leave_type.to_string()),
                kind: Set(p.kind.to_string()),
                days_micros: Set(micros(p.days)),
                period: Set(p.period.clone()),
                effective_date: Set(p.effective),
                source_key: Set(Some(p.key.clone())),
                request_id: Set(None),
                note: Set(Some(p.note.clone())),
                created_by: Set(actor.label.clone()),
                created_at: Set(now),
            },
            &txn,
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Some(tenant.member_id()),
        "leave_accrual",
        &month.to_string(),
        "run",
        serde_json::json!({"employees": employees, "entries": planned.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(AccrualReport {
        month: month.to_string(),
        employees,
        entries: planned.len(),
        days: total,
    })
}

/// The member's accrual runs, newest first.
///
/// # Errors
/// Database errors.
pub async fn runs<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<Vec<hr_accrual_runs::Model>> {
    Ok(hr_accrual_runs::Entity::find_in(scope.tenant())
        .order_by_desc(hr_accrual_runs::Column::StartedAt)
        .all(db)
        .await?)
}

/// An employee back from sickness or a work accident, who must be told within a month
/// of the return how many days of leave they have and until when to take them (loi
/// 2024-364, art. L3141-19-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnNotice {
    pub employee_id: Uuid,
    pub back_on: NaiveDate,
    pub deadline: NaiveDate,
}

/// The returns of the last month, by deadline.
///
/// # Errors
/// Database errors.
pub async fn return_notices<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> AppResult<Vec<ReturnNotice>> {
    let since = today - chrono::Duration::days(31);
    let mut out: Vec<ReturnNotice> = hr_leave_requests::Entity::find_in(scope.tenant())
        .filter(hr_leave_requests::Column::Status.eq("approved"))
        .filter(hr_leave_requests::Column::LeaveType.is_in(["MAL", "AT"]))
        .filter(hr_leave_requests::Column::EndDate.gte(since))
        .filter(hr_leave_requests::Column::EndDate.lt(today))
        .all(db)
        .await?
        .iter()
        .filter_map(|r| {
            let back_on = r.end_date.succ_opt()?;
            Some(ReturnNotice {
                employee_id: r.employee_id,
                back_on,
                deadline: back_on.checked_add_months(chrono::Months::new(1))?,
            })
        })
        .collect();
    out.sort_by_key(|n| n.deadline);
    Ok(out)
}
