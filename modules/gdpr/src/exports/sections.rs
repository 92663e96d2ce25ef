//! The sections of the register's PDF: every field of one activity, grouped as in the
//! CNIL's model register, its retention table, the processors and the cooperative's
//! services.
use mutualis_core::documents::{Column, Doc, MARGIN, PAGE_HEIGHT, Row, Style, Table, Tone};

use super::{pdf::fr_instant, *};

/// A subsection's title inside an activity.
const SUBSECTION: Style = Style::STRONG.toned(Tone::Accent);

/// The labels' column of an activity's fields, in millimetres: the same in every
/// group, so that the values line up down the page.
const KEY_W: f32 = 54.0;

/// Height of a page's text area, in millimetres.
const PAGE_ROOM: f32 = PAGE_HEIGHT - 2.0 * MARGIN;

/// A subsection's title, kept with `height` millimetres of what follows (or three
/// lines of it when it is taller than a page).
fn subsection(doc: &mut Doc, title: &str, height: f32) {
    let lines = Style::BODY.line_height() * 3.0;
    let follow = if height <= PAGE_ROOM - 10.0 {
        height
    } else {
        lines
    };
    doc.space(1.5);
    doc.keep_together(SUBSECTION.line_height() + 1.5 + follow);
    doc.paragraph_styled(title, SUBSECTION);
}

/// A group of an activity's fields under its title, the labels in a column of
/// [`KEY_W`]; the title stays with the first field.
fn group(doc: &mut Doc, title: &str, rows: &[(&str, String)]) {
    let first = rows
        .first()
        .map_or(0.0, |(k, v)| doc.key_value_height(k, v, KEY_W));
    subsection(doc, title, first);
    doc.key_values_aligned(rows, KEY_W);
}

/// `text` trimmed, or `—` (an optional detail left empty).
fn or_dash(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        "—".to_string()
    } else {
        t.to_string()
    }
}

/// The retention table of an activity.
#[must_use]
pub fn retention_table(f: &ActivityFields) -> Table {
    Table {
        columns: vec![
            Column::left("Catégorie de données", 24.0),
            Column::left("Base active", 20.0),
            Column::left("Archivage intermédiaire", 20.0),
            Column::left("Sort final", 14.0),
            Column::left("Point de départ", 22.0),
        ],
        rows: f
            .retention
            .iter()
            .map(|r| {
                Row::new([
                    retention_category(r),
                    or_blank(&r.active),
                    or_dash(&r.intermediate),
                    fate_label(r),
                    or_dash(&r.criterion),
                ])
            })
            .collect(),
    }
}

/// The status line under an activity's heading.
fn status_line(a: &ActivitySheet) -> String {
    format!(
        "{} — version {} du {} — inscrit au registre le {}",
        status_label(&a.status),
        a.version,
        fr_date(paris_date(a.recorded_at)),
        fr_date(paris_date(a.created_at)),
    )
}

/// The controller of an activity: as recorded, or the member itself when it is the
/// controller and nothing else was recorded.
fn controller_label(f: &ActivityFields, member: &str) -> String {
    if f.controller.trim().is_empty() && matches!(f.role.trim(), "" | "controller") {
        member.trim().to_string()
    } else {
        or_blank(&f.controller)
    }
}

/// Every field of one activity, grouped as in the CNIL's model register.
pub(super) fn activity_body(doc: &mut Doc, a: &ActivitySheet, member: &str) {
    let f = &a.fields;
    doc.paragraph_styled(&status_line(a), Style::SMALL);
    let list = |l: Vec<String>| joined(&l, "\n", BLANK);

    group(
        doc,
        "Description",
        &[
            ("Finalités", or_blank(&f.purposes)),
            ("Rôle de l’organisme", role_label(&f.role)),
            (
                "Responsable de traitement et contact",
                controller_label(f, member),
            ),
            ("Service en charge", or_blank(&f.service)),
            (
                "Établissement (FINESS)",
                if f.finess.trim().is_empty() {
                    "Tous les établissements (aucun FINESS précisé)".to_string()
                } else {
                    f.finess.trim().to_string()
                },
            ),
        ],
    );
    group(
        doc,
        "Fondement juridique",
        &[
            (
                "Bases légales (art. 6)",
                list(labels(&codes::LEGAL_BASES, &f.legal_bases)),
            ),
            ("Condition de l’article 9.2", art9_label(f)),
            ("Base légale du NIR", nir_label(f)),
        ],
    );
    group(
        doc,
        "Données et personnes concernées",
        &[
            (
                "Catégories de données",
                list(labels(&codes::DATA_CATEGORIES, &f.data_categories)),
            ),
            (
                "Catégories de personnes",
                list(labels(&codes::PERSON_CATEGORIES, &f.person_categories)),
            ),
            ("Nombre de personnes", or_blank(&f.persons_estimate)),
        ],
    );
    group(
        doc,
        "Destinataires et transferts",
        &[
            ("Destinataires", or_blank(&f.recipients)),
            (
                "Transferts hors de l’Union européenne",
                or_blank(&f.transfers),
            ),
        ],
    );
    // The title, the table's header and its first row together.
    subsection(doc, "Durées de conservation", 20.0);
    if f.retention.is_empty() {
        doc.paragraph(BLANK);
    } else {
        doc.table(&retention_table(f));
    }
    group(
        doc,
        "Sécurité",
        &[
            ("Mesures de sécurité", or_blank(&f.security_measures)),
            ("Logiciel", or_blank(&f.software)),
            ("Hébergement", or_blank(&f.hosting)),
            (
                "Hébergeur certifié données de santé (HDS)",
                yes_no(f.hds_host).to_string(),
            ),
        ],
    );
    group(
        doc,
        "Analyse d’impact (AIPD)",
        &[
            (
                "Critères du CEPD remplis",
                joined(
                    &labels(&codes::DPIA_CRITERIA, &f.dpia_criteria),
                    "\n",
                    "Aucun",
                ),
            ),
            ("AIPD requise", dpia_label(a).to_string()),
            ("Fondement", dpia_basis(a)),
        ],
    );
    let check = a.check.as_ref().map_or_else(
        || "Pas encore vérifié par le DPO".to_string(),
        |c| format!("Le {} par {}", fr_instant(c.at), c.by.trim()),
    );
    let mut follow = vec![
        ("Statut", status_label(&a.status).to_string()),
        (
            "Version",
            format!(
                "{}, enregistrée le {}",
                a.version,
                fr_instant(a.recorded_at)
            ),
        ),
        ("Inscrit au registre le", fr_instant(a.created_at)),
        ("Vérification du DPO", check),
        (
            "Recommandations du DPO",
            opt_or_blank(a.check.as_ref().and_then(|c| c.recommendations.as_deref())),
        ),
        ("Notes", or_blank(&f.notes)),
    ];
    if let Some(at) = a.archived_at {
        follow.insert(1, ("Archivé le", fr_instant(at)));
    }
    group(doc, "Suivi", &follow);
}

/// The member's processors and the cooperative's services.
pub(super) fn processors_section(doc: &mut Doc, r: &RegisterDoc) {
    doc.heading("Sous-traitants (article 28)");
    if r.processors.is_empty() {
        doc.paragraph("Aucun sous-traitant inscrit à cette date.");
    } else {
        let rows = r
            .processors
            .iter()
            .map(|p| {
                let mut note = Vec::new();
                let mut add = |label: &str, v: Option<&str>| {
                    if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
                        note.push(format!("{label} : {v}"));
                    }
                };
                add("Contrat", p.contract_document.as_deref());
                add("Garanties", p.guarantees.as_deref());
                add("Transferts", p.transfers.as_deref());
                add("Contact du DPO", p.dpo_contact.as_deref());
                let row = Row::new([
                    p.name.trim().to_string(),
                    or_blank(&p.country),
                    yes_no(p.art28_clauses).to_string(),
                    yes_no(p.own_register).to_string(),
                    expiry_label(p.expires_on, r.at),
                ])
                .with_sub(p.service.trim());
                if note.is_empty() {
                    row
                } else {
                    row.with_note(note.join("\n"))
                }
            })
            .collect();
        doc.table(&Table {
            columns: vec![
                Column::left("Sous-traitant et prestation", 42.0),
                Column::left("Pays", 14.0),
                Column::left("Clauses art. 28", 14.0),
                Column::left("Registre propre (art. 30.2)", 16.0),
                Column::left("Échéance du contrat", 16.0),
            ],
            rows,
        });
    }
    doc.heading("Services assurés par la coopérative (article 30.2)");
    doc.paragraph_styled(
        "La coopérative traite ces données pour le compte de l’adhérent, en sous-traitant ; elle tient le registre de ces traitements.",
        Style::SMALL,
    );
    if r.coop_services.is_empty() {
        doc.paragraph("Aucun service de la coopérative à cette date.");
        return;
    }
    let rows = r
        .coop_services
        .iter()
        .map(|s| {
            let mut note = Vec::new();
            for (label, v) in [
                ("Sous-traitants ultérieurs", s.subprocessors.as_deref()),
                ("Transferts", s.transfers.as_deref()),
                ("Sécurité", s.security.as_deref()),
            ] {
                if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
                    note.push(format!("{label} : {v}"));
                }
            }
            let row = Row::new([
                s.name.trim().to_string(),
                or_blank(&s.purposes),
                or_blank(&s.data_categories),
            ]);
            if note.is_empty() {
                row
            } else {
                row.with_note(note.join("\n"))
            }
        })
        .collect();
    doc.table(&Table {
        columns: vec![
            Column::left("Service", 28.0),
            Column::left("Finalités", 42.0),
            Column::left("Données", 30.0),
        ],
        rows,
    });
}
