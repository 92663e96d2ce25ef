//! IT support's pages through the router: the IT staff record, edit, resolve and delete
//! an intervention (errors next to the fields, the duration rounded and counted), a
//! closed period's resolved intervention refused in French, the member's IT contact, the
//! recap PDF, the desk and its CSV across the members served only, the rounding setting;
//! the director reads without recording.
use axum_test::TestServer;
use mutualis_core::{authz::Role, testkit::WebSession, time::Month};
use serde_json::{Value, json};

use crate::common::*;

async fn billed(server: &TestServer, bearer: &str, month: Month) -> String {
    let v: Value = api_get(
        server,
        bearer,
        &format!("/api/m/alpha/it/interventions?period={month}"),
    )
    .await
    .json();
    v["billed_hours"].as_str().unwrap().to_string()
}

fn today() -> String {
    mutualis_core::time::paris_today().to_string()
}

fn form<'a>(date: &'a str, minutes: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("date", date),
        ("minutes", minutes),
        ("ticket", "HD-42"),
        ("category", "poste"),
        ("remote", "false"),
        ("description", description),
        ("contact", "Mme Durand"),
        ("status", "open"),
    ]
}

async fn post_ok(
    server: &TestServer,
    s: &WebSession,
    path: &str,
    fields: &[(&str, &str)],
) -> String {
    let r = web_post(server, s, path, fields).await;
    assert_eq!(r.status_code(), 303, "{path}: {}", r.text());
    follow(server, s, &r).await.text()
}

#[tokio::test]
async fn the_it_staff_record_edit_resolve_and_delete_and_the_hours_follow() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let it_user = kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
        let it = kit.web(&it_user).await;
        let api = kit.bearer(&it_user);
        let dir = kit
            .web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await)
            .await;
        let this = Month::of(chrono::Utc::now());
        let d = today();

        let page = web_get(&server, &it, "/m/alpha/it").await.text();
        assert!(page.contains("Aucune intervention enregistrée"), "{page}");
        assert!(
            page.contains("Aucun contact informatique enregistré"),
            "{page}"
        );

        // Errors next to their fields, what was typed kept.
        let mut bad = form(&d, "beaucoup", "");
        bad[2] = ("ticket", "HD-TYPED");
        let r = web_post(&server, &it, "/m/alpha/it/interventions", &bad).await;
        assert_eq!(r.status_code(), 422);
        let t = r.text();
        assert!(
            t.contains("La durée est un nombre de minutes, de 1 à 1 440."),
            "{t}"
        );
        assert!(
            t.contains("Décrivez l’intervention en quelques mots."),
            "{t}"
        );
        assert!(t.contains("value=\"HD-TYPED\""), "{t}");
        assert_eq!(billed(&server, &api, this).await, "0");

        // 50 minutes are counted as an hour (the quarter-hour step).
        let next = post_ok(
            &server,
            &it,
            "/m/alpha/it/interventions",
            &form(&d, "50", "Poste de l’accueil réinstallé"),
        )
        .await;
        assert!(
            next.contains("durée comptée : 1 h (50 min saisies, arrondies)"),
            "{next}"
        );
        assert!(
            next.contains("Poste de l’accueil réinstallé") && next.contains("En cours"),
            "{next}"
        );
        assert_eq!(billed(&server, &api, this).await, "1");
        let v: Value = api_get(&server, &api, "/api/m/alpha/it/interventions")
            .await
            .json();
        let id = v["interventions"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(v["interventions"][0]["remote"], false);

        // The edit form is prefilled; 90 minutes instead: the difference is counted.
        let edit = web_get(&server, &it, &format!("/m/alpha/it/interventions/{id}"))
            .await
            .text();
        assert!(
            edit.contains("value=\"60\"") && edit.contains("Mme Durand"),
            "{edit}"
        );
        let next = post_ok(
            &server,
            &it,
            &format!("/m/alpha/it/interventions/{id}"),
            &form(&d, "90", "Poste réinstallé, imprimante ajoutée"),
        )
        .await;
        assert!(next.contains("modifiée ; durée comptée : 1 h 30"), "{next}");
        assert_eq!(billed(&server, &api, this).await, "1.5");

        // Resolved.
        let next = post_ok(
            &server,
            &it,
            &format!("/m/alpha/it/interventions/{id}/resolve"),
            &[],
        )
        .await;
        assert!(
            next.contains("marquée résolue") && next.contains("Résolue"),
            "{next}"
        );
        let v: Value = api_get(&server, &api, "/api/m/alpha/it/interventions")
            .await
            .json();
        assert_eq!(v["interventions"][0]["status"], "resolved");
        assert_eq!(
            billed(&server, &api, this).await,
            "1.5",
            "resolving changes no hours"
        );

        // The director sees it and its total, with no form and no button.
        let page = web_get(&server, &dir, "/m/alpha/it").await.text();
        assert!(
            page.contains("Poste réinstallé, imprimante ajoutée") && page.contains("1,5 h"),
            "{page}"
        );
        assert!(
            !page.contains("Enregistrer une intervention") && !page.contains("/delete"),
            "{page}"
        );
        assert_eq!(
            web_get(&server, &dir, "/m/alpha/it/interventions")
                .await
                .status_code(),
            403
        );
        let r = web_post(
            &server,
            &dir,
            "/m/alpha/it/interventions",
            &form(&d, "30", "Non"),
        )
        .await;
        assert_eq!(r.status_code(), 403);
        let r = web_post(
            &server,
            &dir,
            &format!("/m/alpha/it/interventions/{id}/delete"),
            &[],
        )
        .await;
        assert_eq!(r.status_code(), 403);

        // Deleted: its hours are taken back.
        let next = post_ok(
            &server,
            &it,
            &format!("/m/alpha/it/interventions/{id}/delete"),
            &[],
        )
        .await;
        assert!(
            next.contains("supprimée ; sa durée (1 h 30) n’est plus comptée"),
            "{next}"
        );
        assert_eq!(billed(&server, &api, this).await, "0");
    })
    .await;
}

#[tokio::test]
async fn a_resolved_intervention_of_a_closed_period_is_refused_in_french() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let it_user = kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
        let it = kit.web(&it_user).await;
        let last = Month::of(chrono::Utc::now()).prev();
        let day = last.first_day().to_string();
        let (s, v) = post_json(&server, &kit.bearer(&it_user), "/api/m/alpha/it/interventions",
            json!({"date": day, "minutes": "60", "category": "reseau", "remote": true, "description": "Box remplacée", "status": "resolved"})).await;
        assert_eq!(s, 201, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        mutualis_core::metering::close_period(&ctx.db, last).await.unwrap();

        let page = web_get(&server, &it, &format!("/m/alpha/it?period={last}")).await.text();
        assert!(page.contains("Période close : saisissez une ligne de correction"), "{page}");
        let mut f = form(&day, "30", "Box remplacée");
        f[7] = ("status", "resolved");
        let r = web_post(&server, &it, &format!("/m/alpha/it/interventions/{id}"), &f).await;
        assert_eq!(r.status_code(), 303);
        let next = follow(&server, &it, &r).await.text();
        assert!(next.contains("appartient à une période de facturation close") && next.contains("ligne de correction"), "{next}");
        let r = web_post(&server, &it, &format!("/m/alpha/it/interventions/{id}/delete"), &[]).await;
        let next = follow(&server, &it, &r).await.text();
        assert!(next.contains("période de facturation close"), "{next}");
        let v: Value = api_get(&server, &kit.bearer(&it_user), &format!("/api/m/alpha/it/interventions?period={last}")).await.json();
        assert_eq!(v["interventions"][0]["minutes"], 60, "unchanged: {v}");
    })
    .await;
}

#[tokio::test]
async fn the_recap_pdf_the_contact_and_the_desk_of_the_members_served_only() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let b = kit.member("beta", &["it"]).await;
        let it_user = kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
        let it = kit.web(&it_user).await;
        let dir = kit.web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await).await;
        let it_b = kit.bearer(&kit.user("it@beta.test", Role::ItSupport, Some(&b)).await);
        let d = today();
        post_ok(&server, &it, "/m/alpha/it/interventions", &form(&d, "45", "Messagerie de Zoé configurée")).await;
        let (s, _) = post_json(&server, &it_b, "/api/m/beta/it/interventions",
            json!({"date": d, "minutes": "120", "category": "autre", "remote": true, "description": "Secret de Bêta"})).await;
        assert_eq!(s, 201);

        // The director's recap: each intervention, the total, the hours billed.
        let month = Month::of(chrono::Utc::now());
        let r = web_get(&server, &dir, &format!("/m/alpha/it/recap.pdf?period={month}")).await;
        assert_eq!(r.status_code(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let text = pdf_pages(r.as_bytes(), "it-recap").join("\n");
        assert!(text.contains("Support informatique"), "{text}");
        assert!(text.contains("Messagerie de Zoé configurée") && text.contains("Ticket HD-42"), "{text}");
        assert!(text.contains("Heures retenues") && text.contains("0,75 h"), "{text}");
        assert!(!text.contains("Bêta"), "{text}");

        // The contact: errors next to the field, then recorded.
        let r = web_post(&server, &it, "/m/alpha/it/contact", &[("name", ""), ("email", "pas-un-mail"), ("phone", "")]).await;
        assert_eq!(r.status_code(), 422);
        let t = r.text();
        assert!(t.contains("Le nom du contact est obligatoire.") && t.contains("value=\"pas-un-mail\""), "{t}");
        let desk = web_get(&server, &it, "/coop/it").await.text();
        assert!(desk.contains("Sans contact informatique enregistré"), "{desk}");
        let next = post_ok(&server, &it, "/m/alpha/it/contact", &[("name", "Mme Durand"), ("email", "durand@alpha.test"), ("phone", "02 47 11 22 33")]).await;
        assert!(next.contains("Contact informatique enregistré : Mme Durand.") && next.contains("durand@alpha.test"), "{next}");
        assert_eq!(web_get(&server, &dir, "/m/alpha/it/contact").await.status_code(), 403);

        // The desk: alpha only (beta is not served by this user), its hours, no contact missing.
        let desk = web_get(&server, &it, "/coop/it").await.text();
        assert!(desk.contains("Association alpha") && desk.contains("0,75 h"), "{desk}");
        assert!(desk.contains("Messagerie de Zoé configurée"), "open interventions: {desk}");
        assert!(!desk.contains("beta") && !desk.contains("Bêta"), "{desk}");
        assert!(!desk.contains("Sans contact informatique enregistré"), "{desk}");
        let r = web_get(&server, &it, &format!("/coop/it/desk.csv?period={month}")).await;
        assert_eq!(r.status_code(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains(&format!("support-informatique-{month}.csv")));
        let csv = r.text();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("adherent;periode;heures;heures_mois_precedent;interventions;ouvertes;contact"));
        assert_eq!(lines.next(), Some(format!("Association alpha;{month};0,75;0;1;1;oui").as_str()));
        assert_eq!(lines.next(), None, "{csv}");
        // The director does not reach the desk; the navigation offers it to the IT staff.
        assert_eq!(web_get(&server, &dir, "/coop/it").await.status_code(), 403);
        let home = web_get(&server, &it, "/").await.text();
        assert!(home.contains("href=\"/coop/it\""), "{home}");
    })
    .await;
}

#[tokio::test]
async fn the_administration_sets_the_rounding_and_the_board_reads_it() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let it_user = kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
        let it = kit.web(&it_user).await;
        let admin = kit
            .web(&kit.user("admin@coop.test", Role::CoopAdmin, None).await)
            .await;
        let board = kit
            .web(&kit.user("ca@coop.test", Role::Board, None).await)
            .await;
        let page = web_get(&server, &board, "/coop/it/settings").await.text();
        assert!(
            page.contains("Durées arrondies au quart d’heure supérieur (15 min)")
                && !page.contains("Changer l’arrondi"),
            "{page}"
        );
        let r = web_post(
            &server,
            &board,
            "/coop/it/settings",
            &[("rounding_minutes", "30")],
        )
        .await;
        assert_eq!(r.status_code(), 403);
        let r = web_post(
            &server,
            &admin,
            "/coop/it/settings",
            &[("rounding_minutes", "90")],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("L’arrondi va de 1 à 60 minutes"));
        let next = post_ok(
            &server,
            &admin,
            "/coop/it/settings",
            &[("rounding_minutes", "30")],
        )
        .await;
        assert!(
            next.contains("arrondies à la demi-heure supérieure"),
            "{next}"
        );
        // The form says so, and 20 minutes now count for 30.
        let f = web_get(&server, &it, "/m/alpha/it/interventions")
            .await
            .text();
        assert!(
            f.contains("Arrondie à la demi-heure supérieure (30 min)"),
            "{f}"
        );
        let next = post_ok(
            &server,
            &it,
            "/m/alpha/it/interventions",
            &form(&today(), "20", "Mot de passe réinitialisé"),
        )
        .await;
        assert!(
            next.contains("durée comptée : 30 min (20 min saisies, arrondies)"),
            "{next}"
        );
    })
    .await;
}

#[tokio::test]
async fn resolving_after_the_step_changed_keeps_the_duration() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["it"]).await;
        let it_user = kit.user("it@coop.test", Role::ItSupport, Some(&a)).await;
        let it = kit.web(&it_user).await;
        let api = kit.bearer(&it_user);
        let admin = kit
            .web(&kit.user("admin@coop.test", Role::CoopAdmin, None).await)
            .await;
        post_ok(
            &server,
            &it,
            "/m/alpha/it/interventions",
            &form(&today(), "45", "Imprimante"),
        )
        .await;
        post_ok(
            &server,
            &admin,
            "/coop/it/settings",
            &[("rounding_minutes", "60")],
        )
        .await;
        let v: Value = api_get(&server, &api, "/api/m/alpha/it/interventions")
            .await
            .json();
        let id = v["interventions"][0]["id"].as_str().unwrap().to_string();
        post_ok(
            &server,
            &it,
            &format!("/m/alpha/it/interventions/{id}/resolve"),
            &[],
        )
        .await;
        let v: Value = api_get(&server, &api, "/api/m/alpha/it/interventions")
            .await
            .json();
        assert_eq!(
            (
                v["interventions"][0]["minutes"].as_i64(),
                v["billed_hours"].as_str()
            ),
            (Some(45), Some("0.75")),
            "{v}"
        );
        // A changed duration is rounded to the new step.
        let d = today();
        let mut f = form(&d, "50", "Imprimante");
        f[7] = ("status", "resolved");
        post_ok(&server, &it, &format!("/m/alpha/it/interventions/{id}"), &f).await;
        assert_eq!(
            billed(&server, &api, Month::of(chrono::Utc::now())).await,
            "1"
        );
    })
    .await;
}
