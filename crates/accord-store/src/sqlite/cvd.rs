//! SQL of coordinated disclosure: reports, cases, vendors, statuses, history, advisories.

use accord_model::cvd::{CaseState, LocalCaseId};
use accord_model::{CaseId, ReportId};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, Transaction};

use super::backend;
use super::rows::{self, text};
use super::write::{is_foreign_key, unique_or};
use crate::StoreError;
use crate::cvd::{
    CaseEventRecord, CaseReader, CaseRecord, CaseVendor, CvdWrite, ProductStatusRecord, ReportRecord,
};

fn conflict(message: &str) -> StoreError {
    StoreError::Conflict { message: message.to_owned() }
}

/// Moves a case from `from` to `to`, or fails when it is no longer in `from`.
fn compare_and_set_state(
    tx: &Transaction<'_>,
    id: CaseId,
    from: CaseState,
    to: CaseState,
    close_reason: Option<&str>,
) -> Result<(), StoreError> {
    let changed = tx
        .prepare_cached("UPDATE cvd_cases SET state = $1, close_reason = $2 WHERE id = $3 AND state = $4")
        .and_then(|mut s| {
            s.execute(rusqlite::params![to.as_str(), close_reason, id.to_string(), from.as_str()])
        })
        .map_err(backend)?;
    if changed == 1 {
        return Ok(());
    }
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM cvd_cases WHERE id = $1)")
        .and_then(|mut s| s.query_row([id.to_string()], |r| r.get(0)))
        .map_err(backend)?;
    if exists {
        Err(conflict("the case changed meanwhile; reload it and try again"))
    } else {
        Err(StoreError::NotFound { what: "case" })
    }
}

pub(super) fn apply(tx: &Transaction<'_>, w: &CvdWrite) -> Result<(), StoreError> {
    match w {
        CvdWrite::SubmitReport { id, at, reporter_user, followup, sealed } => {
            tx.prepare_cached(
                "INSERT INTO cvd_reports (id, received_at, status, reporter_user, followup_selector,
                     followup_verifier, sealed)
                 VALUES ($1, $2, 'received', $3, $4, $5, $6)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    id.to_string(),
                    text(*at),
                    reporter_user.map(|u| u.to_string()),
                    followup.selector,
                    &followup.verifier[..],
                    sealed
                ])
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => {
                    StoreError::NotFound { what: "user" }
                }
                _ => unique_or(e, "this report already exists"),
            })?;
        }
        CvdWrite::DecideReport { id, status, at, decision_sealed, duplicate_of } => {
            decide(
                tx,
                *id,
                status.as_str(),
                *at,
                decision_sealed.as_deref(),
                duplicate_of.map(|c| c.to_string()),
            )?;
        }
        CvdWrite::OpenCase { id, report_id, at, embargo_deadline, sealed } => {
            let received_at: String = tx
                .prepare_cached("SELECT received_at FROM cvd_reports WHERE id = $1")
                .and_then(|mut s| s.query_row([report_id.to_string()], |r| r.get(0)).optional())
                .map_err(backend)?
                .ok_or(StoreError::NotFound { what: "report" })?;
            decide(tx, *report_id, "accepted", *at, None, Some(id.to_string()))?;
            let year = i64::from(at.to_zoned(jiff::tz::TimeZone::UTC).year());
            // The next number of the year, in this transaction: SQLite's single writer makes
            // it gapless and unique whatever the concurrency.
            let number: i64 = tx
                .prepare_cached(
                    "INSERT INTO cvd_local_ids (year, last) VALUES ($1, 1)
                     ON CONFLICT (year) DO UPDATE SET last = last + 1
                     RETURNING last",
                )
                .and_then(|mut s| s.query_row([year], |r| r.get(0)))
                .map_err(backend)?;
            tx.prepare_cached(
                "INSERT INTO cvd_cases (id, local_year, local_number, report_id, state, created_at,
                     reported_at, embargo_deadline, public_date, sealed)
                 VALUES ($1, $2, $3, $4, 'triaged', $5, $6, $7, $7, $8)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    id.to_string(),
                    year,
                    number,
                    report_id.to_string(),
                    text(*at),
                    received_at,
                    text(*embargo_deadline),
                    sealed
                ])
            })
            .map_err(|e| unique_or(e, "this case already exists"))?;
        }
        CvdWrite::SetCaseState { id, from, to, close_reason } => {
            compare_and_set_state(tx, *id, *from, *to, close_reason.map(|r| r.as_str()))?;
        }
        CvdWrite::InviteVendor { case_id, organization_id, at } => {
            tx.prepare_cached(
                "INSERT INTO cvd_case_vendors (case_id, organization_id, invited_at) VALUES ($1, $2, $3)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![case_id.to_string(), organization_id.to_string(), text(*at)])
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => {
                    StoreError::NotFound { what: "organization" }
                }
                _ => unique_or(e, "this organization is already invited to the case"),
            })?;
        }
        CvdWrite::ConsentToPublication { case_id, organization_id, at } => {
            let changed = tx
                .prepare_cached(
                    "UPDATE cvd_case_vendors SET consented_at = COALESCE(consented_at, $1)
                     WHERE case_id = $2 AND organization_id = $3",
                )
                .and_then(|mut s| {
                    s.execute(rusqlite::params![text(*at), case_id.to_string(), organization_id.to_string()])
                })
                .map_err(backend)?;
            if changed == 0 {
                return Err(StoreError::NotFound { what: "vendor of the case" });
            }
        }
        CvdWrite::SetProductStatus {
            case_id,
            organization_id,
            product,
            status,
            remediation_sealed,
            at,
            by,
        } => {
            tx.prepare_cached(
                "INSERT INTO cvd_product_statuses (case_id, organization_id, product, status, justification,
                     fixed_version, remediation_sealed, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (case_id, organization_id, product) DO UPDATE SET
                     status = excluded.status, justification = excluded.justification,
                     fixed_version = excluded.fixed_version, remediation_sealed = excluded.remediation_sealed,
                     updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    case_id.to_string(),
                    organization_id.to_string(),
                    product,
                    status.name(),
                    status.justification().map(|j| j.as_str()),
                    status.fixed_version(),
                    remediation_sealed,
                    text(*at),
                    by.to_string()
                ])
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => {
                    StoreError::NotFound { what: "vendor of the case" }
                }
                _ => backend(e),
            })?;
        }
        CvdWrite::SetPublicDate { case_id, public_date } => {
            let changed = tx
                .prepare_cached("UPDATE cvd_cases SET public_date = $1 WHERE id = $2 AND state NOT IN ('published', 'closed')")
                .and_then(|mut s| s.execute(rusqlite::params![text(*public_date), case_id.to_string()]))
                .map_err(backend)?;
            if changed == 0 {
                return Err(conflict("the case is published or closed, or does not exist"));
            }
        }
        CvdWrite::SetScores { case_id, cvss_v31, cvss_v40, cve_ids } => {
            let changed = tx
                .prepare_cached(
                    "UPDATE cvd_cases SET cvss_v31 = $1, cvss_v40 = $2, cve_ids = $3 WHERE id = $4",
                )
                .and_then(|mut s| {
                    s.execute(rusqlite::params![
                        cvss_v31,
                        cvss_v40,
                        serde_json::Value::from(cve_ids.clone()).to_string(),
                        case_id.to_string()
                    ])
                })
                .map_err(backend)?;
            if changed == 0 {
                return Err(StoreError::NotFound { what: "case" });
            }
        }
        CvdWrite::SetAdvisoryDetails { case_id, sealed } => {
            let changed = tx
                .prepare_cached(
                    "UPDATE cvd_cases SET advisory_sealed = $1 WHERE id = $2 AND state NOT IN ('published', 'closed')",
                )
                .and_then(|mut s| s.execute(rusqlite::params![sealed, case_id.to_string()]))
                .map_err(backend)?;
            if changed == 0 {
                return Err(conflict("the case is published or closed, or does not exist"));
            }
        }
        CvdWrite::Publish { case_id, from, at, basis, advisory_id, document } => {
            compare_and_set_state(tx, *case_id, *from, CaseState::Published, None)?;
            tx.prepare_cached("UPDATE cvd_cases SET published_at = $1, publication_basis = $2 WHERE id = $3")
                .and_then(|mut s| s.execute(rusqlite::params![text(*at), basis, case_id.to_string()]))
                .map_err(backend)?;
            tx.prepare_cached(
                "INSERT INTO advisories (id, case_id, published_at, modified_at, document)
                 VALUES ($1, $2, $3, $3, $4)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![advisory_id, case_id.to_string(), text(*at), document])
            })
            .map_err(|e| unique_or(e, "this advisory already exists"))?;
        }
        CvdWrite::PostMessage { case_id, thread, at, author, author_name, body_sealed } => {
            tx.prepare_cached(
                "INSERT INTO cvd_messages (case_id, thread, at, author, author_name, body_sealed)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    case_id.to_string(),
                    thread,
                    text(*at),
                    author,
                    author_name,
                    body_sealed
                ])
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => {
                    StoreError::NotFound { what: "case" }
                }
                _ => backend(e),
            })?;
        }
        CvdWrite::AddAttachment {
            id,
            report_id,
            at,
            author,
            media_type,
            size,
            name_sealed,
            content_sealed,
        } => {
            tx.prepare_cached(
                "INSERT INTO cvd_attachments (id, report_id, at, author, media_type, size, name_sealed, content_sealed)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    id,
                    report_id.to_string(),
                    text(*at),
                    author,
                    media_type,
                    size,
                    name_sealed,
                    content_sealed
                ])
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => StoreError::NotFound { what: "report" },
                _ => unique_or(e, "this attachment already exists"),
            })?;
        }
        CvdWrite::RecordEvent { case_id, at, actor, action, detail_sealed } => {
            tx.prepare_cached(
                "INSERT INTO cvd_case_events (case_id, at, actor, action, detail_sealed) VALUES ($1, $2, $3, $4, $5)",
            )
            .and_then(|mut s| s.execute(rusqlite::params![case_id.to_string(), text(*at), actor, action, detail_sealed]))
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => StoreError::NotFound { what: "case" },
                _ => backend(e),
            })?;
        }
    }
    Ok(())
}

/// Records triage's decision on a report that is still `received`.
fn decide(
    tx: &Transaction<'_>,
    id: ReportId,
    status: &str,
    at: jiff::Timestamp,
    decision_sealed: Option<&str>,
    case_id: Option<String>,
) -> Result<(), StoreError> {
    let changed = tx
        .prepare_cached(
            "UPDATE cvd_reports SET status = $1, decided_at = $2, decision_sealed = $3, case_id = $4
             WHERE id = $5 AND status = 'received'",
        )
        .and_then(|mut s| {
            s.execute(rusqlite::params![status, text(at), decision_sealed, case_id, id.to_string()])
        })
        .map_err(backend)?;
    if changed == 1 {
        return Ok(());
    }
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM cvd_reports WHERE id = $1)")
        .and_then(|mut s| s.query_row([id.to_string()], |r| r.get(0)))
        .map_err(backend)?;
    if exists {
        Err(conflict("the report was already triaged"))
    } else {
        Err(StoreError::NotFound { what: "report" })
    }
}

const REPORT_COLUMNS: &str =
    "id, received_at, status, reporter_user, sealed, decided_at, decision_sealed, case_id";

fn report(r: &Row<'_>) -> rusqlite::Result<ReportRecord> {
    Ok(ReportRecord {
        id: rows::parsed(r, 0)?,
        received_at: rows::ts(r, 1)?,
        status: rows::parsed(r, 2)?,
        reporter_user: rows::parsed_opt(r, 3)?,
        sealed: r.get(4)?,
        decided_at: rows::ts_opt(r, 5)?,
        decision_sealed: r.get(6)?,
        case_id: rows::parsed_opt(r, 7)?,
    })
}

pub(super) fn report_by_id(c: &Connection, id: ReportId) -> Result<Option<ReportRecord>, StoreError> {
    c.prepare_cached(&format!("SELECT {REPORT_COLUMNS} FROM cvd_reports WHERE id = $1"))
        .and_then(|mut s| s.query_row([id.to_string()], report).optional())
        .map_err(backend)
}

pub(super) fn report_by_followup(
    c: &Connection,
    selector: &str,
) -> Result<Option<(ReportRecord, Vec<u8>)>, StoreError> {
    c.prepare_cached(&format!(
        "SELECT {REPORT_COLUMNS}, followup_verifier FROM cvd_reports WHERE followup_selector = $1"
    ))
    .and_then(|mut s| s.query_row([selector], |r| Ok((report(r)?, r.get(8)?))).optional())
    .map_err(backend)
}

pub(super) fn reports(c: &Connection, status: Option<&str>) -> Result<Vec<ReportRecord>, StoreError> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {REPORT_COLUMNS} FROM cvd_reports WHERE ($1 IS NULL OR status = $1) ORDER BY received_at, id"
        ))
        .map_err(backend)?;
    let rows = stmt.query_map([status], report).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

const CASE_COLUMNS: &str =
    "c.id, c.local_year, c.local_number, c.report_id, c.state, c.close_reason, c.created_at,
     c.reported_at, c.embargo_deadline, c.public_date, c.published_at, c.publication_basis, c.sealed,
     c.cvss_v31, c.cvss_v40, c.cve_ids, c.advisory_sealed";

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRecord> {
    let cves: String = r.get(15)?;
    Ok(CaseRecord {
        id: rows::parsed(r, 0)?,
        local_id: LocalCaseId { year: r.get(1)?, number: r.get(2)? },
        report_id: rows::parsed(r, 3)?,
        state: rows::parsed(r, 4)?,
        close_reason: rows::parsed_opt(r, 5)?,
        created_at: rows::ts(r, 6)?,
        reported_at: rows::ts(r, 7)?,
        embargo_deadline: rows::ts(r, 8)?,
        public_date: rows::ts(r, 9)?,
        published_at: rows::ts_opt(r, 10)?,
        publication_basis: r.get(11)?,
        sealed: r.get(12)?,
        cvss_v31: r.get(13)?,
        cvss_v40: r.get(14)?,
        cve_ids: serde_json::from_str(&cves).unwrap_or_default(),
        advisory_sealed: r.get(16)?,
        vendors: Vec::new(),
        statuses: Vec::new(),
    })
}

/// Fills in the vendors and statuses of a case.
fn complete(c: &Connection, mut case: CaseRecord) -> Result<CaseRecord, StoreError> {
    let id = case.id.to_string();
    let mut stmt = c
        .prepare_cached(
            "SELECT v.organization_id, v.invited_at, v.consented_at, o.name
             FROM cvd_case_vendors AS v JOIN organizations AS o ON o.id = v.organization_id
             WHERE v.case_id = $1
             ORDER BY v.invited_at, v.organization_id",
        )
        .map_err(backend)?;
    case.vendors = stmt
        .query_map([&id], |r| {
            Ok(CaseVendor {
                organization_id: rows::parsed(r, 0)?,
                name: r.get(3)?,
                invited_at: rows::ts(r, 1)?,
                consented_at: rows::ts_opt(r, 2)?,
            })
        })
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    let mut stmt = c
        .prepare_cached(
            "SELECT organization_id, product, status, justification, fixed_version, remediation_sealed,
                 updated_at, updated_by
             FROM cvd_product_statuses WHERE case_id = $1 ORDER BY organization_id, product",
        )
        .map_err(backend)?;
    case.statuses = stmt
        .query_map([&id], |r| {
            Ok(ProductStatusRecord {
                organization_id: rows::parsed(r, 0)?,
                product: r.get(1)?,
                status: r.get(2)?,
                justification: r.get(3)?,
                fixed_version: r.get(4)?,
                remediation_sealed: r.get(5)?,
                updated_at: rows::ts(r, 6)?,
                updated_by: rows::parsed(r, 7)?,
            })
        })
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    Ok(case)
}

pub(super) fn case_by_id(c: &Connection, id: CaseId) -> Result<Option<CaseRecord>, StoreError> {
    let found = c
        .prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cvd_cases AS c WHERE c.id = $1"))
        .and_then(|mut s| s.query_row([id.to_string()], case_row).optional())
        .map_err(backend)?;
    found.map(|case| complete(c, case)).transpose()
}

/// The cases a reader may see, newest first. Visibility is part of the query.
pub(super) fn cases(c: &Connection, reader: CaseReader) -> Result<Vec<CaseRecord>, StoreError> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {CASE_COLUMNS} FROM cvd_cases AS c
             WHERE $1
                OR ($2 IS NOT NULL AND EXISTS (SELECT 1 FROM cvd_case_vendors AS v
                                               WHERE v.case_id = c.id AND v.organization_id = $2))
                OR ($3 IS NOT NULL AND EXISTS (SELECT 1 FROM cvd_reports AS r
                                               WHERE r.id = c.report_id AND r.reporter_user = $3))
                OR ($4 AND c.state = 'published')
             ORDER BY c.created_at DESC, c.id"
        ))
        .map_err(backend)?;
    let found: Vec<CaseRecord> = stmt
        .query_map(
            rusqlite::params![
                reader.all,
                reader.organization.map(|o| o.to_string()),
                reader.reporter.map(|u| u.to_string()),
                reader.published
            ],
            case_row,
        )
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    found.into_iter().map(|case| complete(c, case)).collect()
}

pub(super) fn events(c: &Connection, id: CaseId) -> Result<Vec<CaseEventRecord>, StoreError> {
    let mut stmt = c
        .prepare_cached("SELECT seq, at, actor, action, detail_sealed FROM cvd_case_events WHERE case_id = $1 ORDER BY seq")
        .map_err(backend)?;
    stmt.query_map([id.to_string()], |r| {
        Ok(CaseEventRecord {
            seq: r.get(0)?,
            at: rows::ts(r, 1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            detail_sealed: r.get(4)?,
        })
    })
    .map_err(backend)?
    .collect::<Result<_, _>>()
    .map_err(backend)
}

/// The advisory document of a published case, by advisory id.
pub(super) fn advisory(c: &Connection, id: &str) -> Result<Option<(CaseId, String)>, StoreError> {
    c.prepare_cached("SELECT case_id, document FROM advisories WHERE id = $1")
        .and_then(|mut s| s.query_row([id], |r| Ok((rows::parsed(r, 0)?, r.get(1)?))).optional())
        .map_err(backend)
}

/// The messages of one thread of a case, oldest first.
pub(super) fn messages(
    c: &Connection,
    id: CaseId,
    thread: &str,
) -> Result<Vec<crate::cvd::MessageRecord>, StoreError> {
    let mut stmt = c
        .prepare_cached(
            "SELECT seq, thread, at, author, author_name, body_sealed FROM cvd_messages
             WHERE case_id = $1 AND thread = $2 ORDER BY seq",
        )
        .map_err(backend)?;
    stmt.query_map(rusqlite::params![id.to_string(), thread], |r| {
        Ok(crate::cvd::MessageRecord {
            seq: r.get(0)?,
            thread: r.get(1)?,
            at: rows::ts(r, 2)?,
            author: r.get(3)?,
            author_name: r.get(4)?,
            body_sealed: r.get(5)?,
        })
    })
    .map_err(backend)?
    .collect::<Result<_, _>>()
    .map_err(backend)
}

/// An attachment's row: id, at, author, media_type, size, name_sealed (in this order).
fn attachment_row(r: &Row<'_>) -> rusqlite::Result<crate::cvd::AttachmentRecord> {
    Ok(crate::cvd::AttachmentRecord {
        id: r.get(0)?,
        at: rows::ts(r, 1)?,
        author: r.get(2)?,
        media_type: r.get(3)?,
        size: r.get(4)?,
        name_sealed: r.get(5)?,
    })
}

/// The attachments of a report, oldest first, without their content.
pub(super) fn attachments(
    c: &Connection,
    report: ReportId,
) -> Result<Vec<crate::cvd::AttachmentRecord>, StoreError> {
    let mut stmt = c
        .prepare_cached(
            "SELECT id, at, author, media_type, size, name_sealed FROM cvd_attachments
             WHERE report_id = $1 ORDER BY at, id",
        )
        .map_err(backend)?;
    stmt.query_map([report.to_string()], attachment_row)
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)
}

/// One attachment of a report, with its sealed content.
pub(super) fn attachment(
    c: &Connection,
    report: ReportId,
    id: &str,
) -> Result<Option<(crate::cvd::AttachmentRecord, Vec<u8>)>, StoreError> {
    c.prepare_cached(
        "SELECT id, at, author, media_type, size, name_sealed, content_sealed FROM cvd_attachments
         WHERE report_id = $1 AND id = $2",
    )
    .and_then(|mut s| {
        s.query_row(rusqlite::params![report.to_string(), id], |r| Ok((attachment_row(r)?, r.get(6)?)))
            .optional()
    })
    .map_err(backend)
}
