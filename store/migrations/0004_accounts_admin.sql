-- Running staff accounts: sessions people can see and end, tokens they
-- manage, a second factor, and slowing down guessed passwords.

-- A session gets a number to show and end it by, and records when it was
-- last used and from which browser and address. A session opened for an
-- admin or manager who has no second factor yet can only enrol one.
ALTER TABLE sessions
    ADD COLUMN id           bigserial UNIQUE,
    ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN user_agent   text NOT NULL DEFAULT '',
    ADD COLUMN address      text NOT NULL DEFAULT '',
    ADD COLUMN must_enrol   boolean NOT NULL DEFAULT false;
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- TOTP (RFC 6238). The secret is kept so codes can be checked; it is
-- confirmed once the person has typed a code from their app. last_step is
-- the time step of the last code accepted: a code of that step or earlier
-- is refused, so an overheard code cannot be replayed.
CREATE TABLE user_totp (
    user_id      bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       text NOT NULL,
    confirmed_at timestamptz,
    last_step    bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Recovery codes: only the SHA-256 of each; each works once.
CREATE TABLE recovery_codes (
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Half a sign-in: the password was right and the second factor is
-- awaited. Only the SHA-256 of the challenge token is stored.
CREATE TABLE signin_challenges (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);

-- Failed sign-ins, per address typed (whether or not it has an account)
-- and per network address, to slow down guessing.
CREATE TABLE signin_failures (
    id      bigserial PRIMARY KEY,
    email   text NOT NULL,
    address text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_failures_email ON signin_failures (email, at);
CREATE INDEX signin_failures_address ON signin_failures (address, at);
