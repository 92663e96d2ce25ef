//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`, run with cargo-fuzz), kept
//! here so that the suite replays every committed corpus and crash file on the stable
//! toolchain (`tests` below): a crash once found stays fixed.
//!
//! Each target takes arbitrary bytes and must neither panic nor grow without bound; an
//! input that is refused must be refused with a French message.
use std::collections::HashMap;

use chrono::{TimeZone, Utc};

use crate::app::module_meters;

/// A fuzz target: arbitrary bytes in, a panic when something is wrong.
pub type Target = fn(&[u8]);

/// The targets, by name (the name of their file under `fuzz/fuzz_targets/` and of their
/// corpus folder under `fuzz/corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("sheet", sheet),
    ("usage_events", usage_events),
    ("identifiers", identifiers),
    ("legal_source", legal_source),
    ("practices_markdown", practices_markdown),
];

/// The spreadsheet readers of HR and payroll (core's bounded reader, as each module calls
/// it): the first byte picks the file type, the rest is the file.
pub fn sheet(data: &[u8]) {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let name = match kind % 4 {
        0 => "import.xlsx",
        1 => "import.ods",
        2 => "import.csv",
        _ => "import.xls",
    };
    match mutualis_hr::import::read_rows(name, bytes) {
        Ok(rows) => {
            let limits = mutualis_hr::import::limits();
            assert!(rows.len() <= limits.rows, "HR: more rows than the limit");
        }
        Err(e) => assert!(!mutualis_core::kit::detail(&e).is_empty()),
    }
    let limits = mutualis_core::sheet::Limits::default();
    if let Err(e) = mutualis_core::sheet::read_rows(name, bytes, &limits) {
        assert!(!e.message().is_empty());
    }
}

/// The usage API's body: JSON, then each event validated against the real meters.
pub fn usage_events(data: &[u8]) {
    let Ok(batch) = serde_json::from_slice::<mutualis_core::metering::IncomingBatch>(data) else {
        return;
    };
    let Ok(meters) = mutualis_core::metering::Meters::new(module_meters()) else {
        return;
    };
    let members: HashMap<String, i64> = [("tilleuls".to_string(), 1), ("cedres".to_string(), 2)]
        .into_iter()
        .collect();
    let now = Utc
        .with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    for raw in batch.events.iter().take(mutualis_core::metering::MAX_BATCH) {
        if let Err(message) =
            mutualis_core::metering::validate_event(raw, &meters, &members, "fuzz", now)
        {
            assert!(!message.is_empty());
        }
    }
}

/// The NIR, SIREN, SIRET and IBAN parsers, on the same text.
pub fn identifiers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(nir) = mutualis_hr::nir::Nir::parse(&text) {
        // A NIR accepted once is accepted again as printed.
        assert!(mutualis_hr::nir::Nir::parse(nir.as_str()).is_ok());
    }
    if let Ok(siren) = mutualis_core::member::Siren::parse(&text) {
        assert_eq!(siren.as_str().len(), 9);
    }
    if let Ok(siret) = mutualis_core::member::Siret::parse(&text) {
        assert_eq!(siret.siren().len(), 9);
    }
    let _ = mutualis_billing::settings::iban_ok(&text);
    let _ = mutualis_hr::nir::with_key(&text);
}

/// The legal template source (front matter + Markdown/Jinja), and its clauses.
pub fn legal_source(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match mutualis_legal::source::parse(&text) {
        Ok(source) => {
            let _ = mutualis_legal::source::clauses(&text);
            let _ = source;
        }
        Err(errors) => assert!(errors.iter().all(|e| !e.message.is_empty())),
    }
    let _ = mutualis_legal::source::diff(&text, "# Titre\n\nUn paragraphe.");
}

/// The practices Markdown sanitiser: never a script, an event handler, a dangerous
/// link or raw HTML out. Checked on the tags of the output, as a browser reads them:
/// a `javascript:` in the *text* of a paragraph is harmless (escaped), only in an
/// `href` or a `src` is it a link (found by libFuzzer on the first oracle, which looked
/// for the word anywhere).
pub fn practices_markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for html in [
        mutualis_practices::markdown::render(&text),
        mutualis_practices::markdown::render_page(&text),
    ] {
        check_html(&html);
    }
    let _ = mutualis_practices::markdown::plain(&text);
}

/// Panics on a script, an event handler or a dangerous link in `html`'s tags.
fn check_html(html: &str) {
    for (name, attrs) in tags(html) {
        assert!(
            !matches!(
                name.as_str(),
                "script" | "iframe" | "style" | "object" | "embed" | "form" | "base"
            ),
            "<{name}> in {html}"
        );
        for (attr, value) in attrs {
            assert!(!attr.starts_with("on"), "event handler {attr} in {html}");
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction") {
                let url: String = value
                    .replace("&amp;", "&")
                    .replace("&quot;", "\"")
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !["javascript:", "vbscript:", "data:"]
                        .iter()
                        .any(|s| url.starts_with(s)),
                    "dangerous {attr}={value:?} in {html}"
                );
            }
        }
    }
}

/// The start tags of serialised HTML, each with its attributes (lowercase names, raw
/// values), read the way a browser's tokenizer does: the serialiser escapes every `<`
/// of text, so each `<` opens a tag; a quoted value may hold `>`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if i < b.len() && (b[i] == b'/' || b[i] == b'!' || b[i] == b'?') {
            while i < b.len() && b[i] != b'>' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            if a == i {
                // A lone `=`: skip it, as the tokenizer does.
                i += 1;
                continue;
            }
            let attr = html[a..i].to_ascii_lowercase();
            skip_ws(&mut i);
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                skip_ws(&mut i);
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i += 1;
                    let v = i;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::TARGETS;

    /// The sanitiser's oracle fails where a browser would run something, and only there.
    #[test]
    fn the_html_oracle_tells_a_link_from_text() {
        let fails =
            |html: &'static str| std::panic::catch_unwind(|| super::check_html(html)).is_err();
        assert!(fails(r#"<p><a href=" JaVaScRiPt:alert(1)">x</a></p>"#));
        assert!(fails(r#"<img src="x" onerror="alert(1)">"#));
        assert!(fails(r#"<p title="a > b"><script>alert(1)</script></p>"#));
        assert!(fails(r#"<a href='data:text/html,x'>x</a>"#));
        assert!(!fails(
            r#"<p>&lt;img src=x onerror=](JaVaScRiPt:alert(1))&gt;</p>"#
        ));
        assert!(!fails(
            r#"<a href="https://exemple.fr/?q=javascript:" rel="noopener">x</a>"#
        ));
        assert!(!fails(r#"<p title="<script>">texte</p>"#));
    }

    /// Replays every committed corpus and crash file of every target.
    #[test]
    fn committed_fuzz_inputs_pass() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut replayed = 0;
        for (name, target) in TARGETS {
            assert!(
                root.join("fuzz_targets")
                    .join(format!("{name}.rs"))
                    .exists(),
                "fuzz/fuzz_targets/{name}.rs is missing"
            );
            for dir in ["corpus", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let bytes = std::fs::read(entry.path()).unwrap_or_default();
                    target(&bytes);
                    replayed += 1;
                }
            }
        }
        assert!(replayed >= TARGETS.len(), "no corpus committed under fuzz/");
    }
}
