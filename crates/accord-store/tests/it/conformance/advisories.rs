//! Imported OSV advisories: idempotent all-or-nothing imports, replacement with their aliases
//! and packages, lookups by id, alias and package, filtered and paged lists.

use accord_formats::osv::SeverityLevel as L;
use accord_store::advisories::{ImportCounts, OsvCursor, OsvFilter, OsvImport};
use accord_store::{Store, StoreError};
use sha2::{Digest, Sha256};

use super::fixtures::*;

/// A record modified on `day(modified_day)`, with its aliases and packages; the document says
/// the same (with `variant` to make another text of it).
fn record(
    id: &str,
    modified_day: i64,
    aliases: &[&str],
    packages: &[(&str, &str)],
    variant: &str,
) -> OsvImport {
    let modified = day(modified_day).to_string();
    OsvImport {
        id: id.to_owned(),
        modified: modified.clone(),
        modified_at: day(modified_day),
        published: Some(day(0).to_string()),
        published_at: Some(day(0)),
        withdrawn: None,
        summary: Some(format!("summary of {id}{variant}")),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        packages: packages.iter().map(|(e, n)| (e.to_string(), n.to_string())).collect(),
        severity: None,
        document: format!(r#"{{"id":"{id}","modified":"{modified}","summary":"summary of {id}{variant}"}}"#),
    }
}

fn counts(added: u64, updated: u64, unchanged: u64) -> ImportCounts {
    ImportCounts { added, updated, unchanged }
}

async fn import(store: &dyn Store, records: Vec<OsvImport>) -> ImportCounts {
    store.import_osv(ACTOR, records, day(100)).await.expect("import")
}

async fn ids(store: &dyn Store, filter: OsvFilter) -> Vec<String> {
    store.osv_advisories(&filter, None, 100).await.unwrap().into_iter().map(|s| s.id).collect()
}

pub async fn imports_add_then_leave_unchanged(store: &dyn Store) {
    let batch = || {
        vec![
            record("GHSA-1", 1, &["CVE-2018-0001"], &[("npm", "left-pad")], ""),
            record("PYSEC-2018-2", 2, &[], &[("PyPI", "demo")], ""),
            record("RUSTSEC-2018-0003", 3, &[], &[], ""),
        ]
    };
    assert_eq!(import(store, batch()).await, counts(3, 0, 0));
    let events = store.events(10).await.unwrap().len();
    assert_eq!(import(store, batch()).await, counts(0, 0, 3));
    assert_eq!(store.events(10).await.unwrap().len(), events, "an unchanged import writes no audit line");
    let stored = store.osv_advisory("GHSA-1").await.unwrap().expect("stored");
    assert_eq!(stored.imported_at, day(100));
    assert_eq!(stored.document, batch()[0].document);
    let digest: String =
        Sha256::digest(stored.document.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(stored.sha256, digest);
}

pub async fn changed_content_replaces_aliases_and_packages(store: &dyn Store) {
    import(store, vec![record("GHSA-1", 1, &["CVE-2018-0001"], &[("npm", "a")], "")]).await;
    let changed = record("GHSA-1", 5, &["CVE-2018-0002"], &[("PyPI", "b")], " (revised)");
    assert_eq!(import(store, vec![changed.clone()]).await, counts(0, 1, 0));
    let stored = store.osv_advisory("GHSA-1").await.unwrap().unwrap();
    assert_eq!(stored.document, changed.document);
    assert_eq!(stored.summary.modified_at, day(5));
    assert_eq!(stored.summary.summary.as_deref(), Some("summary of GHSA-1 (revised)"));
    assert_eq!(stored.summary.aliases, ["CVE-2018-0002"]);
    assert_eq!(stored.summary.packages, [("PyPI".to_owned(), "b".to_owned())]);
    assert!(store.osv_advisory("CVE-2018-0001").await.unwrap().is_none());
    assert!(store.osv_by_package("npm", "a").await.unwrap().is_empty());
    assert_eq!(store.osv_by_package("PyPI", "b").await.unwrap(), [("GHSA-1".to_owned(), changed.document)]);
    // The same id twice in one import: the second counts against the first.
    let twice = vec![record("GHSA-9", 1, &[], &[], ""), record("GHSA-9", 1, &[], &[], "")];
    assert_eq!(import(store, twice).await, counts(1, 0, 1));
}

pub async fn a_refused_record_imports_nothing(store: &dyn Store) {
    let mut no_document = record("GHSA-3", 3, &[], &[], "");
    no_document.document.clear();
    let batch = vec![record("GHSA-1", 1, &["CVE-2018-0001"], &[("npm", "a")], ""), no_document];
    let err = store.import_osv(ACTOR, batch, day(100)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert!(store.osv_advisory("GHSA-1").await.unwrap().is_none());
    assert!(store.osv_by_package("npm", "a").await.unwrap().is_empty());
    assert!(ids(store, OsvFilter::default()).await.is_empty());
}

pub async fn found_by_id_or_alias(store: &dyn Store) {
    import(
        store,
        vec![
            record("GHSA-2", 1, &["CVE-2018-0001", "PYSEC-2018-1"], &[("PyPI", "demo")], ""),
            record("GHSA-1", 1, &["CVE-2018-0001"], &[], ""),
            record("CVE-2018-0009", 1, &[], &[], ""),
        ],
    )
    .await;
    let by_id = store.osv_advisory("GHSA-2").await.unwrap().unwrap();
    assert_eq!(by_id.summary.aliases, ["CVE-2018-0001", "PYSEC-2018-1"]);
    assert_eq!(by_id.summary.packages, [("PyPI".to_owned(), "demo".to_owned())]);
    assert_eq!(store.osv_advisory("PYSEC-2018-1").await.unwrap().unwrap().summary.id, "GHSA-2");
    // Two records share an alias: the lowest id.
    assert_eq!(store.osv_advisory("CVE-2018-0001").await.unwrap().unwrap().summary.id, "GHSA-1");
    assert_eq!(store.osv_advisory("CVE-2018-0009").await.unwrap().unwrap().summary.id, "CVE-2018-0009");
    assert!(store.osv_advisory("GHSA-404").await.unwrap().is_none());
}

pub async fn lists_filter_and_page(store: &dyn Store) {
    import(
        store,
        vec![
            record("DSA-1", 1, &[], &[("Debian:11", "openssl"), ("Debian:12", "openssl")], ""),
            record("GHSA-2", 2, &[], &[("npm", "openssl")], ""),
            record("GHSA-3", 3, &[], &[("npm", "left-pad")], ""),
            record("GHSA-4", 3, &[], &[("Debian", "zlib")], ""),
            record("GHSA-5", 5, &[], &[], ""),
            record("GHSA-6", 6, &[], &[("Debianish", "zlib")], ""),
        ],
    )
    .await;
    let all = ids(store, OsvFilter::default()).await;
    assert_eq!(
        all,
        ["GHSA-6", "GHSA-5", "GHSA-4", "GHSA-3", "GHSA-2", "DSA-1"],
        "newest first, then id descending"
    );
    // Pages of two follow each other without gap or repeat, through equal `modified`.
    let mut paged = Vec::new();
    let mut after: Option<OsvCursor> = None;
    loop {
        let page = store.osv_advisories(&OsvFilter::default(), after.as_ref(), 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(OsvCursor { modified_at: last.modified_at, id: last.id.clone() });
        paged.extend(page.into_iter().map(|s| s.id));
    }
    assert_eq!(paged, all);
    let f = |ecosystem: Option<&str>, package: Option<&str>, since: Option<i64>| OsvFilter {
        ecosystem: ecosystem.map(str::to_owned),
        package: package.map(str::to_owned),
        since: since.map(day),
        ..OsvFilter::default()
    };
    assert_eq!(ids(store, f(None, None, Some(3))).await, ["GHSA-6", "GHSA-5", "GHSA-4", "GHSA-3"]);
    assert_eq!(
        ids(store, f(Some("Debian"), None, None)).await,
        ["GHSA-4", "DSA-1"],
        "releases match their family"
    );
    assert_eq!(ids(store, f(Some("Debian:12"), None, None)).await, ["DSA-1"]);
    assert_eq!(ids(store, f(None, Some("openssl"), None)).await, ["GHSA-2", "DSA-1"]);
    assert_eq!(ids(store, f(Some("npm"), Some("openssl"), None)).await, ["GHSA-2"]);
    assert_eq!(ids(store, f(Some("npm"), None, Some(3))).await, ["GHSA-3"]);
    assert!(ids(store, f(Some("PyPI"), None, None)).await.is_empty());
    let listed = store.osv_advisories(&f(Some("Debian:11"), None, None), None, 10).await.unwrap();
    assert_eq!(
        listed[0].packages,
        [("Debian:11".to_owned(), "openssl".to_owned()), ("Debian:12".to_owned(), "openssl".to_owned())]
    );
    assert_eq!(listed[0].modified, day(1).to_string());
}

pub async fn found_by_package(store: &dyn Store) {
    import(
        store,
        vec![
            record("DSA-2", 1, &[], &[("Debian:11", "openssl"), ("Debian:12", "openssl")], ""),
            record("DSA-1", 1, &[], &[("Debian:12", "openssl")], ""),
            record("GHSA-3", 1, &[], &[("npm", "openssl")], ""),
            record("GHSA-4", 1, &[], &[("Debian", "openssl")], ""),
        ],
    )
    .await;
    let found = |ecosystem: &'static str| async move {
        store
            .osv_by_package(ecosystem, "openssl")
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>()
    };
    assert_eq!(found("Debian").await, ["DSA-1", "DSA-2", "GHSA-4"]);
    assert_eq!(found("Debian:12").await, ["DSA-1", "DSA-2"]);
    assert_eq!(found("npm").await, ["GHSA-3"]);
    assert!(found("PyPI").await.is_empty());
    assert!(store.published_advisories().await.unwrap().is_empty());
}

/// Every document in id order, page by page; the generation moves with every import that adds
/// or replaces a record, and not with one that changes nothing.
pub async fn documents_page_by_id_and_the_generation_follows_imports(store: &dyn Store) {
    let empty = store.osv_generation().await.unwrap();
    let batch = || {
        vec![record("B-2", 2, &[], &[], ""), record("A-1", 1, &[], &[], ""), record("C-3", 3, &[], &[], "")]
    };
    store.import_osv(ACTOR, batch(), day(100)).await.unwrap();
    let first = store.osv_generation().await.unwrap();
    assert_ne!(first, empty);

    let page = store.osv_documents(None, 2).await.unwrap();
    assert_eq!(page.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["A-1", "B-2"]);
    assert_eq!(page[0].1, batch()[1].document);
    let rest = store.osv_documents(Some("B-2"), 2).await.unwrap();
    assert_eq!(rest.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["C-3"]);
    assert!(store.osv_documents(Some("C-3"), 2).await.unwrap().is_empty());

    store.import_osv(ACTOR, batch(), day(101)).await.unwrap();
    assert_eq!(store.osv_generation().await.unwrap(), first, "nothing changed");
    store.import_osv(ACTOR, vec![record("B-2", 2, &[], &[], " again")], day(102)).await.unwrap();
    let replaced = store.osv_generation().await.unwrap();
    assert_ne!(replaced, first, "a replaced record");
    store.import_osv(ACTOR, vec![record("D-4", 4, &[], &[], "")], day(103)).await.unwrap();
    assert_ne!(store.osv_generation().await.unwrap(), replaced, "an added record");
}

/// A record with a summary, a severity and a publication day (none: no `published`).
fn described(
    id: &str,
    modified_day: i64,
    summary: &str,
    severity: Option<L>,
    published_day: Option<i64>,
    aliases: &[&str],
    packages: &[(&str, &str)],
) -> OsvImport {
    let mut r = record(id, modified_day, aliases, packages, "");
    r.summary = Some(summary.to_owned());
    r.severity = severity;
    r.published = published_day.map(|d| day(d).to_string());
    r.published_at = published_day.map(day);
    r
}

fn search(text: &str) -> OsvFilter {
    OsvFilter { text: Some(text.to_owned()), ..OsvFilter::default() }
}

/// The text search: literal, in any case (Unicode too), in the id, aliases, summary and package
/// names; `%`, `_` and `\` are characters like the others.
pub async fn lists_search_text(store: &dyn Store) {
    import(
        store,
        vec![
            described(
                "GHSA-1",
                1,
                "Heap overflow in the Parser",
                Some(L::High),
                Some(1),
                &["CVE-2018-1111"],
                &[("npm", "tidepool")],
            ),
            described(
                "GHSA-2",
                2,
                "100% CPU with a_b names",
                Some(L::Low),
                Some(2),
                &[],
                &[("PyPI", "Lanternfish")],
            ),
            described(
                "GHSA-3",
                3,
                "Élan vital: Über-bug in Straße",
                None,
                None,
                &[],
                &[("crates.io", "ÉCLAIR")],
            ),
            described("GHSA-4", 4, "1000 CPUs with axb names", Some(L::Medium), Some(4), &[], &[]),
            described("GHSA-5", 5, r"a back\slash", None, Some(5), &[], &[]),
        ],
    )
    .await;
    assert_eq!(ids(store, search("PARSER")).await, ["GHSA-1"], "summary, any case");
    assert_eq!(ids(store, search("cve-2018-1111")).await, ["GHSA-1"], "alias");
    assert_eq!(ids(store, search("ghsa-2")).await, ["GHSA-2"], "id");
    assert_eq!(ids(store, search("lanternFISH")).await, ["GHSA-2"], "package name");
    assert_eq!(ids(store, search("éclair")).await, ["GHSA-3"], "Unicode case");
    assert_eq!(ids(store, search("élan VITAL")).await, ["GHSA-3"]);
    assert_eq!(ids(store, search("ÜBER")).await, ["GHSA-3"]);
    assert_eq!(ids(store, search("100%")).await, ["GHSA-2"], "% is literal");
    assert_eq!(ids(store, search("a_b")).await, ["GHSA-2"], "_ is literal");
    assert_eq!(ids(store, search("%")).await, ["GHSA-2"]);
    assert_eq!(ids(store, search("_")).await, ["GHSA-2"]);
    assert_eq!(ids(store, search(r"k\s")).await, ["GHSA-5"], "a backslash is literal");
    assert!(ids(store, search(r"\%")).await.is_empty());
    assert!(ids(store, search("no such text")).await.is_empty());
    assert!(ids(store, search("'; DROP TABLE osv_advisories; --")).await.is_empty());
    assert_eq!(ids(store, OsvFilter::default()).await.len(), 5, "nothing was dropped");
    // With the package filter too.
    let both = OsvFilter { package: Some("tidepool".into()), ..search("overflow") };
    assert_eq!(ids(store, both).await, ["GHSA-1"]);
    let neither = OsvFilter { package: Some("Lanternfish".into()), ..search("overflow") };
    assert!(ids(store, neither).await.is_empty());
}

/// Severity and publication-date filters, alone and together, with and without packages; pages
/// of a filtered list follow each other without gap or repeat.
pub async fn lists_filter_severity_and_publication(store: &dyn Store) {
    import(
        store,
        vec![
            described("A-1", 1, "one", Some(L::Critical), Some(1), &[], &[("npm", "x")]),
            described("A-2", 2, "two", Some(L::High), Some(2), &[], &[("npm", "y")]),
            described("A-3", 3, "three", Some(L::Medium), Some(3), &[], &[("PyPI", "x")]),
            described("A-4", 4, "four", Some(L::Low), None, &[], &[("npm", "x")]),
            described("A-5", 5, "five", Some(L::None), Some(5), &[], &[]),
            described("A-6", 6, "six", None, Some(6), &[], &[("npm", "x")]),
            described("A-7", 6, "seven", Some(L::Critical), Some(7), &[], &[("npm", "x")]),
        ],
    )
    .await;
    let severities = |levels: &[L]| OsvFilter { severities: levels.to_vec(), ..OsvFilter::default() };
    assert_eq!(ids(store, severities(&[L::Critical])).await, ["A-7", "A-1"]);
    assert_eq!(ids(store, severities(&[L::High, L::Medium])).await, ["A-3", "A-2"]);
    assert_eq!(ids(store, severities(&[L::None])).await, ["A-5"], "NONE is a level, not a missing one");
    assert_eq!(
        ids(store, severities(&[L::Low, L::Low, L::Low, L::Low, L::Low, L::Low, L::High])).await,
        ["A-4", "A-2"]
    );
    assert_eq!(ids(store, severities(&L::ALL)).await.len(), 6, "all but the one without");
    let by_package = OsvFilter {
        ecosystem: Some("npm".into()),
        package: Some("x".into()),
        ..severities(&[L::Critical, L::Low])
    };
    assert_eq!(ids(store, by_package).await, ["A-7", "A-4", "A-1"]);

    let published = |from: Option<i64>, until: Option<i64>| OsvFilter {
        published_since: from.map(day),
        published_until: until.map(day),
        ..OsvFilter::default()
    };
    assert_eq!(ids(store, published(Some(5), None)).await, ["A-7", "A-6", "A-5"], "from, inclusive");
    assert_eq!(ids(store, published(None, Some(2))).await, ["A-2", "A-1"], "until, inclusive");
    assert_eq!(ids(store, published(Some(2), Some(3))).await, ["A-3", "A-2"]);
    assert_eq!(ids(store, published(Some(0), None)).await.len(), 6, "A-4 has no published date");
    assert!(ids(store, published(Some(4), Some(3))).await.is_empty());
    let mixed = OsvFilter { ecosystem: Some("npm".into()), ..published(Some(2), None) };
    assert_eq!(ids(store, mixed).await, ["A-7", "A-6", "A-2"]);

    // Pages of one, through equal `modified` (A-6 and A-7), with filters on.
    let filter = OsvFilter { ecosystem: Some("npm".into()), ..severities(&[L::Critical, L::Low, L::High]) };
    let all = ids(store, filter.clone()).await;
    assert_eq!(all, ["A-7", "A-4", "A-2", "A-1"]);
    let mut paged = Vec::new();
    let mut after: Option<OsvCursor> = None;
    loop {
        let page = store.osv_advisories(&filter, after.as_ref(), 1).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(OsvCursor { modified_at: last.modified_at, id: last.id.clone() });
        paged.extend(page.into_iter().map(|s| s.id));
    }
    assert_eq!(paged, all);
    // The severity is read back with the record, in lists and by id.
    let listed = store.osv_advisories(&severities(&[L::High]), None, 10).await.unwrap();
    assert_eq!(listed[0].severity, Some(L::High));
    assert_eq!(store.osv_advisory("A-6").await.unwrap().unwrap().summary.severity, None);
    assert_eq!(store.osv_advisory("A-5").await.unwrap().unwrap().summary.severity, Some(L::None));
}

/// A replaced record's severity, date and search text follow its new content.
pub async fn a_replaced_record_is_found_by_its_new_content(store: &dyn Store) {
    import(
        store,
        vec![described("A-1", 1, "old words", Some(L::Low), Some(1), &["CVE-1"], &[("npm", "old")])],
    )
    .await;
    let mut new = described("A-1", 2, "new words", Some(L::High), Some(9), &["CVE-2"], &[("npm", "new")]);
    new.document.push(' ');
    assert_eq!(import(store, vec![new]).await, counts(0, 1, 0));
    assert!(ids(store, search("old")).await.is_empty());
    assert!(ids(store, search("CVE-1")).await.is_empty());
    for text in ["new words", "cve-2", "NEW"] {
        assert_eq!(ids(store, search(text)).await, ["A-1"], "{text}");
    }
    let high = OsvFilter { severities: vec![L::High], ..OsvFilter::default() };
    assert_eq!(ids(store, high).await, ["A-1"]);
    let ninth = OsvFilter { published_since: Some(day(9)), ..OsvFilter::default() };
    assert_eq!(ids(store, ninth).await, ["A-1"]);
}

/// Each replacement of a record keeps its revision's date: first the replaced document's
/// `modified` (when it was a change after `published`), then the new one's; an unchanged
/// import adds nothing. A record never replaced has no list.
pub async fn replacements_keep_the_dates_of_revisions(store: &dyn Store) {
    // published day 0, modified day 1: already one change before any replacement
    import(store, vec![record("GHSA-R", 1, &[], &[("npm", "a")], "")]).await;
    assert!(store.osv_advisory("GHSA-R").await.unwrap().unwrap().changes.is_empty());
    import(store, vec![record("GHSA-R", 4, &[], &[("npm", "a")], " v2")]).await;
    assert_eq!(store.osv_advisory("GHSA-R").await.unwrap().unwrap().changes, [day(1), day(4)]);
    assert_eq!(import(store, vec![record("GHSA-R", 4, &[], &[("npm", "a")], " v2")]).await, counts(0, 0, 1));
    import(store, vec![record("GHSA-R", 9, &[], &[("npm", "a")], " v3")]).await;
    assert_eq!(store.osv_advisory("GHSA-R").await.unwrap().unwrap().changes, [day(1), day(4), day(9)]);
    // A new text with an older `modified` is still a later revision: dates never go back.
    import(store, vec![record("GHSA-R", 7, &[], &[("npm", "a")], " v4")]).await;
    assert_eq!(
        store.osv_advisory("GHSA-R").await.unwrap().unwrap().changes,
        [day(1), day(4), day(9), day(9)]
    );

    // published and modified on day 0: the first revision was the publication itself
    import(store, vec![record("GHSA-S", 0, &[], &[], "")]).await;
    import(store, vec![record("GHSA-S", 2, &[], &[], " v2")]).await;
    assert_eq!(store.osv_advisory("GHSA-S").await.unwrap().unwrap().changes, [day(2)]);
}
