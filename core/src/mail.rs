//! The e-mail builder every module uses: a plain-text body, and its HTML twin made
//! from it with every character of the text escaped (names, e-mail addresses and
//! member names come from users and must never become markup).
use loco_rs::mailer::Email;

/// Escapes text for HTML (element content and quoted attributes).
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The HTML of a plain-text body: paragraphs at blank lines, line breaks kept, all
/// text escaped.
#[must_use]
pub fn html_of(text: &str) -> String {
    text.trim_end()
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A message from `from` to `to`, with its text and the HTML made from it.
#[must_use]
pub fn email(from: &str, to: &str, subject: impl Into<String>, text: String) -> Email {
    Email {
        from: Some(from.to_string()),
        to: to.to_string(),
        reply_to: None,
        subject: subject.into(),
        html: html_of(&text),
        text,
        bcc: None,
        cc: None,
        headers: None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_name_never_becomes_markup() {
        let e = email(
            "a@b",
            "c@d",
            "Objet",
            "Bonjour <script>alert(1)</script> & \"Cie\",\n\nligne 1\nligne 2\n".to_string(),
        );
        assert_eq!(
            e.html,
            "<p>Bonjour &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cie&quot;,</p>\n<p>ligne 1<br>ligne 2</p>"
        );
        assert!(e.text.contains("<script>"), "the text part stays as typed");
    }

    proptest! {
        #[test]
        fn no_text_yields_a_tag_of_its_own(text in any::<String>()) {
            let html = html_of(&text);
            let stripped = html.replace("<p>", "").replace("</p>", "").replace("<br>", "");
            prop_assert!(!stripped.contains('<') && !stripped.contains('>'));
        }
    }
}
