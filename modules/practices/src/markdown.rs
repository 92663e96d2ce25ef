//! A sheet's Markdown rendered safely: raw HTML is dropped by the parser's events, then
//! the HTML is sanitised (ammonia: no script, no event handler, only http(s)/mailto
//! links, every link `rel="nofollow noopener"`).
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// The HTML of a sheet's body (the API's `body_html`).
#[must_use]
pub fn render(markdown: &str) -> String {
    render_with(markdown, false)
}

/// The HTML of a sheet's body on the platform's pages, which link to no outside site: a
/// link to another host is shown as its text followed by its address, not followed.
#[must_use]
pub fn render_page(markdown: &str) -> String {
    render_with(markdown, true)
}

fn outside(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("//") || u.contains(':')
}

fn render_with(markdown: &str, no_outside_links: bool) -> String {
    let mut pending: Vec<Option<CowStr<'_>>> = Vec::new();
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    // Raw HTML is dropped, never interpreted nor echoed.
    .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
    .filter_map(move |e| {
        if !no_outside_links {
            return Some(e);
        }
        match e {
            Event::Start(Tag::Link { dest_url, .. }) if outside(&dest_url) => {
                pending.push(Some(dest_url));
                None
            }
            Event::Start(Tag::Link { .. }) => {
                pending.push(None);
                Some(e)
            }
            Event::End(TagEnd::Link) => match pending.pop().flatten() {
                Some(url) => Some(Event::Text(format!(" ({url})").into())),
                None => Some(e),
            },
            e => Some(e),
        }
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    ammonia::Builder::default()
        .link_rel(Some("nofollow noopener"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&out)
        .to_string()
}

/// The plain text of a sheet's body (what the search indexes and snippets show).
#[must_use]
pub fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for e in Parser::new(markdown) {
        match e {
            Event::Text(t) | Event::Code(t) => {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_script_no_handler_and_links_are_nofollow() {
        let h = render(
            "Bonjour <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n\
             [site](https://example.org) [x](javascript:alert(1))\n\n**gras**",
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<img") && !h.contains("onerror"), "{h}");
        assert!(!h.to_lowercase().contains("javascript:"), "{h}");
        assert!(h.contains(r#"rel="nofollow noopener""#), "{h}");
        assert!(h.contains("<strong>gras</strong>"), "{h}");
    }

    #[test]
    fn pages_show_an_outside_link_as_text() {
        let h = render_page("[le site](https://example.org) et [ici](/m/a/practices)");
        assert!(!h.contains("href=\"https:"), "{h}");
        assert!(h.contains("le site (https://example.org)"), "{h}");
        assert!(h.contains(r#"href="/m/a/practices""#), "{h}");
    }
}
