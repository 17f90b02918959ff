-- The notification outbox and the organisations' webhooks.
--
-- A message is written in the same transaction as the event that causes it (an invitation, a
-- signature, a change of a case), so an event is never lost and never announced for a change
-- that was rolled back. A worker delivers due messages outside any write transaction: it
-- claims a batch (pushing `next_attempt_at` past a lease), talks to the network, then records
-- the outcome.

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    -- the event, such as organization.invited or accord.signed
    kind            TEXT NOT NULL,
    recipient_kind  TEXT NOT NULL CHECK (recipient_kind IN ('webhook', 'email')),
    -- webhook messages: the organisation whose webhook (as configured at delivery) receives it
    organization_id TEXT REFERENCES organizations (id),
    -- the webhook URL or the e-mail address
    destination     TEXT NOT NULL,
    subject         TEXT NOT NULL,
    -- JSON: {"data": {...}, "text": "..."}; webhooks send data, e-mails text
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT,
    delivered_at    TEXT,
    CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL)),
    CHECK (recipient_kind = 'email' OR organization_id IS NOT NULL)
) STRICT;

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_by_state ON outbox (state, created_at);

-- One webhook per organisation. The secret is kept in clear, unlike tokens and passwords:
-- the server needs it to compute the HMAC signature of every delivery. It is written once
-- (set or replaced) and never returned by any read of the API.
CREATE TABLE organization_webhooks (
    organization_id TEXT PRIMARY KEY REFERENCES organizations (id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
