//! The exchange's full-text search (tantivy): a French analyzer (lower case, accents
//! folded, elisions and a few stop words dropped, Snowball stemmer), typo tolerance on
//! words of six letters or more (distance 1, on the words as written and on their
//! stems), phrases in quotes, filters, facet counts and highlighted snippets. Every sheet
//! is indexed with its status and member; each query carries the reader's visibility, so
//! a search never returns a sheet its reader may not open.
//!
//! Parts: `analysis` (the analyzers), `query` (visibility, words, phrases), `collect`
//! (the boost, the facet counts); this file holds the index, its schema and `search`.
use std::{
    collections::BTreeMap,
    path::Path,
    sync::{Arc, Mutex},
};

use mutualis_core::error::{AppError, AppResult};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal,
    SegmentReader, TantivyDocument, Term,
    collector::{Collector, Count, ScoreSegmentTweaker, ScoreTweaker, SegmentCollector, TopDocs},
    columnar::{Column, StrColumn},
    query::{
        AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
    },
    schema::{
        FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
        Value,
    },
    snippet::SnippetGenerator,
    tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
        StopWordFilter, TextAnalyzer,
    },
};

use crate::sheets::status;

/// Hits per page.
pub const PAGE_SIZE: usize = 20;

mod analysis;
mod collect;
mod query;

use analysis::*;
use collect::*;

/// A sheet as the index holds it.
#[derive(Debug, Clone)]
pub struct IndexedSheet {
    pub id: String,
    pub member: String,
    pub status: String,
    pub title: String,
    pub summary: String,
    /// Plain text of the body.
    pub body: String,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub establishment_types: Vec<String>,
    /// When it was published (Unix seconds; its creation while never published): recent
    /// sheets get a small boost.
    pub published: i64,
    /// Its readers' « utile » marks: well-rated sheets get a small boost.
    pub useful: u64,
}

/// The boost of a sheet's relevance (BM25) for its age and its « utile » marks: at most
/// +25 % for a sheet published today (halved every 90 days), and up to +20 % for its
/// marks (+10 % at 9 marks, +20 % at 99). Small: a better match still comes first.
#[must_use]
pub fn boost(age_days: f64, useful: u64) -> f32 {
    let recency = 0.25 * (-age_days.max(0.0) / 90.0 * std::f64::consts::LN_2).exp();
    #[allow(clippy::cast_precision_loss)] // marks far below 2^52
    let rating = 0.1 * (1.0 + useful as f64).log10();
    #[allow(clippy::cast_possible_truncation)]
    let b = (1.0 + recency + rating.min(0.2)) as f32;
    b
}

/// What a reader may see: published sheets (any reader), the drafts, submitted and
/// returned sheets of the members they belong to, and — moderators — the submitted,
/// returned and archived sheets of every member.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    pub members: Vec<String>,
    pub moderator: bool,
}

/// A search: words (phrases in quotes) and filters.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub q: String,
    pub theme: Option<String>,
    pub tag: Option<String>,
    pub establishment_type: Option<String>,
    pub member: Option<String>,
    /// From 1.
    pub page: usize,
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// HTML: the text escaped, the matched words in `<b>`.
    pub snippet: String,
    pub member: String,
    pub score: f32,
    /// The sheet's state (readers see their own member's drafts and submitted sheets).
    pub status: String,
}

/// The answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub themes: BTreeMap<String, u64>,
    pub tags: BTreeMap<String, u64>,
    pub establishment_types: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    member: Field,
    status: Field,
    title: Field,
    text: Field,
    words: Field,
    themes: Field,
    tags: Field,
    types: Field,
    published: Field,
    useful: Field,
}

/// The index, its reader and its one writer.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

fn err(e: impl std::fmt::Display) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("search index: {e}"))
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fr = |stored: bool, tokenizer: &str| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o | STORED } else { o }
    };
    let f = Fields {
        id: b.add_text_field("id", STRING | STORED),
        member: b.add_text_field("member", STRING | STORED),
        status: b.add_text_field("status", STRING | STORED),
        title: b.add_text_field("title", fr(true, "fr")),
        text: b.add_text_field("text", fr(true, "fr")),
        words: b.add_text_field("words", fr(false, "fr_folded")),
        // Fast (columnar) too: the facet counts read their term ordinals, not the stored
        // documents.
        themes: b.add_text_field(FACETS[0], STRING | STORED | FAST),
        tags: b.add_text_field(FACETS[1], STRING | STORED | FAST),
        types: b.add_text_field(FACETS[2], STRING | STORED | FAST),
        published: b.add_i64_field("published", FAST),
        useful: b.add_u64_field("useful", FAST),
    };
    (b.build(), f)
}

impl SearchIndex {
    /// An index in memory (tests).
    ///
    /// # Errors
    /// tantivy errors.
    pub fn in_ram() -> AppResult<Self> {
        let (schema, f) = schema();
        Self::with(Index::create_in_ram(schema), f)
    }

    /// The index in `dir` (created when missing).
    ///
    /// # Errors
    /// tantivy or file-system errors.
    pub fn in_dir(dir: &Path) -> AppResult<Self> {
        std::fs::create_dir_all(dir).map_err(err)?;
        let (schema, f) = schema();
        let d = tantivy::directory::MmapDirectory::open(dir).map_err(err)?;
        let index = match Index::open_or_create(d, schema.clone()) {
            Ok(index) => index,
            // An index of an earlier schema: it is only a cache of the database (rebuilt
            // at boot), so it is made anew.
            Err(tantivy::TantivyError::SchemaError(e)) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search index of another schema: made anew");
                std::fs::remove_dir_all(dir).map_err(err)?;
                std::fs::create_dir_all(dir).map_err(err)?;
                let d = tantivy::directory::MmapDirectory::open(dir).map_err(err)?;
                Index::create(d, schema, tantivy::IndexSettings::default()).map_err(err)?
            }
            Err(e) => return Err(err(e)),
        };
        Self::with(index, f)
    }

    fn with(index: Index, f: Fields) -> AppResult<Self> {
        index.tokenizers().register("fr", french());
        index.tokenizers().register("fr_folded", folded());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        let writer = index.writer_with_num_threads(1, 20_000_000).map_err(err)?;
        Ok(Self {
            reader,
            writer: Mutex::new(writer),
            f,
        })
    }

    fn document(&self, s: &IndexedSheet) -> TantivyDocument {
        let f = self.f;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &s.id);
        d.add_text(f.member, &s.member);
        d.add_text(f.status, &s.status);
        d.add_text(f.title, &s.title);
        let text = format!("{} {}", s.summary, s.body);
        d.add_text(f.words, format!("{} {text}", s.title));
        d.add_text(f.text, text);
        for t in &s.themes {
            d.add_text(f.themes, t);
        }
        for t in &s.tags {
            d.add_text(f.tags, t);
        }
        for t in &s.establishment_types {
            d.add_text(f.types, t);
        }
        d.add_i64(f.published, s.published);
        d.add_u64(f.useful, s.useful);
        d
    }

    fn commit(&self, w: &mut IndexWriter) -> AppResult<()> {
        w.commit().map_err(err)?;
        self.reader.reload().map_err(err)
    }

    /// Puts a sheet as it is now (after its change was committed).
    ///
    /// # Errors
    /// tantivy errors.
    pub fn upsert(&self, s: &IndexedSheet) -> AppResult<()> {
        let mut w = self.writer.lock().map_err(err)?;
        w.delete_term(Term::from_field_text(self.f.id, &s.id));
        w.add_document(self.document(s)).map_err(err)?;
        self.commit(&mut w)
    }

    /// Rebuilds the whole index from `sheets` (`cargo loco task reindex`, boot).
    ///
    /// # Errors
    /// tantivy errors.
    pub fn rebuild(&self, sheets: &[IndexedSheet]) -> AppResult<()> {
        let mut w = self.writer.lock().map_err(err)?;
        w.delete_all_documents().map_err(err)?;
        for s in sheets {
            w.add_document(self.document(s)).map_err(err)?;
        }
        w.commit().map_err(err)?;
        // One segment: a query then walks one term dictionary per field (a typo's
        // automaton, each word's postings), not one per segment the writer flushed.
        let segments = w.index().searchable_segment_ids().map_err(err)?;
        if segments.len() > 1 {
            w.merge(&segments).wait().map_err(err)?;
        }
        self.commit(&mut w)
    }

    /// The number of segments searched (the benchmark reports it).
    #[must_use]
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Searches as `reader`.
    ///
    /// # Errors
    /// tantivy errors.
    pub fn search(&self, reader: &Reader, s: &Search) -> AppResult<Found> {
        let f = self.f;
        let words = self.words(&s.q);
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.visible(reader))];
        match &words {
            Some(w) => must.push((Occur::Must, w.box_clone())),
            None => must.push((Occur::Must, Box::new(AllQuery))),
        }
        for (field, v) in [
            (f.themes, &s.theme),
            (f.tags, &s.tag),
            (f.types, &s.establishment_type),
            (f.member, &s.member),
        ] {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                must.push((Occur::Must, self.term(field, v)));
            }
        }
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let page = s.page.max(1);
        let (top, total, [themes, tags, types]): (Vec<(Score, DocAddress)>, usize, _) = searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit(PAGE_SIZE)
                        .and_offset((page - 1) * PAGE_SIZE)
                        .tweak_score(Boosted(chrono::Utc::now().timestamp())),
                    Count,
                    FacetCounts,
                ),
            )
            .map_err(err)?;
        let snippets = match &words {
            Some(w) => {
                let mut g = SnippetGenerator::create(&searcher, &**w, f.text).map_err(err)?;
                g.set_max_num_chars(220);
                Some(g)
            }
            None => None,
        };
        let text = |d: &TantivyDocument, field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let mut hits = Vec::new();
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let snippet = match &snippets {
                Some(g) => {
                    let h = g.snippet_from_doc(&d).to_html();
                    if h.is_empty() {
                        head(&text(&d, f.text))
                    } else {
                        h
                    }
                }
                None => head(&text(&d, f.text)),
            };
            hits.push(Hit {
                id: text(&d, f.id),
                title: text(&d, f.title),
                snippet,
                member: text(&d, f.member),
                score,
                status: text(&d, f.status),
            });
        }
        Ok(Found {
            total,
            hits,
            themes,
            tags,
            establishment_types: types,
        })
    }
}

/// The shared index of the running app.
pub type Shared = Arc<SearchIndex>;

#[cfg(test)]
mod tests;
