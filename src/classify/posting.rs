//! [`Posting`]: what the classifier reads, one job posting's title and texts.

/// One job posting as the classifier reads it: an optional title and one or
/// more texts (description, requirements, …), each HTML, Markdown or plain.
///
/// A title weighs more than the texts and names the posting's own role.
///
/// ```
/// use popm::Posting;
///
/// let posting = Posting::new("You own the product backlog.").with_title("Product Owner");
/// assert_eq!(posting.texts, ["You own the product backlog."]);
/// assert_eq!(posting.title, Some("Product Owner"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Posting<'a> {
    /// The posting's title, when it has one.
    pub title: Option<&'a str>,
    /// The posting's texts, in order.
    pub texts: Vec<&'a str>,
}

/// The most bytes of one field the classifier reads (4 GiB less one byte):
/// the normalizer maps folded text back to the original with 32-bit offsets.
/// A longer field is read up to this many bytes, cut at a character
/// boundary, so that evidence offsets always point into it;
/// [`Posting::is_cut`] tells when that happened.
pub const MAX_FIELD_BYTES: usize = u32::MAX as usize;

/// `text` up to `limit` bytes, cut back to a character boundary.
fn cut_to(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One text of a posting with whether it is the title.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field<'a> {
    /// The text as given.
    pub text: &'a str,
    /// Whether this field is the posting's title (its matches weigh more).
    pub is_title: bool,
}

impl<'a> Posting<'a> {
    /// A posting of one text and no title.
    pub fn new(text: &'a str) -> Posting<'a> {
        Posting {
            title: None,
            texts: vec![text],
        }
    }

    /// A posting of several texts and no title.
    pub fn from_texts(texts: Vec<&'a str>) -> Posting<'a> {
        Posting { title: None, texts }
    }

    /// The same posting with `title`.
    pub fn with_title(mut self, title: &'a str) -> Posting<'a> {
        self.title = Some(title);
        self
    }

    /// Whether a text or the title is longer than [`MAX_FIELD_BYTES`] (and
    /// is read only up to it).
    pub fn is_cut(&self) -> bool {
        self.texts
            .iter()
            .chain(&self.title)
            .any(|t| t.len() > MAX_FIELD_BYTES)
    }

    /// The texts, then the title: the order evidence numbers the fields in;
    /// each read up to [`MAX_FIELD_BYTES`].
    pub(crate) fn fields(&self) -> impl Iterator<Item = Field<'a>> + '_ {
        let texts = self.texts.iter().map(|&text| Field {
            text: cut_to(text, MAX_FIELD_BYTES),
            is_title: false,
        });
        let title = self.title.map(|text| Field {
            text: cut_to(text, MAX_FIELD_BYTES),
            is_title: true,
        });
        texts.chain(title)
    }
}

#[cfg(test)]
mod tests {
    use super::cut_to;

    #[test]
    fn a_long_text_is_cut_at_a_character_boundary() {
        assert_eq!(cut_to("backlog", 100), "backlog");
        assert_eq!(cut_to("backlog", 4), "back");
        // "é" is two bytes: a cut inside it goes back before it.
        assert_eq!(cut_to("caé", 3), "ca");
        assert_eq!(cut_to("caé", 4), "caé");
        assert_eq!(cut_to("😀x", 2), "");
    }
}
