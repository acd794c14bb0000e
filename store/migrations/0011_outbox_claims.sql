-- Delivery is claimed before the message is sent, so that a crash or a
-- timeout between the SMTP server's acceptance and our "sent" never lets
-- two attempts send at once. claim_token is the attempt's random token:
-- only its holder may mark the row sent, bounced or failed. claimed_at is
-- when it was claimed; a claim older than the activity's time-to-live
-- belongs to an attempt that died, and the next attempt may take it over.
-- resends counts the takeovers: each is a re-send after an outcome nobody
-- knows (it may have arrived), with the same Message-ID, so an operator can
-- see it and the recipient's mail system can recognise the duplicate.
ALTER TABLE outbox
    ADD COLUMN claim_token text,
    ADD COLUMN claimed_at  timestamptz,
    ADD COLUMN resends     integer NOT NULL DEFAULT 0;
