//! Many postings at once: a rayon pool, and the ordered pipeline that runs
//! the classifier over a stream of records while the next batch is read and
//! the last one written.

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

/// Runs `process` over a stream of record batches in parallel, keeping input order.
///
/// `read` fills the (cleared) batch and returns `false` at the end of input;
/// `process` may finish an item's preparation in place (CSV records are split
/// into fields there, on the workers). While one batch is processed on the
/// pool, the results of the one before it are written and the next one is
/// read. `write` receives each batch's results in input order.
///
/// # Errors
///
/// The first error of `read` or `write`; processing itself cannot fail (a
/// record that cannot be classified yields an error row from `process`).
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
    let mut current: Vec<T> = Vec::new();
    let mut next: Vec<T> = Vec::new();
    let mut has_more = read(&mut current)?;
    // The results of the batch before `current`, written while `current` is processed.
    let mut pending: Option<Vec<U>> = None;
    pool.install(|| -> Result<()> {
        loop {
            if current.is_empty() && !has_more {
                return pending.take().map_or(Ok(()), &mut write);
            }
            let (results, (written, read_result)) = rayon::join(
                || current.par_iter_mut().map(&process).collect::<Vec<U>>(),
                || {
                    let written = pending.take().map_or(Ok(()), &mut write);
                    if written.is_err() {
                        return (written, Ok(false));
                    }
                    let read_result = if has_more {
                        read(&mut next)
                    } else {
                        next.clear();
                        Ok(false)
                    };
                    (written, read_result)
                },
            );
            written?;
            match read_result {
                Ok(more) => has_more = more,
                Err(e) => {
                    // The rows read before the error still reach the output.
                    write(results)?;
                    return Err(e);
                }
            }
            pending = Some(results);
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
