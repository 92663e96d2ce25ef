//! The import template: titles, two example rows and a sheet explaining each column.
use super::*;

/// The template: the titles, two example rows and a sheet explaining each column.
///
/// # Errors
/// Unexpected writer errors.
pub fn template_xlsx() -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Unexpected(anyhow::anyhow!(e));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DCE6F0");
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("Salariés").map_err(err)?;
    for (i, (_, t)) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, *t, &bold)
            .map_err(err)?;
        ws.set_column_width(col, 16).map_err(err)?;
        ws.set_column_format(col, &text).map_err(err)?;
    }
    let examples = [
        [
            "S0001",
            "MARTIN",
            "Claire",
            "F",
            "14/03/1984",
            "française",
            "2 84 03 75 112 345 93",
            "01/09/2021",
            "",
            "CDI",
            "",
            "",
            "35",
            "CCN 66",
            "Éducatrice spécialisée",
            "Éducatrice spécialisée",
            "434",
            "5",
        ],
        [
            "S0002",
            "DIALLO",
            "Moussa",
            "M",
            "02/11/1996",
            "sénégalaise",
            "1 96 11 99 216 048 92",
            "04/01/2026",
            "",
            "CDD",
            "30/06/2026",
            "Remplacement de Mme Petit (congé maternité)",
            "24,5",
            "CCN 66",
            "Moniteur éducateur",
            "",
            "411",
            "1",
        ],
    ];
    for (r, ex) in examples.iter().enumerate() {
        for (c, v) in ex.iter().enumerate() {
            ws.write_string(
                u32::try_from(r + 1).unwrap_or(1),
                u16::try_from(c).unwrap_or(0),
                *v,
            )
            .map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let help = wb.add_worksheet();
    help.set_name("Mode d’emploi").map_err(err)?;
    help.write_string_with_format(0, 0, "Colonne", &bold)
        .map_err(err)?;
    help.write_string_with_format(0, 1, "Ce qu’elle contient", &bold)
        .map_err(err)?;
    help.set_column_width(0, 24).map_err(err)?;
    help.set_column_width(1, 100).map_err(err)?;
    let notes = [
        "Obligatoire, 20 caractères au plus, unique dans l’association.",
        "Obligatoire (nom de naissance ou d’usage).",
        "Obligatoire.",
        "F ou M (H accepté).",
        "Obligatoire, JJ/MM/AAAA (ou cellule date).",
        "Obligatoire (registre du personnel).",
        "Obligatoire : 13 chiffres + clé ; 2A/2B pour la Corse ; doit concorder avec le sexe et l’année de naissance.",
        "Obligatoire : début du contrat, JJ/MM/AAAA.",
        "Facultatif : NIC de l’établissement (5 derniers chiffres du SIRET).",
        "CDI, CDD, Apprentissage ou Contrat aidé.",
        "Obligatoire pour un CDD, JJ/MM/AAAA.",
        "Obligatoire pour un CDD.",
        "Obligatoire : 35 pour un temps plein, 24,5 pour 70 %…",
        "CCN 66, CCN 51 ou Autre.",
        "Obligatoire : l’emploi occupé.",
        "Facultatif.",
        "Obligatoire pour la CCN 66 (entier).",
        "Facultatif (entier).",
    ];
    for (i, ((_, t), n)) in COLUMNS.iter().zip(notes).enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(1);
        help.write_string(r, 0, *t).map_err(err)?;
        help.write_string(r, 1, n).map_err(err)?;
    }
    help.write_string(
        20,
        0,
        "Les lignes en erreur sont signalées avec leur numéro et leur colonne ; rien n’est enregistré avant votre confirmation.",
    )
    .map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
