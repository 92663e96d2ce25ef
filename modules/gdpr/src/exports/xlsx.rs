//! The register at a date as an XLSX: a sheet of activities (one column per field,
//! lists joined by « ; »), a sheet of retention rows, a sheet of processors and one of
//! the cooperative's services. Each sheet: a title, the member and the date, the header
//! row frozen with an autofilter, real dates, A4 landscape printing with the header
//! repeated and numbered pages.
use chrono::Datelike;
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::*;
use crate::activities::Retention;

/// The separator of a list's items in one cell (a narrow no-break space before the
/// semicolon, as French writes it).
pub const LIST: &str = "\u{202f}; ";

/// The sheets' names, in order.
pub const SHEETS: [&str; 4] = [
    "Traitements",
    "Conservation",
    "Sous-traitants",
    "Services coopérative",
];

/// The row of the header in every sheet (title, subtitle and notice above it).
pub const HEADER_ROW: u32 = 3;

/// A cell to write.
pub(super) enum Cell {
    Text(String),
    Wrapped(String),
    Number(u32),
    Date(Option<NaiveDate>),
}

/// A sheet: its name, headers with their widths, rows, what to say when it is empty,
/// and how many columns stay visible when scrolling right.
struct Sheet {
    name: &'static str,
    title: &'static str,
    headers: Vec<(&'static str, f64)>,
    rows: Vec<Vec<Cell>>,
    empty: &'static str,
    frozen_columns: u16,
    /// Printed one page wide (the narrow sheets).
    fit_width: bool,
}

/// The list joined by [`LIST`].
fn list(values: Vec<String>) -> String {
    values.join(LIST)
}

/// `Données de santé : base active 20 ans, archivage intermédiaire 10 ans, Destruction`
#[must_use]
pub fn retention_summary(r: &Retention) -> String {
    let mut parts = Vec::new();
    if !r.active.trim().is_empty() {
        parts.push(format!("base active {}", r.active.trim()));
    }
    if !r.intermediate.trim().is_empty() {
        parts.push(format!("archivage intermédiaire {}", r.intermediate.trim()));
    }
    if !r.final_fate.trim().is_empty() {
        parts.push(fate_label(r).to_lowercase());
    }
    if parts.is_empty() {
        retention_category(r)
    } else {
        format!("{} : {}", retention_category(r), parts.join(", "))
    }
}

/// The activities' header row, in the order of [`activity_row`].
pub const ACTIVITY_HEADERS: [(&str, f64); 32] = [
    ("N°", 5.0),
    ("Traitement", 30.0),
    ("Statut", 14.0),
    ("Version", 8.0),
    ("Version du", 11.0),
    ("Inscrit au registre le", 12.0),
    ("Finalités", 40.0),
    ("Rôle de l’organisme", 18.0),
    ("Responsable et contact", 24.0),
    ("Service en charge", 18.0),
    ("FINESS", 11.0),
    ("Bases légales (art. 6)", 30.0),
    ("Condition de l’article 9.2", 28.0),
    ("Base légale du NIR", 24.0),
    ("Catégories de données", 32.0),
    ("Catégories de personnes", 24.0),
    ("Nombre de personnes", 14.0),
    ("Destinataires", 30.0),
    ("Transferts hors de l’Union européenne", 24.0),
    ("Durées de conservation", 40.0),
    ("Mesures de sécurité", 40.0),
    ("Logiciel", 18.0),
    ("Hébergement", 20.0),
    ("Hébergeur HDS", 10.0),
    ("Critères du CEPD remplis", 32.0),
    ("AIPD requise", 10.0),
    ("Fondement de la décision sur l’AIPD", 36.0),
    ("Vérifié par le DPO le", 12.0),
    ("Vérifié par", 22.0),
    ("Recommandations du DPO", 36.0),
    ("Notes", 30.0),
    ("Identifiant", 38.0),
];

/// One activity's row, in the order of [`ACTIVITY_HEADERS`].
pub(super) fn activity_row(n: usize, a: &ActivitySheet) -> Vec<Cell> {
    let f = &a.fields;
    let wrap = |s: &str| Cell::Wrapped(s.trim().to_string());
    vec![
        Cell::Number(u32::try_from(n).unwrap_or(u32::MAX)),
        wrap(&f.name),
        Cell::Text(status_label(&a.status).to_string()),
        Cell::Number(u32::try_from(a.version).unwrap_or_default()),
        Cell::Date(Some(paris_date(a.recorded_at))),
        Cell::Date(Some(paris_date(a.created_at))),
        wrap(&f.purposes),
        Cell::Text(if f.role.trim().is_empty() {
            String::new()
        } else {
            role_label(&f.role)
        }),
        wrap(&f.controller),
        wrap(&f.service),
        Cell::Text(f.finess.trim().to_string()),
        Cell::Wrapped(list(labels(&codes::LEGAL_BASES, &f.legal_bases))),
        Cell::Wrapped(
            f.art9_condition
                .as_deref()
                .map(|c| codes::label(&codes::ART9_CONDITIONS, c).to_string())
                .unwrap_or_default(),
        ),
        wrap(&f.nir_basis),
        Cell::Wrapped(list(labels(&codes::DATA_CATEGORIES, &f.data_categories))),
        Cell::Wrapped(list(labels(
            &codes::PERSON_CATEGORIES,
            &f.person_categories,
        ))),
        wrap(&f.persons_estimate),
        wrap(&f.recipients),
        wrap(&f.transfers),
        Cell::Wrapped(list(f.retention.iter().map(retention_summary).collect())),
        wrap(&f.security_measures),
        wrap(&f.software),
        wrap(&f.hosting),
        Cell::Text(yes_no(f.hds_host).to_string()),
        Cell::Wrapped(list(labels(&codes::DPIA_CRITERIA, &f.dpia_criteria))),
        Cell::Text(dpia_label(a).to_string()),
        Cell::Wrapped(dpia_basis(a)),
        Cell::Date(a.check.as_ref().map(|c| paris_date(c.at))),
        Cell::Text(
            a.check
                .as_ref()
                .map(|c| c.by.trim().to_string())
                .unwrap_or_default(),
        ),
        Cell::Wrapped(
            a.check
                .as_ref()
                .and_then(|c| c.recommendations.as_deref())
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
        wrap(&f.notes),
        Cell::Text(a.id.to_string()),
    ]
}

fn sheets(r: &RegisterDoc) -> Vec<Sheet> {
    let [activities, retention, processors, coop] = SHEETS;
    let retention_rows = r
        .activities
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            a.fields.retention.iter().map(move |x| {
                vec![
                    Cell::Number(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                    Cell::Wrapped(a.fields.name.trim().to_string()),
                    Cell::Wrapped(retention_category(x)),
                    Cell::Wrapped(x.active.trim().to_string()),
                    Cell::Wrapped(x.intermediate.trim().to_string()),
                    Cell::Text(if x.final_fate.trim().is_empty() {
                        String::new()
                    } else {
                        fate_label(x)
                    }),
                    Cell::Wrapped(x.criterion.trim().to_string()),
                ]
            })
        })
        .collect();
    let opt =
        |v: &Option<String>| Cell::Wrapped(v.as_deref().unwrap_or_default().trim().to_string());
    vec![
        Sheet {
            name: activities,
            title: TITLE,
            headers: ACTIVITY_HEADERS.to_vec(),
            rows: r
                .activities
                .iter()
                .enumerate()
                .map(|(i, a)| activity_row(i + 1, a))
                .collect(),
            empty: EMPTY,
            frozen_columns: 2,
            fit_width: false,
        },
        Sheet {
            name: retention,
            title: "Durées de conservation",
            headers: vec![
                ("N°", 5.0),
                ("Traitement", 30.0),
                ("Catégorie de données", 30.0),
                ("Base active", 24.0),
                ("Archivage intermédiaire", 24.0),
                ("Sort final", 18.0),
                ("Point de départ", 30.0),
            ],
            rows: retention_rows,
            empty: "Aucune durée de conservation à cette date.",
            frozen_columns: 2,
            fit_width: true,
        },
        Sheet {
            name: processors,
            title: "Sous-traitants (article 28)",
            headers: vec![
                ("Sous-traitant", 26.0),
                ("Prestation", 30.0),
                ("Pays", 12.0),
                ("Clauses art. 28", 10.0),
                ("Registre propre (art. 30.2)", 12.0),
                ("Contrat", 24.0),
                ("Garanties", 30.0),
                ("Transferts", 24.0),
                ("Contact du DPO", 24.0),
                ("Échéance du contrat", 12.0),
                ("Inscrit le", 12.0),
            ],
            rows: r
                .processors
                .iter()
                .map(|p| {
                    vec![
                        Cell::Wrapped(p.name.trim().to_string()),
                        Cell::Wrapped(p.service.trim().to_string()),
                        Cell::Text(p.country.trim().to_string()),
                        Cell::Text(yes_no(p.art28_clauses).to_string()),
                        Cell::Text(yes_no(p.own_register).to_string()),
                        opt(&p.contract_document),
                        opt(&p.guarantees),
                        opt(&p.transfers),
                        opt(&p.dpo_contact),
                        Cell::Date(p.expires_on),
                        Cell::Date(Some(p.recorded_on)),
                    ]
                })
                .collect(),
            empty: "Aucun sous-traitant inscrit à cette date.",
            frozen_columns: 1,
            fit_width: true,
        },
        Sheet {
            name: coop,
            title: "Services assurés par la coopérative (article 30.2)",
            headers: vec![
                ("Service", 28.0),
                ("Finalités", 40.0),
                ("Données", 30.0),
                ("Sous-traitants ultérieurs", 28.0),
                ("Transferts", 20.0),
                ("Sécurité", 36.0),
            ],
            rows: r
                .coop_services
                .iter()
                .map(|s| {
                    vec![
                        Cell::Wrapped(s.name.trim().to_string()),
                        Cell::Wrapped(s.purposes.trim().to_string()),
                        Cell::Wrapped(s.data_categories.trim().to_string()),
                        opt(&s.subprocessors),
                        opt(&s.transfers),
                        opt(&s.security),
                    ]
                })
                .collect(),
            empty: "Aucun service de la coopérative à cette date.",
            frozen_columns: 1,
            fit_width: true,
        },
    ]
}

/// `&` doubled: in an Excel header or footer it introduces a code.
fn excel_escape(text: &str) -> String {
    text.replace('&', "&&")
}

/// The formats of a sheet's cells.
struct Formats {
    title: Format,
    subtitle: Format,
    notice: Format,
    header: Format,
    text: Format,
    wrapped: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_bold(),
            notice: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x0061_6670)),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0x00ED_F2F7))
                .set_border_bottom(FormatBorder::Medium),
            text: top.clone(),
            wrapped: top.clone().set_text_wrap(),
            number: top.clone().set_num_format("0"),
            date: top
                .set_align(FormatAlign::Left)
                .set_num_format("dd/mm/yyyy"),
        }
    }
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let (y, m, day) = (
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    );
    ExcelDateTime::from_ymd(y, m, day).ok()
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) if !s.is_empty() => {
            ws.write_string_with_format(row, col, s, &f.text)?;
        }
        Cell::Wrapped(s) if !s.is_empty() => {
            ws.write_string_with_format(row, col, s, &f.wrapped)?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(row, col, f64::from(*n), &f.number)?;
        }
        Cell::Date(Some(d)) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime_with_format(row, col, &x, &f.date)?;
            }
            None => {
                ws.write_string_with_format(row, col, fr_date(*d), &f.text)?;
            }
        },
        Cell::Text(_) | Cell::Wrapped(_) | Cell::Date(None) => {}
    }
    Ok(())
}

fn write_sheet(
    wb: &mut Workbook,
    r: &RegisterDoc,
    sheet: &Sheet,
    footer: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet.name)?;
    ws.write_string_with_format(0, 0, sheet.title, &f.title)?;
    let subtitle = format!(
        "{} — SIREN {} — état au {}",
        r.member.name.trim(),
        fr_siren(&r.member.siren),
        fr_date(r.at)
    );
    ws.write_string_with_format(1, 0, subtitle, &f.subtitle)?;
    ws.write_string_with_format(
        2,
        0,
        format!("{LEGAL_NOTICE} Édité le {}.", r.generated_at),
        &f.notice,
    )?;
    for (c, (h, w)) in (0u16..).zip(&sheet.headers) {
        ws.write_string_with_format(HEADER_ROW, c, *h, &f.header)?;
        ws.set_column_width(c, *w)?;
    }
    let first = HEADER_ROW + 1;
    let mut last = HEADER_ROW;
    for (row, cells) in (first..).zip(&sheet.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            write_cell(ws, row, col, cell, f)?;
        }
        last = row;
    }
    if sheet.rows.is_empty() {
        ws.write_string_with_format(first, 0, sheet.empty, &f.notice)?;
    }
    let last_col = u16::try_from(sheet.headers.len().saturating_sub(1)).unwrap_or(0);
    ws.set_row_height(HEADER_ROW, 30)?;
    ws.set_freeze_panes(first, sheet.frozen_columns)?;
    ws.autofilter(HEADER_ROW, 0, last, last_col)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    if sheet.fit_width {
        ws.set_print_fit_to_pages(1, 0);
    } else if sheet.frozen_columns > 0 {
        ws.set_repeat_columns(0, sheet.frozen_columns - 1)?;
    }
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_footer(format!("&L{footer}&RPage &P / &N"));
    Ok(())
}

/// The register at a date as an XLSX.
///
/// # Errors
/// Unexpected writer errors (a text over Excel's 32,767 characters a cell cannot
/// happen: the register's texts are bounded at 20,000).
pub fn register_xlsx(r: &RegisterDoc) -> AppResult<Vec<u8>> {
    let err = |e: XlsxError| AppError::Unexpected(anyhow::anyhow!(e.to_string()));
    let footer: String = excel_escape(&super::pdf::register_footer(r))
        .chars()
        .take(200)
        .collect();
    let formats = Formats::new();
    let mut wb = Workbook::new();
    // Dated by the documents' clock (a fixed clock gives the same bytes).
    if let Ok(at) =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(mutualis_core::time::now().timestamp())
    {
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&at));
    }
    for sheet in sheets(r) {
        write_sheet(&mut wb, r, &sheet, &footer, &formats).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
