//! Pulls from remote TAXII collections: each page's versions and the resume point in one
//! transaction, duplicates counted, one resume point per local collection and remote source.

use accord_model::{Role, UserId};
use accord_stix::TlpLevel;
use accord_store::{
    NewObjectVersion, ObjectFilter, ObjectReader, PullSource, PulledPage, PulledPageOutcome, RegistryWrite,
    Store, StoreError, VersionChoice,
};
use accord_taxii::{ApiRoot, Collection, CollectionId};
use jiff::Timestamp;

use super::fixtures::*;

const LOCAL: &str = "5d8b2a3e-0c41-4f7a-9d0e-2a7c1b9e4f10";
const REMOTE: &str = "365fed99-08fa-fdcd-a1b3-fb247eb41d01";
const URL: &str = "http://127.0.0.1:5000/api1/";

fn local() -> CollectionId {
    LOCAL.parse().unwrap()
}

fn source(url: &str, remote: &str) -> PullSource {
    PullSource { collection: local(), api_root_url: url.to_owned(), remote_collection: remote.to_owned() }
}

/// A store with one collection and an administrator without organisation.
async fn setup(store: &dyn Store) -> UserId {
    let admin = user("admin@accord.localhost", Role::Admin, None);
    write(
        store,
        vec![
            RegistryWrite::CreateUser { user: admin.clone(), password_hash: None },
            RegistryWrite::CreateApiRoot {
                root: ApiRoot {
                    name: "mirror".parse().unwrap(),
                    title: "M".into(),
                    description: None,
                    max_content_length: 1,
                },
                at: day(1),
            },
            RegistryWrite::CreateCollection {
                collection: Collection {
                    id: local(),
                    api_root: "mirror".parse().unwrap(),
                    title: "Mirror".into(),
                    description: None,
                    default_tlp: TlpLevel::Amber,
                    public: false,
                },
                at: day(1),
            },
        ],
    )
    .await;
    admin.id
}

fn version(n: u32, modified: &str) -> NewObjectVersion {
    let id = format!("indicator--8e2e2d2b-17d4-4cbf-938f-{n:012}");
    NewObjectVersion {
        object_id: id.clone(),
        object_type: "indicator".into(),
        spec_version: "2.1".into(),
        version: Some((modified.to_owned(), modified.to_owned())),
        tlp: TlpLevel::Amber,
        recipients: Vec::new(),
        links: Vec::new(),
        raw: format!(r#"{{"id":"{id}","modified":"{modified}"}}"#),
    }
}

fn page(
    user: UserId,
    versions: Vec<NewObjectVersion>,
    resume_after: Option<Timestamp>,
    at: i64,
) -> PulledPage {
    PulledPage { source: source(URL, REMOTE), producer_user: user, versions, resume_after, at: day(at) }
}

async fn pull(store: &dyn Store, page: PulledPage) -> PulledPageOutcome {
    store.add_pulled_page(ACTOR, page).await.unwrap_or_else(|e| panic!("pulled page refused: {e:?}"))
}

async fn stored_versions(store: &dyn Store, producer: UserId) -> Vec<String> {
    let all =
        ObjectFilter { versions: VersionChoice { all: true, ..Default::default() }, ..Default::default() };
    // AMBER: only the producing user reads them, so this also checks who produced them.
    let reader = ObjectReader { member: true, organization: None, user: Some(producer) };
    let rows = store.objects(&local(), reader, &all, 0, 100).await.unwrap();
    rows.into_iter().map(|o| format!("{}@{}", &o.object_id[35..], o.version)).collect()
}

pub async fn pages_and_resume_points(store: &dyn Store) {
    let admin = setup(store).await;
    assert_eq!(store.pull_point(&source(URL, REMOTE)).await.unwrap(), None, "never pulled");

    let t1 = ts("2024-01-01T00:00:00.123456Z");
    let first = vec![version(1, "2016-01-01T00:00:00.000Z"), version(1, "2016-02-01T00:00:00.000Z")];
    assert_eq!(
        pull(store, page(admin, first, Some(t1), 2)).await,
        PulledPageOutcome { stored: 2, duplicates: 0 }
    );
    let point = store.pull_point(&source(URL, REMOTE)).await.unwrap().expect("a resume point");
    assert_eq!((point.resume_after, point.updated_at), (t1, day(2)));

    // A page repeated in part (after a crash, say), without a date from the server: the
    // duplicate is counted, the new version stored, the resume point kept.
    let again = vec![version(1, "2016-02-01T00:00:00.000Z"), version(2, "2016-01-01T00:00:00.000Z")];
    assert_eq!(
        pull(store, page(admin, again, None, 3)).await,
        PulledPageOutcome { stored: 1, duplicates: 1 }
    );
    assert_eq!(store.pull_point(&source(URL, REMOTE)).await.unwrap().map(|p| p.resume_after), Some(t1));

    // An empty last page still moves the resume point.
    let t2 = ts("2024-01-02T00:00:00Z");
    assert_eq!(pull(store, page(admin, vec![], Some(t2), 4)).await, PulledPageOutcome::default());
    assert_eq!(store.pull_point(&source(URL, REMOTE)).await.unwrap().map(|p| p.resume_after), Some(t2));

    assert_eq!(
        stored_versions(store, admin).await,
        [
            "000000000001@2016-01-01T00:00:00.000Z",
            "000000000001@2016-02-01T00:00:00.000Z",
            "000000000002@2016-01-01T00:00:00.000Z"
        ]
    );
    // Resume points are per remote server and collection.
    assert_eq!(store.pull_point(&source("http://other.example/taxii2/r/", REMOTE)).await.unwrap(), None);
    assert_eq!(store.pull_point(&source(URL, "another-collection")).await.unwrap(), None);
    let events = store.events(1).await.unwrap();
    assert_eq!(events[0].action, "taxii.objects_pulled");
    assert_eq!(events[0].subject, LOCAL);
}

pub async fn a_refused_page_stores_nothing(store: &dyn Store) {
    let admin = setup(store).await;
    let t1 = ts("2024-01-01T00:00:00Z");
    let stranger = user_id();
    match store
        .add_pulled_page(ACTOR, page(stranger, vec![version(1, "2016-01-01T00:00:00.000Z")], Some(t1), 2))
        .await
    {
        Err(StoreError::NotFound { what }) => assert_eq!(what, "user"),
        other => panic!("expected NotFound user, got {other:?}"),
    }
    let mut elsewhere = page(admin, vec![version(1, "2016-01-01T00:00:00.000Z")], Some(t1), 2);
    elsewhere.source.collection = "0f0f0f0f-0c41-4f7a-9d0e-2a7c1b9e4f10".parse().unwrap();
    match store.add_pulled_page(ACTOR, elsewhere).await {
        Err(StoreError::NotFound { what }) => assert_eq!(what, "collection"),
        other => panic!("expected NotFound collection, got {other:?}"),
    }
    assert_eq!(store.pull_point(&source(URL, REMOTE)).await.unwrap(), None);
    assert!(stored_versions(store, admin).await.is_empty());
}
