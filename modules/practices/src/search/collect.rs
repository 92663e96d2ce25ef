//! What a search collects besides its page: the boost of each score, the facet counts,
//! the head of a text with no match.
use super::*;

/// BM25 times [`boost`] for the sheet's age at `.0` (Unix seconds) and its marks, read
/// from their fast columns (with no words, every sheet scores 1: the newest first).
pub(super) struct Boosted(pub(super) i64);

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

pub(super) struct SegmentBoost {
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
pub(super) const FACETS: [&str; 3] = ["themes", "tags", "types"];

/// Counts the values of the facet fields over every matching sheet, from their fast
/// columns: one counter per term ordinal and segment, turned into words once at the end
/// (no stored document is read).
pub(super) struct FacetCounts;

pub(super) type Counts = [BTreeMap<String, u64>; 3];

pub(super) struct SegmentFacets {
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
pub(super) fn head(text: &str) -> String {
    let mut out: String = text.chars().take(220).collect();
    if text.chars().count() > 220 {
        out.push('…');
    }
    out.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
