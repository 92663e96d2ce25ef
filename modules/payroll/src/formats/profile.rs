//! An export profile: how one provider wants the file, as data (JSON, storable in a
//! table). The built-in ones are JSON constants read by the same code as a stored one.
use serde::{Deserialize, Serialize};

/// A column's content, from a fixed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The member's identifier at the provider (its company code, or its SIREN).
    Societe,
    /// The employee's establishment (NIC).
    EtabNic,
    Matricule,
    /// The reference of the contract the line falls under.
    Contrat,
    /// The month the line concerns (`AAAA-MM`): an amendment line shows the earlier month.
    Periode,
    /// The member's code at the provider where mapped, else the catalogue's.
    Code,
    Libelle,
    DateDebut,
    DateFin,
    /// `jours`, `heures`, `euros`, `nombre`, `km`.
    Unite,
    Quantite,
    Taux,
    Montant,
    /// A sick leave's first stop (the profile's yes) or extension (its no).
    PremierArret,
    Ref,
    /// An absence's code (mapped), on absence rows only.
    VaAbsCode,
    VaAbsDeb,
    VaAbsFin,
    /// Days counted on a 22-day month basis: Monday–Friday, public holidays excepted.
    VaAbsNb22,
    /// Days counted on a 26-day month basis: Monday–Saturday, public holidays excepted.
    VaAbsNb26,
    /// Calendar days.
    VaAbsNb30,
    /// Hours: the contract's weekly hours / 5 on each day counted in `va_abs_nb22`.
    VaAbsNbh,
}

impl Field {
    /// The field's name in JSON, and its header unless the profile renames it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Societe => "societe",
            Self::EtabNic => "etab_nic",
            Self::Matricule => "matricule",
            Self::Contrat => "contrat",
            Self::Periode => "periode",
            Self::Code => "code",
            Self::Libelle => "libelle",
            Self::DateDebut => "date_debut",
            Self::DateFin => "date_fin",
            Self::Unite => "unite",
            Self::Quantite => "quantite",
            Self::Taux => "taux",
            Self::Montant => "montant",
            Self::PremierArret => "premier_arret",
            Self::Ref => "ref",
            Self::VaAbsCode => "va_abs_code",
            Self::VaAbsDeb => "va_abs_deb",
            Self::VaAbsFin => "va_abs_fin",
            Self::VaAbsNb22 => "va_abs_nb22",
            Self::VaAbsNb26 => "va_abs_nb26",
            Self::VaAbsNb30 => "va_abs_nb30",
            Self::VaAbsNbh => "va_abs_nbh",
        }
    }
}

/// A column of the file: its content and, optionally, its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub field: Field,
    /// The header; the field's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

impl ColumnSpec {
    #[must_use]
    pub fn header(&self) -> &str {
        self.header.as_deref().unwrap_or(self.field.name())
    }
}

/// The decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    Comma,
    Point,
}

/// How lines end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEnding {
    Lf,
    Crlf,
}

impl LineEnding {
    #[must_use]
    pub const fn text(self) -> &'static str {
        match self {
            Self::Lf => "\n",
            Self::Crlf => "\r\n",
        }
    }
}

/// How a value holding the separator, a quote or a line break is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quoting {
    /// Between double quotes, quotes doubled (RFC 4180).
    Rfc4180,
    /// Never quoted: the separator and line breaks inside a value become spaces.
    None,
}

/// How dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateFormat {
    #[serde(rename = "dd/mm/yyyy")]
    DayMonthYear,
    #[serde(rename = "yyyy-mm-dd")]
    Iso,
    #[serde(rename = "ddmmyyyy")]
    Compact,
}

impl DateFormat {
    #[must_use]
    pub const fn pattern(self) -> &'static str {
        match self {
            Self::DayMonthYear => "%d/%m/%Y",
            Self::Iso => "%Y-%m-%d",
            Self::Compact => "%d%m%Y",
        }
    }
}

/// A provider's file layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportProfile {
    /// `generic`, `123paie`, or a stored profile's code.
    pub code: String,
    /// Shown to the payroll officer.
    pub label: String,
    /// The file name's extension (`csv`, `txt`).
    pub extension: String,
    pub separator: char,
    pub decimal: DecimalMark,
    pub line_ending: LineEnding,
    /// Letters with accents written without them (é → e, œ → oe), anything else outside
    /// ASCII as `?`.
    pub ascii: bool,
    /// A UTF-8 byte order mark first.
    pub bom: bool,
    /// A header line first.
    pub header: bool,
    pub quoting: Quoting,
    pub date_format: DateFormat,
    /// `premier_arret` for a first stop, and for an extension.
    pub yes: String,
    pub no: String,
    /// An absence as one row per day, described by the `va_abs_*` fields.
    pub absences_per_day: bool,
    pub columns: Vec<ColumnSpec>,
}

/// The generic layout of DOMAIN.md: CSV `;`, decimal comma, UTF-8 without BOM, LF.
pub const GENERIC_JSON: &str = r#"{
  "code": "generic",
  "label": "Format générique (CSV)",
  "extension": "csv",
  "separator": ";",
  "decimal": "comma",
  "line_ending": "lf",
  "ascii": false,
  "bom": false,
  "header": true,
  "quoting": "rfc4180",
  "date_format": "dd/mm/yyyy",
  "yes": "oui",
  "no": "non",
  "absences_per_day": false,
  "columns": [
    {"field": "societe"}, {"field": "etab_nic"}, {"field": "matricule"},
    {"field": "contrat"}, {"field": "periode"}, {"field": "code"},
    {"field": "libelle"}, {"field": "date_debut"}, {"field": "date_fin"},
    {"field": "unite"}, {"field": "quantite"}, {"field": "taux"},
    {"field": "montant"}, {"field": "premier_arret"}, {"field": "ref"}
  ]
}"#;

/// 123Paie: tab-separated, CRLF, ASCII; an absence one row per day (`va_abs_*`), every
/// other element a row of its own with its code, quantity, rate and amount.
pub const PAIE123_JSON: &str = r#"{
  "code": "123paie",
  "label": "123Paie (texte tabulé)",
  "extension": "txt",
  "separator": "\t",
  "decimal": "comma",
  "line_ending": "crlf",
  "ascii": true,
  "bom": false,
  "header": true,
  "quoting": "none",
  "date_format": "dd/mm/yyyy",
  "yes": "O",
  "no": "N",
  "absences_per_day": true,
  "columns": [
    {"field": "matricule"}, {"field": "periode"},
    {"field": "code", "header": "va_code"},
    {"field": "libelle", "header": "va_libelle"},
    {"field": "date_debut", "header": "va_date"},
    {"field": "quantite", "header": "va_qte"},
    {"field": "taux", "header": "va_taux"},
    {"field": "montant", "header": "va_mnt"},
    {"field": "va_abs_code"}, {"field": "va_abs_deb"}, {"field": "va_abs_fin"},
    {"field": "va_abs_nb22"}, {"field": "va_abs_nb26"}, {"field": "va_abs_nb30"},
    {"field": "va_abs_nbh"},
    {"field": "premier_arret", "header": "va_abs_prem"},
    {"field": "ref", "header": "va_ref"}
  ]
}"#;

/// The columns of the generic layout, in order (the XLSX has them too).
pub const GENERIC_COLUMNS: [Field; 15] = [
    Field::Societe,
    Field::EtabNic,
    Field::Matricule,
    Field::Contrat,
    Field::Periode,
    Field::Code,
    Field::Libelle,
    Field::DateDebut,
    Field::DateFin,
    Field::Unite,
    Field::Quantite,
    Field::Taux,
    Field::Montant,
    Field::PremierArret,
    Field::Ref,
];

impl ExportProfile {
    /// Reads and checks a profile written in JSON.
    ///
    /// # Errors
    /// A French message: unreadable JSON (with serde's position), or what is wrong.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let p: Self = serde_json::from_str(json).map_err(|e| {
            format!(
                "Profil d’export illisible (ligne {}, colonne {}) : {}",
                e.line(),
                e.column(),
                e
            )
        })?;
        p.validate()?;
        Ok(p)
    }

    /// A built-in profile: `generic` or `123paie`.
    #[must_use]
    pub fn builtin(code: &str) -> Option<Self> {
        let json = match code {
            "generic" => GENERIC_JSON,
            "123paie" => PAIE123_JSON,
            _ => return None,
        };
        Self::from_json(json).ok()
    }

    /// Checks that the profile can write a readable file.
    ///
    /// # Errors
    /// The French reasons, joined.
    pub fn validate(&self) -> Result<(), String> {
        let mut errors: Vec<String> = Vec::new();
        let sep = self.separator;
        if matches!(sep, '"' | '\r' | '\n') || sep.is_alphanumeric() {
            errors.push(format!(
                "séparateur « {} » impossible (ni lettre, ni chiffre, ni guillemet, ni saut de ligne).",
                sep.escape_default()
            ));
        }
        if sep == ',' && self.decimal == DecimalMark::Comma {
            errors.push("la virgule ne peut pas séparer les colonnes et les décimales.".into());
        }
        if sep == '.' && self.decimal == DecimalMark::Point {
            errors.push("le point ne peut pas séparer les colonnes et les décimales.".into());
        }
        if self.ascii && !sep.is_ascii() {
            errors.push("un fichier ASCII demande un séparateur ASCII.".into());
        }
        if self.columns.is_empty() {
            errors.push("au moins une colonne est attendue.".into());
        }
        for c in &self.columns {
            let h = c.header();
            if h.trim().is_empty() || h.contains(['\r', '\n', sep]) {
                errors.push(format!(
                    "en-tête de la colonne {} vide ou contenant le séparateur.",
                    c.field.name()
                ));
            }
        }
        for (name, v) in [("oui", &self.yes), ("non", &self.no)] {
            if v.contains(['\r', '\n', sep]) {
                errors.push(format!("valeur « {name} » contenant le séparateur."));
            }
        }
        if self.code.trim().is_empty() || self.extension.trim().is_empty() {
            errors.push("le code et l’extension du fichier sont obligatoires.".into());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Profil d’export « {} » : {}",
                self.code,
                errors.join(" ")
            ))
        }
    }
}
