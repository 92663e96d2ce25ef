//! GDPR through the router: the legal clocks (a month from receipt, a non-working day,
//! the extension, the medical file; 72 elapsed hours across the changes of clocks), the
//! DPIA criteria, templates deployed to three members, reminders sent once, who sees what
//! (a DPO only the members it serves; staff declare but do not read; an HR officer reads
//! nothing of the register), the register at a past date.
use axum_test::TestServer;
use mutualis_core::authz::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::common::*;

async fn post(server: &TestServer, bearer: &str, path: &str, body: Value) -> (u16, Value) {
    let r = server
        .post(path)
        .add_header("authorization", bearer)
        .json(&body)
        .await;
    let status = r.status_code().as_u16();
    (status, r.json())
}

async fn put(server: &TestServer, bearer: &str, path: &str, body: Value) -> (u16, Value) {
    let r = server
        .put(path)
        .add_header("authorization", bearer)
        .json(&body)
        .await;
    let status = r.status_code().as_u16();
    (status, r.json())
}

fn activity(name: &str) -> Value {
    json!({"name": name, "purposes": "Accompagnement", "legal_bases": ["legal_obligation"],
           "data_categories": ["identity"], "person_categories": ["service_users"],
           "recipients": "Équipe éducative", "transfers": "Aucun",
           "retention": [{"category": "identity", "active": "5 ans", "intermediate": "", "final_fate": "destroy"}]})
}

#[tokio::test]
async fn request_deadlines_follow_the_calendar_month_and_working_days() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let dpo = kit.bearer(&kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await);
        let due = |received: &'static str, medical: bool, old: bool| {
            let (server, dpo) = (&server, &dpo);
            async move {
                let (s, v) = post(server, dpo, "/api/m/alpha/gdpr/requests",
                    json!({"kind": "access", "received_on": received, "applicant": "Mme Dupont",
                           "medical_file": medical, "file_older_than_5_years": old})).await;
                assert_eq!(s, 201, "{v}");
                v["due_on"].as_str().unwrap().to_string()
            }
        };
        // 31 January 2026 → 28 February, a Saturday → Monday 2 March.
        assert_eq!(due("2026-01-31", false, false).await, "2026-03-02");
        // 31 January 2024 (leap year) → Thursday 29 February.
        assert_eq!(due("2024-01-31", false, false).await, "2024-02-29");
        // 31 March 2026 → Thursday 30 April.
        assert_eq!(due("2026-03-31", false, false).await, "2026-04-30");
        // 14 February 2026 → Saturday 14 March → Monday 16 March.
        assert_eq!(due("2026-02-14", false, false).await, "2026-03-16");
        // 14 June 2026 → Tuesday 14 July (Fête nationale) → Wednesday 15 July.
        assert_eq!(due("2026-06-14", false, false).await, "2026-07-15");
        // A medical file: 8 days (3 November → Wednesday 11 November, Armistice → 12);
        // older than five years: two months.
        assert_eq!(due("2026-11-03", true, false).await, "2026-11-12");
        assert_eq!(due("2026-09-15", true, true).await, "2026-11-16");
        // The extension: only within the first month, with a reason; three months then.
        let today = mutualis_core::time::paris_today();
        let (_, v) = post(&server, &dpo, "/api/m/alpha/gdpr/requests",
            json!({"kind": "erasure", "received_on": today.to_string(), "applicant": "M. Leroy"})).await;
        let id = v["id"].as_str().unwrap().to_string();
        let (s, v) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/requests/{id}/extend"), json!({"reason": ""})).await;
        assert_eq!(s, 422);
        assert_eq!(v["errors"][0]["field"], "reason", "{v}");
        let (s, v) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/requests/{id}/extend"), json!({"reason": "Nombreuses pièces à réunir"})).await;
        assert_eq!(s, 200, "{v}");
        let want = mutualis_gdpr::rules::request_due(today, mutualis_gdpr::rules::RequestClock::Extended);
        assert_eq!(v["due_on"].as_str(), Some(want.to_string().as_str()));
        let (s, _) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/requests/{id}/extend"), json!({"reason": "Encore"})).await;
        assert_eq!(s, 409, "extended once");
        // Received long ago: the first month is over, no extension.
        let (_, v) = post(&server, &dpo, "/api/m/alpha/gdpr/requests",
            json!({"kind": "access", "received_on": "2026-01-31", "applicant": "M. Martin"})).await;
        let old = v["id"].as_str().unwrap().to_string();
        let (s, v) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/requests/{old}/extend"), json!({"reason": "Trop tard"})).await;
        assert_eq!(s, 422);
        assert!(v.to_string().contains("premier mois"), "{v}");
        // The medical file's delay is not extended.
        let (_, v) = post(&server, &dpo, "/api/m/alpha/gdpr/requests",
            json!({"kind": "access", "received_on": today.to_string(), "applicant": "Mme Roy", "medical_file": true})).await;
        let med = v["id"].as_str().unwrap().to_string();
        let (s, _) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/requests/{med}/extend"), json!({"reason": "Dossier volumineux"})).await;
        assert_eq!(s, 422);
    })
    .await;
}

#[tokio::test]
async fn the_72_hours_are_elapsed_hours_across_both_changes_of_clocks() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let staff = kit.bearer(&kit.user("staff@alpha.test", Role::Staff, Some(&a)).await);
        for (aware, deadline) in [
            // Spring, 29 March 2026: 10:00 in Paris (UTC+1) → 31 March 11:00 (UTC+2).
            ("2026-03-28T10:00:00+01:00", "2026-03-31T09:00:00Z"),
            // Autumn, 25 October 2026: 10:00 (UTC+2) → 27 October 09:00 (UTC+1).
            ("2026-10-24T10:00:00+02:00", "2026-10-27T08:00:00Z"),
            // A form's local time is read in Paris.
            ("2026-03-28T10:00", "2026-03-31T09:00:00Z"),
        ] {
            let (s, v) = post(&server, &staff, "/api/m/alpha/gdpr/breaches",
                json!({"discovered_at": aware, "aware_at": aware, "nature": ["availability"], "description": "Panne"})).await;
            assert_eq!(s, 201, "{v}");
            assert_eq!(v["notification_deadline"].as_str(), Some(deadline), "{aware}");
        }
        // Notified after the 72 hours: the reasons of the delay are required.
        let dpo = kit.bearer(&kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await);
        let list: Value = api_get(&server, &dpo, "/api/m/alpha/gdpr/breaches").await.json();
        let id = list[0]["id"].as_str().unwrap().to_string();
        let late = json!({"decision": "notify", "reason": "Risque pour les usagers", "notified_at": "2026-11-01T10:00:00Z"});
        let (s, v) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/breaches/{id}/notification"), late.clone()).await;
        assert_eq!(s, 422);
        assert_eq!(v["errors"][0]["field"], "late_reason", "{v}");
        let mut with_reason = late;
        with_reason["late_reason"] = json!("Découverte de l’ampleur le 31 octobre");
        let (s, v) = post(&server, &dpo, &format!("/api/m/alpha/gdpr/breaches/{id}/notification"), with_reason).await;
        assert_eq!((s, v["clock_running"].as_bool()), (200, Some(false)), "{v}");
    })
    .await;
}

#[tokio::test]
async fn dpia_criteria_and_the_status_of_an_edited_activity() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let dpo = kit.bearer(&kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await);
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let mut one = activity("Vidéoprotection");
        one["dpia_criteria"] = json!(["systematic_monitoring"]);
        let (_, v) = post(&server, &dir, "/api/m/alpha/gdpr/activities", one.clone()).await;
        assert_eq!(v["dpia_required"], false, "one criterion");
        let id = v["id"].as_str().unwrap().to_string();
        one["dpia_criteria"] = json!(["systematic_monitoring", "vulnerable_persons"]);
        let (_, v) = put(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{id}"),
            one.clone(),
        )
        .await;
        assert_eq!(v["dpia_required"], true, "two criteria");
        one["dpia_override"] = json!("not_required");
        let (s, _) = put(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{id}"),
            one.clone(),
        )
        .await;
        assert_eq!(s, 422, "an override needs its reason");
        one["dpia_override_reason"] = json!("Couvert par l’AIPD du groupement");
        let (_, v) = put(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{id}"),
            one.clone(),
        )
        .await;
        assert_eq!(
            (v["dpia_required"].as_bool(), v["status"].as_str()),
            (Some(false), Some("draft"))
        );
        // The DPO checks only a completed activity; the director may not check.
        let (s, _) = post(
            &server,
            &dpo,
            &format!("/api/m/alpha/gdpr/activities/{id}/check"),
            json!({}),
        )
        .await;
        assert_eq!(s, 409);
        post(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{id}/complete"),
            json!({}),
        )
        .await;
        let (s, _) = post(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{id}/check"),
            json!({}),
        )
        .await;
        assert_eq!(s, 403);
        let (_, v) = post(
            &server,
            &dpo,
            &format!("/api/m/alpha/gdpr/activities/{id}/check"),
            json!({"recommendations": "Informer les familles"}),
        )
        .await;
        assert_eq!(v["status"], "checked");
        one["notes"] = json!("Caméra ajoutée au portail");
        let (_, v) = put(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{id}"),
            one,
        )
        .await;
        assert_eq!(
            v["status"], "completed",
            "editing a checked activity sets it back"
        );
        assert_eq!(v["recommendations"], "Informer les familles");
    })
    .await;
}

#[tokio::test]
async fn a_template_deployed_to_three_members_is_updated_field_by_field() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let ms = [
            kit.member("alpha", &["gdpr"]).await,
            kit.member("beta", &["gdpr"]).await,
            kit.member("gamma", &["gdpr"]).await,
        ];
        let dpo_user = kit.user("dpo@coop.test", Role::Dpo, Some(&ms[0])).await;
        kit.grant(&dpo_user, Role::Dpo, Some(&ms[1])).await;
        kit.grant(&dpo_user, Role::Dpo, Some(&ms[2])).await;
        let dpo = kit.bearer(&dpo_user);
        let (s, v) = post(
            &server,
            &dpo,
            "/api/coop/gdpr/templates",
            activity("Paie et gestion du personnel"),
        )
        .await;
        assert_eq!((s, v["version"].as_i64()), (201, Some(1)), "{v}");
        let t = v["id"].as_i64().unwrap();
        // A member the DPO does not serve stops the whole deployment.
        let other = kit.member("delta", &["gdpr"]).await;
        let (s, v) = post(
            &server,
            &dpo,
            &format!("/api/coop/gdpr/templates/{t}/deploy"),
            json!({"members": ["alpha", "delta"]}),
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], "members[1]");
        let _ = other;
        let (s, v) = post(
            &server,
            &dpo,
            &format!("/api/coop/gdpr/templates/{t}/deploy"),
            json!({"members": ["alpha", "beta", "gamma"]}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let copies: Vec<(String, String)> = v["activities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["member"].as_str().unwrap().to_string(),
                    a["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(copies.len(), 3);
        let copy = |slug: &str| copies.iter().find(|(m, _)| m == slug).unwrap().1.clone();
        // Alpha's director changes the recipients of its copy.
        let dir_a = kit.bearer(
            &kit.user("dir@alpha.test", Role::Director, Some(&ms[0]))
                .await,
        );
        let mut mine = activity("Paie et gestion du personnel");
        mine["recipients"] = json!("Équipe RH et expert-comptable");
        put(
            &server,
            &dir_a,
            &format!("/api/m/alpha/gdpr/activities/{}", copy("alpha")),
            mine,
        )
        .await;
        // Version 2 of the template changes the recipients and the purposes.
        let mut v2 = activity("Paie et gestion du personnel");
        v2["recipients"] = json!("Service RH, organismes sociaux");
        v2["purposes"] = json!("Paie, déclarations sociales");
        let (_, v) = put(&server, &dpo, &format!("/api/coop/gdpr/templates/{t}"), v2).await;
        assert_eq!(v["version"], 2);
        let u: Value = api_get(
            &server,
            &dir_a,
            &format!(
                "/api/m/alpha/gdpr/activities/{}/template-update",
                copy("alpha")
            ),
        )
        .await
        .json();
        assert_eq!(
            (u["from_version"].as_i64(), u["to_version"].as_i64()),
            (Some(1), Some(2)),
            "{u}"
        );
        let changed: Vec<&str> = u["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["field"].as_str().unwrap())
            .collect();
        assert_eq!(changed, ["purposes", "recipients"]);
        assert_eq!(
            u["changes"][1]["member_value"],
            "Équipe RH et expert-comptable"
        );
        // Alpha accepts: the purposes taken, its own recipients kept.
        let (s, v) = post(
            &server,
            &dir_a,
            &format!(
                "/api/m/alpha/gdpr/activities/{}/template-update/accept",
                copy("alpha")
            ),
            json!({}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            (
                v["purposes"].as_str(),
                v["recipients"].as_str(),
                v["template_version"].as_i64()
            ),
            (
                Some("Paie, déclarations sociales"),
                Some("Équipe RH et expert-comptable"),
                Some(2)
            )
        );
        // Beta's DPO rejects: nothing changes, nothing proposed any more.
        let (s, v) = post(
            &server,
            &dpo,
            &format!(
                "/api/m/beta/gdpr/activities/{}/template-update/reject",
                copy("beta")
            ),
            json!({}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            (v["purposes"].as_str(), v["template_version"].as_i64()),
            (Some("Accompagnement"), Some(1))
        );
        let r = api_get(
            &server,
            &dpo,
            &format!(
                "/api/m/beta/gdpr/activities/{}/template-update",
                copy("beta")
            ),
        )
        .await;
        assert_eq!(r.status_code(), 404);
        // Gamma, which did nothing, still has the update proposed.
        let r = api_get(
            &server,
            &dpo,
            &format!(
                "/api/m/gamma/gdpr/activities/{}/template-update",
                copy("gamma")
            ),
        )
        .await;
        assert_eq!(r.status_code(), 200);
        // Another DPO cannot change a template that is not theirs.
        let other_dpo = kit.bearer(&kit.user("dpo2@coop.test", Role::Dpo, Some(&ms[2])).await);
        let (s, _) = put(
            &server,
            &other_dpo,
            &format!("/api/coop/gdpr/templates/{t}"),
            activity("Autre"),
        )
        .await;
        assert_eq!(s, 403);
    })
    .await;
}

#[tokio::test]
async fn reminders_are_sent_once_when_the_task_runs_twice() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let dpo = kit.bearer(&kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await);
        kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        // A breach known for 50 hours (the 24 h notice is due), a request due in 5 days.
        let aware = chrono::Utc::now() - chrono::Duration::hours(50);
        post(&server, &dpo, "/api/m/alpha/gdpr/breaches",
            json!({"discovered_at": aware.to_rfc3339(), "aware_at": aware.to_rfc3339(), "nature": ["confidentiality"], "description": "Courriel mal adressé"})).await;
        let received = mutualis_core::time::paris_today() - chrono::Duration::days(26);
        let (s, v) = post(&server, &dpo, "/api/m/alpha/gdpr/requests",
            json!({"kind": "access", "received_on": received.to_string(), "applicant": "M. Petit"})).await;
        assert_eq!(s, 201, "{v}");
        let svc = mutualis_core::scope::services(&ctx).unwrap();
        let mails = || ctx.mailer.as_ref().unwrap().deliveries();
        let before = mails().count;
        let now = chrono::Utc::now();
        let sent = mutualis_gdpr::reminders::send_for(&ctx, &svc, &a, now).await.unwrap();
        assert_eq!(sent, 2, "the DPO and the director, not staff");
        let again = mutualis_gdpr::reminders::send_for(&ctx, &svc, &a, now + chrono::Duration::minutes(5)).await.unwrap();
        assert_eq!(again, 0, "a second run sends nothing");
        let d = mails();
        assert_eq!(d.count - before, 2);
        let body = d.messages.join("\n").replace("=\r\n", "");
        assert!(body.contains("Violation de donn") && body.contains("Demande d") && body.contains("dpo@alpha.test"), "{body}");
        // The 6 h notice of the breach is another reminder, sent when its time comes.
        let later = now + chrono::Duration::hours(17);
        assert_eq!(mutualis_gdpr::reminders::send_for(&ctx, &svc, &a, later).await.unwrap(), 2);
        assert_eq!(mutualis_gdpr::reminders::send_for(&ctx, &svc, &a, later).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn each_sees_only_what_it_serves_or_is_granted() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr", "hr"]).await;
        let b = kit.member("beta", &["gdpr"]).await;
        let dpo_a = kit.bearer(&kit.user("dpo@alpha.test", Role::Dpo, Some(&a)).await);
        let dpo_b = kit.bearer(&kit.user("dpo@beta.test", Role::Dpo, Some(&b)).await);
        let (_, v) = post(&server, &dpo_b, "/api/m/beta/gdpr/activities", activity("Traitement secret de Beta")).await;
        let beta_activity = v["id"].as_str().unwrap().to_string();
        post(&server, &dpo_b, "/api/m/beta/gdpr/requests",
            json!({"kind": "access", "received_on": mutualis_core::time::paris_today().to_string(), "applicant": "Demandeur de Beta"})).await;
        post(&server, &dpo_a, "/api/m/alpha/gdpr/activities", activity("Registre d’Alpha")).await;
        // Alpha's DPO: its desk holds alpha only; beta's lists and ids answer 404.
        let desk: Value = api_get(&server, &dpo_a, "/api/coop/gdpr/desk").await.json();
        assert!(!desk["items"].as_array().unwrap().is_empty());
        assert!(desk["items"].as_array().unwrap().iter().all(|i| i["member"] == "alpha"), "{desk}");
        assert!(!desk.to_string().contains("Beta"));
        for path in ["/api/m/beta/gdpr/activities", "/api/m/beta/gdpr/requests", &format!("/api/m/beta/gdpr/activities/{beta_activity}")] {
            let r = api_get(&server, &dpo_a, path).await;
            assert_eq!(r.status_code(), 404, "{path}");
            assert!(!r.text().contains("Beta"));
        }
        let r = api_get(&server, &dpo_a, &format!("/api/m/alpha/gdpr/activities/{beta_activity}")).await;
        assert_eq!(r.status_code(), 404, "beta's id through alpha's path");
        // Staff declare a breach but do not read the list; an HR officer reads nothing of
        // the register.
        let staff = kit.bearer(&kit.user("staff@alpha.test", Role::Staff, Some(&a)).await);
        let now = chrono::Utc::now().to_rfc3339();
        let (s, _) = post(&server, &staff, "/api/m/alpha/gdpr/breaches",
            json!({"discovered_at": now, "aware_at": now, "nature": ["integrity"], "description": "Dossier modifié"})).await;
        assert_eq!(s, 201);
        assert_eq!(api_get(&server, &staff, "/api/m/alpha/gdpr/breaches").await.status_code(), 403);
        let rh_user = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let rh = kit.bearer(&rh_user);
        for path in ["/api/m/alpha/gdpr/activities", "/api/m/alpha/gdpr/requests", "/api/m/alpha/gdpr/register.json", "/api/m/alpha/gdpr/processors"] {
            assert_eq!(api_get(&server, &rh, path).await.status_code(), 403, "{path}");
        }
        // … unless granted: the director makes the HR officer DPO of the member too.
        kit.grant(&rh_user, Role::Dpo, Some(&a)).await;
        assert_eq!(api_get(&server, &rh, "/api/m/alpha/gdpr/activities").await.status_code(), 200);
    })
    .await;
}

#[tokio::test]
async fn the_register_shows_what_it_was_at_a_past_date() {
    run(|server, ctx| async move {
        use mutualis_gdpr::entities::{gdpr_activities, gdpr_activity_versions};
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["gdpr"]).await;
        let dir = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let (_, v) = post(
            &server,
            &dir,
            "/api/m/alpha/gdpr/activities",
            activity("Dossier de l’usager"),
        )
        .await;
        let old = v["id"].as_str().unwrap().to_string();
        // Recorded ten days ago (moved back in the database: the API records now).
        let ten_days_ago = chrono::Utc::now() - chrono::Duration::days(10);
        for row in gdpr_activity_versions::Entity::find()
            .filter(
                gdpr_activity_versions::Column::ActivityId.eq(uuid::Uuid::parse_str(&old).unwrap()),
            )
            .all(&ctx.db)
            .await
            .unwrap()
        {
            let mut m: gdpr_activity_versions::ActiveModel = row.into();
            m.recorded_at = Set(ten_days_ago);
            m.update(&ctx.db).await.unwrap();
        }
        let row = gdpr_activities::Entity::find()
            .filter(gdpr_activities::Column::MemberId.eq(a.id))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        let mut m: gdpr_activities::ActiveModel = row.into();
        m.created_at = Set(ten_days_ago);
        m.update(&ctx.db).await.unwrap();
        // Today: edited, and another activity created.
        let mut edited = activity("Dossier de l’usager");
        edited["recipients"] = json!("Équipe éducative et ARS");
        put(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/activities/{old}"),
            edited,
        )
        .await;
        post(
            &server,
            &dir,
            "/api/m/alpha/gdpr/activities",
            activity("Vidéoprotection"),
        )
        .await;
        let five_days_ago =
            (mutualis_core::time::paris_today() - chrono::Duration::days(5)).to_string();
        let then: Value = api_get(
            &server,
            &dir,
            &format!("/api/m/alpha/gdpr/register.json?date={five_days_ago}"),
        )
        .await
        .json();
        let names: Vec<&str> = then["activities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Dossier de l’usager"], "created later: absent");
        assert_eq!(
            then["activities"][0]["recipients"], "Équipe éducative",
            "edited later: not shown"
        );
        let now: Value = api_get(&server, &dir, "/api/m/alpha/gdpr/register.json")
            .await
            .json();
        assert_eq!(now["activities"].as_array().unwrap().len(), 2);
        assert!(now.to_string().contains("Équipe éducative et ARS"));
        let r = api_get(
            &server,
            &dir,
            "/api/m/alpha/gdpr/register.json?date=1999-01-01",
        )
        .await;
        assert_eq!(r.status_code(), 422);
    })
    .await;
}
