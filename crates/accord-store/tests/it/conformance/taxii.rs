//! TAXII API roots, collections and grants.

use accord_stix::TlpLevel;
use accord_store::{RegistryWrite, Store};
use accord_taxii::{Access, ApiRoot, ApiRootName, Collection};

use super::fixtures::*;

fn root(name: &str) -> ApiRoot {
    ApiRoot {
        name: name.parse().unwrap(),
        title: format!("Root {name}"),
        description: Some("for tests".into()),
        max_content_length: 10_485_760,
    }
}

fn collection(id: &str, root: &str, title: &str, tlp: TlpLevel, public: bool) -> Collection {
    Collection {
        id: id.parse().unwrap(),
        api_root: root.parse().unwrap(),
        title: title.into(),
        description: None,
        default_tlp: tlp,
        public,
    }
}

const C1: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
const C2: &str = "52892447-4d7e-4f70-b94d-d7f22742ff63";

pub async fn roots_collections_and_grants(store: &dyn Store) {
    let a = org("A", "a.example");
    let b = org("B", "b.example");
    create_org(store, &a).await;
    create_org(store, &b).await;
    write(
        store,
        vec![
            RegistryWrite::CreateApiRoot { root: root("zeta"), at: day(1) },
            RegistryWrite::CreateApiRoot { root: root("accord"), at: day(1) },
            RegistryWrite::CreateCollection {
                collection: collection(C1, "accord", "Public", TlpLevel::Clear, true),
                at: day(1),
            },
            RegistryWrite::CreateCollection {
                collection: collection(C2, "accord", "Members", TlpLevel::Green, false),
                at: day(1),
            },
            RegistryWrite::GrantCollection {
                collection: C2.parse().unwrap(),
                organization_id: a.id,
                access: Access { can_read: true, can_write: false },
                at: day(2),
            },
        ],
    )
    .await;
    let roots = store.api_roots().await.unwrap();
    assert_eq!(roots.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["accord", "zeta"]);
    assert_eq!(roots[0], root("accord"));

    let accord: ApiRootName = "accord".parse().unwrap();
    let for_a = store.collections(&accord, Some(a.id)).await.unwrap();
    assert_eq!(for_a.len(), 2);
    assert_eq!(for_a[0].0, collection(C2, "accord", "Members", TlpLevel::Green, false), "ordered by title");
    assert_eq!(for_a[0].1, Access { can_read: true, can_write: false });
    assert_eq!(for_a[1].1, Access::default(), "no grant on the public collection");
    let for_b = store.collections(&accord, Some(b.id)).await.unwrap();
    assert!(for_b.iter().all(|(_, access)| *access == Access::default()));
    let anonymous = store.collections(&accord, None).await.unwrap();
    assert!(anonymous.iter().all(|(_, access)| *access == Access::default()));
    assert!(store.collections(&"zeta".parse().unwrap(), Some(a.id)).await.unwrap().is_empty());

    // A second grant replaces the first.
    write(
        store,
        vec![RegistryWrite::GrantCollection {
            collection: C2.parse().unwrap(),
            organization_id: a.id,
            access: Access { can_read: true, can_write: true },
            at: day(3),
        }],
    )
    .await;
    let grants = store.collection_grants(&C2.parse().unwrap()).await.unwrap();
    assert_eq!(grants, vec![(a.id, Access { can_read: true, can_write: true })]);
}

pub async fn collection_writes_check_what_they_name(store: &dyn Store) {
    let a = org("A", "a.example");
    create_org(store, &a).await;
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::CreateCollection {
                    collection: collection(C1, "nowhere", "X", TlpLevel::Clear, false),
                    at: day(1),
                }],
            )
            .await,
        "API root",
    );
    write(store, vec![RegistryWrite::CreateApiRoot { root: root("accord"), at: day(1) }]).await;
    expect_conflict(
        store.write(ACTOR, vec![RegistryWrite::CreateApiRoot { root: root("accord"), at: day(1) }]).await,
    );
    let c = RegistryWrite::CreateCollection {
        collection: collection(C1, "accord", "X", TlpLevel::Amber, false),
        at: day(1),
    };
    write(store, vec![c.clone()]).await;
    expect_conflict(store.write(ACTOR, vec![c]).await);
    let grant = |collection: &str, organization_id| RegistryWrite::GrantCollection {
        collection: collection.parse().unwrap(),
        organization_id,
        access: Access { can_read: true, can_write: true },
        at: day(2),
    };
    expect_not_found(store.write(ACTOR, vec![grant(C2, a.id)]).await, "collection");
    expect_not_found(store.write(ACTOR, vec![grant(C1, org_id())]).await, "organization");
    assert!(store.collection_grants(&C1.parse().unwrap()).await.unwrap().is_empty());
}

pub async fn statuses_and_server_secrets(store: &dyn Store) {
    let u = user("u@x.example", accord_model::Role::Admin, None);
    write(
        store,
        vec![
            RegistryWrite::CreateUser { user: u.clone(), password_hash: None },
            RegistryWrite::RecordStatus {
                id: "2d086da7-4bdc-4f91-900e-d77486753710".into(),
                api_root: "accord".into(),
                created_by: u.id,
                request_timestamp: day(1),
                resource: r#"{"status":"complete"}"#.into(),
            },
        ],
    )
    .await;
    let (root, by, resource) = store.status("2d086da7-4bdc-4f91-900e-d77486753710").await.unwrap().unwrap();
    assert_eq!((root.as_str(), by, resource.as_str()), ("accord", u.id, r#"{"status":"complete"}"#));
    assert!(store.status("nope").await.unwrap().is_none());

    assert!(store.server_secret("cursor").await.unwrap().is_none());
    write(store, vec![RegistryWrite::InitServerSecret { name: "cursor".into(), value: vec![1; 32] }]).await;
    write(store, vec![RegistryWrite::InitServerSecret { name: "cursor".into(), value: vec![2; 32] }]).await;
    assert_eq!(store.server_secret("cursor").await.unwrap(), Some(vec![1; 32]), "the first value stays");
}
