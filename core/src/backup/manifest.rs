//! The manifest of a backup file and the rules that compare it with what a database
//! holds (pure: no database, no file).
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The version of the file's layout this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The database engine a backup was made on (a backup restores on the same engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URI names.
    #[must_use]
    pub fn of_uri(uri: &str) -> Option<Self> {
        if uri.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if uri.starts_with("postgres://") || uri.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    /// The name of the payload inside the file.
    #[must_use]
    pub fn payload_name(self) -> &'static str {
        match self {
            Self::Sqlite => "mutualis.sqlite",
            Self::Postgres => "mutualis.pgdump",
        }
    }

    /// In French.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// The last row of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    /// The row's `seq` (its id in the chain).
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

/// What a database holds, as a backup counts it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content {
    /// Rows per table, every table of the catalog.
    pub tables: BTreeMap<String, u64>,
    /// The audit chain's last row (None: an empty log).
    pub audit_head: Option<AuditHead>,
}

/// The payload: the database itself (a SQLite file, a `pg_dump -Fc` archive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// Its name in the file.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format_version: u32,
    /// The version of the app that wrote the file.
    pub app_version: String,
    pub engine: Engine,
    /// When the copy was made (UTC).
    pub created_at: DateTime<Utc>,
    /// Rows per table, every table of the catalog.
    pub tables: BTreeMap<String, u64>,
    /// The audit chain's last row (`null`: an empty log).
    pub audit_head: Option<AuditHead>,
    pub payload: Payload,
}

impl Manifest {
    /// The content the manifest describes.
    #[must_use]
    pub fn content(&self) -> Content {
        Content {
            tables: self.tables.clone(),
            audit_head: self.audit_head.clone(),
        }
    }
}

/// The problems of a manifest that cannot be trusted whatever the payload, in French
/// (empty: complete).
#[must_use]
pub fn incomplete(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    if m.format_version != FORMAT_VERSION {
        out.push(format!(
            "version de format {} inconnue (attendue : {FORMAT_VERSION})",
            m.format_version
        ));
    }
    if m.app_version.trim().is_empty() {
        out.push("version de l’application absente".to_string());
    }
    if m.tables.is_empty() {
        out.push("aucune table comptée".to_string());
    }
    for t in ["audit_log", "audit_head", "users", "members"] {
        if !m.tables.contains_key(t) {
            out.push(format!("la table « {t} » n’est pas comptée"));
        }
    }
    let audit_rows = m.tables.get("audit_log").copied().unwrap_or(0);
    match &m.audit_head {
        None if audit_rows > 0 => {
            out.push("la tête du journal d’audit est absente".to_string());
        }
        Some(h) if !is_sha256(&h.hash) => {
            out.push("la tête du journal d’audit n’a pas d’empreinte valide".to_string());
        }
        _ => {}
    }
    if m.payload.name != m.engine.payload_name() {
        out.push(format!(
            "contenu « {} » inattendu pour une base {} (attendu : « {} »)",
            m.payload.name,
            m.engine.label(),
            m.engine.payload_name()
        ));
    }
    if !is_sha256(&m.payload.sha256) {
        out.push("l’empreinte SHA-256 du contenu est absente ou invalide".to_string());
    }
    out
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What differs between the content the manifest announces and the content found, in
/// French, one line per difference (empty: the same).
#[must_use]
pub fn differences(expected: &Content, found: &Content) -> Vec<String> {
    let mut out = Vec::new();
    for (table, n) in &expected.tables {
        match found.tables.get(table) {
            None => out.push(format!(
                "table « {table} » absente (le manifeste compte {n} lignes)"
            )),
            Some(f) if f != n => out.push(format!(
                "table « {table} » : {f} lignes trouvées, le manifeste en compte {n}"
            )),
            Some(_) => {}
        }
    }
    for (table, f) in &found.tables {
        if !expected.tables.contains_key(table) {
            out.push(format!(
                "table « {table} » ({f} lignes) absente du manifeste"
            ));
        }
    }
    if expected.audit_head != found.audit_head {
        let show = |h: &Option<AuditHead>| {
            h.as_ref().map_or_else(
                || "journal vide".to_string(),
                |h| format!("ligne {} ({})", h.seq, h.hash.get(..12).unwrap_or(&h.hash)),
            )
        };
        out.push(format!(
            "tête du journal d’audit : {} trouvée, le manifeste annonce {}",
            show(&found.audit_head),
            show(&expected.audit_head)
        ));
    }
    out
}
