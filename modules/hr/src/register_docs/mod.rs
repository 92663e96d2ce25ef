//! The "registre unique du personnel" (C. trav. L1221-13, D1221-23) of a member, or of
//! one of its establishments, at a date: as a PDF to print, sign or hand to the labour
//! inspector, and as an XLSX to sort and filter. One line per employee in the order of
//! entry, with the mentions the code requires: name, nationality, date of birth, sex,
//! job and qualification, dates of entry and exit, work permit of foreign workers, and
//! the particular mentions (fixed-term, part-time, apprentice, temporary worker…).
//!
//! The PDF goes through `mutualis_core::documents`, whose pages are A4 portrait: the ten
//! legal columns do not fit side by side there, so the PDF groups nationality, date of
//! birth and sex in one column, and the dates of entry and exit in another (one value a
//! line, in the order of the header). The XLSX keeps one column per field.
use chrono::{Datelike, NaiveDate};
use mutualis_core::{
    documents::{CONTENT_WIDTH, Column, Doc, DocError, Row, Style, Table, text_width},
    error::{AppError, AppResult},
    time::fr_date,
};

/// One line of the register: one employee (also a line of `GET /api/m/{slug}/hr/register`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RegisterLine {
    pub matricule: String,
    pub last_name: String,
    pub first_name: String,
    pub nationality: String,
    pub birth_date: NaiveDate,
    /// `F` or `M`.
    pub sex: String,
    /// The job (emploi).
    pub job: String,
    /// The qualification; may be empty.
    pub qualification: String,
    pub entry_date: NaiveDate,
    #[schema(required = true)]
    pub exit_date: Option<NaiveDate>,
    /// The work permit of a foreign worker, "type n° number", already formatted.
    #[schema(required = true)]
    pub permit: Option<String>,
    /// Mentions required by D1221-23, already in French: e.g. "CDD", "Temps partiel
    /// (50 %)", "Apprenti", "Contrat aidé", "Intérimaire — agence X".
    pub mentions: Vec<String>,
    /// No contract is recorded for the employee: job and mentions are unknown (the gap
    /// is flagged on the page, the PDF and the XLSX through [`NO_CONTRACT`]).
    pub without_contract: bool,
}

/// The mention of an employee listed without any recorded contract.
pub const NO_CONTRACT: &str = "Sans contrat enregistré : emploi à compléter";

/// The register at a date for a member (association) and optionally one establishment.
#[derive(Debug, Clone)]
pub struct Register {
    pub member_name: String,
    pub member_siren: String,
    /// E.g. "Foyer Les Tilleuls — SIRET 123 456 789 00012".
    pub establishment: Option<String>,
    pub at: NaiveDate,
    /// "26/11/2026 à 09:12", already formatted.
    pub generated_at: String,
    /// Ordered by entry date then matricule (the caller sorts).
    pub lines: Vec<RegisterLine>,
}

/// The French column headers shared by the PDF, the XLSX and the web page.
pub const HEADERS: [&str; 10] = [
    "N° d’ordre",
    "Nom et prénoms",
    "Nationalité",
    "Date de naissance",
    "Sexe",
    "Emploi et qualification",
    "Date d’entrée",
    "Date de sortie",
    "Titre de travail (type et n°)",
    "Mentions",
];

/// Header of the matricule, a column of its own in the XLSX (under the name in the PDF).
pub const MATRICULE: &str = "Matricule";

/// The document's title.
pub const TITLE: &str = "Registre unique du personnel";

/// The legal basis, printed under the title.
pub const LEGAL_NOTICE: &str = "Art. L1221-13 et D1221-23 du Code du travail — les salariés sortis y figurent cinq ans après leur départ.";

/// Said when nobody is on the register.
pub const EMPTY: &str = "Aucun salarié à cette date.";

/// `123 456 789` (no-break spaces) for a nine-digit SIREN; anything else as given.
fn fr_siren(siren: &str) -> String {
    let digits: String = siren.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit()) {
        format!(
            "{}\u{a0}{}\u{a0}{}",
            &digits[..3],
            &digits[3..6],
            &digits[6..]
        )
    } else {
        siren.trim().to_string()
    }
}

/// `DUPONT Marie-Claire`: the last name in capitals, then the first names.
fn full_name(l: &RegisterLine) -> String {
    let last = l.last_name.trim().to_uppercase();
    let first = l.first_name.trim();
    if first.is_empty() {
        last
    } else {
        format!("{last} {first}")
    }
}

/// `F` or `H` (the register says "homme", the data "M").
fn sex_label(sex: &str) -> String {
    match sex.trim().to_uppercase().as_str() {
        "M" | "H" => "H".to_string(),
        "F" => "F".to_string(),
        other => other.to_string(),
    }
}

/// The job, and the qualification after `separator` when there is one.
fn job_label(l: &RegisterLine, separator: &str) -> String {
    let job = l.job.trim();
    let qualification = l.qualification.trim();
    match (job.is_empty(), qualification.is_empty()) {
        (_, true) => job.to_string(),
        (true, false) => qualification.to_string(),
        (false, false) => format!("{job}{separator}{qualification}"),
    }
}

fn permit_label(l: &RegisterLine) -> String {
    l.permit
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string()
}

/// The non-blank mentions joined by `separator`.
fn mentions_label(l: &RegisterLine, separator: &str) -> String {
    l.mentions
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// `Aucun salarié inscrit`, `1 salarié inscrit`, `12 salariés inscrits`.
fn headcount(n: usize) -> String {
    match n {
        0 => "Aucun salarié inscrit".to_string(),
        1 => "1 salarié inscrit".to_string(),
        n => format!("{n} salariés inscrits"),
    }
}

/// `Situation au 26/11/2026`
fn situation(r: &Register) -> String {
    format!("Situation au {}", fr_date(r.at))
}

/// The footer of every page: `Registre unique du personnel — Les Tilleuls — situation
/// au 26/11/2026`, the member's name shortened with `…` if the line would not fit
/// beside the page number (`documents` keeps only the first line of a footer).
fn footer(r: &Register) -> String {
    let at = fr_date(r.at);
    let line = |member: &str| format!("{TITLE} — {member} — situation au {at}");
    let room = CONTENT_WIDTH - text_width("Page 000 / 000", Style::SMALL) - 6.0;
    let member = r.member_name.trim();
    let mut chars: Vec<char> = member.chars().collect();
    let mut text = line(member);
    while text_width(&text, Style::SMALL) > room && !chars.is_empty() {
        chars.pop();
        let short: String = chars.iter().collect();
        text = line(&format!("{}…", short.trim_end()));
    }
    text
}

/// Style of table cells in `documents` (private there): body text at 8.5 pt.
const CELL: Style = Style::BODY.sized(8.5);
/// Style of the text under a table's first cell in `documents` (private there).
const CELL_SUB: Style = Style::SMALL.sized(7.8);
/// Horizontal padding on each side of a table cell in `documents` (1.8 mm there), with
/// a little to spare.
const CELL_PAD: f32 = 2.0;

/// `text` with break opportunities added inside the words too wide for `max`
/// millimetres in `style`: after a hyphen (`médico-` / `psychologique`) and at a
/// no-break space (`n° 1234567890`). `documents` breaks lines at ordinary spaces only,
/// and cuts a word that does not fit between any two characters.
fn breakable(text: &str, max: f32, style: Style) -> String {
    text.split('\n')
        .map(|paragraph| {
            paragraph
                .split(' ')
                .map(|word| break_word(word, max, style))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `word` as is if it fits in `max` millimetres; else cut into as few pieces as
/// possible, after hyphens or at no-break spaces, joined by ordinary spaces.
fn break_word(word: &str, max: f32, style: Style) -> String {
    let width = |s: &str| text_width(s, style);
    if width(word) <= max {
        return word.to_string();
    }
    // Pieces, each with the no-break space that glued it to the next one, if any.
    let mut pieces: Vec<(String, Option<char>)> = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        match c {
            '\u{a0}' | '\u{202f}' => pieces.push((std::mem::take(&mut piece), Some(c))),
            '-' | '\u{2010}' => {
                piece.push(c);
                pieces.push((std::mem::take(&mut piece), None));
            }
            _ => piece.push(c),
        }
    }
    pieces.push((piece, None));
    // Greedy: as many pieces on a line as fit.
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut glue: Option<char> = None;
    for (piece, joiner) in pieces {
        let mut longer = line.clone();
        longer.extend(glue);
        longer.push_str(&piece);
        if line.is_empty() || width(&longer) <= max {
            line = longer;
        } else {
            lines.push(std::mem::replace(&mut line, piece));
        }
        glue = joiner;
    }
    lines.push(line);
    lines.join(" ")
}

/// The PDF's table: seven columns, the ten legal headers grouped where A4 portrait
/// lacks the width (see the module documentation). The matricule sits under the order
/// number: `documents` puts a row's secondary text under its first cell.
fn pdf_table(r: &Register) -> Table {
    let [
        order,
        name,
        nationality,
        birth,
        sex,
        job,
        entry,
        exit,
        permit,
        mentions,
    ] = HEADERS;
    let columns = vec![
        Column::left(format!("{order}\n{MATRICULE}"), 18.8),
        Column::left(name, 28.0),
        Column::left(format!("{nationality}\n{birth}\n{sex}"), 25.5),
        Column::left(job, 29.1),
        Column::left(format!("{entry}\n{exit}"), 21.0),
        Column::left(permit, 27.2),
        Column::left(mentions, 24.4),
    ];
    let total: f32 = columns.iter().map(|c| c.weight).sum();
    let room: Vec<f32> = columns
        .iter()
        .map(|c| CONTENT_WIDTH * c.weight / total - 2.0 * CELL_PAD)
        .collect();
    let fit = |c: usize, text: String| -> String {
        match room.get(c) {
            Some(max) => breakable(&text, *max, CELL),
            None => text,
        }
    };
    let rows = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let dates = match l.exit_date {
                Some(exit) => format!("{}\n{}", fr_date(l.entry_date), fr_date(exit)),
                None => fr_date(l.entry_date),
            };
            let sub = room.first().map_or_else(
                || l.matricule.trim().to_string(),
                |max| breakable(l.matricule.trim(), *max, CELL_SUB),
            );
            Row::new([
                (i + 1).to_string(),
                fit(1, full_name(l)),
                fit(
                    2,
                    format!(
                        "{}\n{}\n{}",
                        l.nationality.trim(),
                        fr_date(l.birth_date),
                        sex_label(&l.sex)
                    ),
                ),
                fit(3, job_label(l, " — ")),
                dates,
                fit(5, permit_label(l)),
                fit(6, mentions_label(l, "\n")),
            ])
            .with_sub(sub)
        })
        .collect();
    Table { columns, rows }
}

/// The register laid out, before it is written.
fn pdf_layout(r: &Register) -> Result<Doc, DocError> {
    let mut doc = Doc::new(&format!("{TITLE} – {} – {}", r.member_name, situation(r)))?;
    doc.set_footer(&footer(r));
    doc.title(TITLE);
    let mut facts: Vec<(&str, String)> = vec![
        ("Employeur", r.member_name.trim().to_string()),
        ("SIREN", fr_siren(&r.member_siren)),
    ];
    if let Some(e) = r.establishment.as_deref().filter(|e| !e.trim().is_empty()) {
        facts.push(("Établissement", e.trim().to_string()));
    }
    doc.key_values(&facts);
    doc.paragraph_styled(
        &format!("{} — {}", situation(r), headcount(r.lines.len())),
        Style::STRONG,
    );
    doc.paragraph_styled(LEGAL_NOTICE, Style::SMALL);
    doc.paragraph_styled(&format!("Édité le {}.", r.generated_at), Style::SMALL);
    doc.space(3.0);
    doc.table(&pdf_table(r));
    if r.lines.is_empty() {
        doc.paragraph(EMPTY);
    }
    Ok(doc)
}

/// The register as a PDF: A4, the header row repeated on each page, "Page i / n" and
/// the member and date in every footer.
///
/// # Errors
/// [`DocError`] if the embedded font cannot be read or printpdf fails.
pub fn register_pdf(r: &Register) -> Result<Vec<u8>, DocError> {
    pdf_layout(r)?.finish()
}

/// Widths of the XLSX columns, in characters, in the order of [`xlsx_headers`].
const XLSX_WIDTHS: [f64; 11] = [
    9.0, 12.0, 28.0, 14.0, 12.0, 6.0, 34.0, 12.0, 12.0, 30.0, 36.0,
];

/// The XLSX's headers: [`HEADERS`] with the matricule after the order number.
fn xlsx_headers() -> Vec<&'static str> {
    let mut headers = HEADERS.to_vec();
    headers.insert(1, MATRICULE);
    headers
}

/// `&` doubled: in an Excel header or footer it introduces a code.
fn excel_escape(text: &str) -> String {
    text.replace('&', "&&")
}

/// The register as an XLSX: one sheet "Registre", a title and a subtitle, the header
/// row frozen with an autofilter, one row per employee with real dates, and a print
/// setup (A4 landscape, one page wide, header repeated, numbered pages).
///
/// # Errors
/// Unexpected writer errors.
pub fn register_xlsx(r: &Register) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{
        Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
    };
    let err = |e: XlsxError| AppError::Unexpected(anyhow::anyhow!(e.to_string()));
    let too_many = || AppError::Unexpected(anyhow::anyhow!("registre trop long pour un classeur"));

    let headers = xlsx_headers();
    let last_col = u16::try_from(headers.len().saturating_sub(1)).map_err(|_| too_many())?;
    let title_row = 0;
    let subtitle_row = 1;
    let notice_row = 2;
    let header_row = 3;
    let first_row = header_row + 1;

    let title = Format::new().set_bold().set_font_size(14);
    let subtitle = Format::new().set_bold();
    let notice = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x0061_6670));
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0x00ED_F2F7))
        .set_border_bottom(FormatBorder::Medium);
    let text = Format::new().set_align(FormatAlign::Top);
    let wrapped = Format::new().set_align(FormatAlign::Top).set_text_wrap();
    let centered = Format::new()
        .set_align(FormatAlign::Top)
        .set_align(FormatAlign::Center);
    let number = Format::new()
        .set_align(FormatAlign::Top)
        .set_num_format("0");
    let date = Format::new()
        .set_align(FormatAlign::Top)
        .set_align(FormatAlign::Left)
        .set_num_format("dd/mm/yyyy");

    let mut wb = Workbook::new();
    // Dated by the documents' clock (a fixed clock gives the same bytes).
    if let Ok(at) =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(mutualis_core::time::now().timestamp())
    {
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&at));
    }
    let ws = wb.add_worksheet();
    ws.set_name("Registre").map_err(err)?;

    ws.write_string_with_format(title_row, 0, TITLE, &title)
        .map_err(err)?;
    let mut about = vec![
        r.member_name.trim().to_string(),
        format!("SIREN {}", fr_siren(&r.member_siren)),
    ];
    if let Some(e) = r.establishment.as_deref().filter(|e| !e.trim().is_empty()) {
        about.push(e.trim().to_string());
    }
    about.push(situation(r));
    ws.write_string_with_format(subtitle_row, 0, about.join(" — "), &subtitle)
        .map_err(err)?;
    ws.write_string_with_format(
        notice_row,
        0,
        format!("{LEGAL_NOTICE} Édité le {}.", r.generated_at),
        &notice,
    )
    .map_err(err)?;
    for (c, h) in (0u16..).zip(&headers) {
        ws.write_string_with_format(header_row, c, *h, &header)
            .map_err(err)?;
    }

    // A date as an Excel date; as text if Excel cannot hold it (before 1900).
    let write_date = |ws: &mut rust_xlsxwriter::Worksheet,
                      row: u32,
                      col: u16,
                      d: NaiveDate|
     -> Result<(), XlsxError> {
        let excel = match (
            u16::try_from(d.year()),
            u8::try_from(d.month()),
            u8::try_from(d.day()),
        ) {
            (Ok(y), Ok(m), Ok(day)) => ExcelDateTime::from_ymd(y, m, day).ok(),
            _ => None,
        };
        match excel {
            Some(x) => ws.write_datetime_with_format(row, col, &x, &date)?,
            None => ws.write_string_with_format(row, col, fr_date(d), &text)?,
        };
        Ok(())
    };

    for (i, l) in r.lines.iter().enumerate() {
        let row = u32::try_from(i)
            .ok()
            .and_then(|i| i.checked_add(first_row))
            .ok_or_else(too_many)?;
        let order = u32::try_from(i + 1).map_err(|_| too_many())?;
        ws.write_number_with_format(row, 0, f64::from(order), &number)
            .map_err(err)?;
        ws.write_string_with_format(row, 1, l.matricule.trim(), &text)
            .map_err(err)?;
        ws.write_string_with_format(row, 2, full_name(l), &text)
            .map_err(err)?;
        ws.write_string_with_format(row, 3, l.nationality.trim(), &text)
            .map_err(err)?;
        write_date(ws, row, 4, l.birth_date).map_err(err)?;
        ws.write_string_with_format(row, 5, sex_label(&l.sex), &centered)
            .map_err(err)?;
        ws.write_string_with_format(row, 6, job_label(l, " — "), &wrapped)
            .map_err(err)?;
        write_date(ws, row, 7, l.entry_date).map_err(err)?;
        if let Some(exit) = l.exit_date {
            write_date(ws, row, 8, exit).map_err(err)?;
        }
        ws.write_string_with_format(row, 9, permit_label(l), &wrapped)
            .map_err(err)?;
        ws.write_string_with_format(row, 10, mentions_label(l, "\u{202f}; "), &wrapped)
            .map_err(err)?;
    }
    let last_row = if r.lines.is_empty() {
        ws.write_string_with_format(first_row, 0, EMPTY, &notice)
            .map_err(err)?;
        header_row
    } else {
        u32::try_from(r.lines.len())
            .ok()
            .and_then(|n| n.checked_add(header_row))
            .ok_or_else(too_many)?
    };

    for (c, w) in (0u16..).zip(XLSX_WIDTHS) {
        ws.set_column_width(c, w).map_err(err)?;
    }
    ws.set_row_height(header_row, 30).map_err(err)?;
    ws.set_freeze_panes(first_row, 3).map_err(err)?;
    ws.autofilter(header_row, 0, last_row, last_col)
        .map_err(err)?;

    // Printing: A4 landscape, one page wide, the header row on every page.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row).map_err(err)?;
    let foot: String = excel_escape(&footer(r)).chars().take(200).collect();
    ws.set_footer(format!("&L{foot}&RPage &P / &N"));

    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests;
