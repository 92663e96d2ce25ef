//! Practice exchange search benchmark: 100,000 generated French sheets, indexed by the
//! module's tantivy index (French analyzer, typo tolerance, visibility, facet counts,
//! snippets) and, in the same run, by SQLite FTS5 (`unicode61 remove_diacritics 2`, the
//! usual choice without a search engine) on the same corpus:
//!
//! - **index build**: the whole corpus, one writer thread for tantivy (as the app), one
//!   transaction of inserts for FTS5;
//! - **latency** p50 / p99 over a fixed set of queries (common words, two words, phrases,
//!   a filter by theme, a typo), each run many times after a warm-up. tantivy answers as
//!   the search page does: the reader's visibility, the page of 20 hits with their
//!   highlighted snippets, the total and the three facet counts. FTS5 answers the page of
//!   20 with `snippet()` and the total (published sheets only) — no facets;
//! - **recall** on the cases a social worker types: a plural for a singular (and back),
//!   words without their accents (and an author's missing accents), an elision, a typo
//!   on a long word, a phrase — each case has ten sheets that hold the word in the other
//!   form, and recall is the share of them among the first 20 hits.
//!
//! `PRACTICES_SHEETS` (default 100000) and `PRACTICES_RUNS` (repetitions of the query
//! set, default 30) change the volume. Run: `cargo bench --bench practices` (results in
//! `docs/benchmarks.md`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use mutualis_practices::search::{IndexedSheet, Reader, Search, SearchIndex};
use sea_orm::sqlx::{self, Row, sqlite::SqlitePoolOptions};

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small deterministic generator (xorshift64*): the same corpus on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
}

const THEMES: [&str; 5] = [
    "systemes_information",
    "personnes_accompagnees",
    "salaries",
    "formation",
    "communication",
];
const TYPES: [&str; 8] = [
    "EHPAD", "IME", "ESAT", "SAVS", "CHRS", "SESSAD", "FAM", "MAS",
];
const TAGS: [&str; 20] = [
    "bénévolat",
    "numérique",
    "rgpd",
    "recrutement",
    "qualité",
    "prévention",
    "familles",
    "handicap",
    "grand âge",
    "insertion",
    "logement",
    "santé",
    "partenariats",
    "financement",
    "sécurité",
    "nutrition",
    "transport",
    "astreinte",
    "tutorat",
    "évaluation",
];

const NOUNS: [&str; 60] = [
    "accompagnement",
    "projet",
    "résident",
    "résidents",
    "famille",
    "familles",
    "équipe",
    "équipes",
    "salarié",
    "salariés",
    "bénévole",
    "bénévoles",
    "formation",
    "formations",
    "entretien",
    "entretiens",
    "réunion",
    "réunions",
    "planning",
    "plannings",
    "astreinte",
    "tutelle",
    "hébergement",
    "établissement",
    "établissements",
    "usager",
    "usagers",
    "référent",
    "référents",
    "dossier",
    "dossiers",
    "messagerie",
    "logiciel",
    "sauvegarde",
    "recrutement",
    "intégration",
    "évaluation",
    "évaluations",
    "procédure",
    "procédures",
    "partenaire",
    "partenaires",
    "atelier",
    "ateliers",
    "transport",
    "repas",
    "santé",
    "prévention",
    "chute",
    "chutes",
    "médicament",
    "médicaments",
    "bientraitance",
    "parcours",
    "insertion",
    "logement",
    "budget",
    "conseil",
    "vie sociale",
    "coordination",
];
const VERBS: [&str; 20] = [
    "organiser",
    "accueillir",
    "former",
    "partager",
    "suivre",
    "préparer",
    "évaluer",
    "améliorer",
    "sécuriser",
    "planifier",
    "animer",
    "informer",
    "recruter",
    "accompagner",
    "mesurer",
    "simplifier",
    "coordonner",
    "prévenir",
    "documenter",
    "associer",
];
const ADJECTIVES: [&str; 16] = [
    "personnalisé",
    "collectif",
    "quotidien",
    "mensuel",
    "numérique",
    "partagé",
    "simple",
    "régulier",
    "individuel",
    "pratique",
    "nouveau",
    "nouvelle",
    "commune",
    "efficace",
    "rapide",
    "clair",
];
const LINKS: [&str; 12] = [
    "de",
    "du",
    "des",
    "pour",
    "avec",
    "dans",
    "et",
    "sur",
    "auprès des",
    "entre",
    "par",
    "à",
];

/// A recall case: what the ten sheets hold, what the reader types.
struct Case {
    name: &'static str,
    in_sheet: &'static str,
    typed: &'static str,
}

/// Words absent from the common vocabulary, so that the ten sheets of a case are its
/// only right answers.
const CASES: [Case; 8] = [
    Case {
        name: "pluriel → singulier",
        in_sheet: "hippothérapies",
        typed: "hippothérapie",
    },
    Case {
        name: "singulier → pluriel",
        in_sheet: "zoothérapie",
        typed: "zoothérapies",
    },
    Case {
        name: "sans accents",
        in_sheet: "ergothérapeute",
        typed: "ergotherapeute",
    },
    Case {
        name: "accents que l'auteur a omis",
        in_sheet: "mediatheque",
        typed: "médiathèque",
    },
    Case {
        name: "élision (l', d')",
        in_sheet: "l'aromathérapie",
        typed: "aromathérapie",
    },
    Case {
        name: "faute de frappe (mot long)",
        in_sheet: "kinésithérapeute",
        typed: "kinésitérapeute",
    },
    Case {
        name: "faute de frappe et pluriel",
        in_sheet: "orthophoniste",
        typed: "ortophonistes",
    },
    Case {
        name: "expression entre guillemets",
        in_sheet: "plan de continuité informatique",
        typed: "\"plan de continuité informatique\"",
    },
];
const NEEDLES: usize = 10;

fn sentence(r: &mut Rng) -> String {
    let mut s = String::new();
    s.push_str(r.pick(&VERBS));
    s.push(' ');
    s.push_str(["le ", "la ", "les ", "un ", "l'"][r.below(5)]);
    s.push_str(r.pick(&NOUNS));
    s.push(' ');
    s.push_str(r.pick(&ADJECTIVES));
    for _ in 0..(2 + r.below(4)) {
        s.push(' ');
        s.push_str(r.pick(&LINKS));
        s.push(' ');
        s.push_str(r.pick(&NOUNS));
    }
    s.push('.');
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The corpus: `n` sheets, the needles of each case at fixed places, published mostly
/// (one in ten a draft, submitted or archived: hidden from a reader of another member).
fn corpus(n: usize) -> (Vec<IndexedSheet>, Vec<Vec<String>>) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut needles: Vec<Vec<String>> = vec![Vec::new(); CASES.len()];
    let mut sheets = Vec::with_capacity(n);
    for i in 0..n {
        let status = match i % 10 {
            3 => "draft",
            6 => "submitted",
            9 => "archived",
            _ => "published",
        };
        let title = format!(
            "{} {} {} {}",
            r.pick(&VERBS),
            r.pick(&NOUNS),
            r.pick(&LINKS),
            r.pick(&NOUNS)
        );
        let summary = sentence(&mut r);
        let mut body: Vec<String> = (0..(8 + r.below(8))).map(|_| sentence(&mut r)).collect();
        // Needles: published sheets spread over the corpus.
        let step = (n / 200).max(1);
        if status == "published" && i % step == 1 % step {
            let k = (i / step) % CASES.len();
            if needles[k].len() < NEEDLES {
                let at = r.below(body.len());
                body[at] = format!(
                    "{} avec {} au quotidien.",
                    body[at].trim_end_matches('.'),
                    CASES[k].in_sheet
                );
                needles[k].push(format!("s{i}"));
            }
        }
        // The phrase case's distractors: the words of the phrase, apart.
        if i % 1013 == 5 {
            body.push(
                "Le plan du bâtiment, la continuité du service et le matériel informatique.".into(),
            );
        }
        let themes = vec![THEMES[r.below(5)].to_string()];
        let mut tags = vec![r.pick(&TAGS).to_string()];
        if r.below(2) == 0 {
            tags.push(r.pick(&TAGS).to_string());
        }
        tags.dedup();
        sheets.push(IndexedSheet {
            id: format!("s{i}"),
            member: format!("m{:02}", i % 46),
            status: status.into(),
            title,
            summary,
            body: body.join(" "),
            themes,
            tags,
            establishment_types: vec![TYPES[r.below(8)].to_string()],
            // Published over the last three years, a few « utile » marks each.
            published: 1_700_000_000 + i64::try_from(r.below(94_000_000)).unwrap_or(0),
            useful: u64::try_from(r.below(12)).unwrap_or(0),
        });
    }
    for (k, c) in CASES.iter().enumerate() {
        assert_eq!(
            needles[k].len(),
            NEEDLES,
            "case {} has its ten sheets",
            c.name
        );
    }
    (sheets, needles)
}

/// The latency query set: (words, theme filter).
const QUERIES: [(&str, Option<&str>); 24] = [
    ("accompagnement", None),
    ("bénévoles", None),
    ("benevole", None),
    ("formation des salariés", None),
    ("planning astreinte", None),
    ("réunion équipe", None),
    ("l'hébergement", None),
    ("prévention des chutes", None),
    ("médicaments", None),
    ("logiciel sauvegarde", None),
    ("\"projet personnalisé\"", None),
    ("\"vie sociale\"", None),
    ("recrutement", Some("salaries")),
    ("dossier", Some("systemes_information")),
    ("familles", Some("personnes_accompagnees")),
    ("atelier", Some("formation")),
    ("acompagnement", None),
    ("evaluations", None),
    ("coordination partenaires", None),
    ("insertion logement", None),
    ("messagerie", Some("communication")),
    ("bientraitance", None),
    ("usagers référents", None),
    ("procédure", None),
];

/// The FTS5 query a plain user's words become: each word quoted (no operator), phrases
/// kept, all required.
fn fts5_query(q: &str) -> String {
    let mut parts = Vec::new();
    for (i, part) in q.split('"').enumerate() {
        if i % 2 == 1 {
            if !part.trim().is_empty() {
                parts.push(format!("\"{}\"", part.replace('"', "")));
            }
        } else {
            for w in part.split(|c: char| c.is_whitespace() || c == '\'' || c == '’') {
                if w.chars().count() > 2 {
                    parts.push(format!("\"{w}\""));
                }
            }
        }
    }
    parts.join(" AND ")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::var("PRACTICES_SHEETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("PRACTICES_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = TempDir(
        std::env::temp_dir().join(format!("mutualis-bench-practices-{}", std::process::id())),
    );
    std::fs::create_dir_all(&dir.0).unwrap();
    let (sheets, needles) = corpus(n);
    let bytes: usize = sheets
        .iter()
        .map(|s| s.title.len() + s.summary.len() + s.body.len())
        .sum();
    println!("corpus: {n} sheets, {:.1} MB of text", bytes as f64 / 1e6);

    // tantivy, as the app opens it (on disk under the data directory).
    let t = Instant::now();
    let index = SearchIndex::in_dir(&dir.0.join("tantivy")).unwrap();
    index.rebuild(&sheets).unwrap();
    let tantivy_build = t.elapsed();
    println!("tantivy: {} segment(s) after the build", index.segments());

    // FTS5 on a SQLite file, the same text.
    let url = format!("sqlite://{}?mode=rwc", dir.0.join("fts5.sqlite").display());
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let t = Instant::now();
    sqlx::query("CREATE VIRTUAL TABLE sheets USING fts5(id UNINDEXED, status UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')")
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for s in &sheets {
        sqlx::query("INSERT INTO sheets (id, status, title, body) VALUES (?, ?, ?, ?)")
            .bind(&s.id)
            .bind(&s.status)
            .bind(&s.title)
            .bind(format!("{} {}", s.summary, s.body))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let fts5_build = t.elapsed();

    let reader = Reader {
        members: vec!["m01".into()],
        moderator: false,
    };
    let tantivy_run = |q: &str, theme: Option<&str>| {
        index
            .search(
                &reader,
                &Search {
                    q: q.into(),
                    theme: theme.map(str::to_string),
                    page: 1,
                    ..Search::default()
                },
            )
            .unwrap()
    };
    let fts5_run = |q: String| {
        let pool = pool.clone();
        async move {
            let rows = sqlx::query(
                "SELECT id, title, snippet(sheets, 3, '<b>', '</b>', '…', 24) FROM sheets \
                 WHERE sheets MATCH ?1 AND status = 'published' ORDER BY rank LIMIT 20",
            )
            .bind(&q)
            .fetch_all(&pool)
            .await
            .unwrap();
            let total: i64 = sqlx::query(
                "SELECT count(*) FROM sheets WHERE sheets MATCH ?1 AND status = 'published'",
            )
            .bind(&q)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
            let ids: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
            (ids, total)
        }
    };

    // Recall on the language cases.
    let mut recall = Vec::new();
    for (k, c) in CASES.iter().enumerate() {
        let found = tantivy_run(c.typed, None);
        let t_hits = found
            .hits
            .iter()
            .filter(|h| needles[k].contains(&h.id))
            .count();
        let (ids, _) = fts5_run(fts5_query(c.typed)).await;
        let f_hits = ids.iter().filter(|id| needles[k].contains(id)).count();
        recall.push((c.name, c.typed, t_hits, f_hits));
    }

    // Latency: a warm-up pass, then `runs` passes over the set.
    for (q, theme) in QUERIES {
        let _ = tantivy_run(q, theme);
        let _ = fts5_run(fts5_query(q)).await;
    }
    let mut t_lat = Vec::new();
    let mut f_lat = Vec::new();
    let mut answers = (0usize, 0i64);
    let mut per_query: std::collections::BTreeMap<&str, (Duration, usize)> =
        std::collections::BTreeMap::new();
    for _ in 0..runs {
        for (q, theme) in QUERIES {
            let t = Instant::now();
            let found = tantivy_run(q, theme);
            t_lat.push(t.elapsed());
            *per_query.entry(q).or_insert((Duration::ZERO, 0)) = per_query
                .get(q)
                .map_or((t.elapsed(), found.total), |(d, n)| (*d + t.elapsed(), *n));
            answers.0 += found.total;
            // FTS5 has no theme column here: the words only.
            let fq = fts5_query(q);
            let t = Instant::now();
            let (_, total) = fts5_run(fq).await;
            f_lat.push(t.elapsed());
            answers.1 += total;
        }
    }
    t_lat.sort();
    f_lat.sort();
    println!();
    println!("| query (tantivy) | sheets found | mean (ms) |");
    println!("|---|---:|---:|");
    for (q, (d, n)) in &per_query {
        println!(
            "| `{q}` | {n} | {:.3} |",
            d.as_secs_f64() * 1e3 / runs as f64
        );
    }

    println!();
    println!("| measure | tantivy (Mutualis) | SQLite FTS5 |");
    println!("|---|---:|---:|");
    println!(
        "| index build, {n} sheets (s) | {:.2} | {:.2} |",
        tantivy_build.as_secs_f64(),
        fts5_build.as_secs_f64()
    );
    println!(
        "| query p50 (ms), {} queries | {:.3} | {:.3} |",
        t_lat.len(),
        ms(percentile(&t_lat, 0.5)),
        ms(percentile(&f_lat, 0.5))
    );
    println!(
        "| query p99 (ms) | {:.3} | {:.3} |",
        ms(percentile(&t_lat, 0.99)),
        ms(percentile(&f_lat, 0.99))
    );
    println!(
        "| query max (ms) | {:.3} | {:.3} |",
        ms(*t_lat.last().unwrap()),
        ms(*f_lat.last().unwrap())
    );
    println!(
        "| hits counted over the runs | {} | {} |",
        answers.0, answers.1
    );
    println!();
    println!("| recall case | typed | tantivy | FTS5 |");
    println!("|---|---|---:|---:|");
    let (mut tt, mut ft) = (0, 0);
    for (name, typed, t, f) in &recall {
        println!("| {name} | `{typed}` | {t}/{NEEDLES} | {f}/{NEEDLES} |");
        tt += t;
        ft += f;
    }
    let all = NEEDLES * CASES.len();
    println!(
        "| **all cases** | | **{:.0} %** | **{:.0} %** |",
        100.0 * tt as f64 / all as f64,
        100.0 * ft as f64 / all as f64
    );
}
