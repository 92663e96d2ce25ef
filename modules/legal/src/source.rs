//! A template's source: a YAML front matter between `---` lines (title, category,
//! references, variables) and a Markdown body with Jinja-style `{{ variable }}` and
//! `{% if … %}` clauses, rendered by minijinja with strict undefined. Parsing refuses, with
//! the line and the reason, an invalid front matter and a body naming a variable the
//! front matter does not declare. No sea-orm, no axum: plain functions.
use std::collections::{BTreeMap, BTreeSet};

use minijinja::{Environment, UndefinedBehavior, Value};
use mutualis_core::error::FieldError;
use serde::Deserialize;

/// A variable's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    Money,
    Number,
    Choice,
    YesNo,
}

impl Kind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "text" => Self::Text,
            "date" => Self::Date,
            "money" => Self::Money,
            "number" => Self::Number,
            "choice" => Self::Choice,
            "yesno" => Self::YesNo,
            _ => return None,
        })
    }

    /// The code the API exchanges.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Date => "date",
            Self::Money => "money",
            Self::Number => "number",
            Self::Choice => "choice",
            Self::YesNo => "yesno",
        }
    }
}

/// `required_if`: `name == "value"`, `name != "value"`, or a yes/no variable's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Equals(String, String),
    Differs(String, String),
    Yes(String),
}

impl Condition {
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let quoted = |v: &str| {
            let v = v.trim();
            v.strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .map(str::to_string)
        };
        if let Some((n, v)) = s.split_once("==") {
            return Some(Self::Equals(n.trim().to_string(), quoted(v)?));
        }
        if let Some((n, v)) = s.split_once("!=") {
            return Some(Self::Differs(n.trim().to_string(), quoted(v)?));
        }
        is_name(s).then(|| Self::Yes(s.to_string()))
    }

    /// The variable it reads.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Equals(n, _) | Self::Differs(n, _) | Self::Yes(n) => n,
        }
    }

    /// In French, for a message (« quand motif vaut « remplacement » »).
    #[must_use]
    pub fn describe(&self, label: &str) -> String {
        match self {
            Self::Equals(_, v) => format!("quand « {label} » vaut « {v} »"),
            Self::Differs(_, v) => format!("quand « {label} » ne vaut pas « {v} »"),
            Self::Yes(_) => format!("quand « {label} » est oui"),
        }
    }
}

/// A declared variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub kind: Kind,
    pub label: String,
    pub required: bool,
    pub help: String,
    pub choices: Vec<String>,
    pub required_if: Option<Condition>,
}

/// A parsed source.
#[derive(Debug, Clone)]
pub struct Source {
    pub title: String,
    pub category: String,
    pub references: Vec<String>,
    pub variables: Vec<Variable>,
    pub body: String,
    /// The line of the source where the body starts (1-based).
    pub body_line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    title: String,
    category: String,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    variables: Vec<RawVariable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariable {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    label: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    help: String,
    #[serde(default)]
    choices: Vec<String>,
    #[serde(default)]
    required_if: Option<String>,
}

/// The member's profile every template may read (`membre.nom` …).
pub const MEMBER_FIELDS: [&str; 4] = ["nom", "siren", "adresse", "directeur"];
/// The employee's fields (`salarie.*`), when the member subscribes to HR and one is chosen.
pub const EMPLOYEE_FIELDS: [&str; 8] = [
    "nom",
    "prenom",
    "nom_complet",
    "matricule",
    "date_naissance",
    "nationalite",
    "date_entree",
    "emploi",
];
/// The contract's fields (`contrat.*`).
pub const CONTRACT_FIELDS: [&str; 8] = [
    "type",
    "debut",
    "fin",
    "motif",
    "heures_hebdomadaires",
    "emploi",
    "convention",
    "coefficient",
];

fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_lowercase() || f == '_')
        && c.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '_')
}

/// `word` in `line` as a whole name (not inside a longer one).
fn has_word(line: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

fn err(line: usize, reason: impl std::fmt::Display) -> Vec<FieldError> {
    vec![FieldError::new(
        "source",
        format!("Ligne {line} : {reason}"),
    )]
}

/// Parses and checks a source: front matter, variables, body (syntax and names).
///
/// # Errors
/// One error on the field `source`, « Ligne N : raison ».
pub fn parse(src: &str) -> Result<Source, Vec<FieldError>> {
    let src = src.replace("\r\n", "\n");
    let mut lines = src.split('\n');
    if lines.next().map(str::trim) != Some("---") {
        return Err(err(
            1,
            "la source doit commencer par un en-tête entre deux lignes « --- ».",
        ));
    }
    let mut front = Vec::new();
    let mut closed = None;
    for (i, l) in lines.enumerate() {
        if l.trim() == "---" {
            closed = Some(i + 2);
            break;
        }
        front.push(l);
    }
    let Some(close_line) = closed else {
        return Err(err(1, "l’en-tête n’est pas refermé par une ligne « --- »."));
    };
    let front_text = front.join("\n");
    let f: Front = serde_yaml_ng::from_str(&front_text).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line() + 1);
        let reason = e.to_string();
        let reason = reason
            .split(" at line")
            .next()
            .unwrap_or(&reason)
            .to_string();
        err(line, format!("en-tête invalide ({reason})."))
    })?;
    let line_of = |needle: &str| {
        front
            .iter()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 2)
    };
    if f.title.trim().is_empty() {
        return Err(err(line_of("title"), "le titre (title) est vide."));
    }
    let mut variables: Vec<Variable> = Vec::new();
    for v in f.variables {
        let at = line_of(&format!("name: {}", v.name));
        if !is_name(&v.name) {
            return Err(err(
                at,
                format!(
                    "« {} » n’est pas un nom de variable (minuscules, chiffres, _).",
                    v.name
                ),
            ));
        }
        if ["membre", "salarie", "contrat"].contains(&v.name.as_str()) {
            return Err(err(
                at,
                format!("« {} » est réservé aux données de l’adhérent.", v.name),
            ));
        }
        if variables.iter().any(|x| x.name == v.name) {
            return Err(err(
                at,
                format!("la variable « {} » est déclarée deux fois.", v.name),
            ));
        }
        let Some(kind) = Kind::parse(v.kind.trim()) else {
            return Err(err(
                at,
                format!(
                    "type « {} » inconnu pour « {} » (text, date, money, number, choice, yesno).",
                    v.kind, v.name
                ),
            ));
        };
        if kind == Kind::Choice && v.choices.is_empty() {
            return Err(err(
                at,
                format!("« {} » est un choix sans « choices ».", v.name),
            ));
        }
        let required_if = match v.required_if.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Condition::parse(raw).ok_or_else(|| {
                err(
                    at,
                    format!("required_if « {raw} » illisible (nom == \"valeur\")."),
                )
            })?),
        };
        variables.push(Variable {
            name: v.name,
            kind,
            label: v.label,
            required: v.required,
            help: v.help,
            choices: v.choices,
            required_if,
        });
    }
    for v in &variables {
        if let Some(c) = &v.required_if
            && !variables.iter().any(|x| x.name == c.name())
        {
            return Err(err(
                line_of(&format!("name: {}", v.name)),
                format!(
                    "required_if de « {} » lit « {} », non déclarée.",
                    v.name,
                    c.name()
                ),
            ));
        }
    }
    let body: String = src
        .split('\n')
        .skip(close_line)
        .collect::<Vec<_>>()
        .join("\n");
    let source = Source {
        title: f.title.trim().to_string(),
        category: f.category.trim().to_string(),
        references: f.references,
        variables,
        body,
        body_line: close_line + 1,
    };
    check_body(&source)?;
    Ok(source)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

/// The body compiles and names only declared variables (and the member's, employee's and
/// contract's fields).
fn check_body(s: &Source) -> Result<(), Vec<FieldError>> {
    let env = environment();
    let tmpl = env.template_from_str(&s.body).map_err(|e| {
        let line = s.body_line + e.line().unwrap_or(1).saturating_sub(1);
        let detail = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        err(line, format!("syntaxe du modèle : {detail}."))
    })?;
    let used: BTreeSet<String> = tmpl.undeclared_variables(true).into_iter().collect();
    for name in used {
        let (root, field) = name.split_once('.').unwrap_or((name.as_str(), ""));
        let ok = match root {
            "membre" => field.is_empty() || MEMBER_FIELDS.contains(&field),
            "salarie" => field.is_empty() || EMPLOYEE_FIELDS.contains(&field),
            "contrat" => field.is_empty() || CONTRACT_FIELDS.contains(&field),
            _ => s.variables.iter().any(|v| v.name == root),
        };
        if !ok {
            let line = s
                .body
                .split('\n')
                .position(|l| has_word(l, root))
                .map_or(s.body_line, |i| s.body_line + i);
            return Err(err(
                line,
                format!("« {name} » n’est pas une variable déclarée dans l’en-tête."),
            ));
        }
    }
    Ok(())
}

/// What a body is rendered with: each declared variable's shown value (a yes/no as a
/// boolean), and the member's, employee's and contract's fields.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Context {
    pub values: BTreeMap<String, Shown>,
    pub membre: BTreeMap<String, String>,
    pub salarie: BTreeMap<String, String>,
    pub contrat: BTreeMap<String, String>,
}

/// A value as the document shows it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Shown {
    Text(String),
    Flag(bool),
}

fn map_value(m: &BTreeMap<String, String>) -> Value {
    Value::from(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect::<BTreeMap<String, Value>>(),
    )
}

/// Renders the body to Markdown. Values are data: whatever they hold is printed as
/// those characters, never evaluated.
///
/// # Errors
/// The engine's message (a body that parsed always renders with a complete context).
pub fn render(s: &Source, ctx: &Context) -> Result<String, String> {
    let env = environment();
    let mut root: BTreeMap<String, Value> = BTreeMap::new();
    for v in &s.variables {
        let value = match ctx.values.get(&v.name) {
            Some(Shown::Flag(b)) => Value::from(*b),
            Some(Shown::Text(t)) => Value::from(t.clone()),
            None if v.kind == Kind::YesNo => Value::from(false),
            None => Value::from(""),
        };
        root.insert(v.name.clone(), value);
    }
    let mut membre = ctx.membre.clone();
    for f in MEMBER_FIELDS {
        membre.entry(f.to_string()).or_default();
    }
    root.insert("membre".into(), map_value(&membre));
    let mut salarie = ctx.salarie.clone();
    for f in EMPLOYEE_FIELDS {
        salarie.entry(f.to_string()).or_default();
    }
    root.insert("salarie".into(), map_value(&salarie));
    let mut contrat = ctx.contrat.clone();
    for f in CONTRACT_FIELDS {
        contrat.entry(f.to_string()).or_default();
    }
    root.insert("contrat".into(), map_value(&contrat));
    env.render_str(&s.body, Value::from(root))
        .map_err(|e| e.to_string())
}

/// One clause of a body: a heading's section (the text before the first heading is the
/// preamble).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub title: String,
    pub text: String,
}

/// The body's clauses, in order.
#[must_use]
pub fn clauses(body: &str) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::new();
    let mut current = Clause {
        title: "Préambule".to_string(),
        text: String::new(),
    };
    for line in body.split('\n') {
        if line.starts_with('#') {
            if !current.text.trim().is_empty() || current.title != "Préambule" {
                out.push(current);
            }
            current = Clause {
                title: line.trim_start_matches('#').trim().to_string(),
                text: String::new(),
            };
        } else {
            current.text.push_str(line);
            current.text.push('\n');
        }
    }
    if !current.text.trim().is_empty() || current.title != "Préambule" {
        out.push(current);
    }
    for c in &mut out {
        c.text = c.text.trim().to_string();
    }
    out
}

/// One clause's change between two versions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = LegalClauseChange)]
pub struct ClauseChange {
    pub clause: String,
    /// `added`, `removed` or `changed`.
    pub kind: String,
    #[schema(required = true)]
    pub before: Option<String>,
    #[schema(required = true)]
    pub after: Option<String>,
}

/// The clauses added, removed and changed from `before` to `after`, in the order of
/// `after` (the removed ones last).
#[must_use]
pub fn diff(before: &str, after: &str) -> Vec<ClauseChange> {
    let (b, a) = (clauses(before), clauses(after));
    let mut out = Vec::new();
    for c in &a {
        match b.iter().find(|x| x.title == c.title) {
            None => out.push(ClauseChange {
                clause: c.title.clone(),
                kind: "added".into(),
                before: None,
                after: Some(c.text.clone()),
            }),
            Some(old) if old.text != c.text => out.push(ClauseChange {
                clause: c.title.clone(),
                kind: "changed".into(),
                before: Some(old.text.clone()),
                after: Some(c.text.clone()),
            }),
            Some(_) => {}
        }
    }
    for c in &b {
        if !a.iter().any(|x| x.title == c.title) {
            out.push(ClauseChange {
                clause: c.title.clone(),
                kind: "removed".into(),
                before: Some(c.text.clone()),
                after: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
