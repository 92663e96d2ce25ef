//! Server-side sorting and paging of a page's table (UI.md: sortable columns, pages past
//! 50 rows): `?tri=<column>&ordre=desc&page=N` in the query string, read by
//! [`TableQuery::table`]; [`Table::apply`] sorts the rows « à la française » (accents and
//! case ignored, numbers by value, dates by date) and cuts the page; the template gets
//! the column headers as links (`ui.sort_th`) and the pager (`ui.pager`). Works without
//! JavaScript; an unknown column or page falls back to the default, never an error.
use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::web::error::encode_component;

/// Rows a page.
pub const PER_PAGE: usize = 50;

/// The query string of a sortable table.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TableQuery {
    /// The column's key.
    #[serde(default)]
    pub tri: String,
    /// `desc` for descending.
    #[serde(default)]
    pub ordre: String,
    /// From 1.
    #[serde(default)]
    pub page: String,
}

/// A sortable column: its key in the query string and its header.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
}

/// What a row is sorted by in one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    /// Compared « à la française »: accents and case ignored, digit runs by value.
    Text(String),
    Date(Option<NaiveDate>),
    Number(Decimal),
}

impl SortValue {
    fn cmp_fr(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => compare_fr(a, b),
            (Self::Date(a), Self::Date(b)) => a.cmp(b),
            (Self::Number(a), Self::Number(b)) => a.cmp(b),
            // One column gives one kind; a mix keeps its order.
            _ => Ordering::Equal,
        }
    }
}

/// A table's sort and page, read from the query string.
#[derive(Debug, Clone)]
pub struct Table {
    columns: &'static [Column],
    sort: usize,
    descending: bool,
    page: usize,
}

impl TableQuery {
    /// The sort and page asked for; `default` is the key of the column sorted by when
    /// none (or an unknown one) is named.
    #[must_use]
    pub fn table(&self, columns: &'static [Column], default: &str) -> Table {
        let find = |k: &str| columns.iter().position(|c| c.key == k);
        let sort = find(self.tri.trim()).or_else(|| find(default)).unwrap_or(0);
        Table {
            columns,
            sort,
            descending: self.ordre.trim() == "desc",
            page: self
                .page
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }
}

impl Table {
    /// The key of the column sorted by.
    #[must_use]
    pub fn sorted_by(&self) -> &'static str {
        self.columns.get(self.sort).map_or("", |c| c.key)
    }

    /// Sorts the rows by the column asked for (`value` gives a row's value in a column,
    /// by key; ties keep the rows' order) and keeps the page's. Gives the page's rows and
    /// the pager for the template (`base`: the page's path, `extra`: its other query
    /// parameters, already encoded, or "").
    pub fn apply<T>(
        &self,
        rows: Vec<T>,
        value: impl Fn(&T, &str) -> SortValue,
        base: &str,
        extra: &str,
    ) -> (Vec<T>, Value) {
        let key = self.sorted_by();
        let mut keyed: Vec<(SortValue, T)> =
            rows.into_iter().map(|r| (value(&r, key), r)).collect();
        keyed.sort_by(|a, b| {
            let o = a.0.cmp_fr(&b.0);
            if self.descending { o.reverse() } else { o }
        });
        let total = keyed.len();
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = self.page.min(pages);
        let rows = keyed
            .into_iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|(_, r)| r)
            .collect();
        let href = |p: usize| self.href(base, extra, self.sort, self.descending, p);
        let pager = json!({
            "page": page, "pages": pages, "total": total,
            "prev": if page > 1 { href(page - 1) } else { String::new() },
            "next": if page < pages { href(page + 1) } else { String::new() },
        });
        (rows, pager)
    }

    /// The column headers: `[{label, href, sort}]`, `sort` being `ascending`,
    /// `descending` or "" (`aria-sort`); a header's link sorts by its column, the other
    /// way when it is the one sorted by, from the first page.
    #[must_use]
    pub fn headers(&self, base: &str, extra: &str) -> Vec<Value> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let current = i == self.sort;
                let descending = current && !self.descending;
                let sort = match (current, self.descending) {
                    (false, _) => "",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                };
                json!({
                    "label": c.label,
                    "href": self.href(base, extra, i, descending, 1),
                    "sort": sort,
                })
            })
            .collect()
    }

    fn href(&self, base: &str, extra: &str, sort: usize, descending: bool, page: usize) -> String {
        let mut q = Vec::new();
        if !extra.is_empty() {
            q.push(extra.to_string());
        }
        if let Some(c) = self.columns.get(sort) {
            q.push(format!("tri={}", encode_component(c.key)));
        }
        if descending {
            q.push("ordre=desc".to_string());
        }
        if page > 1 {
            q.push(format!("page={page}"));
        }
        format!("{base}?{}", q.join("&"))
    }
}

/// Lower case without accents (the letters of French and its neighbours).
#[must_use]
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// Compares two texts as a French reader sorts them: accents and case ignored, runs of
/// digits by their value (`M2` before `M10`); equal folded texts by their raw form, so
/// the order is total.
#[must_use]
pub fn compare_fr(a: &str, b: &str) -> Ordering {
    let (fa, fb) = (fold(a), fold(b));
    let (mut x, mut y) = (fa.chars().peekable(), fb.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        s.push(c);
                    }
                    s
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const COLUMNS: &[Column] = &[
        Column {
            key: "nom",
            label: "Nom",
        },
        Column {
            key: "entree",
            label: "Entrée",
        },
    ];

    fn q(tri: &str, ordre: &str, page: &str) -> TableQuery {
        TableQuery {
            tri: tri.into(),
            ordre: ordre.into(),
            page: page.into(),
        }
    }

    #[test]
    fn french_order_ignores_accents_and_case_and_reads_numbers() {
        let mut names = vec!["Zoé", "émile", "Eric", "M10", "m2", "Élodie", "ÉMILE"];
        names.sort_by(|a, b| compare_fr(a, b));
        assert_eq!(
            names,
            ["Élodie", "ÉMILE", "émile", "Eric", "m2", "M10", "Zoé"]
        );
    }

    #[test]
    fn rows_are_sorted_then_cut_into_pages_with_their_links() {
        let rows: Vec<(String, NaiveDate)> = (0..120)
            .map(|i| {
                (
                    format!("Nom{i}"),
                    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(119 - i),
                )
            })
            .collect();
        let value = |r: &(String, NaiveDate), k: &str| match k {
            "entree" => SortValue::Date(Some(r.1)),
            _ => SortValue::Text(r.0.clone()),
        };
        let t = q("entree", "desc", "3").table(COLUMNS, "nom");
        let (page, pager) = t.apply(rows.clone(), value, "/m/a/hr", "");
        assert_eq!(page.len(), 20);
        assert_eq!(page[0].0, "Nom100", "newest entry first, third page");
        assert_eq!(pager["pages"], 3);
        assert_eq!(pager["prev"], "/m/a/hr?tri=entree&ordre=desc&page=2");
        assert_eq!(pager["next"], "");
        let h = t.headers("/m/a/hr", "");
        assert_eq!(h[1]["sort"], "descending");
        assert_eq!(
            h[1]["href"], "/m/a/hr?tri=entree",
            "the other way, first page"
        );
        assert_eq!(h[0]["href"], "/m/a/hr?tri=nom");
        // Unknown column, page past the end, garbage: the default, the last page.
        let t = q("<script>", "", "999").table(COLUMNS, "nom");
        let (page, pager) = t.apply(rows, value, "/m/a/hr", "x=1");
        assert_eq!(pager["page"], 3);
        assert_eq!(page.last().unwrap().0, "Nom119");
        assert_eq!(pager["prev"], "/m/a/hr?x=1&tri=nom&page=2");
    }

    proptest! {
        #[test]
        fn the_french_order_is_total_and_consistent(a in "\\PC{0,12}", b in "\\PC{0,12}", c in "\\PC{0,12}") {
            prop_assert_eq!(compare_fr(&a, &b), compare_fr(&b, &a).reverse());
            prop_assert_eq!(compare_fr(&a, &b) == Ordering::Equal, a == b);
            if compare_fr(&a, &b) != Ordering::Greater && compare_fr(&b, &c) != Ordering::Greater {
                prop_assert_ne!(compare_fr(&a, &c), Ordering::Greater);
            }
        }
    }
}
