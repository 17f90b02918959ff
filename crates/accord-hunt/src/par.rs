//! Work on every core: loading and compiling 100,000 indicators takes a noticeable share of a
//! hunt, and each indicator is independent of the others.

/// Below this many items the work stays on the calling thread.
const MIN_PARALLEL: usize = 2048;

/// `items.into_iter().map(f).collect()`, the items cut into one run per core and mapped on
/// threads of their own; the results in the items' order.
pub(crate) fn map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < MIN_PARALLEL {
        return items.into_iter().map(f).collect();
    }
    let total = items.len();
    let per = total.div_ceil(threads);
    let mut runs = Vec::with_capacity(threads);
    let mut rest = items;
    while rest.len() > per {
        let tail = rest.split_off(per);
        runs.push(rest);
        rest = tail;
    }
    runs.push(rest);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || run.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out = Vec::with_capacity(total);
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_small_and_large() {
        for n in [0, 1, 5, 2047, 2048, 2049, 10_001] {
            let items: Vec<usize> = (0..n).collect();
            let out = super::map(items, |i| i * 2);
            assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        }
    }
}
