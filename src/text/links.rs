//! The words of a posting's own links: the slug of a job page it links to
//! (`…/jobs/acme/product-manager-hamburg-1234`) and the subject of an
//! application e-mail (`mailto:jobs@acme.com?subject=Product%20Owner`).
//!
//! The normalizer drops links, so a role name inside one is never evidence on
//! its own; but a posting whose visible text lost its title (an HTML-to-text
//! step, a scrape of the body only) often still names its role in its apply
//! link. Only links that lead to a job page count: a path or host with a word
//! such as `jobs`, `careers`, `karriere`, `vacatures`, `emploi`, `apply`, or a
//! known applicant-tracking host. A role name in a link to a blog post or a
//! product page says nothing about the job.

use std::ops::Range;

/// Words in a URL's host or path that mark a job page.
const JOB_PAGE_WORDS: &[&str] = &[
    "job",
    "jobs",
    "career",
    "careers",
    "karriere",
    "stellen",
    "stellenangebote",
    "stelle",
    "jobboerse",
    "vacature",
    "vacatures",
    "vacancy",
    "vacancies",
    "emploi",
    "emplois",
    "offre",
    "offres",
    "recrutement",
    "apply",
    "application",
    "positions",
    "position",
    "openings",
    "opening",
    "postings",
    "posting",
    "greenhouse",
    "lever",
    "workable",
    "personio",
    "smartrecruiters",
    "recruitee",
    "workday",
    "myworkdayjobs",
    "ashbyhq",
    "join",
];

/// The longest link read, in bytes: anything longer is not an apply link.
const MAX_LINK_BYTES: usize = 2048;

/// Words found in one link, with where they stand in the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkWords {
    /// The byte range of the slug or subject in the original text.
    pub span: Range<usize>,
    /// Its words, decoded: `%20`, `+`, `-` and `_` become spaces.
    pub words: String,
}

/// The slugs of job-page links and the subjects of `mailto:` links in `text`.
pub fn link_words(text: &str) -> Vec<LinkWords> {
    let mut out = Vec::new();
    // Every link has a colon after its scheme: look only there.
    let b = text.as_bytes();
    let mut next_free = 0;
    for colon in memchr::memchr_iter(b':', b) {
        if colon < next_free {
            continue;
        }
        let before = &b[..colon];
        let scheme = ["https", "http", "mailto"].into_iter().find(|s| {
            before.len() >= s.len()
                && before[before.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        });
        let Some(scheme) = scheme else { continue };
        let start = colon - scheme.len();
        if start > 0 && b[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let is_mail = scheme == "mailto";
        if !is_mail && !b[colon..].starts_with(b"://") {
            continue;
        }
        let skip = if is_mail { 1 } else { 3 };
        let end = colon + link_len(&text[colon..]);
        next_free = end;
        if end - start > MAX_LINK_BYTES || colon + skip > end {
            continue;
        }
        let found = if is_mail {
            mail_subject(text, colon + skip, end)
        } else {
            job_slug(text, colon + skip, end)
        };
        out.extend(found);
    }
    out
}

/// The length of the link at the start of `s`: up to white space, a quote, an
/// angle bracket, `]`, or a `)` that closes no `(` of the link (a Markdown link's).
fn link_len(s: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return i,
            ')' => depth -= 1,
            c if c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ']') => return i,
            _ => {}
        }
    }
    s.len()
}

/// The `subject=` of a `mailto:` link whose address starts at `from`.
fn mail_subject(text: &str, from: usize, end: usize) -> Option<LinkWords> {
    let link = &text[from..end];
    let q = link.find('?')?;
    let mut at = from + q + 1;
    for param in text[at..end].split('&') {
        let p_start = at;
        at += param.len() + 1;
        let Some(value) = param
            .split_once('=')
            .filter(|(k, _)| k.eq_ignore_ascii_case("subject"))
            .map(|(_, v)| v)
        else {
            continue;
        };
        let v_start = p_start + param.len() - value.len();
        return Some(LinkWords {
            span: v_start..v_start + value.len(),
            words: decode(value),
        });
    }
    None
}

/// The last path segment of a link to a job page (the host starts at `from`).
fn job_slug(text: &str, from: usize, end: usize) -> Option<LinkWords> {
    let link = &text[from..end];
    let path_end = link.find(['?', '#']).unwrap_or(link.len());
    let link = &link[..path_end];
    let slash = link.find('/')?;
    let (host, path) = (&link[..slash], &link[slash..]);
    let is_job_page = host
        .split(['.', '-'])
        .chain(path.split(['/', '-', '_', '.']))
        .any(|w| JOB_PAGE_WORDS.iter().any(|j| w.eq_ignore_ascii_case(j)));
    if !is_job_page {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    let seg_start = trimmed.rfind('/').map_or(0, |p| p + 1);
    let segment = &trimmed[seg_start..];
    if segment.is_empty() {
        return None;
    }
    let start = from + slash + seg_start;
    Some(LinkWords {
        span: start..start + segment.len(),
        words: decode(segment),
    })
}

/// Percent-decoding (invalid sequences kept as they are), with `+`, `-` and `_` as spaces.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' | b'-' | b'_' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        link_words(text).into_iter().map(|l| l.words).collect()
    }

    #[test]
    fn the_slug_of_a_job_page_link() {
        let t = "Apply: https://example.com/jobs/acme/product-manager-hamburg-1234?src=x now";
        let found = link_words(t);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].words, "product manager hamburg 1234");
        assert_eq!(&t[found[0].span.clone()], "product-manager-hamburg-1234");
        assert_eq!(
            words("<a href=\"https://acme.greenhouse.io/product_owner/\">Apply</a>"),
            ["product owner"]
        );
        assert_eq!(
            words("https://acme.de/karriere/Produktmanager-m-w-d"),
            ["Produktmanager m w d"]
        );
    }

    #[test]
    fn links_to_other_pages_are_not_read() {
        assert!(
            words("Read https://blog.acme.com/why-every-product-manager-needs-this").is_empty()
        );
        assert!(words("See https://acme.com/products/product-owner-toolkit").is_empty());
        assert!(words("no links at all, just a product owner").is_empty());
        // A Markdown link's closing parenthesis is not part of the link.
        assert_eq!(
            words("[apply](https://x.com/jobs/product-owner)."),
            ["product owner"]
        );
    }

    #[test]
    fn the_subject_of_an_application_mail() {
        let t = "Mail mailto:jobs@acme.com?cc=x&subject=Product%20Owner%20(m%2Fw%2Fd) today";
        let found = link_words(t);
        assert_eq!(found[0].words, "Product Owner (m/w/d)");
        assert_eq!(&t[found[0].span.clone()], "Product%20Owner%20(m%2Fw%2Fd)");
        assert!(words("mailto:jobs@acme.com").is_empty());
        assert_eq!(words("MAILTO:a@b.c?Subject=PO+role"), ["PO role"]);
    }

    #[test]
    fn odd_links_never_panic() {
        for t in [
            "http://",
            "https:///",
            "mailto:?subject=",
            "http://é/jobs/ü%",
            "%",
            "https://x/jobs/%zz%2",
        ] {
            let _ = link_words(t);
        }
        assert_eq!(words("https://x/jobs/%zz%2"), ["%zz%2"]);
    }
}
