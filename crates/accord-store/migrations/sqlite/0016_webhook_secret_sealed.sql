-- Webhook secrets sealed at rest.
--
-- The server needs a webhook's secret in clear to sign each delivery (HMAC-SHA-256), so it
-- cannot be hashed like tokens and passwords. When the server has a sealing key (the case key,
-- kept outside the database), the secret is stored sealed with it, bound to its organisation,
-- and opened only in memory by the delivery worker. Rows written before this migration, or by a
-- server without a key, stay in clear (`secret_sealed` = 0) until the secret is set again.

ALTER TABLE organization_webhooks ADD COLUMN secret_sealed INTEGER NOT NULL DEFAULT 0
    CHECK (secret_sealed IN (0, 1));
