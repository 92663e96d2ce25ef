//! A processing activity as typed (the API's JSON, the page's form) and its validation
//! into the fields the register stores.
use super::*;

/// Retention of one category of data: active base, intermediate archive, final fate.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = GdprRetention)]
#[serde(default)]
pub struct Retention {
    /// A data category code (`health`) or a free label.
    pub category: String,
    /// How long in the active base (free text: « 5 ans après la sortie »).
    pub active: String,
    /// How long in intermediate archive (free text).
    pub intermediate: String,
    /// `destroy`, `archive`, `anonymise` or `keep`.
    pub final_fate: String,
    /// The criterion that starts the clock (free text).
    pub criterion: String,
}

/// A processing activity as typed. Lists are codes (see the module's `codes`); free
/// text fields may be long.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprActivityInput)]
#[serde(default)]
pub struct ActivityInput {
    pub name: String,
    pub purposes: String,
    /// `controller`, `joint_controller` or `processor`.
    pub role: String,
    /// The controller and its contact.
    pub controller: String,
    /// The service in charge.
    pub service: String,
    /// Art. 6 legal bases (several).
    pub legal_bases: Vec<String>,
    /// Art. 9(2) condition for special data (`9.2.h`), or null.
    pub art9_condition: Option<String>,
    /// The legal basis of the NIR's use; empty when the NIR is not used.
    pub nir_basis: String,
    pub data_categories: Vec<String>,
    pub person_categories: Vec<String>,
    /// Estimated number of persons concerned (free text: « environ 120 »).
    pub persons_estimate: String,
    pub recipients: String,
    pub transfers: String,
    pub retention: Vec<Retention>,
    pub security_measures: String,
    pub software: String,
    pub hosting: String,
    /// The host is certified for health data (HDS).
    pub hds_host: bool,
    /// The EDPB criteria met (two or more: a DPIA is required).
    pub dpia_criteria: Vec<String>,
    /// `required` or `not_required` to override the criteria, with its reason.
    pub dpia_override: Option<String>,
    pub dpia_override_reason: String,
    /// FINESS of the establishment concerned.
    pub finess: String,
    /// Free notes beside the structured fields.
    pub notes: String,
}

/// The fields of an activity as the register stores them (JSON), the same for a
/// member's copy and a template: what a template update compares field by field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = GdprActivityFields)]
#[serde(default)]
pub struct ActivityFields {
    pub name: String,
    pub purposes: String,
    pub role: String,
    pub controller: String,
    pub service: String,
    pub legal_bases: Vec<String>,
    pub art9_condition: Option<String>,
    pub nir_basis: String,
    pub data_categories: Vec<String>,
    pub person_categories: Vec<String>,
    pub persons_estimate: String,
    pub recipients: String,
    pub transfers: String,
    pub retention: Vec<Retention>,
    pub security_measures: String,
    pub software: String,
    pub hosting: String,
    pub hds_host: bool,
    pub dpia_criteria: Vec<String>,
    pub finess: String,
    pub notes: String,
}

impl ActivityFields {
    /// As a JSON object (field by field).
    #[must_use]
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// From a JSON object (unknown keys ignored, missing ones empty).
    #[must_use]
    pub fn from_map(m: &Map<String, Value>) -> Self {
        serde_json::from_value(Value::Object(m.clone())).unwrap_or_default()
    }

    /// From the stored JSON text.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The JSON text to store.
    #[must_use]
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// The fields as an input (to edit them again).
    #[must_use]
    pub fn to_input(&self) -> ActivityInput {
        ActivityInput {
            name: self.name.clone(),
            purposes: self.purposes.clone(),
            role: self.role.clone(),
            controller: self.controller.clone(),
            service: self.service.clone(),
            legal_bases: self.legal_bases.clone(),
            art9_condition: self.art9_condition.clone(),
            nir_basis: self.nir_basis.clone(),
            data_categories: self.data_categories.clone(),
            person_categories: self.person_categories.clone(),
            persons_estimate: self.persons_estimate.clone(),
            recipients: self.recipients.clone(),
            transfers: self.transfers.clone(),
            retention: self.retention.clone(),
            security_measures: self.security_measures.clone(),
            software: self.software.clone(),
            hosting: self.hosting.clone(),
            hds_host: self.hds_host,
            dpia_criteria: self.dpia_criteria.clone(),
            dpia_override: None,
            dpia_override_reason: String::new(),
            finess: self.finess.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// A validated activity: its fields and the DPIA decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidActivity {
    pub fields: ActivityFields,
    pub dpia_required: bool,
    /// `required` / `not_required` when the criteria are overridden.
    pub dpia_override: Option<String>,
    pub dpia_override_reason: Option<String>,
}

/// Checks each code of a list, naming the bad one by its index.
fn codes<const N: usize>(
    c: &mut Check,
    field: &str,
    what: &str,
    values: &[String],
    list: &[crate::codes::Code; N],
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let v = v.trim();
        if codes::known(list, v) {
            if !out.iter().any(|o: &String| o == v) {
                out.push(v.to_string());
            }
        } else {
            let shown: String = v.chars().take(40).collect();
            c.error(
                &format!("{field}[{i}]"),
                format!("{what} « {shown} » inconnu."),
            );
        }
    }
    out
}

impl ActivityInput {
    /// Checks every field: a name, known codes, bounded texts; an Art. 9(2) condition
    /// when health, biometric or offence data are processed; a reason for overriding the
    /// DPIA criteria.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<ValidActivity, Vec<FieldError>> {
        let mut c = Check::new();
        let name = c.text(
            "name",
            "Le nom",
            &self.name,
            Text::Title,
            "Le nom du traitement est obligatoire.",
        );
        let long = |c: &mut Check, field: &str, label: &str, raw: &str| {
            c.optional_text(field, label, raw, Text::Long)
                .unwrap_or_default()
        };
        let purposes = long(&mut c, "purposes", "Les finalités", &self.purposes);
        let role = self.role.trim();
        let role = if role.is_empty() {
            "controller".to_string()
        } else if codes::known(&codes::ROLES, role) {
            role.to_string()
        } else {
            c.error(
                "role",
                "Rôle inconnu : responsable de traitement, responsable conjoint ou sous-traitant.",
            );
            String::new()
        };
        let controller = c
            .optional_text(
                "controller",
                "Le responsable",
                &self.controller,
                Text::Short,
            )
            .unwrap_or_default();
        let service = c
            .optional_text("service", "Le service", &self.service, Text::Title)
            .unwrap_or_default();
        let legal_bases = codes(
            &mut c,
            "legal_bases",
            "Base légale",
            &self.legal_bases,
            &codes::LEGAL_BASES,
        );
        let art9_condition = match self.art9_condition.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) if codes::known(&codes::ART9_CONDITIONS, v) => Some(v.to_string()),
            Some(_) => {
                c.error(
                    "art9_condition",
                    "Condition de l’article 9.2 inconnue : de « 9.2.a » à « 9.2.j ».",
                );
                None
            }
        };
        let nir_basis = c
            .optional_text("nir_basis", "La base du NIR", &self.nir_basis, Text::Short)
            .unwrap_or_default();
        let data_categories = codes(
            &mut c,
            "data_categories",
            "Catégorie de données",
            &self.data_categories,
            &codes::DATA_CATEGORIES,
        );
        let person_categories = codes(
            &mut c,
            "person_categories",
            "Catégorie de personnes",
            &self.person_categories,
            &codes::PERSON_CATEGORIES,
        );
        let special = data_categories
            .iter()
            .any(|d| matches!(d.as_str(), "health" | "biometric" | "offences"));
        if special && art9_condition.is_none() && !c.has_error("art9_condition") {
            c.error(
                "art9_condition",
                "Des données sensibles (santé, biométrie, infractions) sont traitées : indiquez la condition de l’article 9.2 qui le permet.",
            );
        }
        if data_categories.iter().any(|d| d == "nir") && nir_basis.is_empty() {
            c.error(
                "nir_basis",
                "Le NIR est traité : indiquez le texte qui l’autorise (décret « cadre NIR », code de la sécurité sociale…).",
            );
        }
        let persons_estimate = c
            .optional_text(
                "persons_estimate",
                "Le nombre de personnes",
                &self.persons_estimate,
                Text::Title,
            )
            .unwrap_or_default();
        let recipients = long(&mut c, "recipients", "Les destinataires", &self.recipients);
        let transfers = long(&mut c, "transfers", "Les transferts", &self.transfers);
        let mut retention = Vec::new();
        for (i, r) in self.retention.iter().enumerate() {
            let f = |name: &str| format!("retention[{i}].{name}");
            let category = c.text(
                &f("category"),
                "La catégorie",
                &r.category,
                Text::Title,
                "Indiquez la catégorie de données de cette durée de conservation.",
            );
            let active = c
                .optional_text(&f("active"), "La base active", &r.active, Text::Short)
                .unwrap_or_default();
            let intermediate = c
                .optional_text(
                    &f("intermediate"),
                    "L’archivage intermédiaire",
                    &r.intermediate,
                    Text::Short,
                )
                .unwrap_or_default();
            let fate = r.final_fate.trim();
            let final_fate = if fate.is_empty() || codes::known(&codes::FINAL_FATES, fate) {
                fate.to_string()
            } else {
                c.error(
                    &f("final_fate"),
                    "Sort final inconnu : destruction, archivage définitif, anonymisation ou conservation.",
                );
                String::new()
            };
            let criterion = c
                .optional_text(&f("criterion"), "Le critère", &r.criterion, Text::Short)
                .unwrap_or_default();
            if !category.is_empty() {
                retention.push(Retention {
                    category,
                    active,
                    intermediate,
                    final_fate,
                    criterion,
                });
            }
        }
        let security_measures = long(
            &mut c,
            "security_measures",
            "Les mesures de sécurité",
            &self.security_measures,
        );
        let software = c
            .optional_text("software", "Le logiciel", &self.software, Text::Short)
            .unwrap_or_default();
        let hosting = c
            .optional_text("hosting", "L’hébergement", &self.hosting, Text::Short)
            .unwrap_or_default();
        let dpia_criteria = codes(
            &mut c,
            "dpia_criteria",
            "Critère",
            &self.dpia_criteria,
            &codes::DPIA_CRITERIA,
        );
        let dpia_override = match self.dpia_override.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v @ ("required" | "not_required")) => Some(v.to_string()),
            Some(_) => {
                c.error(
                    "dpia_override",
                    "Choisissez « AIPD requise » ou « AIPD non requise ».",
                );
                None
            }
        };
        let dpia_override_reason = c.optional_text(
            "dpia_override_reason",
            "Le motif",
            &self.dpia_override_reason,
            Text::Note,
        );
        if dpia_override.is_some() && dpia_override_reason.is_none() {
            c.error(
                "dpia_override_reason",
                "Écarter les critères du CEPD demande un motif (il figure au registre).",
            );
        }
        let finess = self.finess.trim();
        let finess = if finess.is_empty()
            || (finess.len() == 9 && finess.chars().all(|ch| ch.is_ascii_alphanumeric()))
        {
            finess.to_uppercase()
        } else {
            c.error(
                "finess",
                "Le numéro FINESS comporte 9 caractères (chiffres, ou 2A/2B pour la Corse).",
            );
            String::new()
        };
        let notes = long(&mut c, "notes", "Les notes", &self.notes);
        let by_criteria = rules::dpia_required_by_criteria(&dpia_criteria);
        let dpia_required = match dpia_override.as_deref() {
            Some("required") => true,
            Some(_) => false,
            None => by_criteria,
        };
        c.finish(|| {
            Some(ValidActivity {
                fields: ActivityFields {
                    name,
                    purposes,
                    role,
                    controller,
                    service,
                    legal_bases,
                    art9_condition,
                    nir_basis,
                    data_categories,
                    person_categories,
                    persons_estimate,
                    recipients,
                    transfers,
                    retention,
                    security_measures,
                    software,
                    hosting,
                    hds_host: self.hds_host,
                    dpia_criteria,
                    finess,
                    notes,
                },
                dpia_required,
                dpia_override,
                dpia_override_reason,
            })
        })
    }
}

/// What an activity still misses before it can be marked complete (French, per field).
#[must_use]
pub fn missing_for_completion(f: &ActivityFields) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut need = |cond: bool, field: &str, msg: &str| {
        if cond {
            out.push(FieldError::new(field, msg));
        }
    };
    need(
        f.purposes.is_empty(),
        "purposes",
        "Indiquez les finalités du traitement.",
    );
    need(
        f.legal_bases.is_empty(),
        "legal_bases",
        "Indiquez au moins une base légale (article 6).",
    );
    need(
        f.data_categories.is_empty(),
        "data_categories",
        "Indiquez les catégories de données traitées.",
    );
    need(
        f.person_categories.is_empty(),
        "person_categories",
        "Indiquez les catégories de personnes concernées.",
    );
    need(
        f.retention.is_empty(),
        "retention",
        "Indiquez au moins une durée de conservation.",
    );
    out
}
