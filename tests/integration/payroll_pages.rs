//! Payroll's pages through the router: the board across the members served (late first),
//! the grid and an employee's entry (a bad code refused next to its field, nothing
//! stored), acknowledging a warning, the submission refused while a blocking finding is
//! left, the director's validation (an HR officer refused), the export and its download,
//! the reopening that wants a reason.
use axum_test::TestServer;
use chrono::Datelike;
use mutualis_core::{authz::Role, testkit::WebSession, time::Month};
use serde_json::{Value, json};

use crate::common::*;

struct Alpha {
    month: Month,
    employee: String,
    paie: WebSession,
    dir: WebSession,
    rh: WebSession,
    /// The payroll officer's bearer (to read what was stored through the API).
    api: String,
}

/// A member with HR and payroll, one employee on a CDI since 2024, its people.
async fn alpha(server: &TestServer, kit: &TestKit<'_>, slug: &str) -> Alpha {
    let a = kit.member(slug, &["hr", "payroll"]).await;
    let rh = kit
        .user(&format!("rh@{slug}.test"), Role::HrOfficer, Some(&a))
        .await;
    let dir = kit
        .user(&format!("dir@{slug}.test"), Role::Director, Some(&a))
        .await;
    let paie = match mutualis_core::auth::find_user_by_email(&kit.ctx.db, "paie@coop.test")
        .await
        .unwrap()
    {
        Some(u) => {
            kit.grant(&u, Role::PayrollOfficer, Some(&a)).await;
            u
        }
        None => {
            kit.user("paie@coop.test", Role::PayrollOfficer, Some(&a))
                .await
        }
    };
    let entry = chrono::NaiveDate::from_ymd_opt(2024, 1, 8).unwrap();
    let id = mutualis_hr::testkit::hire(&kit.ctx.db, a.id, "P001", "DURAND", entry, None).await;
    let (s, v) = post_json(server, &kit.bearer(&rh), &format!("/api/m/{slug}/hr/employees/{id}/contracts"),
        json!({"kind": "CDI", "start_date": "2024-01-08", "weekly_hours": "35", "agreement": "Autre", "position": "Aide-soignante"})).await;
    assert_eq!(s, 201, "{v}");
    Alpha {
        month: Month::of(chrono::Utc::now()),
        employee: id.to_string(),
        api: kit.bearer(&paie),
        paie: kit.web(&paie).await,
        dir: kit.web(&dir).await,
        rh: kit.web(&rh).await,
    }
}

fn page(a: &Alpha, rest: &str) -> String {
    format!("/m/alpha/payroll/periods/{}{rest}", a.month)
}

async fn lines(server: &TestServer, a: &Alpha) -> Vec<Value> {
    api_get(
        server,
        &a.api,
        &format!("/api/m/alpha/payroll/periods/{}/lines", a.month),
    )
    .await
    .json::<Value>()
    .as_array()
    .unwrap()
    .clone()
}

async fn status(server: &TestServer, a: &Alpha) -> String {
    api_get(
        server,
        &a.api,
        &format!("/api/m/alpha/payroll/periods/{}", a.month),
    )
    .await
    .json::<Value>()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn add(server: &TestServer, a: &Alpha, fields: &[(&str, &str)]) -> axum_test::TestResponse {
    web_post(
        server,
        &a.paie,
        &page(a, &format!("/employees/{}/lines", a.employee)),
        fields,
    )
    .await
}

#[tokio::test]
async fn the_board_shows_the_members_served_late_first() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit, "alpha").await;
        let _b = alpha(&server, &kit, "beta").await;
        // A member with payroll the officer does not serve.
        kit.member("gamma", &["hr", "payroll"]).await;
        // Beta's cut-off is the 1st: past today (unless today is the 1st).
        let r = web_post(
            &server,
            &a.paie,
            "/m/beta/payroll/settings",
            &[
                ("cutoff_day", "1"),
                ("profile", "generic"),
                ("company_code", ""),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let r = web_get(&server, &a.paie, "/coop/payroll").await;
        assert_eq!(r.status_code(), 200, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Tableau de paie"), "{html}");
        let nav = html.contains("Adhérents suivis");
        // The table (the member switcher lists the members too).
        let html = html[html.find("<tbody").expect("the table")..].to_string();
        let (pa, pb) = (
            html.find("Association alpha").expect("alpha"),
            html.find("Association beta").expect("beta"),
        );
        assert!(
            !html.contains("Association gamma"),
            "a member not served is absent"
        );
        assert!(html.contains(&format!("/m/alpha/payroll/periods/{}", a.month)));
        if mutualis_core::time::paris_today().day() > 1 {
            assert!(pb < pa, "the late member comes first");
            assert!(html.contains("En retard"));
        }
        // The board is in the navigation of the officer, and refused to a director.
        assert!(nav);
        let r = web_get(&server, &a.dir, "/coop/payroll").await;
        assert_eq!(r.status_code(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_grid_totals_and_a_bad_code_is_refused_next_to_its_field() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit, "alpha").await;
        for q in ["3", "1,5"] {
            let r = add(&server, &a, &[("code", "HS25"), ("quantity", q)]).await;
            assert_eq!(r.status_code(), 303, "{}", r.text());
        }
        let r = add(&server, &a, &[("code", "PRIME_EXCEP"), ("amount", "1200")]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let html = follow(&server, &a.paie, &r).await.text();
        assert!(
            html.contains("Élément prime exceptionnelle enregistré pour DURAND"),
            "{html}"
        );
        let grid = web_get(&server, &a.paie, &page(&a, "/grid")).await;
        assert_eq!(grid.status_code(), 200);
        let html = grid.text();
        // One row, the HS25 total and the bonus in euros.
        let row = &html[html.find("P001").expect("the employee's row")..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(">4,5<"), "{row}");
        assert!(
            row.contains("1\u{202f}200,00\u{a0}€") || row.contains("1 200,00"),
            "{row}"
        );
        // A code the catalogue does not know: 422, the message next to the field, the
        // value kept, nothing stored.
        let before = lines(&server, &a).await.len();
        let r = add(
            &server,
            &a,
            &[
                ("code", "BONUS"),
                ("quantity", "2"),
                ("comment", "à garder"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        let html = r.text();
        assert!(html.contains("id=\"champ-code-erreur\""), "{html}");
        assert!(html.contains("value=\"à garder\""), "{html}");
        assert_eq!(lines(&server, &a).await.len(), before);
        // A correction of the previous month, entered on this one: tagged on the period
        // page with the month it concerns.
        let prev = a.month.prev().to_string();
        let r = add(
            &server,
            &a,
            &[
                ("code", "HS25"),
                ("quantity", "2"),
                ("concerns", &prev),
                ("comment", "Oubli du mois dernier"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let html = web_get(&server, &a.paie, &page(&a, "")).await.text();
        let tag = format!(
            "Rectificatif de {}",
            mutualis_core::web::views::month_label(a.month.prev())
        );
        assert!(
            html.contains(&tag) && html.contains("Oubli du mois dernier"),
            "{html}"
        );
        // An unknown establishment is not found.
        let r = web_get(&server, &a.paie, &page(&a, "/grid?establishment=99999")).await;
        assert_eq!(r.status_code(), 404);
    })
    .await;
}

#[tokio::test]
async fn from_entry_to_export_through_the_pages() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit, "alpha").await;
        let first = a.month.first_day();
        // A sick leave without its certificate (a warning), a bonus of 0 (blocking).
        let (d1, d2) = (
            first.to_string(),
            (first + chrono::Duration::days(1)).to_string(),
        );
        let r = add(
            &server,
            &a,
            &[
                ("code", "MAL"),
                ("start_date", &d1),
                ("end_date", &d2),
                ("first_stop", "first"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let r = add(&server, &a, &[("code", "PRIME_EXCEP"), ("amount", "0")]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        // Submitting is refused, the page saying why.
        let r = web_post(&server, &a.paie, &page(&a, "/submit"), &[]).await;
        assert_eq!(r.status_code(), 422);
        let html = r.text();
        assert!(
            html.contains("La période ne peut pas encore être soumise"),
            "{html}"
        );
        assert!(html.contains("Anomalie bloquante"), "{html}");
        assert_eq!(status(&server, &a).await, "open");
        // The warning: a comment is required, then it is acknowledged.
        let found: Value = api_get(
            &server,
            &a.api,
            &format!("/api/m/alpha/payroll/periods/{}/findings", a.month),
        )
        .await
        .json();
        let warning = found
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["severity"] == "warning")
            .expect("a warning")
            .clone();
        let id = warning["id"].as_str().unwrap();
        let r = web_post(
            &server,
            &a.paie,
            &page(&a, &format!("/findings/{id}/acknowledge")),
            &[("comment", "")],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains(&format!("champ-comment-{id}-erreur")));
        let r = web_post(
            &server,
            &a.paie,
            &page(&a, &format!("/findings/{id}/acknowledge")),
            &[("comment", "Certificat promis par le salarié")],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert!(
            follow(&server, &a.paie, &r)
                .await
                .text()
                .contains("Avertissement acquitté")
        );
        let found: Value = api_get(
            &server,
            &a.api,
            &format!("/api/m/alpha/payroll/periods/{}/findings", a.month),
        )
        .await
        .json();
        assert!(
            found
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["id"] == id && f["acknowledged"] == true),
            "{found}"
        );
        // The blocking line removed from the employee's page.
        let bonus = lines(&server, &a)
            .await
            .into_iter()
            .find(|l| l["code"] == "PRIME_EXCEP")
            .unwrap();
        let r = web_post(
            &server,
            &a.paie,
            &page(
                &a,
                &format!("/lines/{}/delete", bonus["id"].as_str().unwrap()),
            ),
            &[("employee", &a.employee)],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert!(
            lines(&server, &a)
                .await
                .iter()
                .all(|l| l["code"] != "PRIME_EXCEP")
        );
        // Submitted; the HR officer cannot validate, the director does.
        let r = web_post(&server, &a.paie, &page(&a, "/submit"), &[]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert_eq!(status(&server, &a).await, "submitted");
        // Locked for entry now: the form answers in French (409).
        let r = add(&server, &a, &[("code", "HS25"), ("quantity", "1")]).await;
        assert_eq!(r.status_code(), 409);
        assert!(r.text().contains("ne se modifie plus"), "{}", r.text());
        let r = web_post(&server, &a.rh, &page(&a, "/validate"), &[]).await;
        assert_eq!(r.status_code(), 403);
        let r = web_get(&server, &a.dir, &page(&a, "")).await;
        assert!(r.text().contains("Valider la période"));
        let r = web_post(&server, &a.dir, &page(&a, "/validate"), &[]).await;
        assert_eq!(r.status_code(), 303);
        assert!(follow(&server, &a.dir, &r).await.text().contains("validée"));
        assert_eq!(status(&server, &a).await, "validated");
        // Exported by the payroll officer, then the file downloaded on the session.
        let r = web_post(
            &server,
            &a.paie,
            &page(&a, "/export"),
            &[("profile", "generic")],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert_eq!(status(&server, &a).await, "exported");
        let html = web_get(&server, &a.paie, &page(&a, "")).await.text();
        assert!(html.contains(&page(&a, "/export.csv")), "{html}");
        let csv = web_get(&server, &a.paie, &page(&a, "/export.csv")).await;
        assert_eq!(csv.status_code(), 200);
        assert!(
            csv.header("content-type")
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(
            csv.text().contains("P001") && csv.text().contains("MAL"),
            "{}",
            csv.text()
        );
        let pdf = web_get(&server, &a.paie, &page(&a, "/recap.pdf")).await;
        assert_eq!(pdf.status_code(), 200);
        // The HR officer does not download exports.
        assert_eq!(
            web_get(&server, &a.rh, &page(&a, "/export.csv"))
                .await
                .status_code(),
            403
        );
        // Reopening wants a reason (422, the message under the field), then reopens.
        let r = web_post(&server, &a.dir, &page(&a, "/reopen"), &[("reason", " ")]).await;
        assert_eq!(r.status_code(), 422);
        assert!(
            r.text().contains("id=\"champ-reason-erreur\""),
            "{}",
            r.text()
        );
        assert_eq!(status(&server, &a).await, "exported");
        let r = web_post(
            &server,
            &a.dir,
            &page(&a, "/reopen"),
            &[("reason", "Prime oubliée")],
        )
        .await;
        assert_eq!(r.status_code(), 303);
        assert_eq!(status(&server, &a).await, "reopened");
    })
    .await;
}

#[tokio::test]
async fn the_landing_the_import_and_the_settings() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = alpha(&server, &kit, "alpha").await;
        let html = web_get(&server, &a.rh, "/m/alpha/payroll").await.text();
        assert!(html.contains("Paie — Association alpha"), "{html}");
        assert!(html.contains(&format!("/m/alpha/payroll/periods/{}", a.month)));
        // The HR officer has no settings.
        assert!(!html.contains("/m/alpha/payroll/settings"));
        assert_eq!(
            web_get(&server, &a.rh, "/m/alpha/payroll/settings")
                .await
                .status_code(),
            403
        );
        // A csv with one good and one bad row: the report names the row and the column.
        let csv = "Matricule;Code;Quantité\nP001;HS25;2\nP404;HS25;1\n";
        let form = axum_test::multipart::MultipartForm::new()
            .add_text("csrf", a.paie.csrf.clone())
            .add_part(
                "file",
                axum_test::multipart::Part::bytes(csv.as_bytes().to_vec())
                    .file_name("evp.csv")
                    .mime_type("text/csv"),
            );
        let r = server
            .post(&page(&a, "/imports"))
            .add_header("cookie", a.paie.cookie.as_str())
            .multipart(form)
            .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let report = follow(&server, &a.paie, &r).await.text();
        assert!(
            report.contains("Matricule") && report.contains(">3<"),
            "{report}"
        );
        assert!(report.contains("Importer 1 élément"), "{report}");
        let to = r.header("location").to_str().unwrap().to_string();
        let r = web_post(&server, &a.paie, &format!("{to}/confirm"), &[]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert_eq!(lines(&server, &a).await.len(), 1);
        // Settings: a cut-off day out of range is refused next to its field.
        let r = web_post(
            &server,
            &a.paie,
            "/m/alpha/payroll/settings",
            &[
                ("cutoff_day", "31"),
                ("profile", "generic"),
                ("company_code", ""),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("id=\"champ-cutoff_day-erreur\""));
        let r = web_post(
            &server,
            &a.paie,
            "/m/alpha/payroll/settings/codes",
            &[("code", "HS25"), ("provider_code", "1025")],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let html = follow(&server, &a.paie, &r).await.text();
        assert!(html.contains("<code>1025</code>"), "{html}");
    })
    .await;
}
