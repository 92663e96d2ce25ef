//! GDPR's French pages through the router: the short breach form any user of the member
//! fills (a bad form kept with its errors and nothing stored; the declarant sent home, not
//! into the register it may not read), the DPO's and director's decision; a request typed
//! on its page with its legal deadline, refused an extension after the first month, then
//! answered; an activity from the form to checked, and back to completed when edited;
//! the DPO's desk (the members served only, the late first) and a template deployed and
//! updated from the pages, the update shown field by field and accepted.
use mutualis_core::authz::Role;
use serde_json::json;

use crate::common::*;

fn text(r: &axum_test::TestResponse) -> String {
    r.text()
}

/// The flash message a redirect carries, as the next page shows it.
async fn flash(
    server: &axum_test::TestServer,
    s: &WebSession,
    r: &axum_test::TestResponse,
) -> String {
    assert_eq!(r.status_code(), 303, "{}", r.text());
    follow(server, s, r).await.text()
}

#[tokio::test]
async fn any_user_declares_a_breach_and_the_dpo_decides_on_its_page() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let staff = kit
            .web(&kit.user("staff@alpha.test", Role::Staff, Some(&a)).await)
            .await;
        let dpo_user = kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await;
        let dpo = kit.web(&dpo_user).await;

        // The member's home links the short form for staff; the register stays closed.
        let home = text(&web_get(&server, &staff, "/m/alpha").await);
        assert!(home.contains("/m/alpha/gdpr/breaches/new"), "{home}");
        assert_eq!(
            web_get(&server, &staff, "/m/alpha/gdpr/breaches")
                .await
                .status_code(),
            403
        );
        assert_eq!(
            web_get(&server, &staff, "/m/alpha/gdpr")
                .await
                .status_code(),
            403
        );

        // A form without its nature and with awareness before discovery: 422, each error
        // next to its field, the typed text kept, nothing stored.
        let r = web_post(
            &server,
            &staff,
            "/m/alpha/gdpr/breaches/new",
            &[
                ("discovered_at", "2026-11-20T10:30"),
                ("aware_at", "2026-11-20T09:00"),
                ("description", "Classeur des usagers oublié dans le train"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        let page = r.text();
        assert!(
            page.contains("Indiquez la nature de la violation"),
            "{page}"
        );
        assert!(
            page.contains("La prise de connaissance ne peut précéder la découverte"),
            "{page}"
        );
        assert!(
            page.contains("Classeur des usagers oublié dans le train"),
            "the text typed is kept"
        );
        let list = text(&web_get(&server, &dpo, "/m/alpha/gdpr/breaches").await);
        assert!(
            !list.contains("Classeur des usagers"),
            "nothing stored: {list}"
        );

        // The declaration: the 72 hours start at awareness (Paris time), the declarant
        // goes back to the member's home with the deadline.
        let r = web_post(
            &server,
            &staff,
            "/m/alpha/gdpr/breaches/new",
            &[
                ("discovered_at", "2026-11-20T10:30"),
                ("aware_at", "2026-11-20T11:00"),
                ("nature", "confidentiality"),
                ("nature", "availability"),
                ("description", "Classeur des usagers oublié dans le train"),
            ],
        )
        .await;
        assert_eq!(r.headers()["location"], "/m/alpha");
        let shown = flash(&server, &staff, &r).await;
        assert!(shown.contains("avant le 23/11/2026 11:00"), "{shown}");

        // The DPO sees it in the register, late (72 hours passed), then decides.
        let list = text(&web_get(&server, &dpo, "/m/alpha/gdpr/breaches").await);
        assert!(
            list.contains("Classeur des usagers oublié dans le train"),
            "{list}"
        );
        assert!(list.contains("72 h dépassées"), "{list}");
        let href = list
            .split("href=\"/m/alpha/gdpr/breaches/")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .find(|id| *id != "new")
            .unwrap()
            .to_string();
        let page = text(&web_get(&server, &dpo, &format!("/m/alpha/gdpr/breaches/{href}")).await);
        assert!(page.contains("Confidentialité, Disponibilité"), "{page}");
        assert!(page.contains("23/11/2026 11:00"), "{page}");

        let r = web_post(
            &server,
            &dpo,
            &format!("/m/alpha/gdpr/breaches/{href}/notification"),
            &[("decision", "notify"), ("reason", "")],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        let page = r.text();
        assert!(
            page.contains("Le motif de la décision est obligatoire"),
            "{page}"
        );
        assert!(
            page.contains("Indiquez quand la CNIL a été notifiée"),
            "{page}"
        );

        let r = web_post(
            &server,
            &dpo,
            &format!("/m/alpha/gdpr/breaches/{href}/notification"),
            &[
                ("decision", "notify"),
                ("reason", "Données de santé d’usagers exposées"),
                ("notified_at", "2026-11-24T09:15"),
                ("reference", "CNIL-2026-0042"),
                ("kind", "initial"),
                ("late_reason", "Le classeur a été retrouvé puis reperdu"),
            ],
        )
        .await;
        let shown = flash(&server, &dpo, &r).await;
        assert!(
            shown.contains("Notification à la CNIL enregistrée"),
            "{shown}"
        );
        assert!(
            shown.contains("CNIL notifiée le 24/11/2026 09:15"),
            "{shown}"
        );
        assert!(shown.contains("CNIL-2026-0042"), "{shown}");
        let list = text(&web_get(&server, &dpo, "/m/alpha/gdpr/breaches").await);
        assert!(
            list.contains("CNIL notifiée") && !list.contains("72 h dépassées"),
            "{list}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_request_typed_on_its_page_gets_its_deadline_and_is_answered() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let director = kit
            .web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await)
            .await;

        // Received on 31 January 2026: a month later is Saturday 28 February → Monday 2 March.
        let r = web_post(
            &server,
            &director,
            "/m/alpha/gdpr/requests",
            &[
                ("kind", "access"),
                ("received_on", "2026-01-31"),
                ("applicant", "Mme Dupont"),
                ("identity_verified", "true"),
            ],
        )
        .await;
        let page = flash(&server, &director, &r).await;
        assert!(
            page.contains("Demande d’accès enregistrée : réponse due au plus tard le 02/03/2026"),
            "{page}"
        );
        assert!(page.contains("Échéance : 02/03/2026"), "{page}");
        assert!(page.contains("en retard de"), "{page}");
        let id = r.headers()["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        // The first month is over: no extension is offered, and one posted is refused.
        assert!(!page.contains("Prolonger le délai"), "{page}");
        let r = web_post(
            &server,
            &director,
            &format!("/m/alpha/gdpr/requests/{id}/extend"),
            &[
                ("reason", "Dossier volumineux"),
                ("informed_on", "2026-02-10"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422, "{}", r.text());

        // A bad request form keeps its values and names the field.
        let r = web_post(
            &server,
            &director,
            "/m/alpha/gdpr/requests",
            &[
                ("kind", "access"),
                ("received_on", "31/02/2026"),
                ("applicant", "M. Durand"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("M. Durand"));

        // The answer stops the clock; it is late, and the page says so.
        let r = web_post(
            &server,
            &director,
            &format!("/m/alpha/gdpr/requests/{id}/answer"),
            &[
                ("answered_on", "2026-03-05"),
                ("answer", "Copie du dossier administratif envoyée"),
                ("channel", "courrier"),
            ],
        )
        .await;
        let page = flash(&server, &director, &r).await;
        assert!(page.contains("après l’échéance"), "{page}");
        assert!(
            page.contains("Répondue le</dt><dd>05/03/2026 (courrier)"),
            "{page}"
        );
        let list = text(&web_get(&server, &director, "/m/alpha/gdpr/requests").await);
        assert!(list.contains("répondue le 05/03/2026"), "{list}");
    })
    .await;
}

#[tokio::test]
async fn an_activity_goes_from_the_form_to_checked_and_back_to_completed_when_edited() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let director = kit
            .web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await)
            .await;
        let dpo = kit
            .web(&kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await)
            .await;
        let hr = kit
            .web(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await)
            .await;

        let fields = [
            ("name", "Vidéoprotection du hall"),
            ("purposes", "Sécurité des biens et des personnes"),
            ("role", "controller"),
            ("legal_bases", "legitimate_interests"),
            ("legal_bases", "legal_obligation"),
            ("data_categories", "identity"),
            ("person_categories", "service_users"),
            ("person_categories", "employees"),
            ("recipients", "Direction"),
            ("transfers", ""),
            ("ret_category", "identity"),
            ("ret_active", "30 jours"),
            ("ret_intermediate", ""),
            ("ret_fate", "destroy"),
            ("ret_criterion", "Enregistrement"),
            ("ret_category", ""),
            ("ret_active", ""),
            ("ret_intermediate", ""),
            ("ret_fate", ""),
            ("ret_criterion", ""),
            ("security_measures", "Accès restreint aux images"),
            ("dpia_criteria", "systematic_monitoring"),
            ("dpia_criteria", "vulnerable_persons"),
        ];
        let r = web_post(&server, &director, "/m/alpha/gdpr/activities/new", &fields).await;
        let page = flash(&server, &director, &r).await;
        assert!(
            page.contains("Traitement « Vidéoprotection du hall » enregistré (brouillon)"),
            "{page}"
        );
        assert!(page.contains("Requise (deux critères ou plus)"), "{page}");
        assert!(
            page.contains("Intérêt légitime (art. 6.1.f), Obligation légale (art. 6.1.c)"),
            "{page}"
        );
        assert!(page.contains("État civil, identité : 30 jours"), "{page}");
        let path = r.headers()["location"].to_str().unwrap().to_string();

        // Marked complete by the director, checked by the DPO only.
        let r = web_post(&server, &director, &format!("{path}/complete"), &[]).await;
        assert!(flash(&server, &director, &r).await.contains("est complété"));
        assert_eq!(
            web_post(
                &server,
                &director,
                &format!("{path}/check"),
                &[("recommendations", "x")]
            )
            .await
            .status_code(),
            403
        );
        let r = web_post(
            &server,
            &dpo,
            &format!("{path}/check"),
            &[("recommendations", "Afficher le panneau d’information")],
        )
        .await;
        let page = flash(&server, &dpo, &r).await;
        assert!(
            page.contains("Vérifiée par le DPO")
                && page.contains("Afficher le panneau d’information"),
            "{page}"
        );

        // Edited: back to completed, and the form said so beforehand.
        let form = text(&web_get(&server, &director, &format!("{path}/edit")).await);
        assert!(form.contains("le remet à l’état « complété »"), "{form}");
        assert!(form.contains("value=\"Vidéoprotection du hall\""), "{form}");
        let mut edited = fields.to_vec();
        edited[1] = ("purposes", "Sécurité des biens");
        let r = web_post(&server, &director, &format!("{path}/edit"), &edited).await;
        let page = flash(&server, &director, &r).await;
        assert!(page.contains("Il redevient « complété »"), "{page}");
        assert!(
            page.contains("Complétée") && !page.contains("badge-ok\">Vérifiée"),
            "{page}"
        );

        // A name missing: 422 with the field named, the rest kept.
        let mut bad = fields.to_vec();
        bad[0] = ("name", "");
        let r = web_post(&server, &director, "/m/alpha/gdpr/activities/new", &bad).await;
        assert_eq!(r.status_code(), 422);
        let page = r.text();
        assert!(
            page.contains("Le nom du traitement est obligatoire")
                && page.contains("Sécurité des biens et des personnes"),
            "{page}"
        );

        // An HR officer reads nothing of the register, and may still report a breach.
        assert_eq!(
            web_get(&server, &hr, "/m/alpha/gdpr").await.status_code(),
            403
        );
        assert_eq!(web_get(&server, &hr, &path).await.status_code(), 403);
        assert_eq!(
            web_get(&server, &hr, "/m/alpha/gdpr/breaches/new")
                .await
                .status_code(),
            200
        );
    })
    .await;
}

#[tokio::test]
async fn the_desk_shows_the_members_served_late_first_and_templates_deploy_and_update_from_pages() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let b = kit.member("beta", &["gdpr"]).await;
        let c = kit.member("gamma", &["gdpr"]).await;
        let dpo_user = kit.user("dpo@coop.test", Role::Dpo, Some(&a)).await;
        kit.grant(&dpo_user, Role::Dpo, Some(&b)).await;
        let dpo = kit.web(&dpo_user).await;
        let other = kit.bearer(&kit.user("dpo@gamma.test", Role::Dpo, Some(&c)).await);
        let bearer = kit.bearer(&dpo_user);
        let request = |slug: &'static str, who: &'static str, on: String, bearer: String| {
            let server = &server;
            async move {
                let r = server
                    .post(&format!("/api/m/{slug}/gdpr/requests"))
                    .add_header("authorization", bearer.as_str())
                    .json(&json!({"kind": "access", "received_on": on, "applicant": who}))
                    .await;
                assert_eq!(r.status_code(), 201, "{}", r.text());
            }
        };
        let today = mutualis_core::time::paris_today();
        request("beta", "Mme Soon", today.to_string(), bearer.clone()).await;
        request(
            "alpha",
            "M. Late",
            (today - chrono::Duration::days(70)).to_string(),
            bearer.clone(),
        )
        .await;
        request("gamma", "Mme Hidden", today.to_string(), other).await;

        // Served members only, the late one first; its row leads to the member's page.
        let page = text(&web_get(&server, &dpo, "/coop/gdpr").await);
        assert!(
            !page.contains("Mme Hidden") && !page.contains("gamma"),
            "{page}"
        );
        let late = page.find("M. Late").expect("the late request");
        let soon = page.find("Mme Soon").expect("the other request");
        assert!(late < soon, "the late request comes first");
        assert!(page.contains("en retard de"), "{page}");
        assert!(page.contains("/m/alpha/gdpr/requests/"), "{page}");
        // The navigation offers the desk to this DPO, who holds no cooperative role.
        assert!(
            page.contains("Adhérents suivis") && page.contains("href=\"/coop/gdpr/templates\""),
            "{page}"
        );
        // A user serving no member is refused.
        let nobody = kit
            .web(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await)
            .await;
        assert_eq!(
            web_get(&server, &nobody, "/coop/gdpr").await.status_code(),
            403
        );

        // A template made on its page, deployed to both members, then a version 2.
        let fields = [
            ("name", "Gestion des plaintes"),
            ("purposes", "Traiter les plaintes"),
            ("role", "controller"),
            ("legal_bases", "legal_obligation"),
            ("data_categories", "identity"),
            ("person_categories", "families"),
            ("recipients", "Direction"),
            ("security_measures", "Armoire fermée"),
        ];
        let r = web_post(&server, &dpo, "/coop/gdpr/templates", &fields).await;
        let page = flash(&server, &dpo, &r).await;
        assert!(
            page.contains("Modèle « Gestion des plaintes » créé (version 1)"),
            "{page}"
        );
        let tpath = r.headers()["location"].to_str().unwrap().to_string();
        assert!(
            !page.contains("Gamma") && page.contains("Pas encore déployé"),
            "{page}"
        );
        let r = web_post(&server, &dpo, &format!("{tpath}/deploy"), &[]).await;
        assert_eq!(r.status_code(), 422, "no member chosen");
        assert!(r.text().contains("Choisissez au moins un adhérent"));
        let r = web_post(
            &server,
            &dpo,
            &format!("{tpath}/deploy"),
            &[("members", "alpha"), ("members", "beta")],
        )
        .await;
        let page = flash(&server, &dpo, &r).await;
        assert!(page.contains("Modèle déployé chez 2 adhérents"), "{page}");
        assert_eq!(page.matches("À jour (version 1)").count(), 2, "{page}");

        let mut v2 = fields.to_vec();
        v2[1] = ("purposes", "Traiter les plaintes et réclamations");
        let r = web_post(&server, &dpo, &tpath, &v2).await;
        let page = flash(&server, &dpo, &r).await;
        assert!(page.contains("Version 2 du modèle enregistrée"), "{page}");
        assert_eq!(
            page.matches("Version 1 : mise à jour proposée").count(),
            2,
            "{page}"
        );

        // Alpha's copy shows the difference field by field and accepts it.
        let register = text(&web_get(&server, &dpo, "/m/alpha/gdpr").await);
        assert!(register.contains("Mise à jour proposée"), "{register}");
        let copy = register
            .split("href=\"/m/alpha/gdpr/activities/")
            .find(|s| s.contains("Gestion des plaintes"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let page = text(&web_get(&server, &dpo, &format!("/m/alpha/gdpr/activities/{copy}")).await);
        assert!(
            page.contains("Mise à jour du modèle proposée (version 1 → 2)"),
            "{page}"
        );
        assert!(
            page.contains("<strong>Traiter les plaintes et réclamations</strong>"),
            "{page}"
        );
        let r = web_post(
            &server,
            &dpo,
            &format!("/m/alpha/gdpr/activities/{copy}/template-update/accept"),
            &[],
        )
        .await;
        let page = flash(&server, &dpo, &r).await;
        assert!(page.contains("Mise à jour du modèle acceptée"), "{page}");
        assert!(
            page.contains("Traiter les plaintes et réclamations")
                && !page.contains("Mise à jour du modèle proposée"),
            "{page}"
        );
    })
    .await;
}
