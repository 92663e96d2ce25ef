//! The payroll officer's board (`/coop/payroll`): every served member's current period,
//! the members late for their cut-off first; a member not served is absent.
#[allow(clippy::wildcard_imports)]
use super::*;

/// `GET /coop/payroll`
pub async fn board(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: ServedAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(&ctx.db, "payroll.board", "read").await?;
    let month = Month::of(chrono::Utc::now());
    let today = paris_today();
    let rows: Vec<Value> = crate::board::rows(&ctx.db, scope.members(), month, today)
        .await?
        .iter()
        .map(|r| {
            let open = periods::is_open(&r.status);
            json!({
                "member": r.member, "name": r.member_name, "status": status_badge(&r.status),
                "href": format!("/m/{}/payroll/periods/{}", r.member, r.period),
                "lines": r.lines, "blocking": r.blocking, "warnings": r.warnings, "late": r.late,
                "cutoff": fr_date(r.cutoff_on), "left": if open { time_left(r.cutoff_on, today) } else { String::new() },
            })
        })
        .collect();
    let late = rows.iter().filter(|r| r["late"] == true).count();
    Page::new(&ctx, scope.identity(), "Tableau de paie", "/coop/payroll")
        .await?
        .render(
            &v,
            &jar,
            "payroll/board.html",
            json!({"rows": rows, "label": month_label(month), "late": late}),
        )
}
