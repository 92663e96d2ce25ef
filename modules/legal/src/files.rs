//! A rendered body (Markdown) turned into the member's files: blocks read with
//! pulldown-cmark (headings, paragraphs with bold and italic, lists, tables), laid out as
//! a PDF by core's documents layer (wrapping, page breaks, page numbers) and as a DOCX by
//! docx-rs the member edits in a word processor. Both are reproducible: the same document
//! gives the same bytes.
use chrono::{DateTime, Utc};
use mutualis_core::documents::{Column, Doc, Row, Style, Table};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(Vec<Span>),
    /// Items, numbered or not.
    List(bool, Vec<Vec<Span>>),
    /// Rows, the first one the header.
    Table(Vec<Vec<String>>),
}

fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// The blocks of a Markdown text.
#[must_use]
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let (mut bold, mut italic) = (false, false);
    let mut spans: Vec<Span> = Vec::new();
    let mut heading: Option<u8> = None;
    let mut list: Option<(bool, Vec<Vec<Span>>)> = None;
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut in_cell = false;
    let push_text = |spans: &mut Vec<Span>, text: &str, bold: bool, italic: bool| {
        if let Some(last) = spans.last_mut()
            && last.bold == bold
            && last.italic == italic
        {
            last.text.push_str(text);
        } else {
            spans.push(Span {
                text: text.to_string(),
                bold,
                italic,
            });
        }
    };
    for ev in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => heading = Some(level as u8),
            Event::End(TagEnd::Heading(_)) => {
                out.push(Block::Heading(heading.take().unwrap_or(1), plain(&spans)));
                spans.clear();
            }
            Event::Start(Tag::Strong) => bold = true,
            Event::End(TagEnd::Strong) => bold = false,
            Event::Start(Tag::Emphasis) => italic = true,
            Event::End(TagEnd::Emphasis) => italic = false,
            Event::Start(Tag::List(first)) => list = Some((first.is_some(), Vec::new())),
            Event::End(TagEnd::List(_)) => {
                if let Some((ordered, items)) = list.take() {
                    out.push(Block::List(ordered, items));
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some((_, items)) = list.as_mut() {
                    items.push(std::mem::take(&mut spans));
                }
            }
            Event::End(TagEnd::Paragraph) if list.is_none() && !spans.is_empty() => {
                out.push(Block::Paragraph(std::mem::take(&mut spans)));
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    out.push(Block::Table(t));
                }
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.push(std::mem::take(&mut row));
                }
            }
            Event::Start(Tag::TableCell) => {
                in_cell = true;
                cell.clear();
            }
            Event::End(TagEnd::TableCell) => {
                in_cell = false;
                row.push(cell.trim().to_string());
            }
            Event::Text(t) | Event::Code(t) => {
                if in_cell {
                    cell.push_str(&t);
                } else {
                    push_text(&mut spans, &t, bold, italic);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if in_cell {
                    cell.push(' ');
                } else {
                    push_text(&mut spans, " ", bold, italic);
                }
            }
            _ => {}
        }
    }
    if !spans.is_empty() {
        out.push(Block::Paragraph(spans));
    }
    out
}

/// A span's text and style in the PDF: bold, italic, or both.
fn run(s: &Span) -> (&str, Style) {
    let mut style = if s.bold { Style::STRONG } else { Style::BODY };
    if s.italic {
        style = style.italic();
    }
    (s.text.as_str(), style)
}

/// The PDF of a document: its title, its blocks, page numbers; dated `at` (the
/// document's creation), so that it regenerates byte for byte.
///
/// # Errors
/// The documents layer's errors (fonts).
pub fn pdf(
    title: &str,
    footer: &str,
    body: &[Block],
    at: DateTime<Utc>,
) -> anyhow::Result<Vec<u8>> {
    let mut doc = Doc::new(title)?;
    doc.set_footer(footer);
    for b in body {
        match b {
            Block::Heading(1, t) => doc.title(t),
            Block::Heading(_, t) => doc.heading(t),
            Block::Paragraph(spans) => {
                let runs: Vec<(&str, Style)> = spans.iter().map(run).collect();
                doc.paragraph_spans(&runs);
            }
            Block::List(ordered, items) => {
                for (i, item) in items.iter().enumerate() {
                    let mark = if *ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "• ".to_string()
                    };
                    let mut runs: Vec<(&str, Style)> = vec![(mark.as_str(), Style::BODY)];
                    runs.extend(item.iter().map(run));
                    doc.paragraph_spans(&runs);
                }
            }
            Block::Table(rows) => {
                let Some((head, rest)) = rows.split_first() else {
                    continue;
                };
                doc.table(&Table {
                    columns: head.iter().map(|h| Column::left(h.clone(), 1.0)).collect(),
                    rows: rest.iter().map(|r| Row::new(r.clone())).collect(),
                });
            }
        }
    }
    Ok(doc.finish_reproducible(at)?)
}

/// The DOCX of a document (Word, LibreOffice), laid out as its PDF: Liberation Sans
/// (metric-compatible with Arial) 10.5 pt, space after each paragraph, headings in the
/// PDF's blue kept with what follows, the table's header row shaded, `footer` and the
/// page numbers at the foot of each page. The title is the source's first-level heading
/// (`title` only when it has none).
///
/// # Errors
/// docx-rs's packing errors.
pub fn docx(title: &str, footer: &str, body: &[Block]) -> anyhow::Result<Vec<u8>> {
    use docx_rs::{
        Docx, Footer, LineSpacing, NumPages, PageNum, Paragraph, Run, RunFonts, Shading,
        Table as DTable, TableCell, TableRow, WidthType,
    };
    const BLUE: &str = "1F4E79";
    const FONT: &str = "Liberation Sans";
    let run = |s: &Span| {
        let mut r = Run::new().add_text(&s.text);
        if s.bold {
            r = r.bold();
        }
        if s.italic {
            r = r.italic();
        }
        r
    };
    let body_spacing = || LineSpacing::new().after(120);
    let heading = |text: &str, level: u8| {
        let (size, before) = if level <= 1 { (32, 0) } else { (24, 240) };
        Paragraph::new()
            .line_spacing(LineSpacing::new().before(before).after(100))
            .keep_next(true)
            .outline_lvl(usize::from(level.saturating_sub(1)))
            .add_run(Run::new().add_text(text).bold().size(size).color(BLUE))
    };
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let foot = Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(
                Run::new()
                    .add_text(format!("{footer} — page "))
                    .size(16)
                    .color("666666"),
            )
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" / ").size(16).color("666666"))
            .add_num_pages(NumPages::new()),
    );
    let mut d = Docx::new()
        .default_fonts(fonts)
        .default_size(21)
        .footer(foot);
    if !body.iter().any(|b| matches!(b, Block::Heading(1, _))) {
        d = d.add_paragraph(heading(title, 1));
    }
    for b in body {
        d = match b {
            Block::Heading(level, t) => d.add_paragraph(heading(t, *level)),
            Block::Paragraph(spans) => {
                let mut p = Paragraph::new().line_spacing(body_spacing());
                for s in spans {
                    p = p.add_run(run(s));
                }
                d.add_paragraph(p)
            }
            Block::List(ordered, items) => {
                let mut d = d;
                for (i, item) in items.iter().enumerate() {
                    let mark = if *ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "• ".to_string()
                    };
                    let mut p = Paragraph::new()
                        .line_spacing(LineSpacing::new().after(60))
                        .indent(
                            Some(360),
                            Some(docx_rs::SpecialIndentType::Hanging(240)),
                            None,
                            None,
                        )
                        .add_run(Run::new().add_text(mark));
                    for s in item {
                        p = p.add_run(run(s));
                    }
                    d = d.add_paragraph(p);
                }
                d
            }
            Block::Table(rows) => {
                let columns = rows.first().map_or(1, Vec::len).max(1);
                // The text width of an A4 page with docx-rs's default margins, in twips.
                let width = 9_000 / columns;
                let trs: Vec<TableRow> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        TableRow::new(
                            r.iter()
                                .map(|c| {
                                    let mut run = Run::new().add_text(c);
                                    let mut cell = TableCell::new().width(width, WidthType::Dxa);
                                    if i == 0 {
                                        run = run.bold();
                                        cell = cell.shading(Shading::new().fill("E8EEF4"));
                                    }
                                    cell.add_paragraph(
                                        Paragraph::new()
                                            .line_spacing(LineSpacing::new().before(40).after(40))
                                            .add_run(run),
                                    )
                                })
                                .collect(),
                        )
                    })
                    .collect();
                d.add_table(DTable::new(trs).width(width * columns, WidthType::Dxa))
                    .add_paragraph(Paragraph::new().line_spacing(body_spacing()))
            }
        };
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut buf)?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_blocks() {
        let b = blocks(
            "# Titre\n\nUn **gras** et *italique*.\n\n- un\n- deux\n\n| A | B |\n|---|---|\n| 1 | 2 |\n",
        );
        assert_eq!(b[0], Block::Heading(1, "Titre".into()));
        assert_eq!(
            b[1],
            Block::Paragraph(vec![
                Span {
                    text: "Un ".into(),
                    bold: false,
                    italic: false
                },
                Span {
                    text: "gras".into(),
                    bold: true,
                    italic: false
                },
                Span {
                    text: " et ".into(),
                    bold: false,
                    italic: false
                },
                Span {
                    text: "italique".into(),
                    bold: false,
                    italic: true
                },
                Span {
                    text: ".".into(),
                    bold: false,
                    italic: false
                },
            ])
        );
        assert!(matches!(&b[2], Block::List(false, items) if items.len() == 2));
        assert_eq!(
            b[3],
            Block::Table(vec![
                vec!["A".into(), "B".into()],
                vec!["1".into(), "2".into()]
            ])
        );
    }

    #[test]
    fn files_regenerate_byte_for_byte() {
        let b = blocks(
            "# Contrat\n\nEntre les soussignés, **Les Tilleuls** et Mme Durand, 1\u{202f}850,00\u{a0}€.\n",
        );
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            pdf("Contrat", "Les Tilleuls", &b, at).unwrap(),
            pdf("Contrat", "Les Tilleuls", &b, at).unwrap()
        );
        assert_eq!(
            docx("Contrat", "Pied", &b).unwrap(),
            docx("Contrat", "Pied", &b).unwrap()
        );
    }
}
