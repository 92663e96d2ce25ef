//! The recap the director signs: one section per establishment (NIC), each on its own
//! pages — its employees and their elements, the totals per code, and the signature
//! block « Validé par … le … — Signature du directeur ».
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use mutualis_core::{
    documents::{Column, Doc, DocError, Row, Style, Table},
    time::{Month, fr_date, fr_decimal, fr_money},
    web::views::month_label,
};
use rust_decimal::Decimal;

use crate::domain::{CodeDef, EmployeeFacts, Line, Unit, code_def};

use super::{catalogue_rank, sorted};

/// What the recap says of the member, the period and its validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecapContext {
    pub member_name: String,
    pub period: Month,
    /// Establishments' names by NIC.
    pub establishments: BTreeMap<String, String>,
    /// Who validated the period, and when; blank lines to fill by hand otherwise.
    pub validated_by: Option<String>,
    pub validated_at: Option<DateTime<Utc>>,
    pub generated_at: DateTime<Utc>,
}

/// The section of employees attached to no establishment.
pub const NO_ESTABLISHMENT: &str = "Sans établissement";

/// Said in a section without any element.
pub const EMPTY: &str = "Aucun élément variable pour cette période.";

/// `Foyer Les Tilleuls — NIC 00012`, `NIC 00012`, or [`NO_ESTABLISHMENT`].
fn establishment(ctx: &RecapContext, nic: Option<&str>) -> String {
    match nic {
        None => NO_ESTABLISHMENT.to_string(),
        Some(nic) => match ctx.establishments.get(nic).map(|n| n.trim()) {
            Some(name) if !name.is_empty() => format!("{name} — NIC {nic}"),
            _ => format!("NIC {nic}"),
        },
    }
}

/// `9 jours`, `6 h`, `17`, `142 km`; blank for an amount code (its quantity is 1).
fn quantity(q: Decimal, unit: Unit) -> String {
    let n = fr_decimal(q);
    match unit {
        Unit::Days if q.abs() <= Decimal::ONE => format!("{n}\u{a0}jour"),
        Unit::Days => format!("{n}\u{a0}jours"),
        Unit::Hours => format!("{n}\u{a0}h"),
        Unit::Euros => String::new(),
        Unit::Count => n,
        Unit::Km => format!("{n}\u{a0}km"),
    }
}

/// `07/05/2026\nau 12/05/2026`, `28/04/2026`, or a dash.
fn dates(line: &Line) -> String {
    match (line.start, line.end) {
        (Some(s), Some(e)) if s != e => format!("{}\nau {}", fr_date(s.min(e)), fr_date(s.max(e))),
        (Some(d), _) | (None, Some(d)) => fr_date(d),
        (None, None) => "—".to_string(),
    }
}

/// The small note under an element: amendment, sick leave's flags, comment.
fn note(line: &Line, def: Option<&CodeDef>, period: Month) -> String {
    let mut parts: Vec<String> = Vec::new();
    if line.concerns != period {
        parts.push(format!("Rappel sur {}", month_label(line.concerns)));
    }
    if def.is_some_and(|d| d.sick) {
        let stop = match line.first_stop {
            Some(true) => "Arrêt initial",
            Some(false) => "Prolongation",
            None => "Arrêt",
        };
        let certificate = if line.certificate {
            "avis d’arrêt reçu"
        } else {
            "avis d’arrêt non reçu"
        };
        parts.push(format!("{stop}, {certificate}"));
    }
    if line.late {
        parts.push("Saisi après la date limite".to_string());
    }
    if let Some(c) = line
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        parts.push(format!("Commentaire : {c}"));
    }
    parts.join(" · ")
}

fn element(line: &Line, def: Option<&CodeDef>) -> String {
    def.map_or_else(
        || line.code.clone(),
        |d| format!("{} ({})", d.label, d.code),
    )
}

/// The elements of a section, employee by employee.
fn elements_table(
    ctx: &RecapContext,
    lines: &[&Line],
    employees: &BTreeMap<String, EmployeeFacts>,
) -> Table {
    let columns = vec![
        Column::left("Salarié", 24.0),
        Column::left("Élément", 34.0),
        Column::left("Dates", 18.0),
        Column::right("Quantité", 12.0),
        Column::right("Taux", 9.0),
        Column::right("Montant", 13.0),
    ];
    let mut rows = Vec::new();
    let mut previous: Option<&str> = None;
    for line in lines {
        let def = code_def(&line.code);
        let first = previous != Some(line.matricule.as_str());
        previous = Some(line.matricule.as_str());
        let name = employees
            .get(&line.matricule)
            .map_or_else(|| line.matricule.clone(), |e| e.name.trim().to_string());
        let row = Row::new([
            if first { name } else { String::new() },
            element(line, def),
            dates(line),
            def.map_or_else(
                || fr_decimal(line.quantity),
                |d| quantity(line.quantity, d.unit),
            ),
            line.rate.map(fr_decimal).unwrap_or_default(),
            line.amount.map(fr_money).unwrap_or_default(),
        ])
        .with_note(note(line, def, ctx.period));
        rows.push(if first {
            row.with_sub(format!("Matricule {}", line.matricule))
        } else {
            row
        });
    }
    Table { columns, rows }
}

/// The totals of a section per code, in catalogue order.
fn totals_table(lines: &[&Line]) -> Table {
    #[derive(Default)]
    struct Total<'a> {
        employees: BTreeSet<&'a str>,
        quantity: Decimal,
        amount: Option<Decimal>,
    }
    let mut totals: BTreeMap<(usize, &str), Total<'_>> = BTreeMap::new();
    for line in lines {
        let t = totals
            .entry((catalogue_rank(&line.code), line.code.as_str()))
            .or_default();
        t.employees.insert(line.matricule.as_str());
        t.quantity = t.quantity.saturating_add(line.quantity);
        if let Some(a) = line.amount {
            t.amount = Some(t.amount.unwrap_or_default().saturating_add(a));
        }
    }
    let columns = vec![
        Column::left("Élément", 46.0),
        Column::right("Salariés", 12.0),
        Column::right("Quantité", 16.0),
        Column::right("Montant", 16.0),
    ];
    let rows = totals
        .into_iter()
        .map(|((_, code), t)| {
            let def = code_def(code);
            Row::new([
                def.map_or_else(|| code.to_string(), |d| format!("{} ({})", d.label, d.code)),
                t.employees.len().to_string(),
                def.map_or_else(|| fr_decimal(t.quantity), |d| quantity(t.quantity, d.unit)),
                t.amount.map(fr_money).unwrap_or_default(),
            ])
        })
        .collect();
    Table { columns, rows }
}

/// `05/04/2026 à 10:12`, in Europe/Paris.
fn paris(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// Height of the signature block, in millimetres.
const SIGNATURE_HEIGHT: f32 = 58.0;
/// Height of a one-line table row, and of a heading with the header row under it.
const ROW_HEIGHT: f32 = 6.6;
const HEADING_HEIGHT: f32 = 19.0;
/// The most a block kept on one page may take (the text height of an A4 page, less a
/// margin of error).
const PAGE_ROOM: f32 = 240.0;

/// « Validé par … le … » and the space for the director's signature, kept on one page.
fn signature(doc: &mut Doc, ctx: &RecapContext, establishment: &str) {
    doc.keep_together(SIGNATURE_HEIGHT);
    doc.heading("Validation");
    let by = ctx
        .validated_by
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    let text = match (by, ctx.validated_at) {
        (Some(by), Some(at)) => format!("Validé par {by} le {}.", paris(at)),
        (Some(by), None) => format!("Validé par {by} le ……/……/…………"),
        (None, _) => "Validé par …………………………………………………… le ……/……/…………".to_string(),
    };
    doc.paragraph(&text);
    doc.paragraph_styled(
        &format!(
            "Je certifie exacts les éléments variables de paie de {} ci-dessus ({establishment}), à transmettre pour la paie.",
            month_label(ctx.period)
        ),
        Style::SMALL,
    );
    doc.space(3.0);
    doc.paragraph_styled("Signature du directeur", Style::STRONG);
    doc.space(24.0);
    doc.rule();
}

/// The recap laid out, before it is written.
fn recap_layout(
    ctx: &RecapContext,
    lines: &[Line],
    employees: &BTreeMap<String, EmployeeFacts>,
) -> Result<Doc, DocError> {
    let period = month_label(ctx.period);
    let mut doc = Doc::new(&format!(
        "Éléments variables de paie – {} – {period}",
        ctx.member_name.trim()
    ))?;
    doc.set_footer(&format!(
        "Éléments variables de paie — {} — {period}",
        ctx.member_name.trim()
    ));
    // Sections by NIC, those without an establishment last.
    let mut sections: BTreeMap<(bool, Option<&str>), Vec<&Line>> = BTreeMap::new();
    for line in sorted(lines) {
        let nic = employees
            .get(&line.matricule)
            .and_then(|e| e.establishment_nic.as_deref());
        sections.entry((nic.is_none(), nic)).or_default().push(line);
    }
    if sections.is_empty() {
        sections.insert((true, None), Vec::new());
    }
    for (i, ((_, nic), lines)) in sections.iter().enumerate() {
        if i > 0 {
            doc.page_break();
        }
        doc.title(&format!("Éléments variables de paie — {period}"));
        let people: BTreeSet<&str> = lines.iter().map(|l| l.matricule.as_str()).collect();
        let place = establishment(ctx, *nic);
        doc.key_values(&[
            ("Association", ctx.member_name.trim().to_string()),
            ("Établissement", place.clone()),
            ("Période", period.clone()),
            ("Salariés", people.len().to_string()),
            ("Éléments", lines.len().to_string()),
            ("Édité le", paris(ctx.generated_at)),
        ]);
        if lines.is_empty() {
            doc.paragraph(EMPTY);
        } else {
            doc.heading("Éléments par salarié");
            doc.table(&elements_table(ctx, lines, employees));
            // The totals go with the signature, so the page signed shows them.
            let totals = totals_table(lines);
            let height = HEADING_HEIGHT + ROW_HEIGHT * totals.rows.len() as f32 + SIGNATURE_HEIGHT;
            if height <= PAGE_ROOM {
                doc.keep_together(height);
            }
            doc.heading(&format!("Totaux par élément — {place}"));
            doc.table(&totals);
        }
        signature(&mut doc, ctx, &place);
    }
    Ok(doc)
}

/// The recap as a PDF: A4, one section per establishment, "Page i / n" in the footer.
///
/// # Errors
/// [`DocError`] if the embedded font cannot be read or printpdf fails.
pub fn recap_pdf(
    ctx: &RecapContext,
    lines: &[Line],
    employees: &BTreeMap<String, EmployeeFacts>,
) -> Result<Vec<u8>, DocError> {
    recap_layout(ctx, lines, employees)?.finish()
}
