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

    /// The texts, then the title: the order evidence numbers the fields in.
    pub(crate) fn fields(&self) -> impl Iterator<Item = Field<'a>> + '_ {
        let texts = self.texts.iter().map(|&text| Field {
            text,
            is_title: false,
        });
        let title = self.title.map(|text| Field {
            text,
            is_title: true,
        });
        texts.chain(title)
    }
}
