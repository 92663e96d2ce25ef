//! The French analyzers: words lower-cased, accents folded, elisions and function words
//! dropped, then stemmed (`fr`) or not (`fr_folded`, for typo tolerance).
use super::*;

/// Elided articles and pronouns (« l’ », « d’ », « qu’ »…) and the commonest French
/// function words, dropped at indexing and query time (accents already folded).
pub(super) const STOP: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "le",
    "la", "les", "un", "une", "des", "de", "du", "et", "ou", "a", "au", "aux", "en", "pour", "par",
    "sur", "dans", "avec", "ce", "ces", "se", "sa", "son", "ses", "leur", "leurs", "qui", "que",
    "est", "sont", "nos", "notre", "vos", "votre",
];

pub(super) fn french() -> TextAnalyzer {
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
pub(super) fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP.iter().map(|s| (*s).to_string()),
        ))
        .build()
}

pub(super) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    positioned(analyzer, text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// The tokens with their positions (a dropped stop word leaves its gap, so a phrase
/// « cahier de liaison » matches the text « cahier de liaison », not « cahier liaison »).
pub(super) fn positioned(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut ts = analyzer.token_stream(text);
    while ts.advance() {
        out.push((ts.token().position, ts.token().text.clone()));
    }
    out
}
