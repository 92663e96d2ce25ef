//! The legal library through the router: a bad source refused with its line, a draft
//! published then never changed (an edit makes version 2), the diff clause by clause, the
//! members who used version 1 told of version 2; a member's document — each value checked
//! on its field, `required_if`, a value that looks like a template printed as typed —, its
//! PDF (the values in order) and DOCX (the values in its XML) made again byte for byte,
//! another member never reaching it, `legal.documents_generated` counted once.
use std::io::Read;

use mutualis_core::authz::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::*;

async fn send(
    server: &axum_test::TestServer,
    method: &str,
    bearer: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = match method {
        "PUT" => server.put(path),
        _ => server.post(path),
    }
    .add_header("authorization", bearer)
    .json(&body)
    .await;
    let status = r.status_code().as_u16();
    (status, r.json::<Value>())
}

fn source(extra_clause: &str) -> String {
    format!(
        "---\ntitle: Attestation d’emploi\ncategory: Contrats de travail\nreferences:\n  - C. trav. L1234-19\nvariables:\n  - name: employe\n    type: text\n    label: Salarié\n    required: true\n  - name: debut\n    type: date\n    label: Entrée\n    required: true\n  - name: salaire\n    type: money\n    label: Salaire\n  - name: cadre\n    type: yesno\n    label: Cadre\n  - name: statut\n    type: text\n    label: Statut cadre\n    required_if: cadre\n---\n# Attestation\n\n{{{{ membre.nom }}}} atteste que {{{{ employe }}}} est employé depuis le {{{{ debut }}}}.\n{{% if cadre %}}Statut : {{{{ statut }}}}.{{% endif %}}\n\n## Rémunération\n\nSalaire : {{{{ salaire }}}}.\n{extra_clause}"
    )
}

#[tokio::test]
async fn templates_are_versioned_and_members_fill_them_into_reproducible_files() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["legal"]).await;
        let b = kit.member("beta", &["legal"]).await;
        let jurist = kit.bearer(&kit.user("juriste@coop.test", Role::CoopAdmin, None).await);
        let director = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let staff = kit.bearer(&kit.user("staff@alpha.test", Role::Staff, Some(&a)).await);
        let other = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);

        // A body naming an undeclared variable: refused with its line.
        let bad = source("").replace("{{ salaire }}", "{{ salair }}");
        let (s, v) = send(&server, "POST", &jurist, "/api/coop/legal/templates", json!({"slug": "attestation", "source": bad})).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], "source");
        assert!(v["errors"][0]["message"].as_str().unwrap().starts_with("Ligne 33 :"), "{v}");
        // Only the cooperative keeps the library.
        let (s, _) = send(&server, "POST", &director, "/api/coop/legal/templates", json!({"slug": "attestation", "source": source("")})).await;
        assert_eq!(s, 403);

        let (s, v) = send(&server, "POST", &jurist, "/api/coop/legal/templates", json!({"slug": "attestation", "source": source("")})).await;
        assert_eq!((s, v["version"].as_i64(), v["status"].as_str()), (201, Some(1), Some("draft")), "{v}");
        // A draft is not offered to members.
        let list: Value = api_get(&server, &director, "/api/m/alpha/legal/templates").await.json();
        assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
        let (s, v) = send(&server, "POST", &jurist, "/api/coop/legal/templates/attestation/publish", json!({"changelog": ""})).await;
        assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("changelog")));
        let (s, v) = send(&server, "POST", &jurist, "/api/coop/legal/templates/attestation/publish", json!({"changelog": "Première version"})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("published")), "{v}");
        let list: Value = api_get(&server, &staff, "/api/m/alpha/legal/templates").await.json();
        assert_eq!(list[0]["slug"], "attestation");
        assert_eq!(list[0]["variables"][2], json!({"name": "salaire", "type": "money", "label": "Salaire", "required": false}));

        // Values: each error on its field; required_if; unknown names refused.
        let generate = |bearer: String, values: Value| {
            let server = &server;
            async move {
                send(server, "POST", &bearer, "/api/m/alpha/legal/templates/attestation/documents", json!({"values": values})).await
            }
        };
        let (s, v) = generate(director.clone(), json!({"debut": "31/02/2027", "salaire": "beaucoup", "cadre": true, "autre": "x"})).await;
        assert_eq!(s, 422, "{v}");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["values.autre", "values.employe", "values.debut", "values.salaire", "values.statut"], "{v}");
        // Staff read the library but do not generate documents.
        let (s, _) = generate(staff.clone(), json!({"employe": "x", "debut": "2027-01-04"})).await;
        assert_eq!(s, 403);

        let (s, v) = generate(director.clone(), json!({"employe": "Mme Durand {{ 7*7 }}", "debut": "2027-01-04", "salaire": "1850.00", "cadre": "oui", "statut": "Cadre {% if true %}"})).await;
        assert_eq!((s, v["template_version"].as_i64()), (201, Some(1)), "{v}");
        let id = v["id"].as_str().unwrap().to_string();

        // The PDF holds the values, in order, as typed; it is made again identical.
        let pdf = api_get(&server, &director, &format!("/api/m/alpha/legal/documents/{id}.pdf")).await;
        assert_eq!(pdf.status_code(), 200);
        let bytes = pdf.as_bytes().to_vec();
        let again = api_get(&server, &director, &format!("/api/m/alpha/legal/documents/{id}.pdf")).await.as_bytes().to_vec();
        assert_eq!(bytes, again, "the PDF regenerates byte for byte");
        let text = pdf_pages(&bytes, "attestation").join("\n");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let at = |s: &str| flat.find(s).unwrap_or_else(|| panic!("{s} missing in {flat}"));
        assert!(at("Association alpha atteste que Mme Durand {{ 7*7 }}") < at("04/01/2027"));
        assert!(at("Statut : Cadre {% if true %}") < at("Rémunération"));
        assert!(at("Rémunération") < at("Salaire : 1 850,00 €"), "{flat}");

        // The DOCX opens as a zip whose document holds the values; identical too.
        let docx = api_get(&server, &director, &format!("/api/m/alpha/legal/documents/{id}.docx")).await.as_bytes().to_vec();
        let docx2 = api_get(&server, &director, &format!("/api/m/alpha/legal/documents/{id}.docx")).await.as_bytes().to_vec();
        assert_eq!(docx, docx2, "the DOCX regenerates byte for byte");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
        assert!(xml.contains("Mme Durand {{ 7*7 }}") && xml.contains("1\u{202f}850,00\u{a0}€"), "{xml}");

        // History; another member reaches nothing; the meter counted once.
        let hist: Value = api_get(&server, &director, "/api/m/alpha/legal/documents").await.json();
        assert_eq!(hist[0]["id"], id.as_str());
        assert_eq!(hist[0]["values"]["debut"], "04/01/2027");
        assert_eq!(api_get(&server, &other, &format!("/api/m/alpha/legal/documents/{id}.pdf")).await.status_code(), 404);
        assert_eq!(api_get(&server, &other, &format!("/api/m/beta/legal/documents/{id}.pdf")).await.status_code(), 404);
        let counted = mutualis_core::entities::usage_events::Entity::find()
            .filter(mutualis_core::entities::usage_events::Column::Meter.eq("legal.documents_generated"))
            .all(&ctx.db)
            .await
            .unwrap();
        assert_eq!(counted.len(), 1);

        // An edit of a published version makes version 2; version 1 never changes.
        let (s, v) = send(&server, "PUT", &jurist, "/api/coop/legal/templates/attestation", json!({"source": source("\n## Confidentialité\n\nLe salarié est tenu à la discrétion.\n").replace("Salaire : {{ salaire }}.", "Salaire brut : {{ salaire }}.")})).await;
        assert_eq!((s, v["version"].as_i64()), (200, Some(2)), "{v}");
        let mails = || ctx.mailer.as_ref().unwrap().deliveries();
        let before = mails().count;
        let (s, _) = send(&server, "POST", &jurist, "/api/coop/legal/templates/attestation/publish", json!({"changelog": "Clause de confidentialité"})).await;
        assert_eq!(s, 200);
        // Alpha's director is told by e-mail (staff do not read documents; beta used nothing).
        let d = mails();
        assert_eq!(d.count - before, 1);
        let body = d.messages.join("\n").replace("=\r\n", "");
        assert!(body.contains("dir@alpha.test") && body.contains("Clause de confidentialit"), "{body}");
        let again = api_get(&server, &director, &format!("/api/m/alpha/legal/documents/{id}.pdf")).await.as_bytes().to_vec();
        assert_eq!(bytes, again, "a document keeps its version");
        let d: Value = api_get(&server, &director, "/api/coop/legal/templates/attestation/diff?from=1&to=2").await.json();
        let kinds: Vec<(&str, &str)> = d["changes"].as_array().unwrap().iter().map(|c| (c["clause"].as_str().unwrap(), c["kind"].as_str().unwrap())).collect();
        assert_eq!(kinds, [("Rémunération", "changed"), ("Confidentialité", "added")], "{d}");
        let notices = mutualis_legal::entities::legal_notices::Entity::find().all(&ctx.db).await.unwrap();
        assert_eq!(notices.iter().map(|n| (n.member_id, n.from_version, n.to_version)).collect::<Vec<_>>(), [(a.id, 1, 2)]);
    })
    .await;
}

#[tokio::test]
async fn an_hr_employee_fills_salarie_and_contrat_and_a_member_without_hr_is_told() {
    run(|server, ctx| async move {
        mutualis_core::kit::seed(&ctx, mutualis::app::MODULES).await.unwrap();
        let kit = TestKit::new(&ctx);
        let tilleuls = mutualis_core::member::find_by_slug(&ctx.db, "tilleuls").await.unwrap().unwrap();
        let horizon = mutualis_core::member::find_by_slug(&ctx.db, "horizon").await.unwrap().unwrap();
        let jurist = kit.bearer(&kit.user("juriste@coop.test", Role::CoopAdmin, None).await);
        let dir = kit.bearer(&kit.user("dir@tilleuls.test", Role::Director, Some(&tilleuls)).await);
        let dir_h = kit.bearer(&kit.user("dir@horizon.test", Role::Director, Some(&horizon)).await);
        let src = "---\ntitle: Attestation\ncategory: Contrats de travail\n---\n# Attestation\n\n{{ membre.nom }} atteste que {{ salarie.nom_complet }} (matricule {{ salarie.matricule }}), né(e) le {{ salarie.date_naissance }}, est employé(e) depuis le {{ salarie.date_entree }} en {{ contrat.type }} comme {{ contrat.emploi }}, {{ contrat.heures_hebdomadaires }} h par semaine.\n\nPour l’employeur, {{ membre.directeur }}.\n";
        let (s, v) = send(&server, "POST", &jurist, "/api/coop/legal/templates", json!({"slug": "attestation-rh", "source": src})).await;
        assert_eq!(s, 201, "{v}");
        let (s, _) = send(&server, "POST", &jurist, "/api/coop/legal/templates/attestation-rh/publish", json!({"changelog": "Première version"})).await;
        assert_eq!(s, 200);

        let staff: Value = api_get(&server, &dir, "/api/m/tilleuls/hr/employees").await.json();
        let e = &staff.as_array().unwrap()[0];
        let id = e["id"].as_str().unwrap();
        let record: Value = api_get(&server, &dir, &format!("/api/m/tilleuls/hr/employees/{id}")).await.json();
        let (s, v) = send(&server, "POST", &dir, "/api/m/tilleuls/legal/templates/attestation-rh/documents", json!({"values": {}, "employee_id": id})).await;
        assert_eq!(s, 201, "{v}");
        let doc = v["id"].as_str().unwrap();
        let pdf = api_get(&server, &dir, &format!("/api/m/tilleuls/legal/documents/{doc}.pdf")).await.as_bytes().to_vec();
        let text = pdf_pages(&pdf, "attestation-rh").join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        let full = format!("{} {}", record["first_name"].as_str().unwrap(), record["last_name"].as_str().unwrap());
        assert!(text.contains(&format!("atteste que {full} (matricule {})", record["matricule"].as_str().unwrap())), "{text}");
        assert!(text.contains(" h par semaine") && !text.contains("en comme"), "{text}");
        // `membre.directeur`: the member's director (the demo's first one), not a blank.
        assert!(text.contains("Pour l’employeur, Claude Girard."), "{text}");

        // Another member's employee, a malformed id, a member without HR: refused on the field.
        let (s, v) = send(&server, "POST", &dir, "/api/m/tilleuls/legal/templates/attestation-rh/documents", json!({"values": {}, "employee_id": uuid::Uuid::now_v7().to_string()})).await;
        assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("employee_id")), "{v}");
        let (s, v) = send(&server, "POST", &dir, "/api/m/tilleuls/legal/templates/attestation-rh/documents", json!({"values": {}, "employee_id": "pas-un-id"})).await;
        assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("employee_id")), "{v}");
        let (s, v) = send(&server, "POST", &dir_h, "/api/m/horizon/legal/templates/attestation-rh/documents", json!({"values": {}, "employee_id": id})).await;
        assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("employee_id")), "{v}");
        assert!(v["errors"][0]["message"].as_str().unwrap().contains("pas abonné aux RH"), "{v}");
    })
    .await;
}
