//! The practice exchange's good addresses and sheet attachments through the router:
//! an address proposed, listed with filters, reviewed (one review per member, a second
//! one edits it; a rating out of 1–5 refused naming `rating`), its average, and its
//! pages; a sheet's files — a PDF accepted and downloaded byte for byte with safe
//! headers, an executable renamed `.pdf` and a file too big refused with nothing stored,
//! another member's reader downloading only once the sheet is published.
use mutualis_core::{
    authz::Role,
    tenant::{Coop, MemberOwned as _},
};
use mutualis_practices::entities::practices_attachments;
use sea_orm::PaginatorTrait;
use serde_json::{Value, json};

use crate::common::*;

async fn post(
    server: &axum_test::TestServer,
    bearer: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = server
        .post(path)
        .add_header("authorization", bearer)
        .json(&body)
        .await;
    (r.status_code().as_u16(), r.json::<Value>())
}

async fn get(server: &axum_test::TestServer, bearer: &str, path: &str) -> (u16, Value) {
    let r = api_get(server, bearer, path).await;
    (r.status_code().as_u16(), r.json::<Value>())
}

fn fields(v: &Value) -> Vec<&str> {
    v["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn addresses_are_proposed_listed_and_reviewed_once_per_member() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let b = kit.member("beta", &["practices"]).await;
        let g = kit.member("gamma", &["hr"]).await;
        let staff_a = kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        let staff_a = kit.bearer(&staff_a);
        let dir_a_user = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let dir_a = kit.bearer(&dir_a_user);
        let dir_b_user = kit.user("dir@beta.test", Role::Director, Some(&b)).await;
        let dir_b = kit.bearer(&dir_b_user);
        let dir_g = kit.bearer(&kit.user("dir@gamma.test", Role::Director, Some(&g)).await);
        let url = "/api/practices/addresses";

        // Refusals, each field named; nothing stored.
        let (s, v) = post(&server, &staff_a, url, json!({"name": "", "category": "cuisine", "region": "Atlantide", "website": "javascript:alert(1)", "description": ""})).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(fields(&v), ["name", "category", "region", "website", "description"], "{v}");
        let (s, v) = post(&server, &staff_a, url, json!({"member": "beta", "name": "X", "category": "outil", "region": "National", "description": "x"})).await;
        assert_eq!((s, fields(&v)), (422, vec!["member"]), "{v}");
        assert_eq!(post(&server, &dir_g, url, json!({})).await.0, 403);
        assert_eq!(get(&server, &staff_a, url).await.1, json!([]));

        // Proposed by alpha's staff (its only member), and by beta's director.
        let paie = json!({"name": "Paie Services Ouest", "category": "prestataire", "region": "bretagne",
                          "website": "https://paie-ouest.example.fr", "contact": "Mme Le Goff — 02 99 00 00 00",
                          "description": "Paie externalisée, convention collective 66, très réactifs."});
        let (s, v) = post(&server, &staff_a, url, paie).await;
        assert_eq!((s, v["region"].as_str(), v["member"].as_str()), (201, Some("Bretagne"), Some("alpha")), "{v}");
        assert_eq!((v["average"].clone(), v["reviews"].as_u64()), (Value::Null, Some(0)), "{v}");
        let paie = v["id"].as_str().unwrap().to_string();
        let (s, v) = post(&server, &dir_b, url, json!({"name": "MSSanté Connect", "category": "outil", "region": "National",
                          "description": "Messagerie sécurisée de santé, intégrée au dossier de l’usager."})).await;
        assert_eq!(s, 201, "{v}");
        let mss = v["id"].as_str().unwrap().to_string();

        // Every subscribed member reads both; filters by category, region, words.
        let (s, v) = get(&server, &dir_b, url).await;
        assert_eq!((s, v.as_array().unwrap().len()), (200, 2), "{v}");
        let ids = |v: &Value| v.as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&get(&server, &dir_a, &format!("{url}?category=outil")).await.1), [mss.as_str()]);
        assert_eq!(ids(&get(&server, &dir_a, &format!("{url}?region=Bretagne")).await.1), [paie.as_str()]);
        assert_eq!(ids(&get(&server, &dir_a, &format!("{url}?q=messagerie%20securisee")).await.1), [mss.as_str()]);
        assert_eq!(get(&server, &dir_g, url).await.0, 403);

        // Reviews: a rating out of 1–5 refused naming it; the first review 201, the same
        // member's second one edits it (200), whoever of its users writes it.
        let reviews = format!("{url}/{paie}/reviews");
        for bad in [json!({"rating": 0}), json!({"rating": 6}), json!({"rating": "cinq"}), json!({"text": "Sans note"})] {
            let (s, v) = post(&server, &staff_a, &reviews, bad.clone()).await;
            assert_eq!((s, fields(&v)), (422, vec!["rating"]), "{bad}: {v}");
        }
        let (s, v) = post(&server, &staff_a, &reviews, json!({"rating": 3, "text": "Correct."})).await;
        assert_eq!((s, v["rating"].as_i64(), v["member"].as_str()), (201, Some(3), Some("alpha")), "{v}");
        let (s, v) = post(&server, &dir_a, &reviews, json!({"rating": 4, "text": "Très réactifs, bulletins sans erreur."})).await;
        assert_eq!((s, v["rating"].as_i64()), (200, Some(4)), "{v}");
        let (s, _) = post(&server, &dir_b, &reviews, json!({"rating": "5", "text": "Parfait pour nos ESAT."})).await;
        assert_eq!(s, 201);
        assert_eq!(post(&server, &dir_b, &format!("{url}/{}/reviews", uuid::Uuid::now_v7()), json!({"rating": 4})).await.0, 404);
        assert_eq!(post(&server, &dir_g, &reviews, json!({"rating": 4})).await.0, 403);

        // One review per member; the average of both.
        let (s, v) = get(&server, &dir_b, &format!("{url}/{paie}")).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!((v["address"]["average"].as_f64(), v["address"]["reviews"].as_u64()), (Some(4.5), Some(2)), "{v}");
        let mut by_member: Vec<(String, i64, String)> = v["reviews"].as_array().unwrap().iter()
            .map(|r| (r["member"].as_str().unwrap().into(), r["rating"].as_i64().unwrap(), r["text"].as_str().unwrap().into()))
            .collect();
        by_member.sort();
        assert_eq!(by_member, [("alpha".into(), 4, "Très réactifs, bulletins sans erreur.".into()), ("beta".into(), 5, "Parfait pour nos ESAT.".into())]);
        assert_eq!(get(&server, &dir_a, &format!("{url}/pas-un-id")).await.0, 404);

        // The pages: the list with its stars and filters, the detail with the member's
        // own review pre-filled; a review and an address through their forms.
        let web_a = kit.web(&dir_a_user).await;
        let page = web_get(&server, &web_a, "/m/alpha/practices/addresses").await;
        assert_eq!(page.status_code(), 200);
        let html = page.text();
        assert!(html.contains("Paie Services Ouest") && html.contains("MSSanté Connect"), "{html}");
        assert!(html.contains("4,5/5 (2 avis)") && html.contains("Pas encore d’avis"), "{html}");
        let html = web_get(&server, &web_a, "/m/alpha/practices/addresses?category=outil").await.text();
        assert!(!html.contains("Paie Services Ouest") && html.contains("MSSanté Connect"));
        let detail = format!("/m/alpha/practices/addresses/{paie}");
        let html = web_get(&server, &web_a, &detail).await.text();
        assert!(html.contains("Très réactifs, bulletins sans erreur."), "{html}");
        assert!(html.contains("Modifier votre avis"), "{html}");
        let res = web_post(&server, &web_a, &format!("{detail}/reviews"), &[("rating", "9"), ("text", "")]).await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("La note : un nombre entier de 1 à 5."), "{}", res.text());
        let res = web_post(&server, &web_a, &format!("{detail}/reviews"), &[("rating", "2"), ("text", "Moins bien depuis l’été.")]).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let (_, v) = get(&server, &dir_b, &format!("{url}/{paie}")).await;
        assert_eq!((v["address"]["average"].as_f64(), v["address"]["reviews"].as_u64()), (Some(3.5), Some(2)), "{v}");
        let res = web_post(&server, &web_a, "/m/alpha/practices/addresses", &[("name", ""), ("category", "outil"), ("region", "National"), ("description", "")]).await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("Donnez le nom"), "{}", res.text());
        let res = web_post(&server, &web_a, "/m/alpha/practices/addresses", &[("name", "Traducteurs solidaires"), ("category", "contact"), ("region", "Auvergne-Rhône-Alpes"), ("website", ""), ("contact", ""), ("description", "Un réseau d’interprètes bénévoles.")]).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let (_, v) = get(&server, &dir_b, url).await;
        assert_eq!(v.as_array().unwrap().len(), 3, "{v}");
        // Linked from the exchange's page.
        assert!(web_get(&server, &web_a, "/m/alpha/practices").await.text().contains("/m/alpha/practices/addresses"));
    })
    .await;
}

/// A small PDF, as a word processor writes one.
fn pdf() -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
    v.extend_from_slice(
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    );
    v.extend((0..=255u8).cycle().take(3000));
    v
}

async fn upload(
    server: &axum_test::TestServer,
    bearer: &str,
    sheet: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let form = axum_test::multipart::MultipartForm::new().add_part(
        "file",
        axum_test::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_type("application/pdf"),
    );
    let r = server
        .post(&format!("/api/practices/sheets/{sheet}/attachments"))
        .add_header("authorization", bearer)
        .multipart(form)
        .await;
    (r.status_code().as_u16(), r.json::<Value>())
}

#[tokio::test]
async fn a_sheet_carries_files_checked_by_content_and_read_as_the_sheet_is() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let b = kit.member("beta", &["practices"]).await;
        let author_user = kit.user("staff@alpha.test", Role::Staff, Some(&a)).await;
        let author = kit.bearer(&author_user);
        let dir_a = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let dir_b = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);
        let moderator = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let stored = || async {
            practices_attachments::Entity::find_across(Coop::for_task("test")).count(&ctx.db).await.unwrap()
        };
        let (s, v) = post(&server, &author, "/api/practices/sheets", json!({"member": "alpha", "title": "Le livret d’accueil",
            "summary": "Notre livret.", "body": "Le livret est joint.", "themes": ["communication"]})).await;
        assert_eq!(s, 201, "{v}");
        let sheet = v["id"].as_str().unwrap().to_string();

        // A real PDF: accepted, its type read in the content, downloaded byte for byte.
        let (s, v) = upload(&server, &author, &sheet, "Livret d’accueil.PDF", pdf()).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!((v["media_type"].as_str(), v["file_name"].as_str(), v["size"].as_u64()), (Some("application/pdf"), Some("Livret d’accueil.pdf"), Some(pdf().len() as u64)), "{v}");
        let href = v["href"].as_str().unwrap().to_string();
        let r = api_get(&server, &dir_a, &href).await;
        assert_eq!(r.status_code(), 200);
        assert_eq!(r.as_bytes().to_vec(), pdf());
        let header = |name: &str| r.headers().get(name).unwrap().to_str().unwrap().to_string();
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert!(header("content-disposition").starts_with("attachment; filename=\"Livret d_accueil.pdf\"; filename*=UTF-8''Livret%20d%E2%80%99accueil.pdf"), "{}", header("content-disposition"));
        let (_, v) = get(&server, &dir_a, &format!("/api/practices/sheets/{sheet}/attachments")).await;
        assert_eq!(v.as_array().unwrap().len(), 1, "{v}");

        // Refused, nothing stored: an executable named .pdf, a file too big, none at all,
        // someone else than the author.
        let (s, v) = upload(&server, &author, &sheet, "facture.pdf", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode.".to_vec()).await;
        assert_eq!((s, fields(&v)), (422, vec!["file"]), "{v}");
        assert_eq!(v["errors"][0]["message"], "Le contenu du fichier n’est pas un PDF, un tableur (xlsx, ods) ou une image.");
        let mut big = pdf();
        big.resize(13_002_342, b' ');
        let (s, v) = upload(&server, &author, &sheet, "gros.pdf", big).await;
        assert_eq!((s, v["errors"][0]["message"].as_str()), (422, Some("Fichier trop volumineux : 12,4 Mo, au plus 10 Mo.")), "{v}");
        let r = server.post(&format!("/api/practices/sheets/{sheet}/attachments")).add_header("authorization", author.as_str())
            .multipart(axum_test::multipart::MultipartForm::new().add_text("note", "rien")).await;
        assert_eq!(r.status_code(), 422);
        assert_eq!(upload(&server, &dir_a, &sheet, "x.pdf", pdf()).await.0, 403);
        assert_eq!(upload(&server, &dir_b, &sheet, "x.pdf", pdf()).await.0, 404);
        assert_eq!(stored().await, 1);

        // A draft's file: not for another member's reader, nor the moderator.
        for who in [&dir_b, &moderator] {
            assert_eq!(api_get(&server, who, &href).await.status_code(), 404);
        }
        // Submitted: no more files; published: every subscribed member's reader downloads it.
        post(&server, &author, &format!("/api/practices/sheets/{sheet}/submit"), json!({})).await;
        assert_eq!(upload(&server, &author, &sheet, "x.pdf", pdf()).await.0, 409);
        assert_eq!(api_get(&server, &dir_b, &href).await.status_code(), 404);
        post(&server, &moderator, &format!("/api/practices/sheets/{sheet}/publish"), json!({})).await;
        let r = api_get(&server, &dir_b, &href).await;
        assert_eq!(r.status_code(), 200);
        assert_eq!(r.as_bytes().to_vec(), pdf());
        // Another sheet's id with this file: not found.
        assert_eq!(api_get(&server, &dir_b, &href.replace(&sheet, &uuid::Uuid::now_v7().to_string())).await.status_code(), 404);

        // The sheet's page lists the file, its page link downloads it.
        let web_b = kit.web(&kit.user("rh@beta.test", Role::HrOfficer, Some(&b)).await).await;
        let html = web_get(&server, &web_b, &format!("/m/beta/practices/sheets/{sheet}")).await.text();
        assert!(html.contains("Livret d’accueil.pdf"), "{html}");
        let page_href = href.replace("/api/practices/", "/m/beta/practices/");
        assert!(html.contains(&page_href), "{html}");
        let r = web_get(&server, &web_b, &page_href).await;
        assert_eq!((r.status_code().as_u16(), r.as_bytes().to_vec()), (200, pdf()));

        // The upload form on a draft's page, for its author.
        let (_, v) = post(&server, &author, "/api/practices/sheets", json!({"member": "alpha", "title": "Le planning",
            "summary": "Un tableur.", "body": "Ci-joint.", "themes": ["salaries"]})).await;
        let draft = v["id"].as_str().unwrap().to_string();
        let web_author = kit.web(&author_user).await;
        let page = format!("/m/alpha/practices/sheets/{draft}");
        assert!(web_get(&server, &web_author, &page).await.text().contains("Joindre un fichier"));
        let form = |bytes: Vec<u8>, csrf: &str| axum_test::multipart::MultipartForm::new()
            .add_text("csrf", csrf.to_string())
            .add_part("file", axum_test::multipart::Part::bytes(bytes).file_name("planning.pdf"));
        let r = server.post(&format!("{page}/attachments")).add_header("cookie", web_author.cookie.as_str()).multipart(form(b"MZ\x90\0".to_vec(), &web_author.csrf)).await;
        assert_eq!(r.status_code(), 422);
        assert!(r.text().contains("n’est pas un PDF"), "{}", r.text());
        let r = server.post(&format!("{page}/attachments")).add_header("cookie", web_author.cookie.as_str()).multipart(form(pdf(), "pas-le-jeton")).await;
        assert_eq!(r.status_code(), 403);
        assert_eq!(stored().await, 1);
        let r = server.post(&format!("{page}/attachments")).add_header("cookie", web_author.cookie.as_str()).multipart(form(pdf(), &web_author.csrf)).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert_eq!(stored().await, 2);

        // Its author removes a draft's file (page or API), nobody else, never a published
        // sheet's.
        let (_, files) = get(&server, &author, &format!("/api/practices/sheets/{draft}/attachments")).await;
        let file = files[0]["href"].as_str().unwrap().to_string();
        let r = server.delete(&file).add_header("authorization", dir_a.as_str()).await;
        assert_eq!(r.status_code(), 403);
        let r = server.delete(&href).add_header("authorization", author.as_str()).await;
        assert_eq!(r.status_code(), 409);
        let html = web_get(&server, &web_author, &page).await.text();
        assert!(html.contains("Retirer planning.pdf"), "{html}");
        let r = web_post(&server, &web_author, &format!("{}/delete", file.replace("/api/practices/", "/m/alpha/practices/")), &[]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert_eq!(stored().await, 1);
        assert_eq!(api_get(&server, &author, &file).await.status_code(), 404);
    })
    .await;
}
