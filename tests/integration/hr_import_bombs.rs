//! Malicious spreadsheets uploaded to the HR import, through the router: each one is
//! refused 422 with a French message naming the limit it passed (and the cell when
//! known), on the API and on the page, and nothing is stored.
use axum_test::{
    TestServer,
    multipart::{MultipartForm, Part},
};
use mutualis_core::{authz::Role, sheet::bombs};
use mutualis_hr::entities::hr_imports;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::common::*;

/// (file name, bytes, what the message must say).
fn bombs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "feuille-200mo.xlsx",
            bombs::repeated_rows(200),
            "Le fichier décompressé dépasse 160 Mo",
        ),
        (
            "zeros.xlsx",
            bombs::zeros_entry(200),
            "Le fichier décompressé dépasse 160 Mo",
        ),
        (
            "textes.xlsx",
            bombs::long_shared_string(),
            "Cellule A1 : 20\u{202f}480 caractères, au plus 5\u{202f}000.",
        ),
        (
            "partages.xlsx",
            bombs::many_shared_strings(1_500_000),
            "plus de 1\u{202f}000\u{202f}000 textes différents",
        ),
        (
            "loin.xlsx",
            bombs::far_cell(Some("A1")),
            "Colonne ALL : au-delà de la colonne IV",
        ),
        (
            "loin-sans-dimension.xlsx",
            bombs::far_cell(None),
            "Colonne ALL : au-delà de la colonne IV",
        ),
        (
            "repetitions.ods",
            bombs::ods_repeats(),
            "Plus de 200\u{202f}001 lignes",
        ),
        (
            "espaces.ods",
            bombs::ods_spaces(),
            "Cellule A1 : 1\u{202f}000\u{202f}000\u{202f}002 caractères",
        ),
        (
            "ancien.xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec(),
            "enregistrez le fichier au format .xlsx",
        ),
    ]
}

async fn imports(ctx: &loco_rs::app::AppContext) -> u64 {
    hr_imports::Entity::find().count(&ctx.db).await.unwrap()
}

async fn upload_api(
    server: &TestServer,
    bearer: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let form = MultipartForm::new().add_part("file", Part::bytes(bytes).file_name(name));
    let r = server
        .post("/api/m/alpha/hr/imports")
        .add_header("authorization", bearer)
        .multipart(form)
        .await;
    (r.status_code().as_u16(), r.text())
}

#[tokio::test]
async fn spreadsheet_bombs_are_refused_with_the_limit_named_and_nothing_stored() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let user = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let rh = kit.bearer(&user);
        let web = kit.web(&user).await;
        for (name, bytes, says) in bombs() {
            let (status, body) = upload_api(&server, &rh, name, bytes.clone()).await;
            assert_eq!(status, 422, "{name}: {body}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            let message = v["errors"][0]["message"].as_str().unwrap_or_default();
            assert_eq!(v["errors"][0]["field"], "file", "{name}: {body}");
            assert!(message.contains(says), "{name}: {message}");
            // The page: the same message above the form, 422.
            let form = MultipartForm::new()
                .add_text("csrf", web.csrf.clone())
                .add_part("file", Part::bytes(bytes).file_name(name));
            let r = server
                .post("/m/alpha/hr/imports")
                .add_header("cookie", web.cookie.as_str())
                .multipart(form)
                .await;
            assert_eq!(r.status_code().as_u16(), 422, "{name}");
            let page = r.text();
            assert!(page.contains(&tera_escaped(says)), "{name}: {page}");
            assert_eq!(imports(&ctx).await, 0, "{name}: nothing staged");
        }
    })
    .await;
}

/// What Tera's autoescape makes of a message (apostrophes and slashes).
fn tera_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('/', "&#x2F;")
        .replace('\'', "&#x27;")
}

#[tokio::test]
async fn a_file_wrong_on_every_row_keeps_a_report_of_its_first_errors() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let a = kit.member("alpha", &["hr"]).await;
        let user = kit.user("rh@alpha.test", Role::HrOfficer, Some(&a)).await;
        let web = kit.web(&user).await;
        let mut csv = String::from(
            "Matricule;Nom;Prénom;Sexe;Date de naissance;Nationalité;NIR;Date d’entrée\n",
        );
        for i in 0..1_500 {
            // One error a row: the sex.
            csv.push_str(&format!(
                "Z{i};Martin;Léa;X;01/01/1980;française;{};01/09/2024\n",
                mutualis_hr::testkit::nir("2800175123456")
            ));
        }
        let form = MultipartForm::new()
            .add_text("csrf", web.csrf.clone())
            .add_part(
                "file",
                Part::bytes(csv.into_bytes()).file_name("erreurs.csv"),
            );
        let r = server
            .post("/m/alpha/hr/imports")
            .add_header("cookie", web.cookie.as_str())
            .multipart(form)
            .await;
        assert_eq!(r.status_code().as_u16(), 303, "{}", r.text());
        let page = follow(&server, &web, &r).await.text();
        assert_eq!(
            page.matches("data-label=\"Ligne\"").count(),
            1_000,
            "the first 1,000 errors"
        );
        assert!(
            page.contains("… et 500 autres erreurs, non listées"),
            "{page}"
        );
        assert!(
            page.contains(r#"<p class="stat">1500</p><p>lignes en erreur</p>"#),
            "rows in error counted from the totals"
        );
        assert_eq!(imports(&ctx).await, 1);
    })
    .await;
}
