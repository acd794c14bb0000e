-- Community updates, "you said, we did" (issue 11, item 6). An Area keeps a
-- list of the local community groups it updates on its casework decisions;
-- each update for a period goes to each group once, through the outbox.

-- community_groups holds only a group's name, where it gets the update and
-- the language it prefers ('cy' is stored for the Welsh work; the update
-- itself is in English for now). Removing a group keeps the record of what
-- was sent to it, so a removed group is marked, not deleted.
CREATE TABLE community_groups (
    id         bigserial PRIMARY KEY,
    area_id    smallint NOT NULL REFERENCES areas(id),
    name       text NOT NULL CHECK (name <> '' AND length(name) <= 120),
    email      text NOT NULL CHECK (email LIKE '%_@_%' AND length(email) <= 254),
    language   text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'cy')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz
);
-- One live entry per address in an Area.
CREATE UNIQUE INDEX community_groups_email ON community_groups (area_id, lower(email)) WHERE removed_at IS NULL;

-- community_update_sends records each update sent to a group, with the
-- outbox row that carries it. The unique key is what makes the update go
-- once per group per period.
CREATE TABLE community_update_sends (
    id          bigserial PRIMARY KEY,
    area_id     smallint NOT NULL REFERENCES areas(id),
    period_from date NOT NULL,
    period_to   date NOT NULL CHECK (period_to >= period_from),
    group_id    bigint NOT NULL REFERENCES community_groups(id),
    outbox_id   bigint NOT NULL REFERENCES outbox(id),
    sent_by     text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (area_id, period_from, period_to, group_id)
);
