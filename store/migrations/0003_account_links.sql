-- First sign-in, invitations and password resets: single-use, expiring
-- links. Only the SHA-256 of a link's token is stored, as for API tokens.
CREATE TABLE account_links (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('first_sign_in', 'invitation', 'reset')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX account_links_user ON account_links (user_id);
