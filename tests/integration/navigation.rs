//! Navigation shows only what the user may open: for each demo role, every internal
//! link of its home pages, of the navigation and of the pages the navigation opens is
//! followed; none answers 403 or 404 (or fails).
use std::collections::{BTreeSet, VecDeque};

use mutualis::app::MODULES;
use mutualis_core::testkit::TestKit;

use crate::common::*;

/// The demo accounts, one per role (README).
const DEMO: [(&str, &str); 7] = [
    ("ca@coop.example", "board"),
    ("admin@coop.example", "coop_admin"),
    ("it@coop.example", "it_support"),
    ("directeur@tilleuls.example", "director"),
    ("rh@tilleuls.example", "hr_officer"),
    ("salarie@tilleuls.example", "staff"),
    ("dpo@coop.example", "dpo"),
];

/// `/`: depth 0; its cards (the home pages): 1; their links and navigation: 2; the
/// links of those pages: 3, followed but not read further.
const DEPTH: usize = 3;

/// The internal links of a page (`<a href>`), without their fragment.
pub(crate) fn links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let a = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&a)
        .filter_map(|e| e.value().attr("href"))
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .collect()
}

/// A link's kind: its path with ids replaced, and its query's parameter names (one
/// employee's page stands for the thirty).
fn shape(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let path: Vec<String> = path
        .split('/')
        .map(|seg| {
            let id = seg.len() >= 8 && seg.chars().filter(char::is_ascii_hexdigit).count() >= 8
                || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()));
            if id {
                "{id}".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|p| p.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort_unstable();
    format!("{}?{}", path.join("/"), keys.join("&"))
}

#[tokio::test]
async fn every_link_a_demo_role_is_shown_opens() {
    run(|server, ctx| async move {
        mutualis_core::kit::seed(&ctx, MODULES).await.unwrap();
        let kit = TestKit::new(&ctx);
        let mut failures = Vec::new();
        let mut followed = 0usize;
        for (email, role) in DEMO {
            let u = mutualis_core::auth::find_user_by_email(&ctx.db, email)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("the demo has no {email}"));
            let s = kit.web(&u).await;
            let mut seen = BTreeSet::new();
            let mut queue = VecDeque::from([("/".to_string(), 0usize, "/".to_string())]);
            while let Some((link, depth, from)) = queue.pop_front() {
                if !seen.insert(shape(&link)) {
                    continue;
                }
                let res = web_get(&server, &s, &link).await;
                followed += 1;
                let status = res.status_code().as_u16();
                if status >= 400 {
                    failures.push(format!(
                        "{role}: {link} (linked from {from}) answers {status}"
                    ));
                    continue;
                }
                if (300..400).contains(&status) {
                    let to = res
                        .headers()
                        .get("location")
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .to_string();
                    if to.starts_with("/login") {
                        failures.push(format!("{role}: {link} (from {from}) sends to {to}"));
                    } else {
                        queue.push_back((to, depth, link.clone()));
                    }
                    continue;
                }
                let html = res
                    .maybe_header("content-type")
                    .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("text/html"));
                if html && depth < DEPTH {
                    for l in links(&res.text()) {
                        queue.push_back((l, depth + 1, link.clone()));
                    }
                }
            }
            assert!(seen.len() > 3, "{role}: only {seen:?}");
        }
        eprintln!(
            "navigation: {followed} links followed for {} roles",
            DEMO.len()
        );
        assert!(
            failures.is_empty(),
            "{} links refused:\n{}",
            failures.len(),
            failures.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn the_boards_home_links_only_what_it_may_open() {
    run(|server, ctx| async move {
        mutualis_core::kit::seed(&ctx, MODULES).await.unwrap();
        let kit = TestKit::new(&ctx);
        let board = mutualis_core::auth::find_user_by_email(&ctx.db, "ca@coop.example")
            .await
            .unwrap()
            .unwrap();
        let s = kit.web(&board).await;
        let dashboard = web_get(&server, &s, "/coop").await.text();
        let meters = web_get(&server, &s, "/coop/meters").await.text();
        for (page, html) in [("/coop", &dashboard), ("/coop/meters", &meters)] {
            let l = links(html);
            assert!(
                !l.iter().any(|h| h == "/coop/users"),
                "{page} links /coop/users"
            );
            assert!(
                !l.iter().any(|h| h == "/coop/api-keys"),
                "{page} links the API keys"
            );
        }
        // The cards are still there, as text.
        assert!(dashboard.contains("Utilisateurs et rôles"));
        assert!(links(&dashboard).iter().any(|h| h == "/coop/meters"));
        let admin = mutualis_core::auth::find_user_by_email(&ctx.db, "admin@coop.example")
            .await
            .unwrap()
            .unwrap();
        let a = kit.web(&admin).await;
        assert!(
            links(&web_get(&server, &a, "/coop").await.text())
                .iter()
                .any(|h| h == "/coop/users")
        );
        assert!(
            links(&web_get(&server, &a, "/coop/meters").await.text())
                .iter()
                .any(|h| h == "/coop/api-keys")
        );
    })
    .await;
}
