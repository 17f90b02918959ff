-- Credits and references a coordinator prepares for a case's advisory (JSON, sealed: before
-- publication they can name people and private links).
ALTER TABLE cvd_cases ADD COLUMN advisory_sealed TEXT;
