//! The summary band's charts as inline SVG, drawn here so that a report shows
//! its pictures without running a script.
//!
//! Colours come from CSS classes (`po`, `pm`, `hy`, `un`, `ot`, `er`, `axis`),
//! so the page's light and dark schemes and its print style apply to them;
//! every text is escaped with [`escape_html`].

use std::fmt::Write;

use crate::output::fixed;
use crate::report::summary::Bin;

use super::escape::escape_html;

/// Width of every chart, in SVG units.
const WIDTH: f64 = 380.0;
/// Height of one bar of a bar chart, gap included.
const ROW: f64 = 18.0;
/// Width kept for the names left of the bars.
const NAME_WIDTH: f64 = 170.0;
/// Width kept for the numbers right of the bars.
const VALUE_WIDTH: f64 = 70.0;
/// Characters of a name shown before it is cut with `…`.
const NAME_CHARS: usize = 26;

/// One bar: its name, its value, the text after it and its CSS class.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The name left of the bar.
    pub name: String,
    /// Its length, relative to the longest bar.
    pub value: f64,
    /// The text right of the bar.
    pub note: String,
    /// The CSS class that colours it.
    pub class: &'static str,
}

/// `name` cut to [`NAME_CHARS`] characters.
fn short(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(NAME_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// A horizontal bar chart titled `title`; an empty list draws "(none)".
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let rows = bars.len().max(1);
    let height = 22.0 + ROW * rows as f64;
    let mut s = String::new();
    let title = escape_html(title);
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{title}"><title>{title}</title><text class="ct" x="0" y="14">{title}</text>"#
    );
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let span = WIDTH - NAME_WIDTH - VALUE_WIDTH;
    if bars.is_empty() {
        let _ = write!(s, r#"<text class="axis" x="0" y="34">(none)</text>"#);
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 22.0 + ROW * i as f64;
        let len = if max > 0.0 {
            (b.value / max * span).max(if b.value > 0.0 { 1.0 } else { 0.0 })
        } else {
            0.0
        };
        let _ = write!(
            s,
            r#"<text class="nm" x="{x}" y="{ty}" text-anchor="end"><title>{full}</title>{name}</text><rect class="{class}" x="{NAME_WIDTH}" y="{y}" width="{len:.1}" height="{h}"/><text class="val" x="{vx:.1}" y="{ty}">{note}</text>"#,
            x = NAME_WIDTH - 6.0,
            ty = y + 12.0,
            full = escape_html(&b.name),
            name = escape_html(&short(&b.name)),
            class = b.class,
            h = ROW - 4.0,
            vx = NAME_WIDTH + len + 4.0,
            note = escape_html(&b.note),
        );
    }
    s.push_str("</svg>");
    s
}

/// The lean histogram: one column per bin, coloured from PO (left) to PM (right).
pub fn lean_histogram(title: &str, bins: &[Bin]) -> String {
    let height = 150.0;
    let plot_top = 24.0;
    let plot_bottom = height - 22.0;
    let n = bins.len().max(1) as f64;
    let col = WIDTH / n;
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0);
    let title = escape_html(title);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{title}"><title>{title}</title><text class="ct" x="0" y="14">{title}</text>"#
    );
    for (i, b) in bins.iter().enumerate() {
        let h = if max == 0 {
            0.0
        } else {
            (plot_bottom - plot_top - 12.0) * b.count as f64 / max as f64
        };
        let x = col * i as f64;
        let mid = (b.lo + b.hi) / 2.0;
        let class = if mid < -0.15 {
            "po"
        } else if mid > 0.15 {
            "pm"
        } else {
            "hy"
        };
        let _ = write!(
            s,
            r#"<rect class="{class}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>[{lo}, {hi}{close}: {count}</title></rect>"#,
            y = plot_bottom - h,
            w = col - 2.0,
            lo = fixed(b.lo, 1),
            hi = fixed(b.hi, 1),
            close = if i + 1 == bins.len() { "]" } else { ")" },
            count = b.count,
        );
        if b.count > 0 {
            let _ = write!(
                s,
                r#"<text class="val" x="{cx:.1}" y="{ty:.1}" text-anchor="middle">{count}</text>"#,
                cx = x + col / 2.0 - 1.0,
                ty = plot_bottom - h - 3.0,
                count = b.count
            );
        }
    }
    let _ = write!(
        s,
        r#"<line class="axisline" x1="0" y1="{plot_bottom}" x2="{WIDTH}" y2="{plot_bottom}"/><text class="axis" x="0" y="{ty}">−1 all PO</text><text class="axis" x="{mid}" y="{ty}" text-anchor="middle">0</text><text class="axis" x="{WIDTH}" y="{ty}" text-anchor="end">+1 all PM</text></svg>"#,
        ty = height - 6.0,
        mid = WIDTH / 2.0,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_names_are_escaped_and_cut() {
        let svg = bar_chart(
            "Top <phrases>",
            &[
                Bar {
                    name: r#"<script>alert("x")</script> and a very long phrase indeed"#.into(),
                    value: 3.0,
                    note: "3".into(),
                    class: "po",
                },
                Bar {
                    name: "roadmap".into(),
                    value: 0.0,
                    note: "0".into(),
                    class: "pm",
                },
            ],
        );
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)"), "{svg}");
        assert!(svg.contains("Top &lt;phrases&gt;"), "{svg}");
        assert!(svg.contains('…'));
        assert!(
            svg.contains(r#"width="0.0""#),
            "an empty bar has no length: {svg}"
        );
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn histogram_columns_scale_to_the_largest_bin() {
        let bins = [
            Bin {
                lo: -1.0,
                hi: 0.0,
                count: 4,
            },
            Bin {
                lo: 0.0,
                hi: 1.0,
                count: 2,
            },
        ];
        let svg = lean_histogram("lean", &bins);
        assert!(svg.contains(r#"class="po""#) && svg.contains(r#"class="pm""#));
        assert!(svg.contains(r#"height="92.0""#), "{svg}");
        assert!(svg.contains(r#"height="46.0""#), "{svg}");
    }
}
