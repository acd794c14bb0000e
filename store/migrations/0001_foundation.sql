-- Foundation schema: reference data, panels and members, closed cases, review
-- cycles, findings, actions, the outbox, generated files and the audit log.
-- Enumerations are CHECK constraints so that the database refuses a value the
-- application does not know, whoever writes it.

CREATE TABLE areas (
    id   smallserial PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL UNIQUE,
    -- The last rung of the action escalation ladder (typically the DCCP).
    senior_lead_name  text,
    senior_lead_email text CHECK (senior_lead_email LIKE '%_@_%')
);

CREATE TABLE strands (
    code     text PRIMARY KEY,
    label    text NOT NULL,
    category text NOT NULL CHECK (category IN ('hate_crime', 'vawg'))
);

CREATE TABLE panels (
    id         bigserial PRIMARY KEY,
    area_id    smallint NOT NULL REFERENCES areas(id),
    name       text NOT NULL CHECK (name <> ''),
    covers     text NOT NULL CHECK (covers IN ('hate_crime', 'vawg', 'both')),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (area_id, name)
);

CREATE TABLE panel_strands (
    panel_id bigint NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
    strand   text NOT NULL REFERENCES strands(code),
    PRIMARY KEY (panel_id, strand)
);

CREATE TABLE members (
    id                       bigserial PRIMARY KEY,
    panel_id                 bigint NOT NULL REFERENCES panels(id),
    name                     text NOT NULL CHECK (name <> ''),
    email                    text NOT NULL CHECK (email LIKE '%_@_%'),
    role                     text NOT NULL CHECK (role IN ('chair', 'member', 'adviser', 'staff')),
    active                   boolean NOT NULL DEFAULT true,
    confidentiality_signed_on date,
    language                 text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'cy')),
    -- Set when mail to the address bounces; nothing is sent until it is corrected.
    unreachable_since        timestamptz,
    left_at                  timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX members_panel_email ON members (panel_id, lower(email));

-- Closed (finalised) cases as imported from an Area's case management extract.
-- reference is the pseudonymous panel reference; the restricted case-system
-- reference (URN) lives apart in case_urns and is never selected for output.
CREATE TABLE cases (
    id                      bigserial PRIMARY KEY,
    area_id                 smallint NOT NULL REFERENCES areas(id),
    reference               text NOT NULL CHECK (reference ~ '^[A-Za-z0-9][A-Za-z0-9/_-]{2,39}$'),
    category                text NOT NULL CHECK (category IN ('hate_crime', 'vawg')),
    principal_offence       text NOT NULL CHECK (principal_offence <> ''),
    finalised_on            date NOT NULL,
    outcome                 text NOT NULL CHECK (outcome IN ('conviction_plea', 'conviction_trial', 'acquittal', 'discontinued', 'dismissed', 'other')),
    uplift_applied          boolean NOT NULL DEFAULT false,
    victim_personal_statement boolean NOT NULL DEFAULT false,
    community_impact_statement boolean NOT NULL DEFAULT false,
    special_measures        boolean NOT NULL DEFAULT false,
    appeal_pending          boolean NOT NULL DEFAULT false,
    vrr_pending             boolean NOT NULL DEFAULT false,
    codefendant_outstanding boolean NOT NULL DEFAULT false,
    complainant_anonymity   boolean NOT NULL DEFAULT false,
    youth                   boolean NOT NULL DEFAULT false,
    summary                 text NOT NULL CHECK (summary <> ''),
    -- A case pulled from scrutiny altogether (for example the victim became
    -- identifiable); it is never drawn again.
    withdrawn_at            timestamptz,
    imported_at             timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (area_id, reference)
);
CREATE INDEX cases_draw ON cases (area_id, finalised_on);

CREATE TABLE case_strands (
    case_id bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    strand  text NOT NULL REFERENCES strands(code),
    PRIMARY KEY (case_id, strand)
);
CREATE INDEX case_strands_strand ON case_strands (strand, case_id);

CREATE TABLE case_urns (
    case_id bigint PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    urn     text NOT NULL CHECK (urn <> '')
);

CREATE TABLE imports (
    id          bigserial PRIMARY KEY,
    filename    text NOT NULL,
    sha256      text NOT NULL,
    rows_total  integer NOT NULL,
    inserted    integer NOT NULL,
    updated     integer NOT NULL,
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- One review cycle of one panel. The workflow ID is deterministic, and the
-- unique index refuses a second live cycle for the same panel and window.
CREATE TABLE cycles (
    id                   bigserial PRIMARY KEY,
    panel_id             bigint NOT NULL REFERENCES panels(id),
    workflow_id          text NOT NULL UNIQUE,
    window_start         date NOT NULL,
    window_end           date NOT NULL CHECK (window_end >= window_start),
    theme                text NOT NULL DEFAULT '',
    quotas               jsonb NOT NULL,
    reserves_per_stratum integer NOT NULL DEFAULT 1 CHECK (reserves_per_stratum >= 0),
    seed                 bigint,
    stage                text NOT NULL DEFAULT 'selecting' CHECK (stage IN ('selecting', 'coordinator_check', 'conflict_check', 'reviewing', 'meeting', 'minutes', 'tracking', 'closed', 'cancelled')),
    schedule             jsonb NOT NULL DEFAULT '{}',
    started_by           text NOT NULL,
    -- Alerts (bounces, non-returns, redaction reports) go to the coordinator.
    coordinator_name     text NOT NULL,
    coordinator_email    text NOT NULL CHECK (coordinator_email LIKE '%_@_%'),
    started_at           timestamptz NOT NULL DEFAULT now(),
    access_revoked_at    timestamptz,
    cancelled_at         timestamptz,
    cancel_reason        text,
    closed_at            timestamptz
);
CREATE UNIQUE INDEX cycles_one_live_per_window ON cycles (panel_id, window_start, window_end) WHERE stage <> 'cancelled';

-- The recorded eligible set per stratum, so anyone can re-run the draw from
-- the seed and get the same cases.
CREATE TABLE cycle_eligible (
    cycle_id bigint NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    stratum  text NOT NULL REFERENCES strands(code),
    case_id  bigint NOT NULL REFERENCES cases(id),
    PRIMARY KEY (cycle_id, stratum, case_id)
);

CREATE TABLE cycle_strata (
    cycle_id       bigint NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    stratum        text NOT NULL REFERENCES strands(code),
    quota          integer NOT NULL CHECK (quota >= 0),
    eligible_count integer NOT NULL CHECK (eligible_count >= 0),
    shortfall      integer NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
    -- Set only when the coordinator allowed a wider window and this strand
    -- needed it: the start of the window its eligible set was drawn from.
    widened_from   date,
    PRIMARY KEY (cycle_id, stratum)
);

CREATE TABLE cycle_cases (
    cycle_id       bigint NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    case_id        bigint NOT NULL REFERENCES cases(id),
    stratum        text NOT NULL REFERENCES strands(code),
    draw_position  integer NOT NULL,
    role           text NOT NULL CHECK (role IN ('selected', 'reserve', 'carried_forward')),
    status         text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'reserve', 'approved', 'withdrawn', 'unused_reserve', 'pulled')),
    -- Internal only: never in a pack, minutes or key messages.
    withdrawn_reason text,
    replaced_by    bigint REFERENCES cases(id),
    PRIMARY KEY (cycle_id, case_id)
);

CREATE TABLE meetings (
    id          bigserial PRIMARY KEY,
    cycle_id    bigint NOT NULL UNIQUE REFERENCES cycles(id),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
    location    text NOT NULL DEFAULT '',
    online_link text NOT NULL DEFAULT '',
    ics_uid     text NOT NULL UNIQUE,
    ics_sequence integer NOT NULL DEFAULT 0,
    status      text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled'))
);

CREATE TABLE meeting_responses (
    meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id  bigint NOT NULL REFERENCES members(id),
    response   text NOT NULL CHECK (response IN ('attending', 'apologies')),
    responded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE attendance (
    meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id  bigint NOT NULL REFERENCES members(id),
    status     text NOT NULL CHECK (status IN ('present', 'apologies', 'absent')),
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE conflicts (
    id          bigserial PRIMARY KEY,
    cycle_id    bigint NOT NULL REFERENCES cycles(id),
    member_id   bigint NOT NULL REFERENCES members(id),
    case_id     bigint NOT NULL REFERENCES cases(id),
    declared_at timestamptz NOT NULL DEFAULT now(),
    after_release boolean NOT NULL,
    note        text NOT NULL DEFAULT '',
    UNIQUE (cycle_id, member_id, case_id)
);

-- A member's report that a case reveals identifying detail. The case is
-- pulled from every pack at once; the detail stays internal.
CREATE TABLE identifying_reports (
    id          bigserial PRIMARY KEY,
    cycle_id    bigint NOT NULL REFERENCES cycles(id),
    member_id   bigint NOT NULL REFERENCES members(id),
    case_id     bigint NOT NULL REFERENCES cases(id),
    detail      text NOT NULL DEFAULT '',
    reported_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cycle_id, member_id, case_id)
);

-- A member's review of one case. Each save or submission is also kept in
-- review_versions, so a resubmission replaces without losing history.
CREATE TABLE reviews (
    cycle_id     bigint NOT NULL REFERENCES cycles(id),
    member_id    bigint NOT NULL REFERENCES members(id),
    case_id      bigint NOT NULL REFERENCES cases(id),
    status       text NOT NULL DEFAULT 'outstanding' CHECK (status IN ('outstanding', 'draft', 'submitted', 'not_submitted', 'excused')),
    answers      jsonb NOT NULL DEFAULT '{}',
    form_version text NOT NULL DEFAULT '',
    -- Set when a conflict or a redaction report removed the case from the pack.
    removed      boolean NOT NULL DEFAULT false,
    late         boolean NOT NULL DEFAULT false,
    -- 0 until the member first saves; each save adds one.
    version      integer NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    PRIMARY KEY (cycle_id, member_id, case_id)
);

CREATE TABLE review_versions (
    cycle_id  bigint NOT NULL,
    member_id bigint NOT NULL,
    case_id   bigint NOT NULL,
    version   integer NOT NULL,
    status    text NOT NULL,
    answers   jsonb NOT NULL,
    -- How the member sent it: web, api or workbook.
    source    text NOT NULL DEFAULT '',
    saved_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, member_id, case_id, version),
    FOREIGN KEY (cycle_id, member_id, case_id) REFERENCES reviews (cycle_id, member_id, case_id)
);

CREATE TABLE findings (
    cycle_id    bigint NOT NULL REFERENCES cycles(id),
    case_id     bigint NOT NULL REFERENCES cases(id),
    category    text NOT NULL CHECK (category <> ''),
    rationale   text NOT NULL DEFAULT '',
    carried_forward boolean NOT NULL DEFAULT false,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, case_id)
);

CREATE TABLE learning_points (
    id            bigserial PRIMARY KEY,
    cycle_id      bigint NOT NULL REFERENCES cycles(id),
    case_id       bigint REFERENCES cases(id),
    text          text NOT NULL CHECK (text <> ''),
    tag           text NOT NULL CHECK (tag IN ('prosecution', 'police', 'partners')),
    good_practice boolean NOT NULL DEFAULT false,
    -- Identifies the request that created the row, so a retried activity
    -- finds its row instead of adding a second.
    request_key   text UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE actions (
    id                bigserial PRIMARY KEY,
    cycle_id          bigint REFERENCES cycles(id),
    panel_id          bigint NOT NULL REFERENCES panels(id),
    area_id           smallint NOT NULL REFERENCES areas(id),
    case_id           bigint REFERENCES cases(id),
    learning_point_id bigint REFERENCES learning_points(id),
    kind              text NOT NULL DEFAULT 'recommendation' CHECK (kind IN ('recommendation', 'learning', 'information_request')),
    audience          text NOT NULL DEFAULT 'prosecution' CHECK (audience IN ('prosecution', 'police', 'partners')),
    description       text NOT NULL CHECK (description <> ''),
    owner_name        text NOT NULL,
    owner_email       text NOT NULL CHECK (owner_email LIKE '%_@_%'),
    manager_name      text NOT NULL,
    manager_email     text NOT NULL CHECK (manager_email LIKE '%_@_%'),
    due_on            date NOT NULL,
    -- A requested extension awaiting the manager's decision.
    extension_requested_to date,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'completed', 'cancelled')),
    response          text CHECK (response IN ('accepted', 'partially_accepted', 'not_accepted')),
    response_rationale text,
    completion_note   text,
    -- Optional evidence given on completion: a note or a URL.
    completion_evidence text,
    cancel_reason     text,
    -- The sequence number of the tracking workflow's latest change written
    -- here: a late retry of an earlier change never overwrites a newer one.
    last_event_seq    integer NOT NULL DEFAULT 0,
    request_key       text UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    closed_at         timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX actions_board ON actions (area_id, status, due_on);
CREATE INDEX actions_panel ON actions (panel_id, status, due_on);

CREATE TABLE action_events (
    id         bigserial PRIMARY KEY,
    action_id  bigint NOT NULL REFERENCES actions(id),
    -- The tracking workflow numbers its changes, so a retried write of the
    -- same change is recognised.
    seq        integer,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    kind       text NOT NULL,
    detail     jsonb NOT NULL DEFAULT '{}',
    UNIQUE (action_id, seq)
);
CREATE INDEX action_events_action ON action_events (action_id, at);

-- Generated workbooks and uploads. They live here, never in workflow history.
CREATE TABLE files (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('pack', 'minutes', 'key_messages', 'upload', 'export', 'report')),
    cycle_id     bigint REFERENCES cycles(id),
    member_id    bigint REFERENCES members(id),
    filename     text NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    sha256       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    purged_at    timestamptz
);
CREATE INDEX files_cycle ON files (cycle_id, kind);

-- Outgoing email. message_key makes every send idempotent: a retried
-- activity finds the row it already wrote.
CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    message_key    text NOT NULL UNIQUE,
    to_address     text NOT NULL CHECK (to_address LIKE '%_@_%'),
    to_name        text NOT NULL DEFAULT '',
    member_id      bigint REFERENCES members(id),
    subject        text NOT NULL,
    body_text      text NOT NULL,
    body_html      text NOT NULL DEFAULT '',
    attachment_file_id bigint REFERENCES files(id),
    calendar_ics   text,
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'bounced', 'held')),
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE status = 'pending';

-- Append-only: the trigger refuses UPDATE and DELETE.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    action       text NOT NULL,
    subject_type text NOT NULL,
    subject_id   text NOT NULL,
    detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
