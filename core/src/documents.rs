//! Documents: the one small PDF layout layer of Mutualis, over printpdf 0.12 (which has no
//! line wrapping of its own). A4 pages with 18 mm margins, DejaVu Sans (regular and bold,
//! from the `dejavu` crate) embedded and subset to the characters used, so French text
//! renders whatever the reader has installed: é, è, ç, œ, « », €, no-break spaces.
//!
//! A [`Doc`] is written top to bottom: headings, wrapped paragraphs, two-column blocks,
//! key–value lists, tables (column weights, right-aligned numeric columns, the header row
//! repeated on each new page, a wrapped note under any row), totals. Page breaks are
//! automatic and [`Doc::finish`] adds a "Page i / n" footer to every page. Text is
//! measured with the glyph advance widths of the embedded font; [`wrap`] is a pure
//! function. Invoices, registers, recaps and legal documents all go through here.
use std::collections::BTreeSet;
use std::sync::LazyLock;

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

/// A4 width, in millimetres.
pub const PAGE_WIDTH: f32 = 210.0;
/// A4 height, in millimetres.
pub const PAGE_HEIGHT: f32 = 297.0;
/// Margin on every side, in millimetres (the footer sits inside the bottom margin).
pub const MARGIN: f32 = 18.0;
/// Width of the text area, in millimetres.
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// Lowest point the content may reach, from the top of the page, in millimetres.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
/// Millimetres per typographic point.
const PT_MM: f32 = 25.4 / 72.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Baseline below the top of a line box, as a multiple of the font size.
const ASCENT: f32 = 0.97;
/// Horizontal padding inside table cells and boxes, in millimetres.
const PAD_X: f32 = 1.8;
/// Vertical padding inside table cells, in millimetres.
const PAD_Y: f32 = 1.3;
/// Gap between the two columns of a two-column block, in millimetres.
const GUTTER: f32 = 8.0;
/// Space left after a block, in millimetres.
const AFTER_BLOCK: f32 = 2.0;
/// Gap between a label and its value in a key–value list, in millimetres.
const KEY_GAP: f32 = 4.0;

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// The embedded font could not be read (a broken build, not a user error).
    #[error("police intégrée illisible : {0}")]
    Font(String),
    /// printpdf reported an error while writing the file.
    #[error("écriture du PDF impossible : {0}")]
    Pdf(String),
}

/// Colour of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Near-black body text.
    Text,
    /// Grey, for labels and secondary information.
    Muted,
    /// The document's accent colour (a dark blue), for titles.
    Accent,
}

impl Tone {
    fn color(self) -> Color {
        let (r, g, b) = match self {
            Self::Text => (0.11, 0.12, 0.14),
            Self::Muted => (0.38, 0.40, 0.44),
            Self::Accent => (0.05, 0.27, 0.45),
        };
        rgb(r, g, b)
    }
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

/// How a piece of text is set: size in points, weight, colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    /// Oblique (DejaVu Sans Oblique, or Bold Oblique with `bold`).
    pub italic: bool,
    pub tone: Tone,
}

impl Style {
    /// Body text, 9 pt.
    pub const BODY: Self = Self {
        size: 9.0,
        bold: false,
        italic: false,
        tone: Tone::Text,
    };
    /// Bold body text.
    pub const STRONG: Self = Self {
        size: 9.0,
        bold: true,
        italic: false,
        tone: Tone::Text,
    };
    /// Small grey text, 7.5 pt (notes, details of a calculation).
    pub const SMALL: Self = Self {
        size: 7.5,
        bold: false,
        italic: false,
        tone: Tone::Muted,
    };
    /// A small bold grey label above a block ("ÉMETTEUR").
    pub const LABEL: Self = Self {
        size: 7.5,
        bold: true,
        italic: false,
        tone: Tone::Muted,
    };
    /// Document title, 18 pt bold, accent colour.
    pub const TITLE: Self = Self {
        size: 18.0,
        bold: true,
        italic: false,
        tone: Tone::Accent,
    };
    /// Section heading, 11 pt bold, accent colour.
    pub const HEADING: Self = Self {
        size: 11.0,
        bold: true,
        italic: false,
        tone: Tone::Accent,
    };

    /// The same style in bold.
    #[must_use]
    pub const fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    /// The same style in italic.
    #[must_use]
    pub const fn italic(self) -> Self {
        Self {
            italic: true,
            ..self
        }
    }

    /// The face's index in [`Fonts`]: regular, bold, oblique, bold oblique.
    const fn face_index(self) -> usize {
        (self.bold as usize) + 2 * (self.italic as usize)
    }

    /// The same style at another size (points).
    #[must_use]
    pub const fn sized(self, size: f32) -> Self {
        Self { size, ..self }
    }

    /// The same style in another colour.
    #[must_use]
    pub const fn toned(self, tone: Tone) -> Self {
        Self { tone, ..self }
    }

    /// Height of one line in this style, in millimetres.
    #[must_use]
    pub fn line_height(self) -> f32 {
        self.size * LEADING * PT_MM
    }

    fn ascent(self) -> f32 {
        self.size * ASCENT * PT_MM
    }
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// For amounts and quantities: every line ends at the column's right edge.
    Right,
}

/// A table column: its header, its relative width and its alignment.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    /// Relative width: the columns share the text width in proportion to their weights.
    pub weight: f32,
    pub align: Align,
}

impl Column {
    /// A left-aligned column.
    pub fn left(header: impl Into<String>, weight: f32) -> Self {
        Self {
            header: header.into(),
            weight,
            align: Align::Left,
        }
    }

    /// A right-aligned (numeric) column.
    pub fn right(header: impl Into<String>, weight: f32) -> Self {
        Self {
            header: header.into(),
            weight,
            align: Align::Right,
        }
    }
}

/// A table row: one text per column (wrapped inside its cell; `\n` starts a new line),
/// an optional secondary text in small grey type under the first cell (a reference, a
/// category), and an optional note in small type under the row, across the whole table.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub cells: Vec<String>,
    pub sub: Option<String>,
    pub note: Option<String>,
}

impl Row {
    pub fn new<S: Into<String>>(cells: impl IntoIterator<Item = S>) -> Self {
        Self {
            cells: cells.into_iter().map(Into::into).collect(),
            sub: None,
            note: None,
        }
    }

    /// Adds the small grey text under the first cell (ignored when blank).
    #[must_use]
    pub fn with_sub(mut self, sub: impl Into<String>) -> Self {
        let sub = sub.into();
        self.sub = (!sub.trim().is_empty()).then_some(sub);
        self
    }

    /// Adds the small note under the row (ignored when blank).
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        let note = note.into();
        self.note = (!note.trim().is_empty()).then_some(note);
        self
    }
}

/// A table: columns and rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// Splits `text` into lines no wider than `max`, as measured by `width`.
///
/// Breaks only at ordinary spaces — never at no-break spaces (U+00A0, U+202F), so
/// `1 234,56 €` and `40 €` stay whole — and starts a new line at each `\n` (a blank
/// line stays blank). Runs of spaces collapse; a word wider than a line is cut between
/// characters. Blank text gives no line.
#[must_use]
pub fn wrap(text: &str, max: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split([' ', '\t', '\r']).filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if width(word) <= max {
                line = word.to_string();
                continue;
            }
            // A word longer than the line: cut it between characters.
            for c in word.chars() {
                let mut longer = line.clone();
                longer.push(c);
                if line.is_empty() || width(&longer) <= max {
                    line = longer;
                } else {
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// One face of the embedded font.
struct Face {
    parsed: ParsedFont,
    bytes: &'static [u8],
    units_per_em: f32,
    /// Advance of a character the font lacks (`?`), in font units.
    fallback: f32,
}

impl Face {
    fn load(bytes: &'static [u8], name: &str) -> Result<Self, String> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("{name} : {warnings:?}"))?;
        let units_per_em = f32::from(parsed.units_per_em.max(1));
        let mut face = Self {
            parsed,
            bytes,
            units_per_em,
            fallback: units_per_em / 2.0,
        };
        face.fallback = face.advance('?').unwrap_or(face.fallback);
        Ok(face)
    }

    fn glyph(&self, c: char) -> Option<u16> {
        self.parsed
            .lookup_glyph_index(u32::from(c))
            .filter(|g| *g != 0)
    }

    fn advance(&self, c: char) -> Option<f32> {
        self.glyph(c)
            .and_then(|g| self.parsed.get_glyph_width(g))
            .map(f32::from)
    }

    /// Width of `text` at `size` points, in millimetres.
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| self.advance(c).unwrap_or(self.fallback))
            .sum();
        units / self.units_per_em * size * PT_MM
    }

    /// `text` with what the font cannot draw replaced: narrow no-break space by a
    /// no-break space, then by a space; other missing characters by `?`; control
    /// characters (but `\n`) dropped; tabs made spaces.
    fn clean(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '\n' | ' ' => out.push(c),
                '\t' => out.push(' '),
                c if c.is_control() => {}
                c if self.glyph(c).is_some() => out.push(c),
                '\u{202f}' | '\u{2009}' | '\u{2007}' => {
                    out.push(if self.glyph('\u{a0}').is_some() {
                        '\u{a0}'
                    } else {
                        ' '
                    })
                }
                '\u{a0}' => out.push(' '),
                '\u{2019}' | '\u{2018}' => out.push('\''),
                _ => out.push('?'),
            }
        }
        out
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
    oblique: Face,
    bold_oblique: Face,
}

impl Fonts {
    fn face(&self, style: Style) -> &Face {
        match (style.bold, style.italic) {
            (false, false) => &self.regular,
            (true, false) => &self.bold,
            (false, true) => &self.oblique,
            (true, true) => &self.bold_oblique,
        }
    }
}

/// DejaVu Sans, parsed once per process.
static FONTS: LazyLock<Result<Fonts, String>> = LazyLock::new(|| {
    Ok(Fonts {
        regular: Face::load(dejavu::sans::regular(), "DejaVu Sans")?,
        bold: Face::load(dejavu::sans::bold(), "DejaVu Sans Bold")?,
        oblique: Face::load(dejavu::sans::oblique(), "DejaVu Sans Oblique")?,
        bold_oblique: Face::load(dejavu::sans::bold_oblique(), "DejaVu Sans Bold Oblique")?,
    })
});

fn fonts() -> Result<&'static Fonts, DocError> {
    FONTS.as_ref().map_err(|e| DocError::Font(e.clone()))
}

/// Width of `text` set in `style`, in millimetres (0 if the font cannot be loaded).
#[must_use]
pub fn text_width(text: &str, style: Style) -> f32 {
    fonts().map_or(0.0, |f| f.face(style).width(text, style.size))
}

/// What is drawn on a page; coordinates in millimetres from the top-left corner.
#[derive(Debug, Clone)]
enum Item {
    /// A line of text whose baseline starts at (x, y).
    Text {
        x: f32,
        y: f32,
        text: String,
        style: Style,
    },
    /// A straight line; `grey` from 0 (black) to 1 (white), `width` in points.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
    },
    /// A filled rectangle whose top-left corner is (x, y).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: (f32, f32, f32),
    },
}

/// Fill of table headers and boxes.
const LIGHT: (f32, f32, f32) = (0.93, 0.95, 0.97);

/// A document being laid out. See the module documentation.
pub struct Doc {
    title: String,
    footer: Option<String>,
    fonts: &'static Fonts,
    pages: Vec<Vec<Item>>,
    /// Top of the free space on the current page, in millimetres from the top edge.
    y: f32,
    /// The date written in the file's metadata (now, unless fixed: a document that
    /// must regenerate byte for byte).
    date: Option<printpdf::OffsetDateTime>,
}

/// A table row wrapped in its columns.
struct Laid {
    cells: Vec<Vec<String>>,
    sub: Vec<String>,
    note: Vec<String>,
}

impl Laid {
    /// Height of the row without its note.
    fn height(&self) -> f32 {
        Self::height_of(&self.cells, &self.sub)
    }

    fn height_of(cells: &[Vec<String>], sub: &[String]) -> f32 {
        let lh = TABLE_BODY.line_height();
        let tallest = cells.iter().map(Vec::len).max().unwrap_or(0).max(1) as f32 * lh;
        let first = cells.first().map_or(0, Vec::len) as f32 * lh
            + sub.len() as f32 * TABLE_SUB.line_height();
        tallest.max(first) + 2.0 * PAD_Y
    }
}

/// A table's geometry, kept to redraw its header on each new page.
struct Grid {
    xs: Vec<f32>,
    widths: Vec<f32>,
    aligns: Vec<Align>,
    header: Vec<Vec<String>>,
    header_height: f32,
}

const TABLE_BODY: Style = Style::BODY.sized(8.5);
const TABLE_HEAD: Style = Style::STRONG.sized(8.0);
const TABLE_SUB: Style = Style::SMALL.sized(7.8);
const TABLE_NOTE: Style = Style::SMALL.sized(7.3);

impl Doc {
    /// A new document with one empty page; `title` becomes the PDF's title.
    ///
    /// # Errors
    /// [`DocError::Font`] if the embedded font cannot be parsed.
    pub fn new(title: &str) -> Result<Self, DocError> {
        Ok(Self {
            title: title.to_string(),
            footer: None,
            fonts: fonts()?,
            pages: vec![Vec::new()],
            y: MARGIN,
            date: None,
        })
    }

    /// Writes the PDF with `at` as its date and identifiers derived from its content:
    /// the same document gives the same bytes, every time (printpdf draws the trailer's
    /// `/ID` at random; it is replaced, same length, by a hash of the file).
    ///
    /// # Errors
    /// As [`Doc::finish`].
    pub fn finish_reproducible(
        mut self,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<u8>, DocError> {
        self.date = printpdf::OffsetDateTime::from_unix_timestamp(at.timestamp()).ok();
        let mut bytes = self.render()?;
        stable_ids(&mut bytes);
        Ok(bytes)
    }

    /// Text set on the left of every page's footer (the page number is on the right).
    pub fn set_footer(&mut self, text: &str) {
        self.footer = Some(text.to_string());
    }

    /// Pages so far.
    #[must_use]
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Space left on the current page, in millimetres.
    #[must_use]
    pub fn remaining(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Starts a new page.
    pub fn page_break(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` millimetres are left on this one (so a block
    /// that fits on a page is never cut).
    pub fn keep_together(&mut self, height: f32) {
        if height > self.remaining() && self.y > MARGIN + 0.1 {
            self.page_break();
        }
    }

    /// Vertical space, in millimetres (none at the top of a page).
    pub fn space(&mut self, height: f32) {
        if self.y > MARGIN + 0.1 {
            self.y = (self.y + height).min(BOTTOM);
        }
    }

    /// Width of `text` in `style`, in millimetres.
    #[must_use]
    pub fn width(&self, text: &str, style: Style) -> f32 {
        let face = self.fonts.face(style);
        face.width(&face.clean(text), style.size)
    }

    /// `text` wrapped to `max` millimetres in `style`.
    #[must_use]
    pub fn wrap(&self, text: &str, max: f32, style: Style) -> Vec<String> {
        let face = self.fonts.face(style);
        wrap(&face.clean(text), max, |s| face.width(s, style.size))
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    fn text_at(&mut self, x: f32, top: f32, text: &str, style: Style) {
        if text.trim().is_empty() {
            return;
        }
        let clean = self.fonts.face(style).clean(text);
        self.push(Item::Text {
            x,
            y: top + style.ascent(),
            text: clean,
            style,
        });
    }

    fn rule_at(&mut self, x1: f32, x2: f32, y: f32, width: f32, grey: f32) {
        self.push(Item::Rule {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            grey,
        });
    }

    fn fill_at(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        self.push(Item::Fill { x, y, w, h, color });
    }

    /// Lines of text, each starting a new page when needed.
    fn lines_at(&mut self, x: f32, lines: &[String], style: Style) {
        let lh = style.line_height();
        for line in lines {
            if self.y + lh > BOTTOM {
                self.page_break();
            }
            let top = self.y;
            self.text_at(x, top, line, style);
            self.y += lh;
        }
    }

    /// The document title, large and in the accent colour.
    pub fn title(&mut self, text: &str) {
        let lines = self.wrap(text, CONTENT_WIDTH, Style::TITLE);
        self.keep_together(Style::TITLE.line_height() * 2.0);
        self.lines_at(MARGIN, &lines, Style::TITLE);
        self.y += AFTER_BLOCK;
    }

    /// A section heading with a thin rule under it; kept with what follows.
    pub fn heading(&mut self, text: &str) {
        let style = Style::HEADING;
        let lines = self.wrap(text, CONTENT_WIDTH, style);
        let height = style.line_height() * lines.len().max(1) as f32;
        self.space(3.0);
        self.keep_together(height + 18.0);
        self.lines_at(MARGIN, &lines, style);
        let y = self.y + 0.5;
        self.rule_at(MARGIN, MARGIN + CONTENT_WIDTH, y, 0.6, 0.55);
        self.y += 2.5;
    }

    /// A paragraph of body text, wrapped to the text width.
    pub fn paragraph(&mut self, text: &str) {
        self.paragraph_styled(text, Style::BODY);
    }

    /// A paragraph in `style`, wrapped to the text width.
    pub fn paragraph_styled(&mut self, text: &str, style: Style) {
        let lines = self.wrap(text, CONTENT_WIDTH, style);
        if lines.is_empty() {
            return;
        }
        // No single line alone at the bottom of a page.
        self.keep_together(style.line_height() * lines.len().min(2) as f32);
        self.lines_at(MARGIN, &lines, style);
        self.y += AFTER_BLOCK * 0.6;
    }

    /// A body paragraph of runs, each regular or bold (`(text, bold)`), wrapped at spaces
    /// across the runs: a word in bold inside a sentence stays in its line.
    pub fn paragraph_runs(&mut self, runs: &[(&str, bool)]) {
        let runs: Vec<(&str, Style)> = runs
            .iter()
            .map(|(t, bold)| (*t, if *bold { Style::STRONG } else { Style::BODY }))
            .collect();
        self.paragraph_spans(&runs);
    }

    /// A body paragraph of runs, each in its own style (bold, italic — the line height is
    /// the body's), wrapped at spaces across the runs.
    pub fn paragraph_spans(&mut self, runs: &[(&str, Style)]) {
        self.runs_at(MARGIN, CONTENT_WIDTH, runs);
        self.y += AFTER_BLOCK * 0.6;
    }

    /// Runs wrapped in `width` from `x`, line by line (a page break where needed).
    fn runs_at(&mut self, x: f32, width: f32, runs: &[(&str, Style)]) {
        // Words with their trailing space, each with its style.
        let pieces: Vec<(String, Style)> = runs
            .iter()
            .flat_map(|(text, style)| {
                text.split_inclusive(' ')
                    .map(move |w| (w.to_string(), *style))
            })
            .collect();
        let mut lines: Vec<Vec<(String, Style)>> = vec![Vec::new()];
        let mut used = 0.0;
        for (piece, style) in pieces {
            let w = self.width(piece.trim_end(), style);
            let line = lines.last().map_or(0, Vec::len);
            if line > 0 && used + w > width {
                lines.push(Vec::new());
                used = 0.0;
                if piece.trim().is_empty() {
                    continue;
                }
            }
            used += self.width(&piece, style);
            if let Some(l) = lines.last_mut() {
                match l.last_mut() {
                    Some((text, st)) if *st == style => text.push_str(&piece),
                    _ => l.push((piece, style)),
                }
            }
        }
        let lines: Vec<_> = lines.into_iter().filter(|l| !l.is_empty()).collect();
        let lh = Style::BODY.line_height();
        self.keep_together(lh * lines.len().min(2) as f32);
        for line in lines {
            if self.y + lh > BOTTOM {
                self.page_break();
            }
            let top = self.y;
            let mut at = x;
            for (text, style) in &line {
                self.text_at(at, top, text.trim_end(), *style);
                at += self.width(text, *style);
            }
            self.y += lh;
        }
    }

    /// A thin horizontal rule across the text width.
    pub fn rule(&mut self) {
        self.space(1.0);
        let y = self.y;
        self.rule_at(MARGIN, MARGIN + CONTENT_WIDTH, y, 0.4, 0.75);
        self.y += 2.0;
    }

    /// Two columns side by side (e.g. seller left, buyer right): each entry is a
    /// paragraph in its style, wrapped to the column. Kept on one page when it fits.
    pub fn two_columns<S: AsRef<str>>(&mut self, left: &[(S, Style)], right: &[(S, Style)]) {
        self.columns_block(left, right, false);
    }

    /// [`Doc::two_columns`], each column on a light background.
    pub fn two_columns_boxed<S: AsRef<str>>(&mut self, left: &[(S, Style)], right: &[(S, Style)]) {
        self.columns_block(left, right, true);
    }

    fn columns_block<S: AsRef<str>>(
        &mut self,
        left: &[(S, Style)],
        right: &[(S, Style)],
        boxed: bool,
    ) {
        let col_w = (CONTENT_WIDTH - GUTTER) / 2.0;
        let inset = if boxed { 3.0 } else { 0.0 };
        let lay = |doc: &Self, spans: &[(S, Style)]| -> Vec<(String, Style)> {
            spans
                .iter()
                .flat_map(|(text, style)| {
                    doc.wrap(text.as_ref(), col_w - 2.0 * inset, *style)
                        .into_iter()
                        .map(move |l| (l, *style))
                })
                .collect()
        };
        let left = lay(self, left);
        let right = lay(self, right);
        let height = |lines: &[(String, Style)]| -> f32 {
            lines.iter().map(|(_, s)| s.line_height()).sum::<f32>()
        };
        let h = height(&left).max(height(&right)) + 2.0 * inset;
        self.keep_together(h);
        let top = self.y;
        for (i, lines) in [left, right].iter().enumerate() {
            let x = MARGIN + i as f32 * (col_w + GUTTER);
            if boxed {
                self.fill_at(x, top, col_w, h, LIGHT);
            }
            self.y = top + inset;
            for (line, style) in lines {
                let y = self.y;
                self.text_at(x + inset, y, line, *style);
                self.y += style.line_height();
            }
        }
        self.y = (top + h + AFTER_BLOCK).min(BOTTOM);
    }

    /// A list of label–value pairs: labels in grey in a first column as wide as the
    /// longest (at most 45 % of the text width), values wrapped beside them. A pair is
    /// kept on one page when it fits on one; a longer one (a long text in a register)
    /// starts with at least three lines and flows onto the next pages.
    pub fn key_values<K: AsRef<str>, V: AsRef<str>>(&mut self, rows: &[(K, V)]) {
        let key_style = Style::BODY.toned(Tone::Muted);
        let key_w = rows
            .iter()
            .map(|(k, _)| self.width(k.as_ref(), key_style))
            .fold(0.0_f32, f32::max)
            .min(CONTENT_WIDTH * 0.45)
            + KEY_GAP;
        self.key_values_aligned(rows, key_w);
    }

    /// [`Doc::key_values`] with a label column of `key_width` millimetres (labels
    /// wrapped inside it, gap included), so that several lists line up; values are
    /// wrapped to the rest of the text width ([`Doc::key_value_height`] measures a pair).
    pub fn key_values_aligned<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        rows: &[(K, V)],
        key_width: f32,
    ) {
        let key_style = Style::BODY.toned(Tone::Muted);
        let key_w = key_width.clamp(KEY_GAP, CONTENT_WIDTH * 0.6);
        let lh = Style::BODY.line_height();
        for (k, v) in rows {
            let keys = self.wrap(k.as_ref(), key_w - KEY_GAP, key_style);
            let values = self.wrap(v.as_ref(), CONTENT_WIDTH - key_w, Style::BODY);
            let n = keys.len().max(values.len()).max(1);
            let height = lh * n as f32;
            if height <= BOTTOM - MARGIN {
                self.keep_together(height);
            } else {
                self.keep_together(lh * 3.0);
            }
            for i in 0..n {
                if self.y + lh > BOTTOM {
                    self.page_break();
                }
                let top = self.y;
                if let Some(line) = keys.get(i) {
                    self.text_at(MARGIN, top, line, key_style);
                }
                if let Some(line) = values.get(i) {
                    self.text_at(MARGIN + key_w, top, line, Style::BODY);
                }
                self.y = top + lh;
            }
        }
        self.y += AFTER_BLOCK;
    }

    /// Height of one pair of [`Doc::key_values_aligned`] with `key_width`, in
    /// millimetres (to keep a title with the pair that follows it).
    #[must_use]
    pub fn key_value_height(&self, key: &str, value: &str, key_width: f32) -> f32 {
        let key_style = Style::BODY.toned(Tone::Muted);
        let key_w = key_width.clamp(KEY_GAP, CONTENT_WIDTH * 0.6);
        let keys = self.wrap(key, key_w - KEY_GAP, key_style).len();
        let values = self.wrap(value, CONTENT_WIDTH - key_w, Style::BODY).len();
        Style::BODY.line_height() * keys.max(values).max(1) as f32
    }

    /// Totals on the right half: labels left, amounts right-aligned on the right margin;
    /// the last row (the amount due) in bold on a light background.
    pub fn totals<K: AsRef<str>, V: AsRef<str>>(&mut self, rows: &[(K, V)]) {
        let block_w = CONTENT_WIDTH * 0.48;
        let x0 = MARGIN + CONTENT_WIDTH - block_w;
        let right = MARGIN + CONTENT_WIDTH;
        let body = Style::BODY;
        let last_style = Style::STRONG.sized(10.0);
        let row_h = body.line_height() + 1.6;
        let last_h = last_style.line_height() + 2.6;
        let n = rows.len();
        self.keep_together(row_h * n.saturating_sub(1) as f32 + last_h);
        for (i, (k, v)) in rows.iter().enumerate() {
            let is_last = i + 1 == n;
            let (style, h) = if is_last {
                (last_style, last_h)
            } else {
                (body, row_h)
            };
            let top = self.y;
            if is_last {
                self.fill_at(x0, top, block_w, h, LIGHT);
                self.rule_at(x0, right, top, 0.8, 0.2);
            }
            let pad = (h - style.line_height()) / 2.0;
            self.text_at(x0 + PAD_X, top + pad, k.as_ref(), style);
            let w = self.width(v.as_ref(), style);
            self.text_at(right - PAD_X - w, top + pad, v.as_ref(), style);
            self.y = top + h;
        }
        self.y += AFTER_BLOCK;
    }

    /// A table: the header row on a light background, repeated at the top of each new
    /// page; cells wrapped in their columns, right-aligned columns flush right; a row's
    /// note in small type under it. A row is never split from the start of its note.
    pub fn table(&mut self, table: &Table) {
        let Some(grid) = self.grid(table) else {
            return;
        };
        let first_w = grid.widths.first().copied().unwrap_or_default();
        let laid: Vec<Laid> = table
            .rows
            .iter()
            .map(|row| Laid {
                cells: (0..grid.widths.len())
                    .map(|c| {
                        let text = row.cells.get(c).map_or("", String::as_str);
                        let w = grid.widths.get(c).copied().unwrap_or_default();
                        self.wrap(text, w - 2.0 * PAD_X, TABLE_BODY)
                    })
                    .collect(),
                sub: row
                    .sub
                    .as_deref()
                    .map_or_else(Vec::new, |t| self.wrap(t, first_w - 2.0 * PAD_X, TABLE_SUB)),
                note: row.note.as_deref().map_or_else(Vec::new, |n| {
                    self.wrap(n, CONTENT_WIDTH - 2.0 * PAD_X - 3.0, TABLE_NOTE)
                }),
            })
            .collect();
        let note_lh = TABLE_NOTE.line_height();
        let first = laid.first().map_or(0.0, Laid::height);
        self.keep_together(grid.header_height + first);
        self.table_header(&grid);
        for Laid { cells, sub, note } in &laid {
            let h = Laid::height_of(cells, sub);
            let keep = h + note_lh * note.len().min(2) as f32;
            if self.y + keep > BOTTOM {
                self.page_break();
                self.table_header(&grid);
            }
            let top = self.y;
            for (c, lines) in cells.iter().enumerate() {
                let (Some(x), Some(w), Some(align)) =
                    (grid.xs.get(c), grid.widths.get(c), grid.aligns.get(c))
                else {
                    continue;
                };
                self.cell(*x, *w, *align, top + PAD_Y, lines, TABLE_BODY);
            }
            let sub_top =
                top + PAD_Y + TABLE_BODY.line_height() * cells.first().map_or(0, Vec::len) as f32;
            for (i, line) in sub.iter().enumerate() {
                let y = sub_top + TABLE_SUB.line_height() * i as f32;
                self.text_at(MARGIN + PAD_X, y, line, TABLE_SUB);
            }
            self.y = top + h;
            if !note.is_empty() {
                self.y -= PAD_Y * 0.6;
                for line in note {
                    if self.y + note_lh > BOTTOM {
                        self.page_break();
                        self.table_header(&grid);
                    }
                    let y = self.y;
                    self.text_at(MARGIN + PAD_X + 3.0, y, line, TABLE_NOTE);
                    self.y += note_lh;
                }
                self.y += PAD_Y;
            }
            let y = self.y;
            self.rule_at(MARGIN, MARGIN + CONTENT_WIDTH, y, 0.3, 0.82);
        }
        self.y += AFTER_BLOCK;
    }

    fn grid(&self, table: &Table) -> Option<Grid> {
        if table.columns.is_empty() {
            return None;
        }
        let total: f32 = table.columns.iter().map(|c| c.weight.max(0.0)).sum();
        let n = table.columns.len() as f32;
        let widths: Vec<f32> = table
            .columns
            .iter()
            .map(|c| {
                if total > 0.0 {
                    CONTENT_WIDTH * c.weight.max(0.0) / total
                } else {
                    CONTENT_WIDTH / n
                }
            })
            .collect();
        let xs: Vec<f32> = widths
            .iter()
            .scan(MARGIN, |x, w| {
                let at = *x;
                *x += w;
                Some(at)
            })
            .collect();
        let header: Vec<Vec<String>> = table
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(&c.header, w - 2.0 * PAD_X, TABLE_HEAD))
            .collect();
        let lines = header.iter().map(Vec::len).max().unwrap_or(1).max(1);
        Some(Grid {
            aligns: table.columns.iter().map(|c| c.align).collect(),
            header_height: TABLE_HEAD.line_height() * lines as f32 + 2.0 * PAD_Y + 0.6,
            xs,
            widths,
            header,
        })
    }

    fn table_header(&mut self, grid: &Grid) {
        let top = self.y;
        let h = grid.header_height;
        self.fill_at(MARGIN, top, CONTENT_WIDTH, h, LIGHT);
        for (c, lines) in grid.header.iter().enumerate() {
            let (Some(x), Some(w), Some(align)) =
                (grid.xs.get(c), grid.widths.get(c), grid.aligns.get(c))
            else {
                continue;
            };
            // Header lines sit at the bottom of the header cell, like the numbers below.
            let n = grid.header.iter().map(Vec::len).max().unwrap_or(1);
            let shift = TABLE_HEAD.line_height() * n.saturating_sub(lines.len()) as f32;
            self.cell(*x, *w, *align, top + PAD_Y + 0.3 + shift, lines, TABLE_HEAD);
        }
        self.rule_at(MARGIN, MARGIN + CONTENT_WIDTH, top + h, 0.8, 0.25);
        self.y = top + h;
    }

    fn cell(&mut self, x: f32, w: f32, align: Align, top: f32, lines: &[String], style: Style) {
        let lh = style.line_height();
        for (i, line) in lines.iter().enumerate() {
            let lx = match align {
                Align::Left => x + PAD_X,
                Align::Right => x + w - PAD_X - self.width(line, style),
            };
            self.text_at(lx, top + lh * i as f32, line, style);
        }
    }

    /// Lays out the footers ("Page i / n" on every page) and writes the PDF, dated
    /// [`crate::time::now`], its `/ID` derived from its content: the same document made
    /// at the same instant gives the same bytes (a restored database gives back the
    /// downloads of the original, byte for byte).
    ///
    /// # Errors
    /// [`DocError::Font`] if the embedded font cannot be added; [`DocError::Pdf`] if
    /// printpdf reports an error.
    pub fn finish(self) -> Result<Vec<u8>, DocError> {
        self.finish_reproducible(crate::time::now())
    }

    fn render(mut self) -> Result<Vec<u8>, DocError> {
        self.add_footers();
        let fonts = self.fonts;
        // The characters used, per face, to embed only their glyphs.
        let mut used: [BTreeSet<char>; 4] = Default::default();
        for item in self.pages.iter().flatten() {
            if let Item::Text { text, style, .. } = item
                && let Some(set) = used.get_mut(style.face_index())
            {
                set.extend(text.chars());
            }
        }
        let mut pdf = PdfDocument::new(&self.title);
        pdf.metadata.info.creator = "Mutualis".to_string();
        pdf.metadata.info.producer = "Mutualis (printpdf)".to_string();
        let now = self.date.unwrap_or_else(printpdf::OffsetDateTime::now_utc);
        pdf.metadata.info.creation_date = now;
        pdf.metadata.info.modification_date = now;
        pdf.metadata.info.metadata_date = now;
        let [used_regular, used_bold, used_oblique, used_bold_oblique] = &used;
        // Named, not drawn at random as `add_font` does: the same document, the same
        // bytes (the name is the subset's `/BaseFont`).
        let mut add = |name: &str, font: printpdf::ParsedFont| {
            let id = printpdf::FontId(name.to_string());
            pdf.resources
                .fonts
                .map
                .insert(id.clone(), printpdf::PdfFont::new(font));
            id
        };
        let regular = add(
            "MUTUALIS+DejaVuSans",
            cached_subset(&fonts.regular, 0, used_regular),
        );
        let bold = add(
            "MUTUALIS+DejaVuSans-Bold",
            cached_subset(&fonts.bold, 1, used_bold),
        );
        // The oblique faces only when used: a document without italic keeps its bytes.
        let oblique = (!used_oblique.is_empty()).then(|| {
            add(
                "MUTUALIS+DejaVuSans-Oblique",
                cached_subset(&fonts.oblique, 2, used_oblique),
            )
        });
        let bold_oblique = (!used_bold_oblique.is_empty()).then(|| {
            add(
                "MUTUALIS+DejaVuSans-BoldOblique",
                cached_subset(&fonts.bold_oblique, 3, used_bold_oblique),
            )
        });
        let faces = [Some(regular), Some(bold), oblique, bold_oblique];
        let pages: Vec<PdfPage> = self
            .pages
            .iter()
            .map(|items| {
                let mut ops = Vec::with_capacity(items.len() * 6);
                for item in items {
                    render(item, &faces, &mut ops);
                }
                PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops)
            })
            .collect();
        let mut warnings = Vec::new();
        let bytes = pdf
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut warnings);
        let errors: Vec<String> = warnings
            .iter()
            .filter(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
            .map(|w| w.msg.clone())
            .collect();
        if !errors.is_empty() {
            return Err(DocError::Pdf(errors.join(" ; ")));
        }
        Ok(bytes)
    }

    fn add_footers(&mut self) {
        let n = self.pages.len();
        let style = Style::SMALL;
        let top = PAGE_HEIGHT - MARGIN + 4.0;
        let right = MARGIN + CONTENT_WIDTH;
        let footer = self.footer.clone();
        let fonts: &'static Fonts = self.fonts;
        let regular = &fonts.regular;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("Page {} / {n}", i + 1);
            let w = regular.width(&number, style.size);
            page.push(Item::Rule {
                x1: MARGIN,
                y1: top - 1.5,
                x2: right,
                y2: top - 1.5,
                width: 0.3,
                grey: 0.8,
            });
            if let Some(f) = &footer {
                let max = CONTENT_WIDTH - w - 6.0;
                let line = wrap(&regular.clean(f), max, |s| regular.width(s, style.size))
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                page.push(Item::Text {
                    x: MARGIN,
                    y: top + style.ascent(),
                    text: line,
                    style,
                });
            }
            page.push(Item::Text {
                x: right - w,
                y: top + style.ascent(),
                text: number,
                style,
            });
        }
    }
}

/// Subsets already made, by face and character set: invoices of one cooperative use
/// nearly the same characters, so most documents skip the subsetting (a few ms each).
static SUBSETS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<(usize, String), ParsedFont>>,
> = std::sync::LazyLock::new(|| std::sync::Mutex::new(std::collections::HashMap::new()));

/// Bound of the subset cache (cleared when full).
const SUBSET_CACHE: usize = 64;

fn cached_subset(face: &Face, index: usize, chars: &BTreeSet<char>) -> ParsedFont {
    let key = (index, chars.iter().collect::<String>());
    if let Ok(cache) = SUBSETS.lock()
        && let Some(f) = cache.get(&key)
    {
        return f.clone();
    }
    let f = subset(face, chars);
    if let Ok(mut cache) = SUBSETS.lock() {
        if cache.len() >= SUBSET_CACHE {
            cache.clear();
        }
        cache.insert(key, f.clone());
    }
    f
}

/// The face reduced to the glyphs of `chars` (the whole face if subsetting fails).
fn subset(face: &Face, chars: &BTreeSet<char>) -> ParsedFont {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};

    let gids: BTreeSet<u16> = chars.iter().filter_map(|c| face.glyph(*c)).collect();
    let ids: Vec<u16> = std::iter::once(0).chain(gids).collect();
    let subset = ReadScope::new(face.bytes)
        .read::<FontData<'_>>()
        .map_err(|e| format!("{e:?}"))
        .and_then(|data| data.table_provider(0).map_err(|e| format!("{e:?}")))
        .and_then(|provider| {
            allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
                .map_err(|e| format!("{e:?}"))
        })
        .and_then(|bytes| {
            let mut warnings = Vec::new();
            ParsedFont::from_bytes(&bytes, 0, &mut warnings)
                .ok_or_else(|| format!("sous-ensemble illisible : {warnings:?}"))
        });
    match subset {
        Ok(parsed) => parsed,
        Err(e) => {
            tracing::warn!(error = %e, "font subsetting failed, embedding the whole font");
            face.parsed.clone()
        }
    }
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

/// Draws an item; `faces` are the embedded fonts by [`Style::face_index`] (each one used
/// is embedded).
fn render(item: &Item, faces: &[Option<printpdf::FontId>; 4], ops: &mut Vec<Op>) {
    match item {
        Item::Text { x, y, text, style } => {
            let Some(Some(font)) = faces.get(style.face_index()) else {
                return;
            };
            ops.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(style.size),
                },
                Op::SetFillColor {
                    col: style.tone.color(),
                },
                Op::SetTextCursor {
                    pos: Point::new(Mm(*x), Mm(PAGE_HEIGHT - y)),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                },
                Op::EndTextSection,
            ]);
        }
        Item::Rule {
            x1,
            y1,
            x2,
            y2,
            width,
            grey,
        } => {
            let point = |x: f32, y: f32| LinePoint {
                p: Point::new(Mm(x), Mm(PAGE_HEIGHT - y)),
                bezier: false,
            };
            ops.extend([
                Op::SetOutlineColor {
                    col: rgb(*grey, *grey, *grey),
                },
                Op::SetOutlineThickness { pt: Pt(*width) },
                Op::DrawLine {
                    line: Line {
                        points: vec![point(*x1, *y1), point(*x2, *y2)],
                        is_closed: false,
                    },
                },
            ]);
        }
        Item::Fill { x, y, w, h, color } => {
            let (r, g, b) = *color;
            ops.extend([
                Op::SetFillColor { col: rgb(r, g, b) },
                Op::DrawRectangle {
                    rectangle: Rect {
                        x: pt(*x),
                        y: pt(PAGE_HEIGHT - y - h),
                        width: pt(*w),
                        height: pt(*h),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                },
            ]);
        }
    }
}

/// Replaces the two random 32-character strings of the trailer's `/ID` array by a hash
/// of the rest of the file (the same length: the cross-reference offsets stay right).
fn stable_ids(bytes: &mut [u8]) {
    use sha2::{Digest, Sha256};
    let Some(at) = bytes.windows(3).rposition(|w| w == b"/ID") else {
        return;
    };
    // The two literal strings after `/ID`: `(…32…)`.
    let mut spans = Vec::new();
    let mut i = at + 3;
    while spans.len() < 2 && i < bytes.len() {
        if bytes[i] == b'(' {
            let end = i + 33;
            if end < bytes.len() && bytes[end] == b')' {
                spans.push(i + 1..end);
                i = end;
            }
        }
        i += 1;
    }
    if spans.len() != 2 {
        return;
    }
    for span in &spans {
        bytes[span.clone()].fill(b'0');
    }
    let digest = Sha256::digest(&*bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    for span in spans {
        bytes[span].copy_from_slice(&hex.as_bytes()[..32]);
    }
}

/// Glyph coverage of the embedded regular face, for tests and diagnostics: the
/// characters of `text` it cannot draw.
#[must_use]
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let Ok(f) = fonts() else {
        return text.chars().collect();
    };
    let missing: BTreeSet<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() || *c == '\u{a0}' || *c == '\u{202f}')
        .filter(|c| f.regular.glyph(*c).is_none() || f.bold.glyph(*c).is_none())
        .collect();
    missing.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one millimetre wide.
    fn mono(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let lines = wrap("le chat mange la souris grise", 10.0, mono);
        assert_eq!(lines, ["le chat", "mange la", "souris", "grise"]);
        assert!(lines.iter().all(|l| mono(l) <= 10.0));
    }

    #[test]
    fn never_breaks_at_no_break_spaces() {
        let text = "Total TTC : 1\u{202f}234,56\u{a0}€ à régler";
        let lines = wrap(text, 14.0, mono);
        assert!(
            lines.contains(&"1\u{202f}234,56\u{a0}€ à".to_string()),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| !l.starts_with('€')));
    }

    #[test]
    fn keeps_newlines_and_blank_lines_and_collapses_spaces() {
        assert_eq!(
            wrap("un  deux\n\ntrois", 50.0, mono),
            ["un deux", "", "trois"]
        );
        assert!(wrap("   ", 10.0, mono).is_empty());
        assert!(wrap("", 10.0, mono).is_empty());
    }

    #[test]
    fn cuts_a_word_longer_than_the_line() {
        let lines = wrap("FR7630004000031234567890143 ok", 10.0, mono);
        assert_eq!(lines, ["FR76300040", "0003123456", "7890143 ok"]);
        // Even a line narrower than one character makes progress.
        assert_eq!(wrap("abc", 0.5, mono), ["a", "b", "c"]);
    }

    #[test]
    fn wraps_by_the_glyph_widths_of_dejavu() {
        let style = Style::BODY;
        // "W" is much wider than "i" in DejaVu Sans.
        assert!(text_width("WWWW", style) > 2.0 * text_width("iiii", style));
        let text = "Pénalités de retard : trois fois le taux d’intérêt légal, exigibles dès le lendemain de l’échéance.";
        let max = 50.0;
        let lines = wrap(text, max, |s| text_width(s, style));
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, style) <= max));
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn dejavu_draws_french_text() {
        assert!(
            missing_glyphs("éèêëàâçôûùœŒÉÈÇ«»€–—’…°\u{a0}\u{202f}").is_empty(),
            "{:?}",
            missing_glyphs("éèêëàâçôûùœŒÉÈÇ«»€–—’…°\u{a0}\u{202f}")
        );
    }

    #[test]
    fn italic_runs_embed_the_oblique_faces_only_when_used() {
        let font_names = |runs: &[(&str, Style)]| {
            let mut doc = Doc::new("Essai").unwrap();
            doc.paragraph_spans(runs);
            let pdf = doc.finish().unwrap();
            let count = |n: &str| pdf.windows(n.len()).filter(|w| *w == n.as_bytes()).count();
            // « -Bold » alone: not the start of « -BoldOblique ».
            let bold = count("DejaVuSans-Bold") - count("DejaVuSans-BoldOblique");
            [
                count("DejaVuSans-Oblique") > 0,
                count("DejaVuSans-BoldOblique") > 0,
                bold > 0,
            ]
        };
        let plain = font_names(&[("Le contrat ", Style::BODY), ("prend effet", Style::STRONG)]);
        assert_eq!(plain, [false, false, true]);
        let italic = font_names(&[
            ("Le contrat ", Style::BODY),
            ("à titre d’essai", Style::BODY.italic()),
            (" et ", Style::BODY),
            ("sans réserve", Style::STRONG.italic()),
        ]);
        assert_eq!(italic, [true, true, false]);
    }

    #[test]
    fn a_long_table_breaks_pages_and_numbers_them() {
        let mut doc = Doc::new("Essai").unwrap();
        doc.title("Essai « œuvre » à 1\u{202f}234,56\u{a0}€");
        let table = Table {
            columns: vec![
                Column::left("Désignation", 3.0),
                Column::right("Montant", 1.0),
            ],
            rows: (0..80)
                .map(|i| Row::new([format!("Ligne {i}"), format!("{i},00\u{a0}€")]))
                .collect(),
        };
        doc.table(&table);
        assert!(doc.page_count() >= 2);
        let n = doc.page_count();
        // Every page after the first starts with the repeated header.
        for page in doc.pages.iter().skip(1) {
            let first_text = page.iter().find_map(|i| match i {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            });
            assert_eq!(first_text.as_deref(), Some("Désignation"));
        }
        let pdf = doc.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // The fonts are subset: far smaller than the 1.4 MB of the two whole faces.
        assert!(pdf.len() < 200_000, "{} bytes for {n} pages", pdf.len());
    }

    #[test]
    fn a_value_taller_than_a_page_flows_onto_the_next_pages() {
        let mut doc = Doc::new("Essai").unwrap();
        doc.title("Essai");
        let long = "Mesure de sécurité décrite en détail. ".repeat(600);
        doc.key_values(&[("Court", "une ligne"), ("Mesures", long.as_str())]);
        assert!(doc.page_count() >= 3, "{} pages", doc.page_count());
        // Nothing is drawn below the bottom margin: every line found its page.
        for page in &doc.pages {
            for item in page {
                if let Item::Text { y, .. } = item {
                    assert!(*y <= BOTTOM, "text at {y} mm");
                }
            }
        }
        // A pair that fits on a page is still kept together.
        let mut doc = Doc::new("Essai").unwrap();
        doc.y = BOTTOM - Style::BODY.line_height() * 2.0;
        doc.key_values(&[("Trois lignes", "un\ndeux\ntrois")]);
        assert_eq!(doc.page_count(), 2);
    }
}
