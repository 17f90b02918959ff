//! The conformance suite of the [`Store`] contract.
//!
//! Every test is an `async fn` of one of two shapes:
//!
//! * `async fn name(store: &dyn Store)` gets a freshly opened, empty store;
//! * `async fn name(harness: &Harness)` gets the place a store lives in (a folder, a database)
//!   and opens it as often as it likes, to check what survives a restart.
//!
//! [`conformance_suite!`] instantiates all of them for one back end. A new test is added to its
//! area module and listed once in the macro.

pub mod accord;
pub mod advisories;
pub mod atomicity;
pub mod audit;
pub mod cvd;
pub mod durability;
pub mod fixtures;
pub mod log;
/// The log's tests that reopen the store.
pub mod log_durability {
    pub use super::log::the_log_survives_reopen;
}
pub mod objects;
pub mod organizations;
pub mod outbox;
pub mod pull;
pub mod revocation;
pub mod sessions;
pub mod taxii;
pub mod users_tokens;

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use accord_store::{Store, StoreError};

type OpenFuture = Pin<Box<dyn Future<Output = Result<Box<dyn Store>, StoreError>> + Send>>;

/// Where one test's store lives, and how to open it there.
///
/// `guard` is whatever keeps that place alive (a `TempDir`, a scratch database); it is dropped
/// with the harness, after every store the test opened.
pub struct Harness {
    open: Box<dyn Fn() -> OpenFuture + Send + Sync>,
    _guard: Box<dyn Any + Send + Sync>,
}

impl Harness {
    pub fn new<G, F, Fut, S>(guard: G, open: F) -> Self
    where
        G: Any + Send + Sync,
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<S, StoreError>> + Send + 'static,
        S: Store,
    {
        let open = move || -> OpenFuture {
            let fut = open();
            Box::pin(async move { fut.await.map(|s| Box::new(s) as Box<dyn Store>) })
        };
        Self { open: Box::new(open), _guard: Box::new(guard) }
    }

    /// Opens (or reopens) the store; panics if the back end refuses.
    pub async fn open(&self) -> Box<dyn Store> {
        match (self.open)().await {
            Ok(store) => store,
            Err(e) => panic!("cannot open the store: {e:?}"),
        }
    }
}

/// Instantiates the whole conformance suite for one back end:
///
/// ```ignore
/// conformance_suite!(sqlite, || async { /* build and return a Harness */ });
/// ```
///
/// The second argument is a closure returning a future of a fresh [`Harness`]; it is called
/// once per test, so tests never share a store.
macro_rules! conformance_suite {
    ($backend:ident, $harness:expr $(,)?) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;

            async fn harness() -> $crate::conformance::Harness {
                let make = $harness;
                make().await
            }

            $crate::conformance::conformance_suite!(@store organizations:
                create_and_read,
                full_record_round_trips,
                listed_by_name_case_insensitive,
                status_filter,
                duplicate_domain_or_id_conflicts,
                invite_transitions,
                keys_are_registered_per_organization,
                counts_by_status,
            );
            $crate::conformance::conformance_suite!(@store accord:
                empty_store_has_no_accord,
                versions_publish_in_sequence,
                version_gap_conflicts,
                concurrent_publish_one_wins,
                sign_success,
                sign_requires_registered_key,
                sign_requires_existing_version,
                sign_requires_matching_digest,
                sign_unknown_organization_not_found,
                second_signature_of_same_version_conflicts,
                withdraw_only_from_signatory,
                signatories_ordered_by_signed_at_then_name,
            );
            $crate::conformance::conformance_suite!(@store users_tokens:
                create_and_read_users,
                duplicate_email_conflicts,
                user_for_unknown_organization_not_found,
                user_by_email_returns_password_hash,
                set_password_replaces_hash,
                token_lookup,
                token_for_unknown_user_not_found,
                has_admin,
                is_empty,
                is_empty_until_an_organization,
            );
            $crate::conformance::conformance_suite!(@store revocation:
                tokens_are_listed_and_revoked,
                revoked_keys_cannot_sign_other_keys_can,
            );
            $crate::conformance::conformance_suite!(@store objects:
                versions_and_their_selection,
                paging_and_added_after,
                tlp_decides_who_reads_what,
                objects_need_a_collection,
                deleting_versions_keeps_the_flags_right,
            );
            $crate::conformance::conformance_suite!(@store cvd:
                reports_are_triaged_once,
                local_ids_have_no_gaps_under_concurrency,
                states_change_by_compare_and_set,
                vendors_statuses_and_visibility,
                history_is_append_only,
                threads_keep_their_messages_apart,
            );
            $crate::conformance::conformance_suite!(@store outbox:
                enqueue_claim_and_deliver,
                failures_back_off_then_give_up,
                rolled_back_changes_enqueue_nothing,
                webhooks_are_set_replaced_and_removed,
                claims_are_limited_and_oldest_first,
                sealed_addresses_are_kept_as_given_and_marked,
            );
            $crate::conformance::conformance_suite!(@store pull:
                pages_and_resume_points,
                a_refused_page_stores_nothing,
            );
            $crate::conformance::conformance_suite!(@store advisories:
                imports_add_then_leave_unchanged,
                changed_content_replaces_aliases_and_packages,
                a_refused_record_imports_nothing,
                found_by_id_or_alias,
                lists_filter_and_page,
                lists_search_text,
                lists_filter_severity_and_publication,
                a_replaced_record_is_found_by_its_new_content,
                replacements_keep_the_dates_of_revisions,
                found_by_package,
                documents_page_by_id_and_the_generation_follows_imports,
            );
            $crate::conformance::conformance_suite!(@store taxii:
                roots_collections_and_grants,
                collection_writes_check_what_they_name,
                statuses_and_server_secrets,
            );
            $crate::conformance::conformance_suite!(@store sessions:
                create_read_delete,
                set_password_ends_the_users_sessions,
                session_for_unknown_user_not_found,
            );
            $crate::conformance::conformance_suite!(@store audit:
                events_newest_first_with_actor,
                failed_writes_leave_no_event,
            );
            $crate::conformance::conformance_suite!(@store atomicity:
                failed_third_write_applies_nothing,
                conflicting_third_write_applies_nothing,
                batch_sees_its_own_writes,
            );
            $crate::conformance::conformance_suite!(@store log:
                appends_return_receipts_that_verify,
                entries_hashes_and_proofs_match_a_tree_in_memory,
                proofs_in_a_tall_tree_stay_right_as_it_grows,
                an_entry_commits_with_its_event_or_not_at_all,
                concurrent_appends_never_fork,
                concurrent_writes_get_their_own_answers,
                cosignatures_only_move_forward,
            );
            $crate::conformance::conformance_suite!(@harness log_durability:
                the_log_survives_reopen,
            );
            $crate::conformance::conformance_suite!(@harness durability:
                data_survives_reopen,
                reopen_is_idempotent,
            );
        }
    };
    (@store $area:ident: $($test:ident),* $(,)?) => {
        mod $area {
            $(
                #[tokio::test]
                async fn $test() {
                    let harness = super::harness().await;
                    let store = harness.open().await;
                    $crate::conformance::$area::$test(&*store).await;
                }
            )*
        }
    };
    (@harness $area:ident: $($test:ident),* $(,)?) => {
        mod $area {
            $(
                #[tokio::test]
                async fn $test() {
                    let harness = super::harness().await;
                    $crate::conformance::$area::$test(&harness).await;
                }
            )*
        }
    };
}
pub(crate) use conformance_suite;
