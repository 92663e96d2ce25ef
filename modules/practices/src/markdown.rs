//! A sheet's Markdown rendered safely: raw HTML is dropped by the parser's events, then
//! the HTML is sanitised (ammonia: no script, no event handler, only http(s)/mailto
//! links, every link `rel="nofollow noopener"`).
use pulldown_cmark::{Event, Options, Parser, html};

/// The HTML of a sheet's body.
#[must_use]
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    // Raw HTML is dropped, never interpreted nor echoed.
    .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)));
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
}
