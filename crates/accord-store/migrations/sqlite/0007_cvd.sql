-- Coordinated vulnerability disclosure. Confidential text (titles, descriptions, reasons,
-- finder contacts) is stored sealed by the application ("v1:…", XChaCha20-Poly1305 under a key
-- kept outside this database); the store never sees it in clear.

CREATE TABLE cvd_reports (
    id                TEXT PRIMARY KEY,
    received_at       TEXT NOT NULL,
    status            TEXT NOT NULL,          -- received | accepted | rejected | duplicate
    reporter_user     TEXT REFERENCES users (id),
    followup_selector TEXT NOT NULL UNIQUE,   -- the follow-up link's token, as API tokens are kept
    followup_verifier BLOB NOT NULL,
    sealed            TEXT NOT NULL,          -- the report's content (JSON), sealed
    decided_at        TEXT,
    decision_sealed   TEXT,                   -- the coordinator's reason, sealed
    case_id           TEXT                    -- the case it became, or duplicates
) STRICT;
CREATE INDEX cvd_reports_by_status ON cvd_reports (status, received_at);

-- Gapless local ids: the last number given per year, advanced inside the creating transaction.
CREATE TABLE cvd_local_ids (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE cvd_cases (
    id               TEXT PRIMARY KEY,
    local_year       INTEGER NOT NULL,
    local_number     INTEGER NOT NULL,
    report_id        TEXT NOT NULL UNIQUE REFERENCES cvd_reports (id),
    state            TEXT NOT NULL,
    close_reason     TEXT,
    created_at       TEXT NOT NULL,
    reported_at      TEXT NOT NULL,
    embargo_deadline TEXT NOT NULL,
    public_date      TEXT NOT NULL,
    published_at     TEXT,
    publication_basis TEXT,
    sealed           TEXT NOT NULL,           -- title, description, … (JSON), sealed
    cvss_v31         TEXT,
    cvss_v40         TEXT,
    cve_ids          TEXT NOT NULL DEFAULT '[]',
    UNIQUE (local_year, local_number)
) STRICT;

CREATE TABLE cvd_case_vendors (
    case_id         TEXT NOT NULL REFERENCES cvd_cases (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    invited_at      TEXT NOT NULL,
    consented_at    TEXT,                     -- consent to publish before the public date
    PRIMARY KEY (case_id, organization_id)
) STRICT;
CREATE INDEX cvd_case_vendors_by_organization ON cvd_case_vendors (organization_id, case_id);

CREATE TABLE cvd_product_statuses (
    case_id         TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    product         TEXT NOT NULL,
    status          TEXT NOT NULL,
    justification   TEXT,
    fixed_version   TEXT,
    remediation_sealed TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, organization_id, product),
    FOREIGN KEY (case_id, organization_id) REFERENCES cvd_case_vendors (case_id, organization_id)
) STRICT;

-- The append-only history of a case: who did what, when.
CREATE TABLE cvd_case_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT NOT NULL REFERENCES cvd_cases (id),
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    detail_sealed TEXT NOT NULL
) STRICT;
CREATE INDEX cvd_case_events_by_case ON cvd_case_events (case_id, seq);
CREATE TRIGGER cvd_case_events_append_only_update BEFORE UPDATE ON cvd_case_events
BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;
CREATE TRIGGER cvd_case_events_append_only_delete BEFORE DELETE ON cvd_case_events
BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;

-- What publication produced, for the advisory formats of the next step.
CREATE TABLE advisories (
    id           TEXT PRIMARY KEY,            -- the case's local id, ACCORD-YYYY-NNNN
    case_id      TEXT NOT NULL UNIQUE REFERENCES cvd_cases (id),
    published_at TEXT NOT NULL,
    modified_at  TEXT NOT NULL,
    document     TEXT NOT NULL                -- JSON: summary, details, affected, credits, …
) STRICT;
