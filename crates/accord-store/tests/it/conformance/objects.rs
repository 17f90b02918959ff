//! STIX object versions in collections: storage, version flags, filters, paging and the TLP
//! rule of every object query.

use accord_model::{OrganizationId, Role, UserId};
use accord_stix::TlpLevel;
use accord_store::{NewObjectVersion, ObjectFilter, ObjectReader, RegistryWrite, Store, VersionChoice};
use accord_taxii::{ApiRoot, Collection, CollectionId};

use super::fixtures::*;

const COLLECTION: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

fn collection_id() -> CollectionId {
    COLLECTION.parse().unwrap()
}

/// A store with one collection, organisations A and B, and a user in each.
async fn setup(store: &dyn Store) -> (OrganizationId, UserId, OrganizationId, UserId) {
    let a = org("A", "a.example");
    let b = org("B", "b.example");
    let ua = user("ua@a.example", Role::Analyst, Some(a.id));
    let ub = user("ub@b.example", Role::Analyst, Some(b.id));
    create_org(store, &a).await;
    create_org(store, &b).await;
    write(
        store,
        vec![
            RegistryWrite::CreateUser { user: ua.clone(), password_hash: None },
            RegistryWrite::CreateUser { user: ub.clone(), password_hash: None },
            RegistryWrite::CreateApiRoot {
                root: ApiRoot {
                    name: "r".parse().unwrap(),
                    title: "R".into(),
                    description: None,
                    max_content_length: 1,
                },
                at: day(1),
            },
            RegistryWrite::CreateCollection {
                collection: Collection {
                    id: collection_id(),
                    api_root: "r".parse().unwrap(),
                    title: "C".into(),
                    description: None,
                    default_tlp: TlpLevel::Amber,
                    public: true,
                },
                at: day(1),
            },
        ],
    )
    .await;
    (a.id, ua.id, b.id, ub.id)
}

fn version(id: &str, spec: &str, modified: &str, tlp: TlpLevel) -> NewObjectVersion {
    NewObjectVersion {
        object_id: id.to_owned(),
        object_type: id.split("--").next().unwrap().to_owned(),
        spec_version: spec.to_owned(),
        version: Some((modified.to_owned(), modified.to_owned())),
        tlp,
        recipients: Vec::new(),
        links: Vec::new(),
        raw: format!(r#"{{"id":"{id}","modified":"{modified}","spec_version":"{spec}"}}"#),
    }
}

async fn add(store: &dyn Store, org: OrganizationId, user: UserId, at: i64, versions: Vec<NewObjectVersion>) {
    write(
        store,
        vec![RegistryWrite::AddObjects {
            collection: collection_id(),
            producer_org: Some(org),
            producer_user: user,
            versions,
            at: day(at),
        }],
    )
    .await;
}

fn everyone() -> ObjectReader {
    ObjectReader { member: true, organization: None, user: None }
}

async fn ids(store: &dyn Store, reader: ObjectReader, filter: &ObjectFilter) -> Vec<String> {
    store
        .objects(&collection_id(), reader, filter, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|o| format!("{}@{}", o.object_id, o.version))
        .collect()
}

const I1: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
const M1: &str = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";

pub async fn versions_and_their_selection(store: &dyn Store) {
    let (a, ua, ..) = setup(store).await;
    // Added out of order: the newest version first.
    add(store, a, ua, 2, vec![version(I1, "2.1", "2016-03-01T00:00:00.000Z", TlpLevel::Green)]).await;
    add(store, a, ua, 3, vec![version(I1, "2.1", "2016-01-01T00:00:00.000Z", TlpLevel::Green)]).await;
    add(store, a, ua, 4, vec![version(I1, "2.1", "2016-02-01T00:00:00.000Z", TlpLevel::Green)]).await;
    // The same version again changes nothing.
    add(store, a, ua, 5, vec![version(I1, "2.1", "2016-02-01T00:00:00.000Z", TlpLevel::Green)]).await;
    add(store, a, ua, 5, vec![version(M1, "2.0", "2016-01-01T00:00:00.000Z", TlpLevel::Green)]).await;
    add(store, a, ua, 6, vec![version(M1, "2.1", "2015-01-01T00:00:00.000Z", TlpLevel::Green)]).await;

    let last =
        ObjectFilter { versions: VersionChoice { last: true, ..Default::default() }, ..Default::default() };
    assert_eq!(
        ids(store, everyone(), &last).await,
        [format!("{I1}@2016-03-01T00:00:00.000Z"), format!("{M1}@2015-01-01T00:00:00.000Z")],
        "last version, newest spec version only, in the order added"
    );
    let first =
        ObjectFilter { versions: VersionChoice { first: true, ..Default::default() }, ..Default::default() };
    assert_eq!(ids(store, everyone(), &first).await[0], format!("{I1}@2016-01-01T00:00:00.000Z"));
    let all = ObjectFilter {
        ids: vec![I1.into()],
        versions: VersionChoice { all: true, ..Default::default() },
        ..Default::default()
    };
    assert_eq!(ids(store, everyone(), &all).await.len(), 3);
    let at = ObjectFilter {
        versions: VersionChoice { at: vec!["2016-02-01T00:00:00.000Z".into()], ..Default::default() },
        ..Default::default()
    };
    assert_eq!(ids(store, everyone(), &at).await, [format!("{I1}@2016-02-01T00:00:00.000Z")]);
    let old_spec = ObjectFilter {
        spec_versions: vec!["2.0".into()],
        versions: VersionChoice { last: true, ..Default::default() },
        ..Default::default()
    };
    assert_eq!(ids(store, everyone(), &old_spec).await, [format!("{M1}@2016-01-01T00:00:00.000Z")]);
    let by_type = ObjectFilter {
        types: vec!["malware".into()],
        spec_versions: vec!["2.0".into(), "2.1".into()],
        versions: VersionChoice { all: true, ..Default::default() },
        ..Default::default()
    };
    assert_eq!(ids(store, everyone(), &by_type).await.len(), 2);
}

pub async fn paging_and_added_after(store: &dyn Store) {
    let (a, ua, ..) = setup(store).await;
    let mut versions = Vec::new();
    for i in 0..25 {
        versions.push(version(
            &format!("indicator--8e2e2d2b-17d4-4cbf-938f-{i:012}"),
            "2.1",
            "2016-01-01T00:00:00.000Z",
            TlpLevel::Clear,
        ));
    }
    // One envelope: every version shares one date added; seq breaks the tie.
    add(store, a, ua, 2, versions[..20].to_vec()).await;
    add(store, a, ua, 1, versions[20..].to_vec()).await; // an earlier clock: date added does not go back
    let filter =
        ObjectFilter { versions: VersionChoice { last: true, ..Default::default() }, ..Default::default() };
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.objects(&collection_id(), everyone(), &filter, after, 7).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        after = page.last().unwrap().seq;
        seen.extend(page);
    }
    assert_eq!(seen.len(), 25, "every version exactly once");
    let mut unique: Vec<_> = seen.iter().map(|o| o.object_id.clone()).collect();
    unique.dedup();
    assert_eq!(unique.len(), 25);
    assert!(seen.windows(2).all(|w| w[0].seq < w[1].seq && w[0].date_added <= w[1].date_added));
    assert_eq!(seen[24].date_added, seen[0].date_added, "the later batch is never dated earlier");

    let added_after = ObjectFilter { added_after: Some(seen[0].date_added), ..filter.clone() };
    assert!(ids(store, everyone(), &added_after).await.is_empty(), "strictly after");
    add(store, a, ua, 9, vec![version(M1, "2.1", "2016-01-01T00:00:00.000Z", TlpLevel::Clear)]).await;
    assert_eq!(ids(store, everyone(), &added_after).await, [format!("{M1}@2016-01-01T00:00:00.000Z")]);
}

pub async fn tlp_decides_who_reads_what(store: &dyn Store) {
    let (a, ua, b, ub) = setup(store).await;
    let c = org("C", "c.example");
    create_org(store, &c).await;
    // One note per level, each naming C as a recipient; a second RED note names A itself.
    let mut versions = Vec::new();
    for (i, level) in TlpLevel::ALL.into_iter().enumerate() {
        let mut v = version(
            &format!("note--8e2e2d2b-17d4-4cbf-938f-{i:012}"),
            "2.1",
            "2016-01-01T00:00:00.000Z",
            level,
        );
        v.recipients = vec![c.id];
        versions.push(v);
    }
    let mut own_red = version(
        &format!("note--8e2e2d2b-17d4-4cbf-938f-{:012}", 99),
        "2.1",
        "2016-01-01T00:00:00.000Z",
        TlpLevel::Red,
    );
    own_red.recipients = vec![a, c.id];
    versions.push(own_red);
    add(store, a, ua, 2, versions).await;

    let all =
        ObjectFilter { versions: VersionChoice { all: true, ..Default::default() }, ..Default::default() };
    let levels = |found: Vec<String>| -> Vec<String> {
        found
            .iter()
            .map(|f| match f[f.find("938f-").unwrap() + 5..][..12].parse::<usize>().unwrap() {
                99 => "RED naming A".to_owned(),
                i => TlpLevel::ALL[i].as_str().to_owned(),
            })
            .collect()
    };
    let anonymous = ObjectReader { member: false, organization: None, user: None };
    assert_eq!(levels(ids(store, anonymous, &all).await), ["clear"]);
    let other_member = ObjectReader { member: true, organization: Some(b), user: Some(ub) };
    assert_eq!(levels(ids(store, other_member, &all).await), ["clear", "green"]);
    let recipient = ObjectReader { member: true, organization: Some(c.id), user: Some(user_id()) };
    assert_eq!(
        levels(ids(store, recipient, &all).await),
        ["clear", "green", "amber", "red", "RED naming A"],
        "a named organisation reads AMBER and RED, never AMBER+STRICT"
    );
    let colleague = ObjectReader { member: true, organization: Some(a), user: Some(user_id()) };
    assert_eq!(
        levels(ids(store, colleague, &all).await),
        ["clear", "green", "amber", "amber+strict", "RED naming A"],
        "the producer's organisation reads AMBER and AMBER+STRICT, and RED only where named"
    );
    let producer = ObjectReader { member: true, organization: Some(a), user: Some(ua) };
    assert_eq!(
        levels(ids(store, producer, &all).await),
        ["clear", "green", "amber", "amber+strict", "red", "RED naming A"]
    );
    let producer_without_org = ObjectReader { member: true, organization: None, user: Some(ua) };
    assert_eq!(levels(ids(store, producer_without_org, &all).await).len(), 6);
    // Deleting a version takes its recipients with it.
    write(
        store,
        vec![RegistryWrite::DeleteObject {
            collection: collection_id(),
            object_id: format!("note--8e2e2d2b-17d4-4cbf-938f-{:012}", 99),
            spec_versions: vec![],
            versions: VersionChoice { all: true, ..Default::default() },
            producer: None,
            at: day(3),
        }],
    )
    .await;
    assert_eq!(levels(ids(store, recipient, &all).await), ["clear", "green", "amber", "red"]);
}

pub async fn objects_need_a_collection(store: &dyn Store) {
    let (a, ua, ..) = setup(store).await;
    let result = store
        .write(
            ACTOR,
            vec![RegistryWrite::AddObjects {
                collection: "52892447-4d7e-4f70-b94d-d7f22742ff63".parse().unwrap(),
                producer_org: Some(a),
                producer_user: ua,
                versions: vec![version(I1, "2.1", "2016-01-01T00:00:00.000Z", TlpLevel::Clear)],
                at: day(1),
            }],
        )
        .await;
    expect_not_found(result, "collection");
    // Objects without a version take their date added as version.
    let mut sco = version("ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "2.1", "x", TlpLevel::Clear);
    sco.version = None;
    add(store, a, ua, 3, vec![sco]).await;
    let found = store
        .objects(
            &collection_id(),
            everyone(),
            &ObjectFilter {
                versions: VersionChoice { last: true, ..Default::default() },
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(found[0].version, accord_model::time::format_timestamp(day(3)));
}

pub async fn deleting_versions_keeps_the_flags_right(store: &dyn Store) {
    let (a, ua, b, ub) = setup(store).await;
    add(store, a, ua, 2, vec![version(I1, "2.1", "2016-01-01T00:00:00.000Z", TlpLevel::Green)]).await;
    add(store, a, ua, 3, vec![version(I1, "2.1", "2016-02-01T00:00:00.000Z", TlpLevel::Green)]).await;
    let delete = |versions: VersionChoice, producer| RegistryWrite::DeleteObject {
        collection: collection_id(),
        object_id: I1.into(),
        spec_versions: vec![],
        versions,
        producer,
        at: day(4),
    };
    let last = VersionChoice { last: true, ..Default::default() };
    // Another organisation's member cannot delete it.
    expect_not_found(store.write(ACTOR, vec![delete(last.clone(), Some((Some(b), ub)))]).await, "object");
    write(store, vec![delete(last.clone(), Some((Some(a), ua)))]).await;
    let filter = ObjectFilter { versions: last.clone(), ..Default::default() };
    assert_eq!(
        ids(store, everyone(), &filter).await,
        [format!("{I1}@2016-01-01T00:00:00.000Z")],
        "the older version is now the last"
    );
    let all = VersionChoice { all: true, ..Default::default() };
    write(store, vec![delete(all.clone(), None)]).await; // an administrator
    assert!(
        ids(store, everyone(), &ObjectFilter { versions: all.clone(), ..Default::default() })
            .await
            .is_empty()
    );
    expect_not_found(store.write(ACTOR, vec![delete(all, None)]).await, "object");
}
