//! A text export file (CSV, tab-separated…) written after its profile.
use std::collections::BTreeMap;

use crate::domain::{EmployeeFacts, Line};

use super::{Cell, DecimalMark, ExportContext, ExportProfile, Field, Quoting, table};

/// The export file of `lines` after `profile`. `code_map`: the member's codes at the
/// provider, by catalogue code.
#[must_use]
pub fn render(
    profile: &ExportProfile,
    ctx: &ExportContext,
    lines: &[Line],
    employees: &BTreeMap<String, EmployeeFacts>,
    code_map: &BTreeMap<String, String>,
) -> Vec<u8> {
    let fields: Vec<Field> = profile.columns.iter().map(|c| c.field).collect();
    let rows = table(
        ctx,
        &fields,
        profile.absences_per_day,
        (&profile.yes, &profile.no),
        lines,
        employees,
        code_map,
    );
    let mut out = String::new();
    if profile.bom {
        out.push('\u{feff}');
    }
    let eol = profile.line_ending.text();
    let mut write_row = |values: Vec<String>| {
        let sep = profile.separator.to_string();
        let values: Vec<String> = values.iter().map(|v| escape(profile, v)).collect();
        out.push_str(&values.join(&sep));
        out.push_str(eol);
    };
    if profile.header {
        write_row(
            profile
                .columns
                .iter()
                .map(|c| c.header().to_string())
                .collect(),
        );
    }
    for row in rows {
        write_row(row.iter().map(|c| format_cell(profile, c)).collect());
    }
    if profile.ascii {
        // The BOM, if asked for, is the only character kept beyond ASCII.
        let (bom, rest) = out
            .strip_prefix('\u{feff}')
            .map_or(("", out.as_str()), |r| ("\u{feff}", r));
        return format!("{bom}{}", ascii(rest)).into_bytes();
    }
    out.into_bytes()
}

/// A cell as the profile writes it.
fn format_cell(profile: &ExportProfile, cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => {
            let s = n.to_string();
            match profile.decimal {
                DecimalMark::Comma => s.replace('.', ","),
                DecimalMark::Point => s,
            }
        }
        Cell::Date(d) => d.format(profile.date_format.pattern()).to_string(),
    }
}

/// A value made safe for the file: quoted (RFC 4180) or with the separator and line
/// breaks replaced by spaces.
fn escape(profile: &ExportProfile, value: &str) -> String {
    let sep = profile.separator;
    match profile.quoting {
        Quoting::Rfc4180 => {
            if value.contains([sep, '"', '\r', '\n']) {
                format!("\"{}\"", value.replace('"', "\"\""))
            } else {
                value.to_string()
            }
        }
        Quoting::None => value
            .chars()
            .map(|c| {
                if c == sep || c == '\r' || c == '\n' {
                    ' '
                } else {
                    c
                }
            })
            .collect(),
    }
}

/// Pairs of letters written without their accent, in the same order.
const FROM: &str = "ÀÁÂÃÄÅàáâãäåÇçĆćČčÈÉÊËèéêëĒēĖėĘęĚěÌÍÎÏìíîïĪīĮįİıÐðĎďĐđÑñŃńŇňÒÓÔÕÖØòóôõöøŌōŐőÙÚÛÜùúûüŪūŮůŰűÝýÿŸŚśŠšŞşŢţŤťŹźŻżŽžŁłŘřĞğĀāĂăĄą";
const TO: &str = "AAAAAAaaaaaaCcCcCcEEEEeeeeEeEeEeEeIIIIiiiiIiIiIiDdDdDdNnNnNnOOOOOOooooooOoOoUUUUuuuuUuUuUuYyyYSsSsSsTtTtZzZzZzLlRrGgAaAaAa";

/// `text` in ASCII: French letters without their accents (`é` → `e`, `œ` → `oe`, `Œuvre` →
/// `Oeuvre`, `Ç` → `C`), typographic quotes, dashes and spaces made plain (`’` → `'`, `«` → `"`, `—` →
/// `-`, no-break spaces → space), `€` → `EUR`; any other sign beyond ASCII → `?`.
#[must_use]
pub fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // `Œuvre` → `Oeuvre`, `ŒUVRE` → `OEUVRE`.
        let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if let Some(i) = FROM.chars().position(|f| f == c)
            && let Some(t) = TO.chars().nth(i)
        {
            out.push(t);
            continue;
        }
        out.push_str(match c {
            'Æ' if next_lower => "Ae",
            'Œ' if next_lower => "Oe",
            'Æ' => "AE",
            'æ' => "ae",
            'Œ' => "OE",
            'œ' => "oe",
            'ß' => "ss",
            'Þ' => "Th",
            'þ' => "th",
            '’' | '‘' | '‚' | '′' | 'ʼ' => "'",
            '“' | '”' | '„' | '«' | '»' | '″' => "\"",
            '‐' | '‑' | '‒' | '–' | '—' | '−' => "-",
            '…' => "...",
            '€' => "EUR",
            '°' | 'º' => "o",
            'ª' => "a",
            '×' => "x",
            '²' => "2",
            '³' => "3",
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{2002}' | '\u{2003}' => " ",
            '\u{feff}' | '\u{200b}' | '\u{ad}' => "",
            _ => "?",
        });
    }
    out
}
