//! The demo: `tilleuls` and `val-de-loire` with a payroll history (every month of the
//! last six before the current one submitted, validated by the director and exported) and
//! the current month open with its lines, warnings to acknowledge and one blocking
//! finding — overtime, night hours, bonuses, meal vouchers, mileage, and HR's absences.
use chrono::{Duration, Utc};
use mutualis_core::{
    audit::Actor,
    auth,
    error::AppResult,
    member,
    scope::Services,
    tenant::{MemberOwned, Tenant},
    time::Month,
    write::Write,
};
use sea_orm::{DatabaseConnection, PaginatorTrait};

use crate::{
    domain::Source,
    entities::payroll_periods,
    lines::{self, LineInput},
    periods,
};

/// How many past months the demo history covers.
pub const HISTORY_MONTHS: u32 = 6;

fn input(matricule: &str, code: &str, quantity: &str, amount: &str) -> LineInput {
    LineInput {
        matricule: matricule.to_string(),
        code: code.to_string(),
        quantity: quantity.to_string(),
        amount: amount.to_string(),
        ..Default::default()
    }
}

/// The month's typed lines of the demo for the member's first employees.
fn month_lines(matricules: &[String], month: Month, k: usize) -> Vec<LineInput> {
    let mut out = Vec::new();
    for (i, m) in matricules.iter().take(10).enumerate() {
        let n = i + k + month.month as usize;
        out.push(input(m, "TR", &(17 + n % 4).to_string(), ""));
        if n.is_multiple_of(3) {
            out.push(input(m, "HS25", &format!("{}", 2 + n % 5), ""));
        }
        if n % 4 == 1 {
            out.push(input(m, "HNUIT", &format!("{}", 8 + n % 9), ""));
        }
        if n % 5 == 2 {
            let mut ik = input(m, "IK", &format!("{}", 120 + 17 * (n % 7)), "");
            ik.rate = "0.636".to_string();
            out.push(ik);
        }
        if n % 6 == 3 {
            out.push(input(m, "REPAS", &format!("{}", 2 + n % 4), ""));
        }
    }
    if month.month == 12
        && let Some(m) = matricules.first()
    {
        out.push(input(m, "PRIME_EXCEP", "", "350.00"));
    }
    out
}

/// The demo, once (nothing when periods exist).
///
/// # Errors
/// Database errors; a demo line refused (a programming error).
pub async fn demo(db: &DatabaseConnection, svc: &Services) -> AppResult<()> {
    if payroll_periods::Entity::find_across(mutualis_core::tenant::Coop::for_task("payroll demo"))
        .count(db)
        .await?
        > 0
    {
        return Ok(());
    }
    let officer = auth::find_user_by_email(db, "paie@coop.example")
        .await?
        .map_or_else(|| Actor::system("démo"), |u| Actor::user(u.id, &u.email));
    let current = Month::of(Utc::now());
    for (k, slug) in ["tilleuls", "val-de-loire"].into_iter().enumerate() {
        let Some(m) = member::find_by_slug(db, slug).await? else {
            continue;
        };
        let tenant = Tenant::for_task(m.id, "payroll demo");
        let director = auth::find_user_by_email(db, &format!("directeur@{slug}.example"))
            .await?
            .map_or_else(|| Actor::system("démo"), |u| Actor::user(u.id, &u.email));
        let employees = lines::employees_by_matricule(db, tenant).await?;
        let contracts = mutualis_hr::facts::all_contracts(db, tenant).await?;
        // The employees under contract the whole month: a real history pays no one
        // outside a contract (the current month's one blocking finding is typed below).
        let in_force = |month: Month| -> Vec<String> {
            let (first, last) = (
                month.first_day(),
                month.next().first_day() - Duration::days(1),
            );
            employees
                .values()
                .filter(|e| e.exit_date.is_none_or(|x| x >= last))
                .filter(|e| {
                    contracts.iter().any(|c| {
                        c.employee_id == e.id
                            && c.start <= first
                            && c.end.is_none_or(|end| end >= last)
                    })
                })
                .map(|e| e.matricule.clone())
                .collect()
        };
        // History: entered on time, submitted, validated (exported once the files exist).
        let mut month = current;
        for _ in 0..HISTORY_MONTHS {
            month = month.prev();
        }
        for _ in 0..HISTORY_MONTHS {
            let w = Write::begin(db, tenant, officer.clone(), &svc.meters).await?;
            let period = periods::get_or_create(&w, month).await?;
            for li in month_lines(&in_force(month), month, k) {
                let v = lines::validate(&li, month, &employees)
                    .map_err(mutualis_core::AppError::Validation)?;
                lines::insert(&w, &officer.label, &period, &v, Source::Entry, None, false).await?;
            }
            lines::materialize_hr(&w, &officer.label, &period).await?;
            periods::submit(&w, &officer.label, month).await?;
            w.commit().await?;
            let w = Write::begin(db, tenant, director.clone(), &svc.meters).await?;
            periods::validate(&w, &director.label, month).await?;
            crate::exports::export(&w, &director.label, month, "generic").await?;
            w.commit().await?;
            month = month.next();
        }
        // The current month: open, with lines, warnings and one blocking finding.
        let w = Write::begin(db, tenant, officer.clone(), &svc.meters).await?;
        let period = periods::get_or_create(&w, current).await?;
        let matricules = in_force(current);
        let mut todo = month_lines(&matricules, current, k);
        if let Some(m) = matricules.get(1) {
            // A sick leave typed without its certificate (a warning).
            let first = current.first_day();
            todo.push(LineInput {
                matricule: m.clone(),
                code: "MAL".to_string(),
                start_date: (first + Duration::days(2)).to_string(),
                end_date: (first + Duration::days(4)).to_string(),
                comment: "Arrêt transmis par le salarié, certificat attendu".to_string(),
                ..Default::default()
            });
        }
        if let Some(m) = matricules.get(2) {
            // Overtime beyond the annual quota's reach this month (a warning).
            todo.push(input(m, "HS50", "60", ""));
        }
        if let Some(m) = matricules.get(3) {
            // A bonus typed at zero (blocking: a positive amount is required).
            let mut zero = input(m, "PRIME_EXCEP", "", "0");
            zero.comment = "Montant à confirmer par la direction".to_string();
            todo.push(zero);
        }
        for li in todo {
            let v = lines::validate(&li, current, &employees)
                .map_err(mutualis_core::AppError::Validation)?;
            lines::insert(&w, &officer.label, &period, &v, Source::Entry, None, false).await?;
        }
        w.commit().await?;
    }
    Ok(())
}
