//! The zip pre-pass of xlsx and ods files, before any parser sees them: the central
//! directory's claims checked, every entry decompressed into a counting sink that stops
//! at the limit (declared sizes can lie), and the XML parts lexed for runs longer than
//! a parser should buffer.
use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::{Limits, MAX_TOKEN, SheetError};

/// More entries than any spreadsheet has (a 200-sheet workbook has ~450).
const MAX_ENTRIES: usize = 10_000;

/// The longest element whose content a parser gathers into one value: an xlsx cell
/// (`<c>`, its inline rich text included) or shared string (`<si>`).
pub(super) const MAX_SPAN: u64 = 2 * MAX_TOKEN as u64;

/// A part read whole into memory by calamine (workbook, styles, relationships) may not
/// be larger than this.
pub(super) const MAX_SMALL_PART: u64 = 4 * 1024 * 1024;

/// What the pre-pass asks of one part.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PartRule {
    /// Lex it as XML (runs, comments, no DOCTYPE).
    pub xml: bool,
    /// The element (local name) whose spans are bounded and counted.
    pub span: Option<&'static [u8]>,
    /// At most this many bytes decompressed.
    pub max_size: Option<u64>,
    /// Count the watched element's openings into [`Found::counted`].
    pub count: bool,
}

/// What the pre-pass found: how many watched elements were opened in the counted parts.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub counted: usize,
    /// What all the entries decompress to.
    pub total: u64,
}

/// Refuses a zip whose end-of-central-directory record claims more entries than any
/// spreadsheet has, or the zip64 form (the zip crate trusts the count to reserve
/// memory; no file under the upload limit needs zip64).
fn check_directory(bytes: &[u8]) -> Result<(), SheetError> {
    let from = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let tail = bytes.get(from..).unwrap_or_default();
    for i in (0..tail.len().saturating_sub(21)).rev() {
        if tail.get(i..i + 4) != Some(&[0x50, 0x4b, 0x05, 0x06]) {
            continue;
        }
        let u16_at = |o: usize| {
            tail.get(i + o..i + o + 2)
                .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
        };
        let offset = tail
            .get(i + 16..i + 20)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let count = usize::from(u16_at(8).max(u16_at(10)));
        if count > MAX_ENTRIES || offset == u32::MAX {
            return Err(SheetError::Entries {
                count: count as u64,
            });
        }
    }
    Ok(())
}

/// Opens the archive and walks it: `rule(name)` says what to check in each entry.
pub(super) fn prepass(
    bytes: &[u8],
    limits: &Limits,
    rule: impl Fn(&str) -> PartRule,
) -> Result<Found, SheetError> {
    check_directory(bytes)?;
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        tracing::info!(error = %e, "unreadable zip");
        SheetError::Unreadable
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(SheetError::Entries {
            count: zip.len() as u64,
        });
    }
    let mut total = 0u64;
    let mut found = Found::default();
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| {
            tracing::info!(error = %e, "unreadable zip entry");
            SheetError::Unreadable
        })?;
        let name = entry.name().replace('\\', "/");
        let r = rule(&name);
        let mut lexer = r.xml.then(|| Lexer::new(r.span));
        let mut size = 0u64;
        loop {
            let got = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    tracing::info!(error = %e, "unreadable zip entry");
                    return Err(SheetError::Unreadable);
                }
            };
            size += got as u64;
            total += got as u64;
            if total > limits.uncompressed {
                return Err(SheetError::Uncompressed {
                    limit: limits.uncompressed,
                });
            }
            if let Some(max) = r.max_size
                && size > max
            {
                return Err(SheetError::PartSize {
                    part: name,
                    limit: max,
                });
            }
            if let Some(l) = lexer.as_mut()
                && l.feed(&buf[..got]).is_err()
            {
                return Err(SheetError::Markup { part: name });
            }
        }
        found.total = total;
        if let Some(l) = lexer {
            if l.finish().is_err() {
                return Err(SheetError::Markup { part: name });
            }
            if r.count {
                found.counted += l.spans;
            }
        }
    }
    Ok(found)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    /// Just after `<`: the first bytes decide what follows.
    Open,
    /// Inside a tag; `quote` is the open quote, if any.
    Tag {
        quote: u8,
    },
    Comment,
    Cdata,
    Pi,
}

/// A byte lexer of XML, enough to bound what a parser would buffer: every text run,
/// tag, comment, CDATA section and processing instruction is at most [`MAX_TOKEN`]
/// bytes; a DOCTYPE is refused (no legitimate spreadsheet has one); the watched
/// element's spans are at most [`MAX_SPAN`] bytes.
struct Lexer {
    span: Option<&'static [u8]>,
    mode: Mode,
    pos: u64,
    /// Where the current token (text run, tag…) began.
    start: u64,
    /// The tag's first bytes (`/name`, `!--`…), at most 16.
    head: Vec<u8>,
    head_done: bool,
    /// The previous two bytes, to find `-->`, `]]>`, `?>` and `/>`.
    last: [u8; 2],
    span_start: Option<u64>,
    spans: usize,
}

struct Refused;

impl Lexer {
    fn new(span: Option<&'static [u8]>) -> Self {
        Self {
            span,
            mode: Mode::Text,
            pos: 0,
            start: 0,
            head: Vec::with_capacity(16),
            head_done: false,
            last: [0; 2],
            span_start: None,
            spans: 0,
        }
    }

    fn check(&self) -> Result<(), Refused> {
        if self.pos - self.start > MAX_TOKEN as u64 {
            return Err(Refused);
        }
        if let Some(s) = self.span_start
            && self.pos - s > MAX_SPAN
        {
            return Err(Refused);
        }
        Ok(())
    }

    fn local_name(&self) -> (bool, &[u8]) {
        let (closing, name) = match self.head.split_first() {
            Some((b'/', rest)) => (true, rest),
            _ => (false, &self.head[..]),
        };
        let local = name
            .iter()
            .rposition(|b| *b == b':')
            .map_or(name, |i| &name[i + 1..]);
        (closing, local)
    }

    /// A tag ended at `self.pos` (the `>` included); `empty` for `<x/>`.
    fn end_tag(&mut self, empty: bool) {
        let Some(span) = self.span else { return };
        let (closing, local) = self.local_name();
        if local != span {
            return;
        }
        if closing {
            self.span_start = None;
        } else {
            self.spans += 1;
            if !empty && self.span_start.is_none() {
                self.span_start = Some(self.start);
            }
        }
    }

    fn feed(&mut self, data: &[u8]) -> Result<(), Refused> {
        let mut i = 0;
        while i < data.len() {
            if self.mode == Mode::Text {
                if let Some(off) = data[i..].iter().position(|b| *b == b'<') {
                    self.pos += off as u64;
                    self.check()?;
                    i += off + 1;
                    self.start = self.pos;
                    self.pos += 1;
                    self.mode = Mode::Open;
                    self.head.clear();
                    self.head_done = false;
                    self.last = [0, b'<'];
                    continue;
                }
                self.pos += (data.len() - i) as u64;
                return self.check();
            }
            let b = data[i];
            i += 1;
            self.pos += 1;
            match self.mode {
                Mode::Text => {}
                Mode::Open => {
                    self.head.push(b);
                    match self.head.as_slice() {
                        [b'?', ..] => self.mode = Mode::Pi,
                        [b'!', b'-', b'-'] => self.mode = Mode::Comment,
                        b"![CDATA[" => self.mode = Mode::Cdata,
                        h if h.first() == Some(&b'!') => {
                            if !(b"!--".starts_with(h) || b"![CDATA[".starts_with(h)) {
                                return Err(Refused);
                            }
                        }
                        _ => {
                            self.mode = Mode::Tag { quote: 0 };
                            if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>')
                                || (b == b'/' && self.head.len() > 1)
                            {
                                self.head.pop();
                                self.head_done = true;
                            }
                            if b == b'>' {
                                self.end_tag(false);
                                self.mode = Mode::Text;
                                self.start = self.pos;
                            }
                        }
                    }
                }
                Mode::Tag { quote } => {
                    if quote != 0 {
                        if b == quote {
                            self.mode = Mode::Tag { quote: 0 };
                        }
                    } else if b == b'"' || b == b'\'' {
                        self.head_done = true;
                        self.mode = Mode::Tag { quote: b };
                    } else if b == b'>' {
                        self.head_done = true;
                        let empty = self.last[1] == b'/';
                        self.end_tag(empty);
                        self.mode = Mode::Text;
                        self.start = self.pos;
                    } else if !self.head_done {
                        if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/') || self.head.len() >= 16
                        {
                            self.head_done = true;
                        } else {
                            self.head.push(b);
                        }
                    }
                }
                Mode::Comment => {
                    if b == b'>' && self.last == [b'-', b'-'] {
                        self.mode = Mode::Text;
                        self.start = self.pos;
                    }
                }
                Mode::Cdata => {
                    if b == b'>' && self.last == [b']', b']'] {
                        self.mode = Mode::Text;
                        self.start = self.pos;
                    }
                }
                Mode::Pi => {
                    if b == b'>' && self.last[1] == b'?' {
                        self.mode = Mode::Text;
                        self.start = self.pos;
                    }
                }
            }
            self.last = [self.last[1], b];
            if self.pos - self.start > MAX_TOKEN as u64 {
                return Err(Refused);
            }
        }
        self.check()
    }

    fn finish(&self) -> Result<(), Refused> {
        self.check()
    }
}
