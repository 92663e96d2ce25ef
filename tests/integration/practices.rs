//! The practice exchange through the router: a sheet's states (draft → submitted →
//! returned → published → archived) and who sees it at each — in the search too —, its
//! Markdown rendered without raw HTML, earlier versions kept; the French search (plural
//! and singular, accents, elision, a typo, a phrase, filters and facet counts, snippets)
//! and a rebuilt index answering as the incremental one.
use std::collections::BTreeSet;

use mutualis_core::authz::Role;
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

async fn get(server: &axum_test::TestServer, bearer: &str, path: &str) -> (u16, Value) {
    let r = api_get(server, bearer, path).await;
    (r.status_code().as_u16(), r.json::<Value>())
}

/// The ids found by a search.
async fn found(server: &axum_test::TestServer, bearer: &str, query: &str) -> (Vec<String>, Value) {
    let (s, v) = get(server, bearer, &format!("/api/practices/search?{query}")).await;
    assert_eq!(s, 200, "{query}: {v}");
    let ids = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    (ids, v)
}

fn sheet(
    member: &str,
    title: &str,
    body: &str,
    themes: &[&str],
    tags: &[&str],
    types: &[&str],
) -> Value {
    json!({"member": member, "title": title, "summary": format!("Résumé : {title}."), "body": body,
           "themes": themes, "tags": tags, "establishment_types": types})
}

#[tokio::test]
async fn a_sheet_is_moderated_and_seen_only_by_whom_it_may_be() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let b = kit.member("beta", &["practices"]).await;
        let g = kit.member("gamma", &["hr"]).await;
        let author = kit.bearer(&kit.user("staff@alpha.test", Role::Staff, Some(&a)).await);
        let dir_a = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let dir_b = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);
        let dir_g = kit.bearer(&kit.user("dir@gamma.test", Role::Director, Some(&g)).await);
        let moderator = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let url = "/api/practices/sheets";

        // Refusals: each field named; a member the author does not belong to.
        let (s, v) = send(&server, "POST", &author, url, json!({"member": "alpha", "title": "", "summary": "x", "body": "x", "themes": ["cuisine"], "establishment_types": ["XYZ"]})).await;
        assert_eq!(s, 422, "{v}");
        let fields: BTreeSet<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, BTreeSet::from(["title", "themes", "establishment_types"]), "{v}");
        let body = "Les **bénévoles** accueillent.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> \
                    [le site](https://example.org) [piège](javascript:alert(1))";
        let draft = sheet("alpha", "Accueillir les bénévoles", body, &["personnes_accompagnees"], &["Bénévolat"], &["ehpad"]);
        let mut elsewhere = draft.clone();
        elsewhere["member"] = json!("beta");
        let (s, v) = send(&server, "POST", &author, url, elsewhere).await;
        assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("member")), "{v}");
        let (s, v) = send(&server, "POST", &author, url, draft.clone()).await;
        assert_eq!((s, v["status"].as_str()), (201, Some("draft")), "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        let one = format!("{url}/{id}");

        // Its member's users read the draft; its HTML has no script, no handler.
        let (s, v) = get(&server, &dir_a, &one).await;
        assert_eq!(s, 200, "{v}");
        let html = v["body_html"].as_str().unwrap();
        assert!(html.contains("<strong>bénévoles</strong>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:"), "{html}");
        assert!(html.contains(r#"href="https://example.org" rel="nofollow noopener""#), "{html}");
        assert_eq!((v["tags"].clone(), v["establishment_types"].clone(), v["version"].as_i64()), (json!(["bénévolat"]), json!(["EHPAD"]), Some(1)));
        // Nobody else: another member, a member not subscribed, the moderator (a draft).
        for who in [&dir_b, &dir_g, &moderator] {
            assert_eq!(get(&server, who, &one).await.0, 404);
        }
        assert_eq!(found(&server, &dir_a, "q=benevoles").await.0, vec![id.clone()]);
        assert!(found(&server, &dir_b, "q=benevoles").await.0.is_empty());
        assert!(found(&server, &moderator, "q=benevoles").await.0.is_empty());
        assert_eq!(get(&server, &dir_g, "/api/practices/search?q=benevoles").await.0, 403);

        // Only its author edits it; the earlier version is kept, the number goes up.
        let mut edited = draft.clone();
        edited["title"] = json!("Accueillir les bénévoles en EHPAD");
        assert_eq!(send(&server, "PUT", &dir_a, &one, edited.clone()).await.0, 403);
        let (s, v) = send(&server, "PUT", &author, &one, edited.clone()).await;
        assert_eq!((s, v["version"].as_i64()), (200, Some(2)), "{v}");

        // Only moderators publish; a draft is submitted first.
        assert_eq!(send(&server, "POST", &dir_a, &format!("{one}/publish"), json!({})).await.0, 403);
        assert_eq!(send(&server, "POST", &moderator, &format!("{one}/publish"), json!({})).await.0, 404);
        assert_eq!(send(&server, "POST", &dir_a, &format!("{one}/submit"), json!({})).await.0, 403);
        let (s, v) = send(&server, "POST", &author, &format!("{one}/submit"), json!({})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
        // Submitted: the moderator sees it (and finds it), the other member still not.
        assert_eq!(get(&server, &moderator, &one).await.0, 200);
        assert_eq!(found(&server, &moderator, "q=benevoles").await.0, vec![id.clone()]);
        assert_eq!(get(&server, &dir_b, &one).await.0, 404);
        assert_eq!(send(&server, "PUT", &author, &one, edited.clone()).await.0, 409);
        // Sent back: with a comment only.
        let (s, v) = send(&server, "POST", &moderator, &format!("{one}/return"), json!({})).await;
        assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("comment")), "{v}");
        let (s, v) = send(&server, "POST", &moderator, &format!("{one}/return"), json!({"comment": "Ajoutez la charte."})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("returned")), "{v}");
        edited["body"] = json!(format!("{body}\n\nLa charte du bénévolat est signée."));
        assert_eq!(send(&server, "PUT", &author, &one, edited).await.1["version"], 3);
        send(&server, "POST", &author, &format!("{one}/submit"), json!({})).await;
        let (s, v) = send(&server, "POST", &moderator, &format!("{one}/publish"), json!({"comment": "Merci !"})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("published")), "{v}");

        // Published: every subscribed member's users read and find it; not gamma's.
        let (s, v) = get(&server, &dir_b, &one).await;
        assert_eq!((s, v["member"].as_str(), v["version"].as_i64()), (200, Some("alpha"), Some(3)), "{v}");
        assert_eq!(found(&server, &dir_b, "q=charte").await.0, vec![id.clone()]);
        assert_eq!(get(&server, &dir_g, &one).await.0, 404);
        assert_eq!(send(&server, "POST", &author, &format!("{one}/submit"), json!({})).await.0, 409);

        // Archived: moderators only.
        assert_eq!(send(&server, "POST", &dir_a, &format!("{one}/archive"), json!({})).await.0, 403);
        let (s, v) = send(&server, "POST", &moderator, &format!("{one}/archive"), json!({})).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("archived")), "{v}");
        for who in [&dir_a, &author, &dir_b] {
            assert_eq!(get(&server, who, &one).await.0, 404);
            assert!(found(&server, who, "q=charte").await.0.is_empty());
        }
        assert_eq!(found(&server, &moderator, "q=charte").await.0, vec![id.clone()]);
        // A malformed action body is refused in French.
        let r = server.post(&format!("{one}/archive")).add_header("authorization", moderator.as_str()).bytes("{pas du json".into()).await;
        assert_eq!(r.status_code(), 400);
        assert!(r.text().contains("Corps de requête invalide"), "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn the_search_understands_french_and_a_rebuilt_index_answers_the_same() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let b = kit.member("beta", &["practices"]).await;
        let dir_a = kit.bearer(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await);
        let dir_b = kit.bearer(&kit.user("dir@beta.test", Role::Director, Some(&b)).await);
        let moderator = kit.bearer(&kit.user("admin@coop.test", Role::CoopAdmin, None).await);
        let mut ids = Vec::new();
        for (author, s) in [
            (&dir_a, sheet("alpha", "Accueillir les bénévoles", "Un parcours pour l’accompagnement des résidents par des bénévoles.", &["personnes_accompagnees"], &["bénévolat"], &["EHPAD"])),
            (&dir_a, sheet("alpha", "Le cahier de liaison numérique", "Le cahier de liaison papier est remplacé par le dossier de soins.", &["systemes_information"], &["transmissions"], &["EHPAD", "SSIAD"])),
            (&dir_b, sheet("beta", "Prévenir les chutes", "Une formation de deux heures ; un cahier d’exercices pour la liaison avec les familles.", &["formation", "salaries"], &["chutes"], &["EHPAD"])),
            (&dir_b, sheet("beta", "Recruter des encadrants techniques", "Nos annonces et une mise en situation sur le chantier.", &["salaries"], &["recrutement"], &["SIAE"])),
        ] {
            let (s, v) = send(&server, "POST", author, "/api/practices/sheets", s).await;
            assert_eq!(s, 201, "{v}");
            let id = v["id"].as_str().unwrap().to_string();
            let one = format!("/api/practices/sheets/{id}");
            send(&server, "POST", author, &format!("{one}/submit"), json!({})).await;
            let (s, v) = send(&server, "POST", &moderator, &format!("{one}/publish"), json!({"comment": "ok"})).await;
            assert_eq!(s, 200, "{v}");
            ids.push(id);
        }
        // A draft of beta's, which alpha's director never finds.
        let (_, v) = send(&server, "POST", &dir_b, "/api/practices/sheets", sheet("beta", "Bénévoles en brouillon", "Les bénévoles.", &["communication"], &[], &[])).await;
        let beta_draft = v["id"].as_str().unwrap().to_string();
        let [benevoles, cahier, chutes, recruter] = [&ids[0], &ids[1], &ids[2], &ids[3]];

        let cases: Vec<(&str, Vec<&String>)> = vec![
            // Plural, singular, accents or none, capitals.
            ("q=b%C3%A9n%C3%A9voles", vec![benevoles]),
            ("q=benevole", vec![benevoles]),
            ("q=BENEVOLES", vec![benevoles]),
            // Elision: « l’accompagnement » is found by « accompagnement » and « l'accompagnement ».
            ("q=accompagnement", vec![benevoles]),
            ("q=l%27accompagnement", vec![benevoles]),
            // A typo in a word of 6 letters or more.
            ("q=formaton", vec![chutes]),
            ("q=recruteer", vec![recruter]),
            // A phrase in quotes; the same words without them.
            ("q=%22cahier%20de%20liaison%22", vec![cahier]),
            // Filters.
            ("q=&theme=salaries&type=SIAE", vec![recruter]),
            ("q=&member=beta&tag=chutes", vec![chutes]),
        ];
        for (q, want) in &cases {
            let (got, v) = found(&server, &dir_a, q).await;
            let want: Vec<String> = want.iter().map(|s| (*s).clone()).collect();
            assert_eq!(got, want, "{q}: {v:#}");
        }
        let (got, _) = found(&server, &dir_a, "q=cahier%20liaison").await;
        assert_eq!(got.iter().collect::<BTreeSet<_>>(), BTreeSet::from([cahier, chutes]));
        // A short word is not fuzzy: « chute » is stemmed, « chte » finds nothing.
        assert_eq!(found(&server, &dir_a, "q=chute").await.0, vec![chutes.clone()]);
        assert!(found(&server, &dir_a, "q=chte").await.0.is_empty());

        // Facet counts over every hit; snippets highlight the words found.
        let (_, v) = found(&server, &dir_a, "q=").await;
        assert_eq!(v["total"], 4, "{v:#}");
        assert_eq!(v["facets"]["themes"], json!({"formation": 1, "personnes_accompagnees": 1, "salaries": 2, "systemes_information": 1}));
        assert_eq!(v["facets"]["establishment_types"], json!({"EHPAD": 3, "SIAE": 1, "SSIAD": 1}));
        let (_, v) = found(&server, &dir_a, "q=liaison").await;
        assert_eq!(v["facets"]["tags"], json!({"chutes": 1, "transmissions": 1}), "{v:#}");
        assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<b>liaison</b>"), "{v:#}");
        // beta's draft: beta finds it, alpha does not.
        assert_eq!(found(&server, &dir_b, "q=brouillon").await.0, vec![beta_draft.clone()]);
        assert!(found(&server, &dir_a, "q=brouillon").await.0.is_empty());
        // A bad page is named.
        assert_eq!(get(&server, &dir_a, "/api/practices/search?q=x&page=0").await.1["errors"][0]["field"], "page");

        // The index rebuilt from the database answers the same.
        let queries: Vec<&str> = cases.iter().map(|(q, _)| *q).chain(["q=", "q=liaison", "q=brouillon"]).collect();
        let answers = |bearer: String| {
            let server = &server;
            let queries = queries.clone();
            async move {
                let mut out = Vec::new();
                for q in queries {
                    let (ids, v) = found(server, &bearer, q).await;
                    out.push((q, ids.into_iter().collect::<BTreeSet<_>>(), v["total"].clone(), v["facets"].clone()));
                }
                out
            }
        };
        let before = (answers(dir_a.clone()).await, answers(dir_b.clone()).await);
        let n = mutualis_practices::index::reindex(&ctx).await.unwrap();
        assert_eq!(n, 5);
        let after = (answers(dir_a.clone()).await, answers(dir_b.clone()).await);
        assert_eq!(before, after);
    })
    .await;
}

#[tokio::test]
async fn the_demo_sheets_are_published_and_found() {
    run(|server, ctx| async move {
        mutualis_core::kit::seed(&ctx, mutualis::app::MODULES)
            .await
            .unwrap();
        let kit = TestKit::new(&ctx);
        let m = mutualis_core::member::find_by_slug(&ctx.db, "cedres")
            .await
            .unwrap()
            .unwrap();
        let dir = kit.bearer(&kit.user("dir@cedres.test", Role::Director, Some(&m)).await);
        let (_, v) = found(&server, &dir, "q=").await;
        assert!(v["total"].as_u64().unwrap() >= 40, "{v:#}");
        let (_, v) = found(&server, &dir, "q=benevole").await;
        let titles: Vec<&str> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap())
            .collect();
        assert!(
            titles.contains(&"Accueillir les bénévoles en EHPAD"),
            "{titles:?}"
        );
        let (_, v) = get(&server, &dir, "/api/practices/themes").await;
        assert_eq!(
            v[0],
            json!({"code": "systemes_information", "label": "Systèmes d’information"})
        );
    })
    .await;
}

#[tokio::test]
async fn a_director_searches_without_accents_filters_by_theme_and_opens_a_sheet() {
    run(|server, ctx| async move {
        mutualis_core::kit::seed(&ctx, mutualis::app::MODULES)
            .await
            .unwrap();
        let kit = TestKit::new(&ctx);
        let m = mutualis_core::member::find_by_slug(&ctx.db, "horizon")
            .await
            .unwrap()
            .unwrap();
        let user = kit.user("dir@horizon.test", Role::Director, Some(&m)).await;
        let web = kit.web(&user).await;
        let r = web_get(&server, &web, "/m/horizon/practices?q=benevoles").await;
        assert_eq!(r.status_code(), 200);
        let page = r.text();
        assert!(page.contains("Accueillir les bénévoles en EHPAD"), "{page}");
        assert!(page.contains("<b>bénévoles</b>"), "{page}");
        // Filtered by theme: the sheets of that theme only, the filter shown.
        let r = web_get(&server, &web, "/m/horizon/practices?q=&theme=formation").await;
        let page = r.text();
        assert!(page.contains("Thème : Formation"), "{page}");
        assert!(
            page.contains("Former les aides-soignants à la prévention des chutes"),
            "{page}"
        );
        assert!(
            !page.contains("Recruter des encadrants techniques d’insertion"),
            "{page}"
        );
        // Nothing found: the empty state says what to do.
        let page = web_get(&server, &web, "/m/horizon/practices?q=zzzzqqq")
            .await
            .text();
        assert!(page.contains("Aucune fiche ne correspond"), "{page}");
        // The sheet: its HTML, its member.
        let bearer = kit.bearer(&user);
        let (_, v) = found(&server, &bearer, "q=%22cahier%20de%20liaison%22").await;
        let id = v["hits"][0]["id"].as_str().unwrap().to_string();
        let r = web_get(&server, &web, &format!("/m/horizon/practices/sheets/{id}")).await;
        assert_eq!(r.status_code(), 200);
        let page = r.text();
        assert!(
            page.contains("Le cahier de liaison numérique")
                && page.contains("Association Les Tilleuls"),
            "{page}"
        );
        assert!(page.contains("<li>Trois champs obligatoires"), "{page}");
        assert_eq!(
            web_get(
                &server,
                &web,
                "/m/horizon/practices/sheets/00000000-0000-7000-8000-000000000000"
            )
            .await
            .status_code(),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn a_moderator_sends_back_then_publishes_a_submitted_sheet_from_the_page() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let dir_user = kit.user("dir@alpha.test", Role::Director, Some(&a)).await;
        let dir = kit.bearer(&dir_user);
        // The cooperative's moderator role (not its administrator): moderation only.
        let moderator = kit
            .user("moderation@coop.test", Role::Moderator, None)
            .await;
        let web = kit.web(&moderator).await;
        let board = kit
            .web(&kit.user("ca@coop.test", Role::Board, None).await)
            .await;
        assert_eq!(
            web_get(&server, &board, "/coop/practices")
                .await
                .status_code(),
            403
        );
        let home = web_get(&server, &web, "/").await.text();
        assert!(home.contains("Modération des fiches"), "{home}");
        assert_eq!(
            web_get(&server, &web, "/coop/members").await.status_code(),
            403
        );
        let page = web_get(&server, &web, "/coop/practices").await.text();
        assert!(page.contains("Aucune fiche en attente"), "{page}");
        let (_, v) = send(
            &server,
            "POST",
            &dir,
            "/api/practices/sheets",
            sheet(
                "alpha",
                "Le tutorat des apprentis",
                "Un **tuteur** par apprenti.",
                &["formation"],
                &[],
                &["IME"],
            ),
        )
        .await;
        let id = v["id"].as_str().unwrap().to_string();
        send(
            &server,
            "POST",
            &dir,
            &format!("/api/practices/sheets/{id}/submit"),
            json!({}),
        )
        .await;
        let page = web_get(&server, &web, "/coop/practices").await.text();
        assert!(
            page.contains("Le tutorat des apprentis") && page.contains("<strong>tuteur</strong>"),
            "{page}"
        );
        // Sent back without a comment: refused beside the field, the page kept.
        let r = web_post(
            &server,
            &web,
            &format!("/coop/practices/sheets/{id}/return"),
            &[("comment", "")],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        assert!(
            r.text()
                .contains("Dites à l’auteur ce qu’il faut reprendre."),
            "{}",
            r.text()
        );
        let r = web_post(
            &server,
            &web,
            &format!("/coop/practices/sheets/{id}/publish"),
            &[("comment", "Très clair, merci.")],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let page = follow(&server, &web, &r).await.text();
        assert!(
            page.contains("Fiche « Le tutorat des apprentis » publiée"),
            "{page}"
        );
        let (_, v) = get(&server, &dir, &format!("/api/practices/sheets/{id}")).await;
        assert_eq!(v["status"], "published");
        // A member's director does not moderate.
        let dir_web = kit.web(&dir_user).await;
        assert_eq!(
            web_get(&server, &dir_web, "/coop/practices")
                .await
                .status_code(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn an_author_writes_edits_and_submits_a_sheet_from_the_pages() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["practices"]).await;
        let author = kit
            .web(&kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await)
            .await;
        let colleague = kit
            .web(&kit.user("dir@alpha.test", Role::Director, Some(&a)).await)
            .await;
        let page = web_get(&server, &author, "/m/alpha/practices/mine")
            .await
            .text();
        assert!(page.contains("pas encore écrit de fiche"), "{page}");
        // Without a theme nor a body: the form again, each error beside its field,
        // nothing stored.
        let r = web_post(
            &server,
            &author,
            "/m/alpha/practices/new",
            &[
                ("title", "Le livret du nouveau salarié"),
                ("summary", "Un livret."),
                ("body", ""),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 422);
        let t = r.text();
        assert!(
            t.contains("Choisissez au moins un thème.") && t.contains("Décrivez la pratique."),
            "{t}"
        );
        assert!(
            t.contains("value=\"Le livret du nouveau salarié\""),
            "the typed title is kept"
        );
        let page = web_get(&server, &author, "/m/alpha/practices/mine")
            .await
            .text();
        assert!(page.contains("pas encore écrit de fiche"), "{page}");
        let r = web_post(
            &server,
            &author,
            "/m/alpha/practices/new",
            &[
                ("title", "Le livret du nouveau salarié"),
                ("summary", "Un livret remis le premier jour."),
                ("body", "Le livret tient en **dix pages**."),
                ("themes", "salaries"),
                ("themes", "formation"),
                ("establishment_types", "EHPAD"),
                ("tags", "accueil, Intégration"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let sheet_url = r.headers()["location"].to_str().unwrap().to_string();
        let page = follow(&server, &author, &r).await.text();
        assert!(
            page.contains("Brouillon enregistré") && page.contains("<strong>dix pages</strong>"),
            "{page}"
        );
        assert!(
            page.contains("Soumettre à la modération") && page.contains("#intégration"),
            "{page}"
        );
        // Found by its member's readers, marked as a draft.
        let found = web_get(&server, &colleague, "/m/alpha/practices?q=livret")
            .await
            .text();
        assert!(
            found.contains("1 fiche") && found.contains(">Brouillon<"),
            "{found}"
        );
        // A colleague of the same member reads the draft but neither edits nor submits it.
        let seen = web_get(&server, &colleague, &sheet_url).await.text();
        assert!(
            seen.contains("Le livret du nouveau salarié")
                && !seen.contains("Soumettre à la modération"),
            "{seen}"
        );
        assert_eq!(
            web_get(&server, &colleague, &format!("{sheet_url}/edit"))
                .await
                .status_code(),
            403
        );
        // Edited: the next version, the form pre-filled with the themes checked.
        let form = web_get(&server, &author, &format!("{sheet_url}/edit"))
            .await
            .text();
        assert!(
            form.contains("value=\"formation\" checked") && form.contains("accueil, intégration"),
            "{form}"
        );
        let r = web_post(
            &server,
            &author,
            &format!("{sheet_url}/edit"),
            &[
                ("title", "Le livret d’accueil du nouveau salarié"),
                ("summary", "Un livret remis le premier jour."),
                ("body", "Le livret tient en dix pages."),
                ("themes", "salaries"),
                ("tags", "accueil"),
            ],
        )
        .await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        assert!(
            follow(&server, &author, &r)
                .await
                .text()
                .contains("Fiche enregistrée (version 2).")
        );
        let r = web_post(&server, &author, &format!("{sheet_url}/submit"), &[]).await;
        assert_eq!(r.status_code(), 303, "{}", r.text());
        let page = follow(&server, &author, &r).await.text();
        assert!(
            page.contains("Fiche soumise") && !page.contains("Soumettre à la modération"),
            "{page}"
        );
        // Submitted: no more edits; the member's list says so.
        assert_eq!(
            web_get(&server, &author, &format!("{sheet_url}/edit"))
                .await
                .status_code(),
            409
        );
        let list = web_get(&server, &author, "/m/alpha/practices/mine")
            .await
            .text();
        assert!(
            list.contains("Le livret d’accueil du nouveau salarié") && list.contains("Soumise"),
            "{list}"
        );
    })
    .await;
}
