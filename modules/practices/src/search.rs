//! The exchange's full-text search (tantivy): a French analyzer (lower case, accents
//! folded, elisions and a few stop words dropped, Snowball stemmer), typo tolerance on
//! words of six letters or more (distance 1, on the words as written and on their stems), phrases in quotes,
//! filters, facet counts and highlighted snippets. Every sheet is indexed with its status
//! and member; each query carries the reader's visibility, so a search never returns a
//! sheet its reader may not open.
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

/// Elided articles and pronouns (« l’ », « d’ », « qu’ »…) and the commonest French
/// function words, dropped at indexing and query time (accents already folded).
const STOP: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "le",
    "la", "les", "un", "une", "des", "de", "du", "et", "ou", "a", "au", "aux", "en", "pour", "par",
    "sur", "dans", "avec", "ce", "ces", "se", "sa", "son", "ses", "leur", "leurs", "qui", "que",
    "est", "sont", "nos", "notre", "vos", "votre",
];

fn french() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP.iter().map(|s| (*s).to_string()),
        ))
        .filter(Stemmer::new(Language::French))
        .build()
}

/// The same without stemming: the words as typed, for typo tolerance.
fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP.iter().map(|s| (*s).to_string()),
        ))
        .build()
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    positioned(analyzer, text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// The tokens with their positions (a dropped stop word leaves its gap, so a phrase
/// « cahier de liaison » matches the text « cahier de liaison », not « cahier liaison »).
fn positioned(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut ts = analyzer.token_stream(text);
    while ts.advance() {
        out.push((ts.token().position, ts.token().text.clone()));
    }
    out
}

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

    fn term(&self, field: Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }

    fn any_of(&self, field: Field, values: &[&str]) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            values
                .iter()
                .map(|v| (Occur::Should, self.term(field, v)))
                .collect(),
        ))
    }

    /// What the reader may see, as a query.
    fn visible(&self, r: &Reader) -> Box<dyn Query> {
        let f = self.f;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !r.members.is_empty() || r.moderator {
            should.push((Occur::Should, self.term(f.status, status::PUBLISHED)));
        }
        if !r.members.is_empty() {
            let mine: Vec<&str> = r.members.iter().map(String::as_str).collect();
            should.push((
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, self.any_of(f.member, &mine)),
                    (
                        Occur::Must,
                        self.any_of(
                            f.status,
                            &[status::DRAFT, status::SUBMITTED, status::RETURNED],
                        ),
                    ),
                ])),
            ));
        }
        if r.moderator {
            should.push((
                Occur::Should,
                self.any_of(
                    f.status,
                    &[status::SUBMITTED, status::RETURNED, status::ARCHIVED],
                ),
            ));
        }
        // No clause: nothing is visible (an empty BooleanQuery of Should matches nothing).
        Box::new(BooleanQuery::new(should))
    }

    /// The words of the query: one clause per word (any of its forms), each required;
    /// phrases in quotes.
    fn words(&self, q: &str) -> Option<Box<dyn Query>> {
        let f = self.f;
        let (mut fr, mut fold) = (french(), folded());
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, part) in q.split('"').enumerate() {
            if i % 2 == 1 {
                // A phrase.
                let stems = positioned(&mut fr, part);
                let q: Box<dyn Query> = match stems.len() {
                    0 => continue,
                    1 => self.stem(&stems[0].1),
                    _ => {
                        let first = stems[0].0;
                        let on = |field| -> Box<dyn Query> {
                            Box::new(PhraseQuery::new_with_offset(
                                stems
                                    .iter()
                                    .map(|(p, s)| (p - first, Term::from_field_text(field, s)))
                                    .collect(),
                            ))
                        };
                        Box::new(BooleanQuery::new(vec![
                            (Occur::Should, Box::new(BoostQuery::new(on(f.title), 2.0))),
                            (Occur::Should, on(f.text)),
                        ]))
                    }
                };
                must.push((Occur::Must, q));
                continue;
            }
            for word in part.split_whitespace() {
                let stems = tokens(&mut fr, word);
                let raw = tokens(&mut fold, word);
                let mut any: Vec<(Occur, Box<dyn Query>)> = stems
                    .iter()
                    .map(|s| (Occur::Should, self.stem(s)))
                    .collect();
                // A typo in a long word: one edit away from a word as written, or from
                // a stem (a typo and a plural at once: « ortophonistes »).
                let typos = raw
                    .iter()
                    .map(|w| (f.words, w))
                    .chain(stems.iter().map(|s| (f.text, s)))
                    .filter(|(_, w)| w.chars().count() >= 6);
                for (field, w) in typos {
                    any.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new(
                                Term::from_field_text(field, w),
                                1,
                                true,
                            )),
                            0.5,
                        )),
                    ));
                }
                if !any.is_empty() {
                    must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                }
            }
        }
        (!must.is_empty()).then(|| Box::new(BooleanQuery::new(must)) as Box<dyn Query>)
    }

    fn stem(&self, s: &str) -> Box<dyn Query> {
        let f = self.f;
        let t = |field| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, s),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        };
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(BoostQuery::new(t(f.title), 2.0))),
            (Occur::Should, t(f.text)),
        ]))
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

/// BM25 times [`boost`] for the sheet's age at `.0` (Unix seconds) and its marks, read
/// from their fast columns (with no words, every sheet scores 1: the newest first).
struct Boosted(i64);

impl ScoreTweaker<Score> for Boosted {
    type Child = SegmentBoost;

    fn segment_tweaker(&self, reader: &SegmentReader) -> tantivy::Result<SegmentBoost> {
        let ff = reader.fast_fields();
        Ok(SegmentBoost {
            now: self.0,
            published: ff.i64("published")?,
            useful: ff.u64("useful")?,
        })
    }
}

struct SegmentBoost {
    now: i64,
    published: Column<i64>,
    useful: Column<u64>,
}

impl ScoreSegmentTweaker<Score> for SegmentBoost {
    fn score(&mut self, doc: DocId, score: Score) -> Score {
        let published = self.published.first(doc).unwrap_or(self.now);
        #[allow(clippy::cast_precision_loss)] // seconds in days
        let age_days = (self.now.saturating_sub(published)) as f64 / 86_400.0;
        score * boost(age_days, self.useful.first(doc).unwrap_or(0))
    }
}

/// The facet fields, in the order of [`FacetCounts`]' answer.
const FACETS: [&str; 3] = ["themes", "tags", "types"];

/// Counts the values of the facet fields over every matching sheet, from their fast
/// columns: one counter per term ordinal and segment, turned into words once at the end
/// (no stored document is read).
struct FacetCounts;

type Counts = [BTreeMap<String, u64>; 3];

struct SegmentFacets {
    columns: [Option<StrColumn>; 3],
    counts: [Vec<u64>; 3],
}

impl Collector for FacetCounts {
    type Fruit = Counts;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let mut columns: [Option<StrColumn>; 3] = Default::default();
        let mut counts: [Vec<u64>; 3] = Default::default();
        for (i, name) in FACETS.iter().enumerate() {
            let column = reader.fast_fields().str(name)?;
            counts[i] = vec![0; column.as_ref().map_or(0, |c| c.num_terms())];
            columns[i] = column;
        }
        Ok(SegmentFacets { columns, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut out = Counts::default();
        for fruit in fruits {
            for (total, part) in out.iter_mut().zip(fruit) {
                for (k, n) in part {
                    *total.entry(k).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(n) = usize::try_from(ord).ok().and_then(|o| counts.get_mut(o)) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out = Counts::default();
        for ((column, counts), map) in self.columns.iter().zip(self.counts).zip(out.iter_mut()) {
            let Some(column) = column else { continue };
            for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                let mut word = String::new();
                if column.ord_to_str(ord as u64, &mut word).unwrap_or(false) {
                    map.insert(word, n);
                }
            }
        }
        out
    }
}

/// The first words of a text, escaped (a snippet when nothing matched in it).
fn head(text: &str) -> String {
    let mut out: String = text.chars().take(220).collect();
    if text.chars().count() > 220 {
        out.push('…');
    }
    out.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The shared index of the running app.
pub type Shared = Arc<SearchIndex>;

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(id: &str, body: &str, published: i64, useful: u64) -> IndexedSheet {
        IndexedSheet {
            id: id.into(),
            member: "m".into(),
            status: "published".into(),
            title: "Les bénévoles".into(),
            summary: String::new(),
            body: body.into(),
            themes: vec!["formation".into()],
            tags: vec![],
            establishment_types: vec!["EHPAD".into()],
            published,
            useful,
        }
    }

    #[test]
    fn the_boost_is_small_and_favours_recent_and_useful_sheets() {
        assert!(boost(0.0, 0) > boost(30.0, 0));
        assert!(boost(30.0, 0) > boost(365.0, 0));
        assert!(boost(30.0, 10) > boost(30.0, 0));
        // Never more than +45 %, never less than nothing; no NaN on odd input.
        for (age, marks) in [(0.0, u64::MAX), (-5.0, 0), (1e9, 0), (f64::NAN, 3)] {
            let b = boost(age, marks);
            assert!(
                b.is_nan() || (1.0..=1.45).contains(&b),
                "{age} {marks}: {b}"
            );
        }
    }

    #[test]
    fn equal_matches_come_newest_and_most_useful_first_and_a_better_match_still_wins() {
        let index = SearchIndex::in_ram().unwrap();
        let now = chrono::Utc::now().timestamp();
        let year = 365 * 86_400;
        index
            .rebuild(&[
                sheet("old", "Un accueil en établissement.", now - 2 * year, 0),
                sheet("new", "Un accueil en établissement.", now - 86_400, 0),
                sheet("liked", "Un accueil en établissement.", now - 2 * year, 40),
                // The word in its title and its text: a better match, however old.
                sheet("best", "L’accueil des bénévoles.", now - 3 * year, 0),
            ])
            .unwrap();
        let reader = Reader {
            members: vec!["other".into()],
            moderator: false,
        };
        let ids = |q: &str| {
            let s = Search {
                q: q.into(),
                ..Search::default()
            };
            index
                .search(&reader, &s)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("bénévoles"), ["best", "new", "liked", "old"]);
        // No words: the newest first.
        assert_eq!(ids("")[0], "new");
    }
}
