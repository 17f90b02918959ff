-- E-mails to a finder: the address is confidential case data (the finder's contact is sealed
-- with the case), so its outbox row keeps it sealed too. `destination` then holds the address
-- sealed by the application under the case sealing key (bound to the row's id), and only the
-- delivery worker opens it, just before sending. Administrators' listings show that it is
-- sealed, never the address.

ALTER TABLE outbox ADD COLUMN destination_sealed INTEGER NOT NULL DEFAULT 0
    CHECK (destination_sealed IN (0, 1) AND (destination_sealed = 0 OR recipient_kind = 'email'));
