-- A panel's recurring review cycles: the calendar its Temporal Schedule
-- runs on and what each run starts a cycle with. The schedule's action
-- carries only the panel's ID; each run reads this row, and starts the
-- cycle as the coordinator who set it up (created_by).
CREATE TABLE cycle_schedules (
    panel_id        bigint PRIMARY KEY REFERENCES panels(id),
    created_by      bigint NOT NULL REFERENCES users(id),
    every_months    smallint NOT NULL CHECK (every_months IN (1, 2, 3, 4, 6, 12)),
    first_month     smallint NOT NULL CHECK (first_month BETWEEN 1 AND 12),
    weekday         smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    run_minute      integer NOT NULL CHECK (run_minute BETWEEN 0 AND 1439),
    window_months   smallint NOT NULL CHECK (window_months BETWEEN 1 AND 24),
    meeting_weeks   smallint NOT NULL CHECK (meeting_weeks BETWEEN 1 AND 52),
    meeting_minute  integer NOT NULL CHECK (meeting_minute BETWEEN 0 AND 1439),
    meeting_length  integer NOT NULL CHECK (meeting_length BETWEEN 15 AND 720),
    location        text NOT NULL DEFAULT '',
    online_link     text NOT NULL DEFAULT '',
    theme           text NOT NULL DEFAULT '',
    quotas          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
