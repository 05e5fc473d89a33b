//! What the plain-program benches share: the corpus they time.

/// The smallest corpus timed: the bundled samples are repeated up to this size.
pub const MIN_BYTES: usize = 20 << 20;

/// The corpus named by `POPM_CORPUS`, or the bundled samples repeated.
pub fn load_corpus() -> (Vec<u8>, String) {
    if let Ok(path) = std::env::var("POPM_CORPUS") {
        match std::fs::read(&path) {
            Ok(data) => return (data, path),
            Err(e) => {
                eprintln!("POPM_CORPUS={path}: {e}");
                std::process::exit(2);
            }
        }
    }
    let samples = include_bytes!("../../samples/postings.csv");
    let header_end = samples
        .iter()
        .position(|&b| b == b'\n')
        .map_or(samples.len(), |p| p + 1);
    let (header, rows) = samples.split_at(header_end);
    let mut data = header.to_vec();
    while data.len() < MIN_BYTES {
        data.extend_from_slice(rows);
        if !data.ends_with(b"\n") {
            data.push(b'\n');
        }
    }
    let name = format!("samples/postings.csv repeated to {} MB", MIN_BYTES >> 20);
    (data, name)
}
