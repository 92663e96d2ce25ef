//! The boost and the order it gives.
use super::*;

fn sheet(id: &str, body: &str, published: i64, useful: u64) -> IndexedSheet {
    IndexedSheet {
        id: id.into(),
        member: "m".into(),
        status: "published".into(),
        title: "Les bénévoles".into(),
        summary: String::new(),
        body: body.into(),
        themes: vec!["formation".into()],
        tags: vec![],
        establishment_types: vec!["EHPAD".into()],
        published,
        useful,
    }
}

#[test]
fn the_boost_is_small_and_favours_recent_and_useful_sheets() {
    assert!(boost(0.0, 0) > boost(30.0, 0));
    assert!(boost(30.0, 0) > boost(365.0, 0));
    assert!(boost(30.0, 10) > boost(30.0, 0));
    // Never more than +45 %, never less than nothing; no NaN on odd input.
    for (age, marks) in [(0.0, u64::MAX), (-5.0, 0), (1e9, 0), (f64::NAN, 3)] {
        let b = boost(age, marks);
        assert!(
            b.is_nan() || (1.0..=1.45).contains(&b),
            "{age} {marks}: {b}"
        );
    }
}

#[test]
fn equal_matches_come_newest_and_most_useful_first_and_a_better_match_still_wins() {
    let index = SearchIndex::in_ram().unwrap();
    let now = chrono::Utc::now().timestamp();
    let year = 365 * 86_400;
    index
        .rebuild(&[
            sheet("old", "Un accueil en établissement.", now - 2 * year, 0),
            sheet("new", "Un accueil en établissement.", now - 86_400, 0),
            sheet("liked", "Un accueil en établissement.", now - 2 * year, 40),
            // The word in its title and its text: a better match, however old.
            sheet("best", "L’accueil des bénévoles.", now - 3 * year, 0),
        ])
        .unwrap();
    let reader = Reader {
        members: vec!["other".into()],
        moderator: false,
    };
    let ids = |q: &str| {
        let s = Search {
            q: q.into(),
            ..Search::default()
        };
        index
            .search(&reader, &s)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("bénévoles"), ["best", "new", "liked", "old"]);
    // No words: the newest first.
    assert_eq!(ids("")[0], "new");
}
