//! Backup and restore (`cargo loco task backup` / `restore`): the demo cooperative with
//! a closed, approved billing period is backed up, restored into a fresh database (a
//! new SQLite file, or a new PostgreSQL database next to the test one), and a router
//! booted on it serves the same exports, byte for byte: invoices (PDF, CII XML, the
//! list, the period's allocation CSV/XLSX), the HR personnel register (PDF, XLSX,
//! JSON), the GDPR register (PDF, XLSX, JSON).
//!
//! The registers print when they were made (« Édité le … », to the minute) and every
//! PDF and workbook carries its date: the documents' clock (`core::time::now`) is fixed
//! for the whole test, so both sides are made at the same instant; nothing is masked.
use std::{net::SocketAddr, path::Path};

use axum_test::TestServer;
use chrono::{SubsecRound, Utc};
use loco_rs::{
    app::Hooks,
    boot::{BootResult, StartMode},
    environment::Environment,
};
use mutualis::{
    app::{App, MODULES},
    tasks::{backup::backup, restore::restore},
};
use mutualis_core::backup::{BackupError, Manifest, RestoreOptions};
use serde_json::Value;

use crate::common::*;

/// Boots the app on an existing database.
async fn boot_on(uri: &str) -> BootResult {
    let mut config = App::load_config(&Environment::Test).await.unwrap();
    config.database.uri = uri.to_string();
    App::boot(StartMode::ServerOnly, &Environment::Test, config)
        .await
        .unwrap()
}

fn server_of(boot: &BootResult) -> TestServer {
    let router = boot.router.clone().unwrap();
    TestServer::new(router.into_make_service_with_connect_info::<SocketAddr>()).unwrap()
}

/// The bearer of a demo account (the JWT secret is the config's: the same on both apps).
async fn bearer(ctx: &loco_rs::app::AppContext, email: &str) -> String {
    let u = mutualis_core::auth::find_user_by_email(&ctx.db, email)
        .await
        .unwrap()
        .unwrap();
    TestKit::new(ctx).bearer(&u)
}

/// Every export, as (path, bytes); each must answer 200. A path comes with its
/// credential: (header, value).
async fn exports(
    server: &TestServer,
    paths: &[((&'static str, String), String)],
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for ((header, value), path) in paths {
        let r = server.get(path).add_header(*header, value.as_str()).await;
        assert_eq!(r.status_code(), 200, "{path}: {}", r.text());
        let bytes = r.as_bytes().to_vec();
        assert!(!bytes.is_empty(), "{path} is empty");
        out.push((path.clone(), bytes));
    }
    out
}

/// The backup file rewritten: `edit` changes the manifest (as JSON) and the payload.
fn tampered(from: &Path, to: &Path, edit: impl FnOnce(&mut Value, &mut Vec<u8>)) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let mut manifest: Value = serde_json::from_str(&manifest).unwrap();
    let name = manifest["payload"]["name"].as_str().unwrap().to_string();
    let mut payload = Vec::new();
    zip.by_name(&name)
        .unwrap()
        .read_to_end(&mut payload)
        .unwrap();
    edit(&mut manifest, &mut payload);
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    out.start_file("manifest.json", opts).unwrap();
    out.write_all(manifest.to_string().as_bytes()).unwrap();
    out.start_file(name.as_str(), opts).unwrap();
    out.write_all(&payload).unwrap();
    out.finish().unwrap();
}

fn refused(r: Result<mutualis_core::backup::Restored, BackupError>, says: &str) {
    match r {
        Err(BackupError::Refused(m)) => assert!(m.contains(says), "« {says} » not in: {m}"),
        Err(e) => panic!("failed instead of refused: {e}"),
        Ok(_) => panic!("restored, « {says} » expected"),
    }
}

#[tokio::test]
async fn a_restored_backup_serves_the_same_exports_and_a_tampered_file_is_refused() {
    // The documents' clock, fixed on this thread (the servers run on it too).
    let _clock = mutualis_core::time::fix_clock(Utc::now().trunc_subsecs(0));
    let (boot_a, _fresh_a) = boot().await;
    let ctx_a = boot_a.app_context.clone();
    let server_a = server_of(&boot_a);
    mutualis_core::kit::seed(&ctx_a, MODULES).await.unwrap();

    // The demo's previous month closed and approved: invoices to download.
    let admin = bearer(&ctx_a, "admin@coop.example").await;
    let board = bearer(&ctx_a, "ca@coop.example").await;
    let period = mutualis_core::time::Month::of(Utc::now())
        .prev()
        .to_string();
    let r = server_a
        .post(&format!("/api/coop/billing/periods/{period}/close"))
        .add_header("authorization", admin.as_str())
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    let drafts: Value = r.json();
    assert!(
        !drafts["invoices"].as_array().unwrap().is_empty(),
        "{drafts}"
    );
    approve_all(&server_a, &board, &drafts).await;
    let director = bearer(&ctx_a, "directeur@tilleuls.example").await;
    let r = api_get(&server_a, &director, "/api/m/tilleuls/invoices").await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    let list: Value = r.json();
    let number = list
        .as_array()
        .unwrap()
        .iter()
        .find_map(|i| i["number"].as_str())
        .expect("a finalized invoice of tilleuls")
        .to_string();
    let dpo = bearer(&ctx_a, "dpo@coop.example").await;
    let rh = bearer(&ctx_a, "rh@tilleuls.example").await;
    let admin_web = web_of(&TestKit::new(&ctx_a), "admin@coop.example").await;
    let admin_web = ("cookie", admin_web.cookie);
    let of = |who: &String, path: String| (("authorization", who.clone()), path);
    let web = |path: String| (admin_web.clone(), path);
    let paths = vec![
        of(&director, "/api/m/tilleuls/invoices".to_string()),
        of(&director, format!("/api/m/tilleuls/invoices/{number}.pdf")),
        of(&director, format!("/api/m/tilleuls/invoices/{number}.xml")),
        web(format!("/coop/billing/periods/{period}/allocation.csv")),
        web(format!("/coop/billing/periods/{period}/allocation.xlsx")),
        of(&rh, "/api/m/tilleuls/hr/register.pdf".to_string()),
        of(&rh, "/api/m/tilleuls/hr/register.xlsx".to_string()),
        of(&rh, "/api/m/tilleuls/hr/register".to_string()),
        of(&dpo, "/api/m/tilleuls/gdpr/register.pdf".to_string()),
        of(&dpo, "/api/m/tilleuls/gdpr/register.xlsx".to_string()),
        of(&dpo, "/api/m/tilleuls/gdpr/register.json".to_string()),
    ];
    let before = exports(&server_a, &paths).await;
    // The clock is what makes them equal: made twice, the same bytes.
    assert_eq!(exports(&server_a, &paths).await, before);

    // Backup, while the app runs.
    let dir =
        std::env::temp_dir().join(format!("mutualis-backup-{}", uuid::Uuid::now_v7().simple()));
    let created = backup(&ctx_a.db, &ctx_a.config.database, &dir)
        .await
        .unwrap();
    let name = created
        .path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        name.starts_with("mutualis-") && name.ends_with("Z.mbk"),
        "{name}"
    );
    let m: &Manifest = &created.manifest;
    assert!(m.tables.len() > 30, "{:?}", m.tables);
    assert!(
        m.tables["billing_invoices"] > 0 && m.tables["users"] > 0,
        "{:?}",
        m.tables
    );
    let head = m.audit_head.clone().expect("an audit head");
    assert_eq!(
        u64::try_from(head.seq).unwrap(),
        m.tables["audit_log"],
        "the head is the last of the rows counted"
    );

    // Restored into a fresh database, a router on it: the same bytes.
    let base = ctx_a.config.database.clone();
    let fresh_b = FreshDb::create(&base.uri).await;
    let mut target_b = base.clone();
    target_b.uri = fresh_b.uri.clone();
    let restored = restore(&target_b, &created.path, RestoreOptions::default())
        .await
        .unwrap();
    assert_eq!(restored.audit_rows, m.tables["audit_log"]);
    let boot_b = boot_on(&fresh_b.uri).await;
    let server_b = server_of(&boot_b);
    let after = exports(&server_b, &paths).await;
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert!(
            a == b,
            "{path}: {} bytes before, {} after, not the same",
            a.len(),
            b.len()
        );
    }

    // A target holding data is replaced only when forced.
    let again = restore(&target_b, &created.path, RestoreOptions::default()).await;
    boot_b.app_context.db.close_by_ref().await.ok();
    refused(again, "la base cible contient déjà des données");

    // Tampered files are refused before anything is touched, naming what differs.
    let fresh_c = FreshDb::create(&base.uri).await;
    let mut target_c = base.clone();
    target_c.uri = fresh_c.uri.clone();
    let byte = dir.join("byte.mbk");
    tampered(&created.path, &byte, |_, payload| {
        let at = payload.len() / 2;
        payload[at] ^= 0x01;
    });
    refused(
        restore(&target_c, &byte, RestoreOptions::default()).await,
        "a été modifié : SHA-256",
    );
    let count = dir.join("count.mbk");
    let users = m.tables["users"];
    tampered(&created.path, &count, |manifest, _| {
        manifest["tables"]["users"] = (users + 1).into();
    });
    refused(
        restore(&target_c, &count, RestoreOptions::default()).await,
        &format!(
            "ne correspond pas à son manifeste : table « users » : {users} lignes trouvées, le manifeste en compte {}",
            users + 1
        ),
    );
    let partial = dir.join("partial.mbk");
    tampered(&created.path, &partial, |manifest, _| {
        manifest.as_object_mut().unwrap().remove("audit_head");
    });
    refused(
        restore(&target_c, &partial, RestoreOptions::default()).await,
        "incomplet : la tête du journal d’audit est absente",
    );
    // Nothing was written to the target: it restores now, then again when forced.
    restore(&target_c, &created.path, RestoreOptions::default())
        .await
        .unwrap();
    let forced = restore(&target_c, &created.path, RestoreOptions { force: true })
        .await
        .unwrap();
    assert_eq!(forced.audit_rows, m.tables["audit_log"]);

    boot_a.app_context.db.close_by_ref().await.ok();
    std::fs::remove_dir_all(&dir).ok();
}
