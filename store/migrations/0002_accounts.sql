-- Staff accounts and API tokens. Panel members never have accounts: they
-- use signed personal links (package links).

CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    email      text NOT NULL UNIQUE CHECK (email LIKE '%_@_%'),
    role       text NOT NULL CHECK (role IN ('admin', 'coordinator', 'manager', 'chair')),
    -- A manager sees their Area.
    area_id    smallint REFERENCES areas(id),
    active     boolean NOT NULL DEFAULT true,
    -- bcrypt; NULL means the account can use API tokens but not the pages.
    password_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'manager' OR area_id IS NOT NULL)
);

-- Coordinators and chairs see the panels listed here.
CREATE TABLE user_panels (
    user_id  bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    panel_id bigint NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, panel_id)
);

-- Only the SHA-256 of a token is stored.
CREATE TABLE api_tokens (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    label       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Page sessions: only the SHA-256 of the cookie value is stored, with the
-- session's CSRF token.
CREATE TABLE sessions (
    id_hash    bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       text NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
