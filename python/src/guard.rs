//! Running library code safely from Python: panics become `RuntimeError`, and
//! `threads=` chooses a rayon pool (one per size, started once and kept).

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::PyResult;

use crate::errors::to_py;

/// Runs `f`, turning a panic into a Python `RuntimeError` instead of letting
/// it unwind into the interpreter.
///
/// A panic on a rayon worker is carried to the thread that waits for the
/// work and resumed there, so one guard around a parallel loop catches it.
pub fn guarded<T>(f: impl FnOnce() -> T) -> PyResult<T> {
    catch_panic(f).map_err(PyRuntimeError::new_err)
}

/// Runs `f`; a panic becomes the message `guarded` raises.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!(
            "popm: internal error ({what}); this is a bug, please report it with the input \
             that caused it"
        )
    })
}

/// Pools made for `threads=N`, by size: a pool is started on first use and kept.
static POOLS: Mutex<Option<HashMap<usize, Arc<rayon::ThreadPool>>>> = Mutex::new(None);

/// The pool for `threads` (`None` or 0: rayon's global pool, one worker per core).
///
/// # Errors
///
/// `PopmError` when the operating system refuses to start the threads.
pub fn pool(threads: Option<usize>) -> PyResult<Option<Arc<rayon::ThreadPool>>> {
    let n = match threads {
        None | Some(0) => return Ok(None),
        Some(n) => n,
    };
    let mut pools = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let pools = pools.get_or_insert_with(HashMap::new);
    if let Some(p) = pools.get(&n) {
        return Ok(Some(Arc::clone(p)));
    }
    let p = Arc::new(popm::thread_pool(n).map_err(to_py)?);
    pools.insert(n, Arc::clone(&p));
    Ok(Some(p))
}

/// Runs `f` on `pool`, or on the current (global) rayon pool without one.
pub fn install<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let e = catch_panic(|| panic!("boom")).unwrap_err();
        assert!(e.contains("internal error (boom)"), "{e}");
        assert_eq!(catch_panic(|| 7), Ok(7));
        assert!(guarded(|| panic!("boom")).is_err());
    }

    #[test]
    fn a_panic_on_a_worker_is_caught_by_the_caller() {
        use rayon::prelude::*;
        let p = pool(Some(2)).unwrap();
        let r = catch_panic(|| {
            install(p.as_deref(), || {
                (0..100)
                    .into_par_iter()
                    .map(|i| if i == 57 { panic!("row {i}") } else { i })
                    .sum::<i32>()
            })
        });
        assert!(r.unwrap_err().contains("row 57"));
        // The pool survives and is the same one next time.
        let again = pool(Some(2)).unwrap().unwrap();
        assert!(Arc::ptr_eq(&again, p.as_ref().unwrap()));
        assert_eq!(
            install(Some(&again), || (0..10).into_par_iter().sum::<i32>()),
            45
        );
        assert!(pool(None).unwrap().is_none() && pool(Some(0)).unwrap().is_none());
    }
}
