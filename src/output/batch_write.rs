//! Handing finished rows to a buffered output file in order, as a batch.

use std::io::{self, BufWriter, IoSlice, Write};

/// Writes `rows` one by one into the buffered writer.
fn write_each<W: Write>(w: &mut BufWriter<W>, rows: &[IoSlice<'_>]) -> io::Result<()> {
    rows.iter().try_for_each(|row| w.write_all(row))
}

/// Writes finished rows, in order, through the buffered file `w`: a run
/// smaller than the buffer into it, a larger one, after the buffer's bytes,
/// straight to the file in `writev` calls over the rows' own buffers, not
/// copied first. With rows of many workers' blocks at a time this takes a
/// sixth to a tenth off the JSON Lines writing thread's time (`cargo bench
/// --bench serial`); a run smaller than the buffer gains nothing by it, as
/// the kernel's cost per call outweighs the copy.
///
/// # Errors
///
/// The file's first error, or `WriteZero` when it takes no more bytes.
pub fn write_rows<W: Write>(w: &mut BufWriter<W>, mut rows: &mut [IoSlice<'_>]) -> io::Result<()> {
    let total: usize = rows.iter().map(|r| r.len()).sum();
    if total < w.capacity() {
        return write_each(w, rows);
    }
    w.flush()?;
    let file = w.get_mut();
    // Empty rows in front are dropped, so that writing nothing means the file is full.
    IoSlice::advance_slices(&mut rows, 0);
    while !rows.is_empty() {
        match file.write_vectored(rows) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the output file took no more bytes",
                ));
            }
            Ok(n) => IoSlice::advance_slices(&mut rows, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that takes at most `per_call` bytes a call, is interrupted
    /// every third call, and records each call's size.
    struct Grudging {
        bytes: Vec<u8>,
        per_call: usize,
        calls: Vec<usize>,
    }

    impl Write for Grudging {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            if self.calls.len() % 3 == 2 {
                self.calls.push(0);
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.per_call - n);
                self.bytes.extend_from_slice(&b[..take]);
                n += take;
            }
            self.calls.push(n);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn grudging(per_call: usize) -> BufWriter<Grudging> {
        BufWriter::with_capacity(
            1 << 16,
            Grudging {
                bytes: Vec::new(),
                per_call,
                calls: Vec::new(),
            },
        )
    }

    fn rows(sizes: &[usize]) -> Vec<Vec<u8>> {
        sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| (0..n).map(|k| (i * 31 + k) as u8).collect())
            .collect()
    }

    #[test]
    fn a_big_batch_goes_around_the_buffer_in_order_after_what_it_holds() {
        let mut w = grudging(7_000);
        w.write_all(b"header\n").unwrap();
        let rows = rows(&[0, 30_000, 0, 1, 40_000, 5, 0]);
        let mut slices: Vec<IoSlice<'_>> = rows.iter().map(|r| IoSlice::new(r)).collect();
        write_rows(&mut w, &mut slices).unwrap();
        // Everything reached the file at once, nothing is left in the buffer.
        assert!(w.buffer().is_empty());
        let file = w.get_ref();
        let mut want = b"header\n".to_vec();
        rows.iter().for_each(|r| want.extend_from_slice(r));
        assert_eq!(file.bytes, want);
        // The header went first in a call of its own, then the rows, a call
        // taking the end of one row and the start of the next.
        assert_eq!(file.calls[0], 7);
        assert!(file.calls[1..].iter().all(|&n| n <= 7_000));
        assert_eq!(file.calls.iter().sum::<usize>(), want.len());
    }

    #[test]
    fn a_small_batch_stays_in_the_buffer() {
        let mut w = grudging(usize::MAX);
        let rows = rows(&[100, 200]);
        let mut slices: Vec<IoSlice<'_>> = rows.iter().map(|r| IoSlice::new(r)).collect();
        write_rows(&mut w, &mut slices).unwrap();
        assert!(w.get_ref().calls.is_empty());
        assert_eq!(w.buffer().len(), 300);
    }

    #[test]
    fn a_file_that_takes_nothing_is_an_error_not_a_loop() {
        let mut w = grudging(0);
        let rows = rows(&[1 << 16]);
        let mut slices: Vec<IoSlice<'_>> = rows.iter().map(|r| IoSlice::new(r)).collect();
        let err = write_rows(&mut w, &mut slices).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    }
}
