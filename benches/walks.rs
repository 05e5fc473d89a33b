//! The scanner's flat DFA over a corpus: one walk against the several
//! interleaved walks it uses, in turn, medians of 15 rounds.
//!
//! `cargo bench --bench walks` (default corpus: `samples/postings.csv`
//! repeated to 5 MB; `POPM_CORPUS=file.csv` for another), cut in 3 KB texts.

use popm::internals::flat_dfa::WALKS;
use popm::internals::normalize::{normalize, Normalized};
use popm::internals::scan::Scanner;
use popm::Lexicon;

fn main() {
    let scanner = Scanner::new(&Lexicon::embedded()).expect("the embedded lexicon compiles");
    let Some(flat) = scanner.flat_dfa() else {
        eprintln!("the default lexicon's batch automaton is not a flat DFA: nothing to measure");
        std::process::exit(1);
    };
    let path = std::env::var("POPM_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/samples/postings.csv").into());
    let raw = match std::fs::read(&path) {
        Ok(raw) if !raw.is_empty() => raw,
        Ok(_) => {
            eprintln!("{path}: the corpus is empty");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let raw = raw.repeat((5 << 20) / raw.len() + 1);
    let texts: Vec<Normalized> = raw
        .chunks(3000)
        .map(|c| normalize(&String::from_utf8_lossy(c)))
        .collect();
    let (mut one, mut several) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        for (walks, times) in [(1, &mut one), (WALKS, &mut several)] {
            let now = std::time::Instant::now();
            let mut sum = 0usize;
            for t in &texts {
                let found = |p: usize, end: usize| sum = sum.wrapping_add(p ^ end);
                if walks == 1 {
                    flat.for_each_match_in_one_walk(t.text().as_bytes(), found);
                } else {
                    flat.for_each_match(t.text().as_bytes(), found);
                }
            }
            times.push((now.elapsed().as_secs_f64(), sum));
        }
    }
    // Both ways must find the same matches, or the comparison means nothing.
    if !one.iter().chain(&several).all(|&(_, sum)| sum == one[0].1) {
        eprintln!("one walk and {WALKS} walks found different matches");
        std::process::exit(1);
    }
    let median = |v: &mut Vec<(f64, usize)>| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v[v.len() / 2].0
    };
    let (one, several) = (median(&mut one), median(&mut several));
    let mb = raw.len() as f64 / 1e6;
    println!(
        "{mb:.1} MB: one walk {:.1} ms ({:.0} MB/s), {WALKS} walks {:.1} ms ({:.0} MB/s): {:.3} of the time",
        one * 1e3,
        mb / one,
        several * 1e3,
        mb / several,
        several / one
    );
}
