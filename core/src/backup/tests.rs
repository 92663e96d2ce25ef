use std::collections::BTreeMap;

use super::{
    manifest::{self, AuditHead, Content, Engine, Manifest, Payload},
    postgres::{conn_of, copy_content},
    sqlite::file_of,
};

fn head(seq: i64) -> AuditHead {
    AuditHead {
        seq,
        hash: "ab".repeat(32),
    }
}

fn sample() -> Manifest {
    let tables: BTreeMap<String, u64> = [
        ("audit_head", 1),
        ("audit_log", 3),
        ("members", 2),
        ("users", 4),
    ]
    .into_iter()
    .map(|(t, n)| (t.to_string(), n))
    .collect();
    Manifest {
        format_version: manifest::FORMAT_VERSION,
        app_version: "0.1.0".to_string(),
        engine: Engine::Sqlite,
        created_at: chrono::Utc::now(),
        tables,
        audit_head: Some(head(3)),
        payload: Payload {
            name: "mutualis.sqlite".to_string(),
            bytes: 10,
            sha256: "0".repeat(64),
        },
    }
}

#[test]
fn a_complete_manifest_round_trips_through_json() {
    let m = sample();
    assert!(manifest::incomplete(&m).is_empty());
    let json = serde_json::to_string(&m).unwrap();
    let back: Manifest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    // A field missing or unknown: the manifest does not parse.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v.as_object_mut().unwrap().remove("tables");
    assert!(serde_json::from_value::<Manifest>(v).is_err());
}

#[test]
fn an_incomplete_manifest_names_what_is_missing() {
    let mut m = sample();
    m.tables.remove("audit_log");
    m.payload.sha256 = "xyz".to_string();
    m.payload.name = "mutualis.pgdump".to_string();
    let p = manifest::incomplete(&m).join("\n");
    assert!(p.contains("« audit_log » n’est pas comptée"), "{p}");
    assert!(p.contains("SHA-256"), "{p}");
    assert!(p.contains("« mutualis.pgdump » inattendu"), "{p}");
    let mut m = sample();
    m.audit_head = None;
    assert_eq!(
        manifest::incomplete(&m),
        vec!["la tête du journal d’audit est absente".to_string()]
    );
}

#[test]
fn differences_name_each_table_and_the_audit_head() {
    let expected = sample().content();
    assert!(manifest::differences(&expected, &expected).is_empty());
    let mut found = expected.clone();
    found.tables.insert("users".to_string(), 5);
    found.tables.remove("members");
    found.tables.insert("extra".to_string(), 0);
    found.audit_head = Some(head(2));
    let d = manifest::differences(&expected, &found);
    assert_eq!(d.len(), 4, "{d:#?}");
    assert!(
        d.contains(&"table « users » : 5 lignes trouvées, le manifeste en compte 4".to_string())
    );
    assert!(d.iter().any(|l| l.starts_with("table « members » absente")));
    assert!(
        d.iter()
            .any(|l| l.starts_with("table « extra » (0 lignes) absente du manifeste"))
    );
    assert!(
        d.iter()
            .any(|l| l.contains("ligne 2") && l.contains("ligne 3"))
    );
}

#[test]
fn copy_blocks_are_counted_and_the_audit_head_found() {
    let sql = "--\n-- Data for Name: audit_log\n--\n\nSET x = 1;\n\
        COPY public.audit_log (seq, at, hash, details) FROM stdin;\n\
        2\t2026-01-01\tbbb\t{\"a\": \"\\\\t\"}\n\
        3\t2026-01-01\tccc\t{}\n\
        1\t2026-01-01\taaa\t{}\n\
        \\.\n\n\
        COPY public.\"order\" (id) FROM stdin;\n\\.\n\
        COPY public.users (id, email) FROM stdin;\n1\ta@b\n\\.\n\
        SELECT pg_catalog.setval('public.users_id_seq', 1, true);\n";
    let c = copy_content(sql.as_bytes()).unwrap();
    let expected: BTreeMap<String, u64> = [("audit_log", 3), ("order", 0), ("users", 1)]
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect();
    assert_eq!(
        c,
        Content {
            tables: expected,
            audit_head: Some(AuditHead {
                seq: 3,
                hash: "ccc".to_string()
            })
        }
    );
}

#[test]
fn database_uris_give_their_parts() {
    assert_eq!(
        file_of("sqlite://data/m.sqlite?mode=rwc").unwrap(),
        std::path::PathBuf::from("data/m.sqlite")
    );
    assert_eq!(
        file_of("sqlite:///tmp/x/test.sqlite").unwrap(),
        std::path::PathBuf::from("/tmp/x/test.sqlite")
    );
    assert!(file_of("sqlite::memory:").is_err());
    let c = conn_of("postgres://mu%40tu:p%2Fss@db.local:6432/mutualis?sslmode=require").unwrap();
    let get = |k: &str| {
        c.vars
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("PGHOST"), Some("db.local"));
    assert_eq!(get("PGPORT"), Some("6432"));
    assert_eq!(get("PGUSER"), Some("mu@tu"));
    assert_eq!(get("PGPASSWORD"), Some("p/ss"));
    assert_eq!(get("PGDATABASE"), Some("mutualis"));
    assert_eq!(get("PGSSLMODE"), Some("require"));
    assert!(conn_of("postgres://h/").is_err());
}
