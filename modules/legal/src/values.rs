//! The values a member types for a template's variables: each checked against its type
//! (`text`, `date`, `money`, `number`, `choice`, `yesno`), `required` and `required_if`,
//! every error on its field `values.<name>`; then shown in French for the document.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use mutualis_core::{
    error::FieldError,
    limits::{Check, Text},
    time::{fr_date, fr_decimal, fr_money},
};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::source::{Condition, Kind, Shown, Variable};

/// A value as typed: a JSON string, or a boolean for a yes/no.
fn raw(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Bool(b) => Some(if *b { "oui" } else { "non" }.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => Some("\u{0}".to_string()),
    }
}

fn yes(s: &str) -> Option<bool> {
    match s.to_lowercase().as_str() {
        "oui" | "true" | "1" | "yes" => Some(true),
        "non" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

fn holds(c: &Condition, values: &BTreeMap<String, Value>) -> bool {
    let got = raw(values.get(c.name()));
    match c {
        Condition::Equals(_, v) => got.as_deref() == Some(v.as_str()),
        Condition::Differs(_, v) => got.as_deref() != Some(v.as_str()),
        Condition::Yes(_) => got.as_deref().and_then(yes).unwrap_or(false),
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

fn parse_decimal(s: &str) -> Option<Decimal> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '€')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<Decimal>().ok()
}

/// Checks `values` against the variables; the shown values (French formats), each
/// variable given or not.
///
/// # Errors
/// Every invalid value, on `values.<name>`, in French naming the field.
pub fn check(
    variables: &[Variable],
    values: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Shown>, Vec<FieldError>> {
    let mut c = Check::new();
    let mut out = BTreeMap::new();
    for name in values.keys() {
        if !variables.iter().any(|v| &v.name == name) {
            c.error(
                &format!("values.{name}"),
                format!("« {name} » n’est pas une variable de ce modèle."),
            );
        }
    }
    for v in variables {
        let field = format!("values.{}", v.name);
        let label = &v.label;
        let Some(s) = raw(values.get(&v.name)) else {
            if v.required {
                c.error(&field, format!("« {label} » est obligatoire."));
            } else if let Some(cond) = &v.required_if
                && holds(cond, values)
            {
                let other = variables
                    .iter()
                    .find(|x| x.name == cond.name())
                    .map_or(cond.name(), |x| x.label.as_str());
                c.error(
                    &field,
                    format!("« {label} » est obligatoire {}.", cond.describe(other)),
                );
            }
            continue;
        };
        let shown = match v.kind {
            Kind::Text => c
                .optional_text(&field, label, &s, Text::Long)
                .map(Shown::Text),
            Kind::Date => match parse_date(&s) {
                Some(d) => Some(Shown::Text(fr_date(d))),
                None => {
                    c.error(&field, format!("« {label} » : date attendue (JJ/MM/AAAA)."));
                    None
                }
            },
            Kind::Money => match parse_decimal(&s) {
                Some(d)
                    if d >= Decimal::ZERO && d.scale() <= 2 && d < Decimal::from(1_000_000_000) =>
                {
                    Some(Shown::Text(fr_money(d)))
                }
                _ => {
                    c.error(
                        &field,
                        format!("« {label} » : montant en euros attendu (1850,00)."),
                    );
                    None
                }
            },
            Kind::Number => match parse_decimal(&s) {
                Some(d) if d.abs() < Decimal::from(1_000_000_000) => {
                    Some(Shown::Text(fr_decimal(d)))
                }
                _ => {
                    c.error(&field, format!("« {label} » : nombre attendu."));
                    None
                }
            },
            Kind::Choice => {
                if v.choices.iter().any(|x| x == &s) {
                    Some(Shown::Text(s.clone()))
                } else {
                    c.error(
                        &field,
                        format!(
                            "« {label} » : choisissez parmi {}.",
                            v.choices
                                .iter()
                                .map(|x| format!("« {x} »"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
            }
            Kind::YesNo => match yes(&s) {
                Some(b) => Some(Shown::Flag(b)),
                None => {
                    c.error(&field, format!("« {label} » : oui ou non."));
                    None
                }
            },
        };
        if let Some(x) = shown {
            out.insert(v.name.clone(), x);
        }
    }
    c.finish(|| Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse;
    use serde_json::json;

    const SRC: &str = "---\ntitle: T\ncategory: RH\nvariables:\n  - name: motif\n    type: choice\n    label: Motif\n    required: true\n    choices: [remplacement, accroissement]\n  - name: remplace\n    type: text\n    label: Salarié remplacé\n    required_if: motif == \"remplacement\"\n  - name: debut\n    type: date\n    label: Début\n  - name: salaire\n    type: money\n    label: Salaire\n  - name: heures\n    type: number\n    label: Heures\n  - name: essai\n    type: yesno\n    label: Période d’essai\n---\n{{ motif }}\n";

    fn check_json(v: serde_json::Value) -> Result<BTreeMap<String, Shown>, Vec<FieldError>> {
        let s = parse(SRC).unwrap();
        let map: BTreeMap<String, Value> = serde_json::from_value(v).unwrap();
        check(&s.variables, &map)
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn each_type_is_checked_and_shown_in_french() {
        let ok = check_json(json!({"motif": "accroissement", "debut": "2027-01-04", "salaire": "1850.00", "heures": "24,5", "essai": true})).unwrap();
        assert_eq!(ok["debut"], Shown::Text("04/01/2027".into()));
        assert_eq!(ok["salaire"], Shown::Text("1\u{202f}850,00\u{a0}€".into()));
        assert_eq!(ok["heures"], Shown::Text("24,5".into()));
        assert_eq!(ok["essai"], Shown::Flag(true));
        let bad = check_json(json!({"motif": "autre", "debut": "2027-02-30", "salaire": "-3", "heures": "beaucoup", "essai": "peut-être"})).unwrap_err();
        assert_eq!(
            fields(bad),
            [
                "values.motif",
                "values.debut",
                "values.salaire",
                "values.heures",
                "values.essai"
            ]
        );
    }

    #[test]
    fn required_and_required_if() {
        let e = check_json(json!({})).unwrap_err();
        assert_eq!(fields(e), ["values.motif"]);
        let e = check_json(json!({"motif": "remplacement"})).unwrap_err();
        assert_eq!(e[0].field, "values.remplace");
        assert!(
            e[0].message
                .contains("quand « Motif » vaut « remplacement »"),
            "{}",
            e[0].message
        );
        assert!(check_json(json!({"motif": "accroissement"})).is_ok());
        let e = check_json(json!({"motif": "accroissement", "inconnue": "x"})).unwrap_err();
        assert_eq!(fields(e), ["values.inconnue"]);
    }
}
