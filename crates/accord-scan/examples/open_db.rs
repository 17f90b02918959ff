//! How long opening a database file and asking it about one package take:
//! `cargo run --release -p accord-scan --example open_db -- PATH/osv.db [ECOSYSTEM NAME VERSION]`.

use std::time::Instant;

use accord_scan::{Database, Query, scan};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: open_db DB [ECOSYSTEM NAME VERSION]");
    let (eco, name, version) = match &args[2..] {
        [e, n, v] => (e.as_str(), n.as_str(), v.as_str()),
        _ => ("crates.io", "time", "0.1.44"),
    };
    let mut best = [f64::MAX; 3];
    for _ in 0..20 {
        let t0 = Instant::now();
        let bytes = std::fs::read(path).expect("read the database");
        let t1 = Instant::now();
        let db = Database::from_bytes(bytes).expect("a database");
        let t2 = Instant::now();
        let report = scan(&db, &[Query { ecosystem: eco, name, version }]).expect("scan");
        let t3 = Instant::now();
        std::hint::black_box(report);
        for (b, d) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2]) {
            *b = b.min(d.as_secs_f64() * 1e3);
        }
    }
    println!("best of 20: read {:.3} ms, open {:.3} ms, one package {:.3} ms", best[0], best[1], best[2]);
}
