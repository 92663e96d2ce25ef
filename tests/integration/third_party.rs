//! No page makes the browser call another host: every GET page route of the router is
//! rendered (as the cooperative's admin, as a member's director, and signed out) on the
//! demo data, and its HTML — and every stylesheet, script and image under
//! `assets/static` — is searched for an absolute URL in anything a browser loads or
//! follows: `src`, `href` (links included: the platform links to no outside site),
//! `srcset`, `action`, `poster`, `data`, `url(…)` and `@import` in styles, a refresh, a
//! URL in an inline script.
use axum::http::Method;
use loco_rs::app::Hooks;
use mutualis::app::App;
use mutualis_core::testkit::TestKit;

use crate::{
    common::*,
    isolation::{alpha_data, fill},
};

/// A URL a browser would request from another host: `https://…`, `http://…`, `//host…`
/// (any other scheme — `data:`, `mailto:`, `#`, relative paths — stays here).
fn absolute(url: &str) -> bool {
    let u = url.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    u.starts_with("//")
        || u.starts_with("http:")
        || u.starts_with("https:")
        || u.starts_with("ftp:")
}

/// The URLs of `url(…)` and `@import` in a piece of CSS.
fn css_urls(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = css.to_ascii_lowercase();
    for (i, _) in lower.match_indices("url(") {
        let rest = &css[i + 4..];
        out.push(rest.split(')').next().unwrap_or_default().to_string());
    }
    for (i, _) in lower.match_indices("@import") {
        let rest = css[i + 7..].trim_start();
        let rest = rest.strip_prefix("url(").unwrap_or(rest);
        out.push(
            rest.split([';', ')', ' '])
                .next()
                .unwrap_or_default()
                .to_string(),
        );
    }
    out
}

/// Every absolute URL a browser would load or follow from this HTML.
pub(crate) fn external_urls(html: &str) -> Vec<String> {
    const URL_ATTRS: [&str; 9] = [
        "src",
        "href",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "xlink:href",
        "manifest",
    ];
    let doc = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    let mut found = Vec::new();
    for e in doc.select(&all) {
        let el = e.value();
        for (name, value) in el.attrs() {
            let name = name.to_ascii_lowercase();
            let mut urls: Vec<String> = Vec::new();
            if URL_ATTRS.contains(&name.as_str()) {
                urls.push(value.to_string());
            } else if name == "srcset" || name == "imagesrcset" {
                urls.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                );
            } else if name == "style" {
                urls.extend(css_urls(value));
            } else if name == "content"
                && el
                    .attr("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            {
                urls.extend(
                    value
                        .to_ascii_lowercase()
                        .split_once("url=")
                        .map(|(_, u)| u.to_string()),
                );
            }
            found.extend(
                urls.into_iter()
                    .filter(|u| absolute(u))
                    .map(|u| format!("<{} {name}=\"{u}\">", el.name())),
            );
        }
        match el.name() {
            "style" => found.extend(
                css_urls(&e.text().collect::<String>())
                    .into_iter()
                    .filter(|u| absolute(u))
                    .map(|u| format!("<style> {u}")),
            ),
            "script" => {
                let text: String = e.text().collect();
                if ["http://", "https://", "\"//", "'//"]
                    .iter()
                    .any(|p| text.contains(p))
                {
                    found.push(format!(
                        "<script> {}",
                        text.chars().take(120).collect::<String>()
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

#[test]
fn the_scan_finds_each_kind_of_outside_request() {
    let page = r#"<!doctype html><html><head>
        <link rel="stylesheet" href="https://cdn.example/a.css">
        <script src="//cdn.example/b.js"></script>
        <style>@import "https://fonts.example/c.css"; body { background: url('http://x.example/d.png') }</style>
        <meta http-equiv="refresh" content="5; URL=https://elsewhere.example/">
        <script>fetch("https://api.example/track")</script>
        </head><body>
        <img src="/static/ok.png" srcset="/static/ok-2x.png 2x, https://img.example/e.png 3x">
        <div style="background-image: url(https://img.example/f.png)"></div>
        <iframe src="https://video.example/g"></iframe>
        <a href="https://docs.example/h">doc</a>
        <form action="https://forms.example/i"></form>
        <a href="/coop">ici</a><a href="mailto:x@y.example">écrire</a><img src="data:image/png;base64,AA==">
        <svg xmlns="http://www.w3.org/2000/svg"></svg>
        </body></html>"#;
    let found = external_urls(page);
    for needle in [
        "cdn.example/a.css",
        "cdn.example/b.js",
        "fonts.example/c.css",
        "x.example/d.png",
        "elsewhere.example",
        "api.example/track",
        "img.example/e.png",
        "img.example/f.png",
        "video.example/g",
        "docs.example/h",
        "forms.example/i",
    ] {
        assert!(
            found.iter().any(|f| f.contains(needle)),
            "{needle} not found in {found:#?}"
        );
    }
    assert_eq!(found.len(), 11, "{found:#?}");
}

#[test]
fn the_static_assets_call_no_other_host() {
    let mut failures = Vec::new();
    let mut files = 0;
    let mut dirs = vec![std::path::PathBuf::from("assets/static")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            let bad: Vec<String> = match ext {
                "css" => css_urls(&text)
                    .into_iter()
                    .filter(|u| absolute(u))
                    .collect(),
                "js" | "mjs" => ["http://", "https://", "\"//", "'//", "`//"]
                    .into_iter()
                    .filter(|p| text.contains(p))
                    .map(str::to_string)
                    .collect(),
                "html" | "htm" | "svg" => external_urls(&text),
                _ => Vec::new(),
            };
            if !bad.is_empty() {
                failures.push(format!("{}: {bad:?}", path.display()));
            }
        }
    }
    assert!(files >= 3, "only {files} static files read");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn no_page_calls_another_host() {
    run(|server, ctx| async move {
        let kit = TestKit::new(&ctx);
        let alpha = alpha_data(&server, &kit).await;
        // Made by `alpha_data`: the cooperative's admin and « Les Tilleuls »' director.
        let admin = web_of(&kit, "admin@coop.test").await;
        let dir = web_of(&kit, "dir@tilleuls.test").await;
        let routes: Vec<String> = App::routes(&ctx)
            .collect()
            .into_iter()
            .filter(|r| r.actions.contains(&Method::GET))
            .map(|r| r.uri)
            .filter(|u| !u.starts_with("/api/") || u == "/api/docs")
            .filter(|u| !u.starts_with("/static") && !u.starts_with("/_"))
            .collect();
        let mut failures = Vec::new();
        let mut pages = 0usize;
        for template in &routes {
            let path = fill(template, &alpha.slug, &alpha);
            let anonymous = server.get(&path).await;
            for (who, res) in [
                ("coop_admin", web_get(&server, &admin, &path).await),
                ("director", web_get(&server, &dir, &path).await),
                ("anonymous", anonymous),
            ] {
                let html = res
                    .maybe_header("content-type")
                    .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("text/html"));
                if !html {
                    continue;
                }
                pages += 1;
                let found = external_urls(&res.text());
                if !found.is_empty() {
                    failures.push(format!(
                        "GET {path} as {who} ({}): {found:?}",
                        res.status_code()
                    ));
                }
            }
        }
        eprintln!(
            "third parties: {} GET routes, {pages} HTML pages scanned",
            routes.len()
        );
        assert!(
            routes.len() > 40 && pages > 80,
            "{} routes, {pages} pages",
            routes.len()
        );
        assert!(failures.is_empty(), "{failures:#?}");
    })
    .await;
}
