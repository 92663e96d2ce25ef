//! The register at a date and one activity's sheet as PDFs (A4, `mutualis_core::documents`):
//! a cover naming the controller, its SIREN and its DPO, the summary of the activities,
//! one section per activity with every field of the CNIL model in French, the
//! processors and the cooperative's services, "Page i / n" on every page.
use mutualis_core::{
    documents::{CONTENT_WIDTH, Column, Doc, DocError, Row, Style, Table, text_width},
    time::fr_datetime,
};

use super::{
    sections::{activity_body, processors_section},
    *,
};

/// `07/12/2026 à 10:15` (Europe/Paris).
pub(super) fn fr_instant(at: DateTime<Utc>) -> String {
    fr_datetime(at).replacen(' ', " à ", 1)
}

/// The footer `make(variable)`, with `variable` shortened with `…` until the line fits
/// beside the page number (`documents` keeps only a footer's first line).
fn fit_footer(variable: &str, make: impl Fn(&str) -> String) -> String {
    let room = CONTENT_WIDTH - text_width("Page 000 / 000", Style::SMALL) - 6.0;
    let mut chars: Vec<char> = variable.trim().chars().collect();
    let mut text = make(variable.trim());
    while text_width(&text, Style::SMALL) > room && !chars.is_empty() {
        chars.pop();
        let short: String = chars.iter().collect();
        text = make(&format!("{}…", short.trim_end()));
    }
    text
}

/// `Registre des activités de traitement — Les Tilleuls — état au 07/12/2026`
#[must_use]
pub fn register_footer(r: &RegisterDoc) -> String {
    let at = fr_date(r.at);
    fit_footer(&r.member.name, |m| format!("{TITLE} — {m} — état au {at}"))
}

/// `Fiche de traitement — Les Tilleuls — Dossier de l’usager`
#[must_use]
pub fn activity_footer(d: &ActivityDoc) -> String {
    let member = d.member.name.trim();
    fit_footer(&d.activity.fields.name, |n| {
        format!("{SHEET_TITLE} — {member} — {n}")
    })
}

/// The controller's facts, first on the cover and on an activity's sheet.
fn member_facts(m: &MemberFacts, dpos: &[String]) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("Responsable de traitement", m.name.trim().to_string()),
        ("SIREN", fr_siren(&m.siren)),
    ];
    if !m.address.trim().is_empty() {
        facts.push(("Adresse", m.address.trim().to_string()));
    }
    if let Some(f) = &m.finess {
        facts.push(("FINESS", f.trim().to_string()));
    }
    let dpo = if dpos.is_empty() {
        "Aucun DPO désigné sur la plateforme".to_string()
    } else {
        dpos.join("\n")
    };
    facts.push(("Délégué à la protection des données", dpo));
    facts
}

/// The summary of the register: one row per activity.
#[must_use]
pub fn summary_table(r: &RegisterDoc) -> Table {
    let columns = vec![
        Column::left("N°", 6.0),
        Column::left("Traitement", 38.0),
        Column::left("Statut", 20.0),
        Column::left("Bases légales (art. 6)", 35.0),
        Column::left("AIPD requise", 11.0),
    ];
    let rows = r
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Row::new([
                (i + 1).to_string(),
                a.fields.name.trim().to_string(),
                status_label(&a.status).to_string(),
                joined(
                    &labels(&codes::LEGAL_BASES, &a.fields.legal_bases),
                    "\n",
                    BLANK,
                ),
                dpia_label(a).to_string(),
            ])
        })
        .collect();
    Table { columns, rows }
}

/// The register laid out, before it is written.
///
/// # Errors
/// [`DocError`] if the embedded font cannot be read.
pub fn register_layout(r: &RegisterDoc) -> Result<Doc, DocError> {
    let at = fr_date(r.at);
    let mut doc = Doc::new(&format!("{TITLE} – {} – état au {at}", r.member.name))?;
    doc.set_footer(&register_footer(r));
    doc.title(TITLE);
    doc.paragraph_styled(&format!("État au {at}"), Style::HEADING);
    doc.space(2.0);
    let mut facts = member_facts(&r.member, &r.dpos);
    facts.push(("Traitements inscrits", count_label(r.activities.len())));
    facts.push(("Édité le", r.generated_at.clone()));
    doc.key_values(&facts);
    doc.paragraph_styled(LEGAL_NOTICE, Style::SMALL);
    doc.paragraph_styled(
        &format!(
            "Registre à date : il montre chaque traitement tel qu’enregistré jusqu’à la fin de la journée du {at} (heure de Paris). Les traitements créés après cette date n’y figurent pas, ceux archivés avant non plus ; les modifications ultérieures n’y apparaissent pas."
        ),
        Style::SMALL,
    );
    doc.heading("Sommaire des traitements");
    if r.activities.is_empty() {
        doc.paragraph(EMPTY);
    } else {
        doc.table(&summary_table(r));
    }
    for (i, a) in r.activities.iter().enumerate() {
        doc.page_break();
        doc.heading(&format!("{}. {}", i + 1, a.fields.name.trim()));
        activity_body(&mut doc, a, &r.member.name);
    }
    doc.page_break();
    processors_section(&mut doc, r);
    Ok(doc)
}

/// The register at a date as a PDF.
///
/// # Errors
/// [`DocError`] if the embedded font cannot be read or printpdf fails.
pub fn register_pdf(r: &RegisterDoc) -> Result<Vec<u8>, DocError> {
    register_layout(r)?.finish()
}

/// One activity's sheet laid out, before it is written.
///
/// # Errors
/// [`DocError`] if the embedded font cannot be read.
pub fn activity_layout(d: &ActivityDoc) -> Result<Doc, DocError> {
    let a = &d.activity;
    let mut doc = Doc::new(&format!(
        "{SHEET_TITLE} – {} – {}",
        a.fields.name, d.member.name
    ))?;
    doc.set_footer(&activity_footer(d));
    doc.paragraph_styled(
        &format!("{SHEET_TITLE} — registre des activités de traitement"),
        Style::LABEL,
    );
    doc.title(a.fields.name.trim());
    let mut facts = member_facts(&d.member, &d.dpos);
    facts.push(("Édité le", d.generated_at.clone()));
    doc.key_values(&facts);
    doc.heading("Le traitement");
    activity_body(&mut doc, a, &d.member.name);
    if !a.history.is_empty() {
        doc.heading("Historique des versions");
        doc.table(&Table {
            columns: vec![
                Column::left("Version", 10.0),
                Column::left("Enregistrée le", 24.0),
                Column::left("Statut", 26.0),
                Column::left("Par", 40.0),
            ],
            rows: a
                .history
                .iter()
                .map(|v| {
                    Row::new([
                        v.version.to_string(),
                        fr_instant(v.recorded_at),
                        status_label(&v.status).to_string(),
                        v.recorded_by.trim().to_string(),
                    ])
                })
                .collect(),
        });
    }
    Ok(doc)
}

/// One activity's sheet as a PDF.
///
/// # Errors
/// [`DocError`] if the embedded font cannot be read or printpdf fails.
pub fn activity_pdf(d: &ActivityDoc) -> Result<Vec<u8>, DocError> {
    activity_layout(d)?.finish()
}
