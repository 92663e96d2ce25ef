//! A search's queries: the reader's visibility, the words (each in any of its forms,
//! typos on long words), phrases.
use super::*;

impl SearchIndex {
    pub(super) fn term(&self, field: Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }

    pub(super) fn any_of(&self, field: Field, values: &[&str]) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            values
                .iter()
                .map(|v| (Occur::Should, self.term(field, v)))
                .collect(),
        ))
    }

    /// What the reader may see, as a query.
    pub(super) fn visible(&self, r: &Reader) -> Box<dyn Query> {
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
    pub(super) fn words(&self, q: &str) -> Option<Box<dyn Query>> {
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

    pub(super) fn stem(&self, s: &str) -> Box<dyn Query> {
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
}
