//! What the law keeps of a departing member's rows: each module declares its rules
//! (`ModuleDef::retention`), core declares the audit log's ([`CORE`]). Plain rules and
//! the SQL condition they become; no I/O.
use chrono::{Months, NaiveDate};

/// Which rows of a table stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every row, forever (the audit log: its hash chain must stay whole).
    Always,
    /// While the date in `column` is not older than `years` years (see [`cutoff`]); a
    /// row without a date stays when `when_empty` (an employee not yet gone).
    YearsAfter {
        column: &'static str,
        years: u32,
        when_empty: bool,
    },
    /// While the row it points at (`column` → `parent`.`id`, same member) stays.
    WithParent {
        column: &'static str,
        parent: &'static str,
    },
}

/// A column emptied on the rows kept: only what the law needs stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clear {
    /// Set to NULL.
    Null(&'static str),
    /// Set to the empty text (a NOT NULL text column).
    Empty(&'static str),
}

impl Clear {
    #[must_use]
    pub fn column(self) -> &'static str {
        match self {
            Self::Null(c) | Self::Empty(c) => c,
        }
    }
}

/// One table's retention rule.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub table: &'static str,
    pub keep: Keep,
    /// Emptied on the kept rows.
    pub clear: &'static [Clear],
    /// Why, in French, with the legal reference (shown in the dry run and the docs).
    pub reason: &'static str,
}

impl Retention {
    #[must_use]
    pub const fn new(table: &'static str, keep: Keep, reason: &'static str) -> Self {
        Self {
            table,
            keep,
            clear: &[],
            reason,
        }
    }

    #[must_use]
    pub const fn clearing(mut self, clear: &'static [Clear]) -> Self {
        self.clear = clear;
        self
    }
}

/// Core's own rules.
pub const CORE: &[Retention] = &[Retention::new(
    "audit_log",
    Keep::Always,
    "Journal d’audit : conservé en entier, chaque ligne est chaînée à la précédente par son empreinte (preuve des actions, y compris de cet effacement).",
)];

/// The reason given for rows that stay only because a kept row, or another member's
/// row, points at them (deleting them would change another member's data).
pub const REFERENCED: &str = "Référencée par une ligne conservée ou par une ligne d’un autre adhérent (l’établissement d’un salarié inscrit au registre, une bonne adresse qu’un autre adhérent a évaluée).";

/// The oldest date still kept on `today` by a rule of `years` years: a date on or
/// after it stays. `today` minus `years` years (29 February → 28 February).
#[must_use]
pub fn cutoff(today: NaiveDate, years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether a row dated `date` stays on `today` under a rule of `years` years.
#[must_use]
pub fn kept(date: Option<NaiveDate>, years: u32, when_empty: bool, today: NaiveDate) -> bool {
    date.map_or(when_empty, |d| d >= cutoff(today, years))
}

/// The rule of `table` among `rules`.
#[must_use]
pub fn rule_of<'r>(rules: &'r [Retention], table: &str) -> Option<&'r Retention> {
    rules.iter().find(|r| r.table == table)
}

/// A double-quoted SQL identifier (catalog names are plain; a quote is refused).
#[must_use]
pub fn ident(name: &str) -> Option<String> {
    (!name.is_empty() && !name.contains('"')).then(|| format!("\"{name}\""))
}

/// The SQL condition (with `?` placeholders and their values) true for the rows of
/// `table`, named `alias` in the query, that its rule keeps. `None` when the table has
/// no rule (nothing is kept for the rule's sake) or a name cannot be quoted.
#[must_use]
pub fn keep_sql(
    rules: &[Retention],
    table: &str,
    alias: &str,
    today: NaiveDate,
    depth: u8,
) -> Option<(String, Vec<NaiveDate>)> {
    let rule = rule_of(rules, table)?;
    match rule.keep {
        Keep::Always => Some(("1 = 1".to_string(), vec![])),
        Keep::YearsAfter {
            column,
            years,
            when_empty,
        } => {
            let c = format!("{alias}.{}", ident(column)?);
            let cond = if when_empty {
                format!("({c} IS NULL OR {c} >= ?)")
            } else {
                format!("({c} IS NOT NULL AND {c} >= ?)")
            };
            Some((cond, vec![cutoff(today, years)]))
        }
        Keep::WithParent { column, parent } => {
            if depth > 4 {
                return None;
            }
            let p = format!("p{depth}");
            let (inner, values) = keep_sql(rules, parent, &p, today, depth + 1)?;
            Some((
                format!(
                    "EXISTS (SELECT 1 FROM {} {p} WHERE {p}.\"member_id\" = {alias}.\"member_id\" AND {p}.\"id\" = {alias}.{} AND {inner})",
                    ident(parent)?,
                    ident(column)?
                ),
                values,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ten_and_five_years_boundaries() {
        let today = d("2026-12-07");
        // Invoices: 10 years from their date.
        assert!(kept(Some(d("2016-12-07")), 10, false, today));
        assert!(!kept(Some(d("2016-12-06")), 10, false, today));
        assert!(kept(Some(d("2026-01-01")), 10, false, today));
        // A draft (no issue date) goes.
        assert!(!kept(None, 10, false, today));
        // The personnel register: 5 years after the exit.
        assert!(kept(Some(d("2021-12-07")), 5, true, today));
        assert!(!kept(Some(d("2021-12-06")), 5, true, today));
        // Still employed: stays.
        assert!(kept(None, 5, true, today));
        // 29 February: the cutoff falls on the 28th.
        assert_eq!(cutoff(d("2026-02-28"), 10), d("2016-02-28"));
        assert!(kept(Some(d("2016-02-29")), 10, false, d("2026-02-28")));
        assert!(!kept(Some(d("2016-02-29")), 10, false, d("2026-03-01")));
        assert_eq!(cutoff(d("2028-02-29"), 5), d("2023-02-28"));
    }

    const RULES: &[Retention] = &[
        Retention::new(
            "x_invoices",
            Keep::YearsAfter {
                column: "issued_on",
                years: 10,
                when_empty: false,
            },
            "r",
        ),
        Retention::new(
            "x_lines",
            Keep::WithParent {
                column: "invoice_id",
                parent: "x_invoices",
            },
            "r",
        ),
        Retention::new("x_log", Keep::Always, "r"),
    ];

    #[test]
    fn rules_become_sql() {
        let today = d("2026-12-07");
        let (sql, v) = keep_sql(RULES, "x_lines", "\"x_lines\"", today, 0).unwrap();
        assert_eq!(
            sql,
            "EXISTS (SELECT 1 FROM \"x_invoices\" p0 WHERE p0.\"member_id\" = \"x_lines\".\"member_id\" AND p0.\"id\" = \"x_lines\".\"invoice_id\" AND (p0.\"issued_on\" IS NOT NULL AND p0.\"issued_on\" >= ?))"
        );
        assert_eq!(v, vec![d("2016-12-07")]);
        assert_eq!(keep_sql(RULES, "x_log", "t", today, 0).unwrap().0, "1 = 1");
        assert!(keep_sql(RULES, "x_other", "t", today, 0).is_none());
        assert!(ident("a\"b").is_none());
    }
}
