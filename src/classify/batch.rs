//! Many postings at once: a rayon pool, and the ordered pipeline that runs
//! the classifier over a stream of records while the next batch is read and
//! the results before it are written on a thread of their own.

use rayon::prelude::*;

use crate::classify::classifier::{Classification, Classifier};
use crate::classify::posting::Posting;
use crate::error::{Error, Result};

impl Classifier {
    /// Classifies `postings` in parallel on the current rayon pool, keeping their order.
    ///
    /// The results equal calling [`Classifier::classify`] on each posting in turn.
    pub fn classify_batch(&self, postings: &[Posting<'_>]) -> Vec<Classification> {
        postings.par_iter().map(|p| self.classify(p)).collect()
    }
}

/// A rayon thread pool of `threads` workers (0 = one per core).
///
/// # Errors
///
/// When the operating system refuses to start the threads.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::build(format!("cannot start {threads} worker threads: {e}")))
}

/// Batches of results that wait for the writing thread, beyond the one it writes.
const WRITE_AHEAD: usize = 2;

/// Runs `process` over a stream of record batches in parallel, keeping input order.
///
/// `read` fills the (cleared) batch and returns `false` at the end of input;
/// `process` may finish an item's preparation in place (CSV records are split
/// into fields there, on the workers). While one batch is processed on the
/// pool, the next one is read; `write` receives each batch's results in input
/// order on a thread of its own, so that writing never holds up the workers
/// (at most two batches of results wait for it).
///
/// # Errors
///
/// The first error of `write`, else of `read`; processing itself cannot fail
/// (a record that cannot be classified yields an error row from `process`).
/// The results of every batch read before an error still reach `write`.
pub fn run_ordered<T, U, R, P, W>(
    pool: &rayon::ThreadPool,
    mut read: R,
    process: P,
    mut write: W,
) -> Result<()>
where
    T: Send,
    U: Send,
    R: FnMut(&mut Vec<T>) -> Result<bool> + Send,
    P: Fn(&mut T) -> U + Sync,
    W: FnMut(Vec<U>) -> Result<()> + Send,
{
    std::thread::scope(|scope| {
        let (to_writer, results) = std::sync::mpsc::sync_channel::<Vec<U>>(WRITE_AHEAD);
        let writer = scope.spawn(move || -> Result<()> {
            // On an error the receiver is dropped: the next send fails, and
            // reading stops.
            results.into_iter().try_for_each(&mut write)
        });
        let read_result = read_and_process(pool, &mut read, &process, &to_writer);
        drop(to_writer);
        let written = match writer.join() {
            Ok(written) => written,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        written.and(read_result)
    })
}

/// The reading and processing side of [`run_ordered`]: each batch's results
/// go to `to_writer` in order, until the input ends, `read` fails, or the
/// writer has stopped (its error is the one [`run_ordered`] returns).
fn read_and_process<T, U, R, P>(
    pool: &rayon::ThreadPool,
    read: &mut R,
    process: &P,
    to_writer: &std::sync::mpsc::SyncSender<Vec<U>>,
) -> Result<()>
where
    T: Send,
    U: Send,
    R: FnMut(&mut Vec<T>) -> Result<bool> + Send,
    P: Fn(&mut T) -> U + Sync,
{
    let mut current: Vec<T> = Vec::new();
    let mut next: Vec<T> = Vec::new();
    // Every read runs in the pool, the first too: a reader that works in
    // parallel (CSV blocks are cut on the workers) must not start rayon's
    // global pool, with a thread per core, whatever `-j` says.
    pool.install(|| -> Result<()> {
        let mut has_more = read(&mut current)?;
        loop {
            if current.is_empty() && !has_more {
                return Ok(());
            }
            let (results, read_result) = rayon::join(
                || current.par_iter_mut().map(process).collect::<Vec<U>>(),
                || {
                    if has_more {
                        read(&mut next)
                    } else {
                        next.clear();
                        Ok(false)
                    }
                },
            );
            if to_writer.send(results).is_err() {
                // The writer stopped on an error; it reports it.
                return Ok(());
            }
            has_more = read_result?;
            std::mem::swap(&mut current, &mut next);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    #[test]
    fn run_ordered_keeps_order_for_any_thread_count() {
        for threads in [1, 2, 4] {
            let pool = thread_pool(threads).unwrap();
            let mut n = 0u32;
            let mut out = Vec::new();
            run_ordered(
                &pool,
                |batch: &mut Vec<u32>| {
                    batch.clear();
                    for _ in 0..7 {
                        if n < 100 {
                            batch.push(n);
                            n += 1;
                        }
                    }
                    Ok(n < 100)
                },
                |x| *x * 2,
                |r| {
                    out.extend(r);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(out, (0..100).map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn every_read_runs_in_the_pool() {
        // A reader that works in parallel sizes its work by the pool it runs
        // in; the first read too must not run on rayon's global pool.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) + 3;
        let pool = thread_pool(threads).unwrap();
        let mut seen = Vec::new();
        let mut n = 0;
        run_ordered(
            &pool,
            |batch: &mut Vec<u32>| {
                seen.push(rayon::current_num_threads());
                n += 1;
                batch.clear();
                batch.push(n);
                Ok(n < 3)
            },
            |x| *x,
            |_| Ok(()),
        )
        .unwrap();
        assert_eq!(seen, [threads; 3]);
    }

    #[test]
    fn a_write_error_stops_reading_and_is_returned() {
        let pool = thread_pool(2).unwrap();
        let mut reads = 0;
        let mut writes = 0;
        let result = run_ordered(
            &pool,
            |batch: &mut Vec<u32>| {
                // An endless input.
                reads += 1;
                batch.clear();
                batch.extend([1, 2, 3]);
                Ok(true)
            },
            |x| *x,
            |_| {
                writes += 1;
                if writes == 3 {
                    Err(Error::usage("disk full"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "disk full");
        assert_eq!(writes, 3);
        // The batches read stay within what waits for the writer and what is in hand.
        assert!(reads <= 3 + WRITE_AHEAD + 3, "{reads}");
    }

    #[test]
    fn batches_read_before_a_read_error_are_written_and_the_error_returned() {
        for threads in [1, 2] {
            let pool = thread_pool(threads).unwrap();
            let mut n = 0u32;
            let mut out = Vec::new();
            let result = run_ordered(
                &pool,
                |batch: &mut Vec<u32>| {
                    if n == 30 {
                        return Err(Error::usage("bad row"));
                    }
                    batch.clear();
                    batch.extend(n..n + 10);
                    n += 10;
                    Ok(true)
                },
                |x| *x + 1,
                |r| {
                    out.extend(r);
                    Ok(())
                },
            );
            assert_eq!(result.unwrap_err().to_string(), "bad row");
            assert_eq!(out, (1..=30).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_panic_while_processing_reaches_the_caller() {
        let pool = thread_pool(2).unwrap();
        let mut n = 0;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_ordered(
                &pool,
                |batch: &mut Vec<u32>| {
                    n += 1;
                    batch.clear();
                    batch.push(n);
                    Ok(n < 100)
                },
                |x| assert!(*x != 5, "posting 5"),
                |_| Ok(()),
            )
        }));
        assert!(caught.is_err());
    }

    #[test]
    fn classify_batch_equals_one_by_one() {
        let c = Classifier::new(Lexicon::embedded()).unwrap();
        let texts = [
            "You own the product backlog and write user stories.",
            "You own the roadmap, pricing and market research.",
            "",
            "We need a forklift driver.",
        ];
        let postings: Vec<Posting<'_>> = texts
            .iter()
            .map(|t| Posting::new(t).with_title("Product Owner"))
            .collect();
        let one_by_one: Vec<Classification> = postings.iter().map(|p| c.classify(p)).collect();
        for threads in [1, 3] {
            let pool = thread_pool(threads).unwrap();
            assert_eq!(pool.install(|| c.classify_batch(&postings)), one_by_one);
        }
    }
}
