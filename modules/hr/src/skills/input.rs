//! Skills inputs as typed and their validation (French messages per field).
use super::*;

// Inputs and their validation

/// A skill of the catalogue, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SkillInput {
    pub name: String,
    pub category: String,
}

/// An employee's level in a skill, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LevelInput {
    pub skill_id: String,
    pub level: String,
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`.
    pub assessed_on: String,
}

/// A training record, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TrainingInput {
    pub title: String,
    pub provider: String,
    pub start_date: String,
    pub end_date: String,
    /// Hours, `14` or `10,5`.
    pub hours: String,
    pub certificate: String,
    pub certificate_expiry: String,
}

/// An interview held, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InterviewInput {
    /// `parcours` or `bilan`.
    pub kind: String,
    pub held_on: String,
    pub notes: String,
}

fn optional(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn too_long(raw: &str, max: usize) -> bool {
    raw.chars().count() > max
}

/// A validated training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTraining {
    pub title: String,
    pub provider: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub hours: Option<Decimal>,
    pub certificate: Option<String>,
    pub certificate_expiry: Option<NaiveDate>,
}

impl SkillInput {
    /// The name is required (100 characters at most), the category optional (60).
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<(String, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "Le nom de la compétence est obligatoire.",
            ));
        } else if too_long(&name, 100) {
            errors.push(FieldError::new(
                "name",
                "Le nom de la compétence fait 100 caractères au plus.",
            ));
        }
        let category = optional(&self.category);
        if category.as_deref().is_some_and(|c| too_long(c, 60)) {
            errors.push(FieldError::new(
                "category",
                "La catégorie fait 60 caractères au plus.",
            ));
        }
        if errors.is_empty() {
            Ok((name, category))
        } else {
            Err(errors)
        }
    }
}

impl LevelInput {
    /// A skill chosen, a level from 1 to 4, an assessment date not after today.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self, today: NaiveDate) -> Result<(Uuid, i32, NaiveDate), Vec<FieldError>> {
        let mut errors = Vec::new();
        let skill = Uuid::parse_str(self.skill_id.trim()).ok();
        if skill.is_none() {
            errors.push(FieldError::new(
                "skill_id",
                "Choisissez une compétence du catalogue.",
            ));
        }
        let level = self
            .level
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|l| (1..=4).contains(l));
        if level.is_none() {
            errors.push(FieldError::new(
                "level",
                "Choisissez un niveau de 1 (notions) à 4 (expert).",
            ));
        }
        let mut c = Check::at(today);
        let on = c.date(
            "assessed_on",
            "La date d’évaluation",
            &self.assessed_on,
            Dates::Event,
            "La date d’évaluation est obligatoire (JJ/MM/AAAA).",
        );
        if on.is_some_and(|d| d > today) {
            c.error(
                "assessed_on",
                "La date d’évaluation ne peut pas être dans le futur.",
            );
        }
        errors.extend(c.into_errors());
        match (skill, level, on) {
            (Some(s), Some(l), Some(d)) if errors.is_empty() => Ok((s, l, d)),
            _ => Err(errors),
        }
    }
}

impl TrainingInput {
    /// A title and a start date are required; the end is not before the start; hours
    /// are a positive number; an expiry needs the certificate's name and comes after
    /// the start.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self) -> Result<ValidTraining, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "L’intitulé de la formation est obligatoire.",
            ));
        } else if too_long(&title, 200) {
            errors.push(FieldError::new(
                "title",
                "L’intitulé fait 200 caractères au plus.",
            ));
        }
        let provider = optional(&self.provider);
        if provider.as_deref().is_some_and(|p| too_long(p, 200)) {
            errors.push(FieldError::new(
                "provider",
                "L’organisme fait 200 caractères au plus.",
            ));
        }
        let mut c = Check::new();
        let start = c.date(
            "start_date",
            "La date de début",
            &self.start_date,
            Dates::Event,
            "La date de début est obligatoire (JJ/MM/AAAA).",
        );
        let end = c.optional_date("end_date", "La date de fin", &self.end_date, Dates::Event);
        c.not_before(
            "end_date",
            end,
            start,
            "La date de fin ne peut précéder la date de début.",
        );
        errors.extend(c.into_errors());
        let mut c = Check::new();
        let hours = match optional(&self.hours) {
            None => None,
            Some(raw) => {
                let h =
                    parse_hours(&raw).filter(|h| *h > Decimal::ZERO && *h <= Decimal::from(10_000));
                if h.is_none() {
                    errors.push(FieldError::new(
                        "hours",
                        "La durée est un nombre d’heures positif (par exemple 14 ou 10,5).",
                    ));
                }
                h.map(|h| h.normalize())
            }
        };
        let certificate = optional(&self.certificate);
        if certificate.as_deref().is_some_and(|c| too_long(c, 120)) {
            errors.push(FieldError::new(
                "certificate",
                "Le nom du certificat fait 120 caractères au plus.",
            ));
        }
        let expiry = c.optional_date(
            "certificate_expiry",
            "L’échéance",
            &self.certificate_expiry,
            Dates::Expiry,
        );
        if let (Some(d), Some(s)) = (expiry, start)
            && d <= s
        {
            c.error(
                "certificate_expiry",
                "L’échéance du certificat vient après le début de la formation.",
            );
        }
        errors.extend(c.into_errors());
        if expiry.is_some() && certificate.is_none() {
            errors.push(FieldError::new(
                "certificate",
                "Indiquez le certificat ou l’habilitation dont c’est l’échéance.",
            ));
        }
        match start {
            Some(start_date) if errors.is_empty() => Ok(ValidTraining {
                title,
                provider,
                start_date,
                end_date: end,
                hours,
                certificate,
                certificate_expiry: expiry,
            }),
            _ => Err(errors),
        }
    }
}

impl InterviewInput {
    /// A kind, a date not after today nor before the employee's entry, notes of 4 000
    /// characters at most.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(
        &self,
        entry: NaiveDate,
        today: NaiveDate,
    ) -> Result<(InterviewKind, NaiveDate, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = InterviewKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "Choisissez le type d’entretien."));
        }
        let held = parse_date(&self.held_on);
        match held {
            None => errors.push(FieldError::new(
                "held_on",
                "La date de l’entretien est obligatoire (JJ/MM/AAAA).",
            )),
            Some(d) if d > today => errors.push(FieldError::new(
                "held_on",
                "Enregistrez l’entretien une fois qu’il a eu lieu : la date ne peut pas être dans le futur.",
            )),
            Some(d) if d < entry => errors.push(FieldError::new(
                "held_on",
                format!(
                    "L’entretien ne peut précéder l’entrée du salarié ({}).",
                    fr_date(entry)
                ),
            )),
            Some(_) => {}
        }
        let notes = optional(&self.notes);
        if notes.as_deref().is_some_and(|n| too_long(n, 4000)) {
            errors.push(FieldError::new(
                "notes",
                "Les notes font 4 000 caractères au plus.",
            ));
        }
        match (kind, held) {
            (Some(k), Some(d)) if errors.is_empty() => Ok((k, d, notes)),
            _ => Err(errors),
        }
    }
}
