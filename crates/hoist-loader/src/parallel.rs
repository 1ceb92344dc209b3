//! Per-service work split over threads, for large projects.
//!
//! Loading 1000 services spends most of its time on work that is independent per service
//! (writing `config` output, for one). [`map_runs`] cuts such a list into a few runs of
//! consecutive items and processes each run on its own thread, returning results in order,
//! so the output is the same as a sequential loop's. Small lists stay on the calling thread:
//! starting threads costs more than it saves below [`PARALLEL_MIN_ITEMS`].

/// Fewest items for which [`map_runs`] uses more than one thread.
pub const PARALLEL_MIN_ITEMS: usize = 64;

/// Most threads [`map_runs`] uses.
const MAX_THREADS: usize = 4;

/// Applies `f` to consecutive runs of `items`, on up to as many threads as the machine has
/// cores (at most four), and returns the results in the order of the runs. With fewer than
/// [`PARALLEL_MIN_ITEMS`] items, one core, or when a thread cannot be started, `f` sees the
/// whole list (or the runs) on the calling thread.
///
/// Thread-local state (such as [`crate::warnings`]) is not carried over: `f` must not rely
/// on it.
pub fn map_runs<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync,
{
    let run_len = run_len(items.len());
    if run_len >= items.len() {
        return vec![f(items)];
    }
    on_threads(items.chunks(run_len).collect(), f)
}

/// [`map_runs`] for runs that `f` changes (to take items out, for one).
pub fn map_runs_mut<T, R, F>(items: &mut [T], f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(&mut [T]) -> R + Sync,
{
    let run_len = run_len(items.len());
    if run_len >= items.len() {
        return vec![f(items)];
    }
    on_threads(items.chunks_mut(run_len).collect(), f)
}

/// Length of the runs a list of `len` items is cut into (`len` itself: one run).
fn run_len(len: usize) -> usize {
    let threads = if len < PARALLEL_MIN_ITEMS {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(MAX_THREADS)
    };
    len.div_ceil(threads).max(1)
}

/// Applies `f` to each run, the first on the calling thread and each other one on a thread
/// of its own; results in the order of `runs`.
fn on_threads<S, R, F>(runs: Vec<S>, f: F) -> Vec<R>
where
    S: Send,
    R: Send,
    F: Fn(S) -> R + Sync,
{
    std::thread::scope(|scope| {
        let mut runs = runs.into_iter();
        let Some(first) = runs.next() else {
            return Vec::new();
        };
        let f = &f;
        let spawned: Vec<_> = runs
            .map(|run| {
                // The run goes to the thread, or comes back when no thread could start.
                let (sender, receiver) = std::sync::mpsc::channel();
                let handle = std::thread::Builder::new().spawn_scoped(scope, move || {
                    f(receiver
                        .recv()
                        .expect("the run is sent right after the spawn"))
                });
                match handle {
                    Ok(handle) => {
                        let _ = sender.send(run);
                        Spawned::Thread(handle)
                    }
                    Err(_) => Spawned::Here(run),
                }
            })
            .collect();
        let mut results = Vec::with_capacity(spawned.len() + 1);
        results.push(f(first));
        for s in spawned {
            results.push(match s {
                Spawned::Thread(handle) => match handle.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Spawned::Here(run) => f(run),
            });
        }
        results
    })
}

/// A run handed to a thread, or kept when the thread could not start.
enum Spawned<'scope, S, R> {
    Thread(std::thread::ScopedJoinHandle<'scope, R>),
    Here(S),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let runs = map_runs(&items, |run| run.to_vec());
        let joined: Vec<u32> = runs.into_iter().flatten().collect();
        assert_eq!(joined, items);
    }

    #[test]
    fn small_lists_stay_in_one_run() {
        let items: Vec<u32> = (0..(PARALLEL_MIN_ITEMS as u32 - 1)).collect();
        let runs = map_runs(&items, |run| run.len());
        assert_eq!(runs, vec![PARALLEL_MIN_ITEMS - 1]);
    }

    #[test]
    fn runs_can_be_changed_in_place() {
        let mut items: Vec<Option<u32>> = (0..500).map(Some).collect();
        let sums = map_runs_mut(&mut items, |run| {
            run.iter_mut().filter_map(Option::take).sum::<u32>()
        });
        assert_eq!(sums.iter().sum::<u32>(), (0..500).sum::<u32>());
        assert!(items.iter().all(Option::is_none));
    }

    #[test]
    fn empty_lists_give_one_empty_run() {
        let items: Vec<u32> = Vec::new();
        assert_eq!(map_runs(&items, |run| run.len()), vec![0]);
    }
}
