-- Members accept the confidentiality agreement themselves, and emails carry
-- a Reply-To that reaches the coordinator.

-- What a member accepted, word for word, and when: one row per version of
-- the agreement they accepted (domain/agreement.go holds the versions).
-- members.confidentiality_signed_on stays the condition for receiving a
-- pack; it is now written only when a member accepts here (or, for dates
-- recorded before this migration, by the coordinator on paper).
CREATE TABLE member_agreements (
    id          bigserial PRIMARY KEY,
    member_id   bigint NOT NULL REFERENCES members(id),
    version     text NOT NULL CHECK (version <> ''),
    text        text NOT NULL CHECK (text <> ''),
    accepted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (member_id, version)
);

-- Where replies to a message go: the cycle's coordinator. Empty means no
-- Reply-To header.
ALTER TABLE outbox ADD COLUMN reply_to text NOT NULL DEFAULT '' CHECK (reply_to = '' OR reply_to LIKE '%_@_%');
