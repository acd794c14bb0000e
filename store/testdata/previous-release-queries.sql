-- The SQL statements of package store at revision 7380173, as the previous
-- release runs them. store.TestUpgradePreviousReleaseQueries prepares each
-- against the current schema, so a migration that would break the previous
-- release while it still runs fails the tests. Made by
--   go run ./store/internal/sqlscan/prevqueries -rev 7380173
-- (see "Upgrades" in docs/operations.md); do not edit by hand.
-- revision: 7380173
-- migrations: 1 2 3 4 5 6 7 9 10 11 12 13 15 17 18 19

-- statement: account_links.go:52
UPDATE account_links SET used_at = now()
		WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL

-- statement: account_links.go:56
INSERT INTO account_links (token_hash, user_id, purpose, created_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + $5::interval)

-- statement: account_links.go:90
UPDATE account_links SET used_at = now() WHERE token_hash = $1

-- statement: account_links.go:106
SELECT u.id, u.name, u.email, u.role, u.area_id,
			coalesce((SELECT array_agg(panel_id ORDER BY panel_id) FROM user_panels WHERE user_id = u.id), '{}'),
			l.purpose, l.used_at IS NOT NULL, l.expires_at <= now()
		FROM account_links l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = $1 AND u.active

-- statement: accounts.go:35
INSERT INTO users (name, email, role, area_id) VALUES ($1, $2, $3, $4) RETURNING id

-- statement: accounts.go:39
INSERT INTO user_panels (user_id, panel_id) SELECT $1, unnest($2::bigint[])

-- statement: accounts.go:53
INSERT INTO api_tokens (user_id, token_hash, label) VALUES ($1, $2, $3)

-- statement: accounts.go:63
SELECT id FROM users WHERE email = $1

-- statement: accounts.go:77
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id) FROM users u WHERE lower(u.email) = lower($1) AND u.active

-- statement: accounts.go:90
UPDATE api_tokens SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL

-- statement: accounts.go:107
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id), t.token_hash, t.id
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active

-- statement: accounts.go:116
UPDATE api_tokens SET last_used_at = now() WHERE id = $1

-- statement: accounts.go:131
UPDATE users SET password_hash = $2 WHERE id = $1

-- statement: accounts.go:176
SELECT id, label, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC

-- statement: accounts.go:183
UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL

-- statement: accounts.go:212
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id), u.active, u.password_hash IS NOT NULL,
	EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL), u.created_at FROM users u ORDER BY u.active DESC, lower(u.name), u.id

-- statement: accounts.go:217
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id), u.active, u.password_hash IS NOT NULL,
	EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL), u.created_at FROM users u WHERE u.id = $1

-- statement: accounts.go:259
UPDATE users SET role = $2, area_id = $3 WHERE id = $1

-- statement: accounts.go:274
DELETE FROM user_panels WHERE user_id = $1

-- statement: accounts.go:288
UPDATE users SET active = false WHERE id = $1 AND active

-- statement: accounts.go:298
UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL

-- statement: accounts.go:302
UPDATE account_links SET used_at = now() WHERE user_id = $1 AND used_at IS NULL

-- statement: action_tracking.go:25
SELECT ac.status, ac.kind, ac.audience, ac.panel_id, coalesce(ac.cycle_id, 0), coalesce(ac.case_id, 0),
			coalesce(ac.learning_point_id, 0), ac.due_on, ac.owner_name, ac.owner_email, ac.manager_name, ac.manager_email,
			coalesce(ac.response, ''), coalesce(ac.response_rationale, ''), ac.extension_requested_to,
			coalesce(ar.senior_lead_name, ''), coalesce(ar.senior_lead_email, ''),
			coalesce(ar.escalate_manager_days, 0), coalesce(ar.escalate_senior_days, 0),
			greatest(ac.last_event_seq, coalesce((SELECT max(seq) FROM action_events WHERE action_id = ac.id), 0))
		FROM actions ac JOIN areas ar ON ar.id = ac.area_id WHERE ac.id = $1

-- statement: action_tracking.go:45
SELECT actor, coalesce(detail->>'reason', '') FROM action_events
		WHERE action_id = $1 AND kind = 'extension_requested' ORDER BY seq DESC NULLS LAST, id DESC LIMIT 1

-- statement: action_tracking.go:69
INSERT INTO action_events (action_id, seq, at, actor, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (action_id, seq) DO NOTHING RETURNING at

-- statement: action_tracking.go:78
SELECT at, kind FROM action_events WHERE action_id = $1 AND seq = $2

-- statement: action_tracking.go:92
UPDATE actions SET status = $2, due_on = $3, owner_name = $4, owner_email = $5,
			response = NULLIF($6, ''), response_rationale = NULLIF($7, ''),
			completion_note = NULLIF($8, ''), completion_evidence = NULLIF($9, ''), cancel_reason = NULLIF($10, ''),
			extension_requested_to = $11, updated_at = $12, last_event_seq = $13,
			closed_at = CASE WHEN $2 IN ($14, $15) THEN coalesce(closed_at, $12) END
		WHERE id = $1 AND last_event_seq < $13

-- statement: action_tracking.go:106
SELECT true FROM actions WHERE id = $1

-- statement: action_tracking.go:133
SELECT ac.description, ac.kind, ac.audience, p.name, coalesce(c.reference, ''), coalesce(ac.learning_point_id, 0), m.starts_at,
			coalesce(ac.response, '')
		FROM actions ac JOIN panels p ON p.id = ac.panel_id
		LEFT JOIN cases c ON c.id = ac.case_id
		LEFT JOIN meetings m ON m.cycle_id = ac.cycle_id
		WHERE ac.id = $1

-- statement: action_view.go:21
SELECT ac.status, true FROM actions ac WHERE ac.id = $1

-- statement: action_view.go:31
SELECT at, actor, kind, coalesce(detail->>'text', '') FROM action_events WHERE action_id = $1 ORDER BY at, id

-- statement: actions.go:64
SELECT ac.id, p.name, ar.name, ac.description, ac.kind, ac.audience, ac.owner_name, ac.manager_name, ac.due_on, ac.status,
			coalesce(ac.response, ''), ac.status = ANY($1) AND ac.due_on < current_date
		FROM actions ac JOIN panels p ON p.id = ac.panel_id JOIN areas ar ON ar.id = ac.area_id
		WHERE true ORDER BY ac.due_on, ac.id

-- statement: actions.go:80
SELECT ac.status, count(*) FROM actions ac WHERE true GROUP BY ac.status

-- statement: agenda.go:33
DELETE FROM cycle_agenda WHERE cycle_id = $1

-- statement: agenda.go:41
INSERT INTO cycle_agenda (cycle_id, position, title, lead, minutes, notes) VALUES ($1, $2, $3, $4, $5, $6)

-- statement: agenda.go:56
SELECT position, title, lead, minutes, notes FROM cycle_agenda WHERE cycle_id = $1 ORDER BY position

-- statement: agenda.go:72
UPDATE cycle_agenda SET notes = $3 WHERE cycle_id = $1 AND position = $2

-- statement: agreements.go:52
SELECT m.id, m.name, coalesce(to_char(m.confidentiality_signed_on, 'YYYY-MM-DD'), ''),
		coalesce(a.version, ''), coalesce(a.text, ''), a.accepted_at
	FROM members m LEFT JOIN LATERAL (SELECT version, text, accepted_at FROM member_agreements
		WHERE member_id = m.id ORDER BY accepted_at DESC, id DESC LIMIT 1) a ON true WHERE m.id = $1

-- statement: agreements.go:70
SELECT m.id, m.name, coalesce(to_char(m.confidentiality_signed_on, 'YYYY-MM-DD'), ''),
		coalesce(a.version, ''), coalesce(a.text, ''), a.accepted_at
	FROM members m LEFT JOIN LATERAL (SELECT version, text, accepted_at FROM member_agreements
		WHERE member_id = m.id ORDER BY accepted_at DESC, id DESC LIMIT 1) a ON true WHERE m.panel_id = $1 AND m.active AND m.left_at IS NULL ORDER BY m.name, m.id

-- statement: agreements.go:79
INSERT INTO member_agreements (member_id, version, text) VALUES ($1, $2, $3)
			ON CONFLICT (member_id, version) DO NOTHING

-- statement: agreements.go:84
UPDATE members SET confidentiality_signed_on =
				coalesce(confidentiality_signed_on, (now() AT TIME ZONE 'Europe/London')::date) WHERE id = $1

-- statement: areas.go:46
SELECT a.id, a.code, a.name, coalesce(a.senior_lead_name, ''), coalesce(a.senior_lead_email, ''),
		coalesce(a.escalate_manager_days, 0), coalesce(a.escalate_senior_days, 0)
	FROM areas a WHERE true ORDER BY a.name

-- statement: areas.go:70
SELECT a.id, a.code, a.name, coalesce(a.senior_lead_name, ''), coalesce(a.senior_lead_email, ''),
			coalesce(a.escalate_manager_days, 0), coalesce(a.escalate_senior_days, 0), true
		FROM areas a WHERE a.code = $1

-- statement: areas.go:101
SELECT area_id, id, name, email FROM users WHERE role = $1 AND active AND area_id = ANY($2) ORDER BY name, id

-- statement: areas.go:131
UPDATE areas SET senior_lead_name = $2, senior_lead_email = $3, escalate_manager_days = $4, escalate_senior_days = $5
			WHERE code = $1

-- statement: audit.go:19
INSERT INTO audit_log (actor, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5)

-- statement: audit_log.go:65
SELECT count(*) FROM audit_log WHERE true

-- statement: audit_log.go:68
SELECT id, at, actor, action, subject_type, subject_id, detail::text FROM audit_log WHERE true ORDER BY at DESC, id DESC

-- statement: audit_log.go:100
SELECT DISTINCT action FROM audit_log ORDER BY action

-- statement: audit_log.go:106
SELECT DISTINCT actor FROM audit_log ORDER BY actor LIMIT 500

-- statement: board_report.go:26
SELECT recipients, day_of_month, first_month, updated_by, updated_at FROM board_report_settings

-- statement: board_report.go:39
INSERT INTO board_report_settings (recipients, day_of_month, first_month, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET recipients = EXCLUDED.recipients, day_of_month = EXCLUDED.day_of_month,
			first_month = EXCLUDED.first_month, updated_by = EXCLUDED.updated_by, updated_at = now()

-- statement: case_search.go:48
SELECT count(*) FROM cases c WHERE true

-- statement: case_search.go:51
SELECT c.id, a.name, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, to_char(c.finalised_on, 'YYYY-MM-DD'), c.outcome,
			c.withdrawn_at IS NULL AND NOT (c.appeal_pending OR c.vrr_pending OR c.codefendant_outstanding)
		FROM cases c JOIN areas a ON a.id = c.area_id WHERE true
		ORDER BY c.finalised_on DESC, c.id

-- statement: cases.go:21
CREATE TEMP TABLE incoming_cases (
		area_code text, reference text, urn text, category text, strands text[],
		principal_offence text, finalised_on date, outcome text,
		uplift_applied boolean, victim_personal_statement boolean, community_impact_statement boolean,
		special_measures boolean, appeal_pending boolean, vrr_pending boolean,
		codefendant_outstanding boolean, complainant_anonymity boolean, youth boolean, summary text,
		victim_group text, youth_victim boolean, online_offending boolean
	) ON COMMIT DROP

-- statement: cases.go:47
SELECT i.area_code FROM incoming_cases i LEFT JOIN areas a ON a.code = i.area_code WHERE a.id IS NULL LIMIT 1

-- statement: cases.go:55
WITH upserted AS (
			INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome,
				uplift_applied, victim_personal_statement, community_impact_statement, special_measures,
				appeal_pending, vrr_pending, codefendant_outstanding, complainant_anonymity, youth, summary,
				victim_group, youth_victim, online_offending)
			SELECT a.id, i.reference, i.category, i.principal_offence, i.finalised_on, i.outcome,
				i.uplift_applied, i.victim_personal_statement, i.community_impact_statement, i.special_measures,
				i.appeal_pending, i.vrr_pending, i.codefendant_outstanding, i.complainant_anonymity, i.youth, i.summary,
				i.victim_group, i.youth_victim, i.online_offending
			FROM incoming_cases i JOIN areas a ON a.code = i.area_code
			ON CONFLICT (area_id, reference) DO UPDATE SET
				category = EXCLUDED.category, principal_offence = EXCLUDED.principal_offence,
				finalised_on = EXCLUDED.finalised_on, outcome = EXCLUDED.outcome,
				uplift_applied = EXCLUDED.uplift_applied, victim_personal_statement = EXCLUDED.victim_personal_statement,
				community_impact_statement = EXCLUDED.community_impact_statement, special_measures = EXCLUDED.special_measures,
				appeal_pending = EXCLUDED.appeal_pending, vrr_pending = EXCLUDED.vrr_pending,
				codefendant_outstanding = EXCLUDED.codefendant_outstanding, complainant_anonymity = EXCLUDED.complainant_anonymity,
				youth = EXCLUDED.youth, summary = EXCLUDED.summary, victim_group = EXCLUDED.victim_group,
				youth_victim = EXCLUDED.youth_victim, online_offending = EXCLUDED.online_offending, updated_at = now()
			RETURNING id, area_id, reference, (xmax = 0) AS inserted
		), urns AS (
			INSERT INTO case_urns (case_id, urn)
			SELECT u.id, i.urn FROM upserted u JOIN areas a ON a.id = u.area_id
			JOIN incoming_cases i ON i.area_code = a.code AND i.reference = u.reference
			ON CONFLICT (case_id) DO UPDATE SET urn = EXCLUDED.urn
		), cleared AS (
			DELETE FROM case_strands cs USING upserted u WHERE cs.case_id = u.id
		)
		SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted

-- statement: cases.go:90
INSERT INTO case_strands (case_id, strand)
		SELECT c.id, s FROM incoming_cases i
		JOIN areas a ON a.code = i.area_code
		JOIN cases c ON c.area_id = a.id AND c.reference = i.reference
		CROSS JOIN LATERAL unnest(i.strands) AS s
		ON CONFLICT DO NOTHING

-- statement: cases.go:116
INSERT INTO imports (filename, sha256, rows_total, inserted, updated, imported_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id

-- statement: community.go:108
SELECT EXISTS (SELECT 1 FROM areas WHERE code = $1)

-- statement: community.go:125
WITH period AS (
	SELECT DISTINCT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
	WHERE p.area_id = $1 AND m.starts_at::date BETWEEN $2 AND $3
		AND EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text)),
refs AS (
	SELECT cc.cycle_id, string_agg(regexp_replace(c.reference, '([^[:alnum:][:space:]])', '\\\1', 'g'), '|' ORDER BY length(c.reference) DESC) AS pattern
	FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
	WHERE cc.cycle_id IN (SELECT id FROM period UNION SELECT cycle_id FROM actions WHERE area_id = $1) GROUP BY cc.cycle_id) SELECT coalesce(cs.strand, ''), count(DISTINCT cc.case_id) FROM period
		JOIN cycle_cases cc ON cc.cycle_id = period.id AND cc.status = $4 JOIN case_strands cs ON cs.case_id = cc.case_id
		GROUP BY ROLLUP (cs.strand)

-- statement: community.go:149
WITH period AS (
	SELECT DISTINCT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
	WHERE p.area_id = $1 AND m.starts_at::date BETWEEN $2 AND $3
		AND EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text)),
refs AS (
	SELECT cc.cycle_id, string_agg(regexp_replace(c.reference, '([^[:alnum:][:space:]])', '\\\1', 'g'), '|' ORDER BY length(c.reference) DESC) AS pattern
	FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
	WHERE cc.cycle_id IN (SELECT id FROM period UNION SELECT cycle_id FROM actions WHERE area_id = $1) GROUP BY cc.cycle_id) SELECT coalesce(regexp_replace(ac.description, refs.pattern, 'a case', 'gi'), ac.description), ac.status,
			coalesce(ac.response, ''), coalesce(regexp_replace(coalesce(ac.response_rationale, ''), refs.pattern, 'a case', 'gi'), coalesce(ac.response_rationale, '')), coalesce(regexp_replace(coalesce(ac.completion_note, ''), refs.pattern, 'a case', 'gi'), coalesce(ac.completion_note, ''))
		FROM actions ac LEFT JOIN refs ON refs.cycle_id = ac.cycle_id
		WHERE ac.area_id = $1 AND ac.status <> $4 AND (ac.created_at::date BETWEEN $2 AND $3 OR ac.closed_at::date BETWEEN $2 AND $3)
		ORDER BY ac.status = $5 DESC, ac.id

-- statement: community.go:165
WITH period AS (
	SELECT DISTINCT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
	WHERE p.area_id = $1 AND m.starts_at::date BETWEEN $2 AND $3
		AND EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text)),
refs AS (
	SELECT cc.cycle_id, string_agg(regexp_replace(c.reference, '([^[:alnum:][:space:]])', '\\\1', 'g'), '|' ORDER BY length(c.reference) DESC) AS pattern
	FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
	WHERE cc.cycle_id IN (SELECT id FROM period UNION SELECT cycle_id FROM actions WHERE area_id = $1) GROUP BY cc.cycle_id) SELECT coalesce(lp.theme, ''), coalesce(regexp_replace(lp.text, refs.pattern, 'a case', 'gi'), lp.text), lp.good_practice
		FROM period JOIN learning_points lp ON lp.cycle_id = period.id LEFT JOIN refs ON refs.cycle_id = lp.cycle_id
		ORDER BY lp.good_practice DESC, lp.id

-- statement: community.go:209
SELECT id, name, email, language FROM community_groups WHERE area_id = $1 AND removed_at IS NULL ORDER BY lower(name), id

-- statement: community.go:216
INSERT INTO community_groups (area_id, name, email, language, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id

-- statement: community.go:231
UPDATE community_groups SET removed_at = now() WHERE id = $1 AND area_id = $2 AND removed_at IS NULL

-- statement: community.go:260
SELECT EXISTS (SELECT 1 FROM community_update_sends WHERE area_id = a.id AND period_from = $2 AND period_to = $3)
		FROM areas a WHERE a.id = $1 FOR UPDATE OF a

-- statement: community.go:278
INSERT INTO community_update_sends (area_id, period_from, period_to, group_id, outbox_id, sent_by) VALUES ($1, $2, $3, $4, $5, $6)

-- statement: community.go:293
SELECT s.period_from, s.period_to, g.name, s.sent_by, s.sent_at, o.status FROM community_update_sends s
		JOIN community_groups g ON g.id = s.group_id JOIN outbox o ON o.id = s.outbox_id
		WHERE s.area_id = $1 ORDER BY s.sent_at DESC, g.name LIMIT 100

-- statement: comparison.go:73
WITH period AS (SELECT DISTINCT cy.id, p.area_id FROM cycles cy JOIN panels p ON p.id = cy.panel_id
	JOIN meetings m ON m.cycle_id = cy.id WHERE cy.stage <> $3 AND m.starts_at::date BETWEEN $1 AND $2) SELECT coalesce(period.area_id, 0), cs.strand, count(DISTINCT cc.case_id) FROM period
			JOIN cycle_cases cc ON cc.cycle_id = period.id AND cc.status = $5 JOIN case_strands cs ON cs.case_id = cc.case_id
			GROUP BY GROUPING SETS ((period.area_id, cs.strand), (cs.strand)) HAVING GROUPING(period.area_id) = 1 OR period.area_id = ANY($4)

-- statement: comparison.go:77
WITH period AS (SELECT DISTINCT cy.id, p.area_id FROM cycles cy JOIN panels p ON p.id = cy.panel_id
	JOIN meetings m ON m.cycle_id = cy.id WHERE cy.stage <> $3 AND m.starts_at::date BETWEEN $1 AND $2) SELECT coalesce(period.area_id, 0), fi.category, count(*) FROM period JOIN findings fi ON fi.cycle_id = period.id
			GROUP BY GROUPING SETS ((period.area_id, fi.category), (fi.category)) HAVING GROUPING(period.area_id) = 1 OR period.area_id = ANY($4)

-- statement: comparison.go:80
WITH period AS (SELECT DISTINCT cy.id, p.area_id FROM cycles cy JOIN panels p ON p.id = cy.panel_id
	JOIN meetings m ON m.cycle_id = cy.id WHERE cy.stage <> $3 AND m.starts_at::date BETWEEN $1 AND $2) SELECT coalesce(period.area_id, 0), coalesce(lp.theme, ''), count(*) FROM period JOIN learning_points lp ON lp.cycle_id = period.id
			GROUP BY GROUPING SETS ((period.area_id, coalesce(lp.theme, '')), (coalesce(lp.theme, ''))) HAVING GROUPING(period.area_id) = 1 OR period.area_id = ANY($4)

-- statement: comparison.go:104
SELECT coalesce(ac.area_id, 0),
			count(*) FILTER (WHERE ac.created_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.status = $3 AND ac.closed_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.status <> $4 AND ac.due_on BETWEEN $1 AND least($2, current_date - 1)
				AND (ac.status <> $3 OR ac.closed_at::date > ac.due_on)),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ac.closed_at - ac.created_at) / 86400)
				FILTER (WHERE ac.status = $3 AND ac.closed_at::date BETWEEN $1 AND $2)
		FROM actions ac GROUP BY GROUPING SETS ((ac.area_id), ())
		HAVING GROUPING(ac.area_id) = 1 OR ac.area_id = ANY($5)

-- statement: conflicts.go:32
INSERT INTO conflicts (cycle_id, member_id, case_id, note, after_release) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (cycle_id, member_id, case_id) DO NOTHING

-- statement: conflicts.go:43
SELECT case_id FROM conflicts WHERE cycle_id = $1 AND member_id = $2

-- statement: conflicts.go:48
UPDATE reviews SET removed = true WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3

-- statement: conflicts.go:58
INSERT INTO identifying_reports (cycle_id, member_id, case_id, detail) VALUES ($1, $2, $3, $4)
		ON CONFLICT (cycle_id, member_id, case_id) DO NOTHING

-- statement: conflicts.go:68
UPDATE cycle_cases SET status = $3 WHERE cycle_id = $1 AND case_id = $2

-- statement: conflicts.go:71
UPDATE reviews SET removed = true WHERE cycle_id = $1 AND case_id = $2

-- statement: conflicts.go:81
SELECT reference FROM cases WHERE id = $1

-- statement: cycle_list.go:25
SELECT count(*) FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE true

-- statement: cycle_list.go:29
SELECT cy.id, p.name, to_char(cy.window_start, 'YYYY-MM-DD'), to_char(cy.window_end, 'YYYY-MM-DD'), cy.stage,
			coalesce(m.starts_at, 'epoch'),
			(SELECT count(*) FROM reviews r WHERE r.cycle_id = cy.id AND r.status = ANY($1) AND NOT r.removed)
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings m ON m.cycle_id = cy.id
		WHERE true ORDER BY cy.id DESC

-- statement: cycle_list.go:48
SELECT cy.id, cy.workflow_id, cy.stage, cy.panel_id, p.area_id, true
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1

-- statement: cycle_list.go:57
SELECT workflow_id FROM cycles WHERE id = $1

-- statement: cycle_list.go:71
SELECT id FROM cycles WHERE panel_id = $1 AND window_start = $2 AND window_end = $3 AND stage <> $4

-- statement: cycle_list.go:86
SELECT count(*) FROM cycles WHERE panel_id = $1 AND window_start = $2 AND window_end = $3 AND stage = $4

-- statement: cycle_list.go:99
SELECT id FROM files WHERE cycle_id = $1 AND kind = $2 AND ($3::bigint = 0 OR member_id = $3) AND purged_at IS NULL
		ORDER BY id DESC LIMIT 1

-- statement: cycle_status.go:24
SELECT cy.stage, cy.schedule, cy.seed, cy.access_revoked_at IS NOT NULL, cy.cancel_reason,
			coalesce(m.starts_at, 'epoch'), coalesce(m.ends_at, 'epoch'), coalesce(m.location, ''), coalesce(m.online_link, ''), coalesce(m.ics_sequence, 0),
			(SELECT id FROM files WHERE cycle_id = cy.id AND kind = $2 ORDER BY id DESC LIMIT 1),
			EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text)
		FROM cycles cy LEFT JOIN meetings m ON m.cycle_id = cy.id WHERE cy.id = $1

-- statement: cycle_status.go:60
SELECT stratum, quota, eligible_count, shortfall FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum

-- statement: cycle_status.go:66
SELECT cc.case_id, c.reference, cc.stratum, cc.role, cc.status FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 ORDER BY cc.stratum, cc.draw_position

-- statement: cycle_status.go:73
SELECT m.id, m.name, m.unreachable_since IS NOT NULL, m.left_at IS NOT NULL OR NOT m.active,
			count(r.*) FILTER (WHERE NOT r.removed), count(*) FILTER (WHERE r.status = $2 AND NOT r.removed),
			count(*) FILTER (WHERE r.status = $3 AND NOT r.removed), count(*) FILTER (WHERE r.status = $4 AND NOT r.removed),
			count(*) FILTER (WHERE r.status = $5), count(*) FILTER (WHERE r.late AND r.status = $2),
			count(*) FILTER (WHERE r.status = $6 AND NOT r.removed),
			EXISTS (SELECT 1 FROM outbox o WHERE o.message_key = 'pack/' || $1::bigint || '/' || m.id AND o.status = $7)
		FROM reviews r JOIN members m ON m.id = r.member_id WHERE r.cycle_id = $1::bigint GROUP BY m.id ORDER BY m.id

-- statement: cycle_status.go:86
SELECT member_id, case_id, note FROM conflicts WHERE cycle_id = $1 ORDER BY id

-- statement: cycle_status.go:92
SELECT case_id, category, rationale, recorded_by FROM findings WHERE cycle_id = $1 ORDER BY case_id

-- statement: cycle_status.go:95
SELECT id FROM actions WHERE cycle_id = $1 ORDER BY id

-- statement: cycle_status.go:98
SELECT count(*) FROM learning_points WHERE cycle_id = $1

-- statement: cycles.go:38
SELECT cy.id, cy.workflow_id, cy.panel_id, p.name, ar.id, ar.name, cy.coordinator_name, cy.coordinator_email,
			cy.window_start, cy.window_end, cy.schedule, cy.seed, cy.quotas, cy.reserves_per_stratum, cy.stage,
			m.starts_at, m.ends_at, coalesce(m.location, ''), coalesce(m.online_link, ''), p.kind, cy.theme_filter
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN areas ar ON ar.id = p.area_id
		LEFT JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.id = $1

-- statement: cycles.go:74
SELECT EXISTS (SELECT 1 FROM panels WHERE id = $1)

-- statement: cycles.go:93
INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, theme, quotas, reserves_per_stratum,
			schedule, started_by, coordinator_name, coordinator_email, stage, theme_filter)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (workflow_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id RETURNING id, (xmax = 0)

-- statement: cycles.go:108
UPDATE cycles SET stage = $2, schedule = $3,
			closed_at = CASE WHEN $2 = $4 THEN coalesce(closed_at, now()) ELSE closed_at END,
			cancelled_at = CASE WHEN $2 = $5 THEN coalesce(cancelled_at, now()) ELSE cancelled_at END
		WHERE id = $1

-- statement: cycles.go:121
UPDATE cycles SET access_revoked_at = now() WHERE id = $1 AND access_revoked_at IS NULL

-- statement: cycles.go:130
UPDATE cycles SET stage = $2, closed_at = coalesce(closed_at, now()) WHERE id = $1

-- statement: cycles.go:141
SELECT cancel_reason IS NOT NULL FROM cycles WHERE id = $1 FOR UPDATE

-- statement: cycles.go:154
UPDATE cycles SET stage = $3, cancelled_at = coalesce(cancelled_at, now()), cancel_reason = $2,
		access_revoked_at = coalesce(access_revoked_at, now()) WHERE id = $1

-- statement: demo.go:52
SELECT EXISTS (SELECT 1 FROM panels)

-- statement: demo.go:82
UPDATE areas SET senior_lead_name = 'DCCP ' || name, senior_lead_email = 'dccp.' || code || '@example.org'

-- statement: demo.go:103
SELECT code, id FROM areas

-- statement: demo.go:130
INSERT INTO panels (area_id, name, covers, kind) VALUES ($1, $2, $3, $4) RETURNING id

-- statement: demo.go:163
SELECT p.id, p.area_id FROM panels p JOIN areas a ON a.id = p.area_id
		WHERE a.code = $1 ORDER BY p.id LIMIT 1

-- statement: digest.go:24
SELECT id FROM users WHERE role = $1 AND active ORDER BY id

-- statement: digest.go:39
SELECT u.name, u.email, u.area_id, ar.name FROM users u JOIN areas ar ON ar.id = u.area_id WHERE u.id = $1

-- statement: digest.go:54
SELECT id FROM outbox WHERE message_key = $1

-- statement: draw.go:39
SELECT cy.seed, cy.reserves_per_stratum, p.kind, cy.theme_filter FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1

-- statement: draw.go:62
WITH numbered AS (SELECT case_id, dense_rank() OVER (ORDER BY case_id) AS ordinal FROM (SELECT DISTINCT case_id FROM cycle_eligible WHERE cycle_id = $1) d)
		SELECT e.stratum, n.ordinal, a.code FROM cycle_eligible e JOIN numbered n USING (case_id)
		JOIN cases c ON c.id = e.case_id JOIN areas a ON a.id = c.area_id
		WHERE e.cycle_id = $1 ORDER BY e.stratum, n.ordinal

-- statement: draw.go:79
WITH numbered AS (SELECT case_id, dense_rank() OVER (ORDER BY case_id) AS ordinal FROM (SELECT DISTINCT case_id FROM cycle_eligible WHERE cycle_id = $1) d)
		SELECT cc.stratum, n.ordinal, a.code, cc.role = $2, cc.draw_position FROM cycle_cases cc JOIN numbered n USING (case_id)
		JOIN cycle_strata s ON s.cycle_id = cc.cycle_id AND s.stratum = cc.stratum
		JOIN cases c ON c.id = cc.case_id JOIN areas a ON a.id = c.area_id
		WHERE cc.cycle_id = $1 AND (cc.role = $2 OR (cc.role = $3 AND cc.draw_position < s.quota - s.shortfall))
		ORDER BY cc.stratum, cc.draw_position

-- statement: draw.go:93
SELECT stratum, quota, shortfall FROM cycle_strata WHERE cycle_id = $1

-- statement: draw.go:102
SELECT q.stratum, a.code, q.quota FROM cycle_area_quotas q JOIN areas a ON a.id = q.area_id WHERE q.cycle_id = $1

-- statement: files.go:34
INSERT INTO files (kind, cycle_id, member_id, filename, content_type, content, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id

-- statement: files.go:47
SELECT id, kind, cycle_id, member_id, filename, content_type, content, sha256, created_at
		FROM files WHERE id = $1 AND purged_at IS NULL

-- statement: held_mail.go:16
UPDATE outbox o SET status = $2, to_address = m.email, to_name = m.name, last_error = NULL
		FROM members m WHERE m.id = o.member_id AND o.member_id = $1 AND o.status = $3 RETURNING o.id

-- statement: held_mail.go:37
SELECT o.member_id, count(*)::int FROM outbox o JOIN members m ON m.id = o.member_id
		WHERE m.panel_id = $1 AND o.status = $2 GROUP BY o.member_id

-- statement: learning_themes.go:21
SELECT code, label, built_in, created_by, created_at FROM learning_themes ORDER BY NOT built_in, label

-- statement: learning_themes.go:27
INSERT INTO learning_themes (code, label, created_by) VALUES ($1, $2, $3)

-- statement: meeting_record.go:27
INSERT INTO findings (cycle_id, case_id, category, rationale, carried_forward, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (cycle_id, case_id) DO UPDATE SET category = EXCLUDED.category, rationale = EXCLUDED.rationale,
			carried_forward = EXCLUDED.carried_forward, recorded_by = EXCLUDED.recorded_by, recorded_at = now()

-- statement: meeting_record.go:50
INSERT INTO learning_points (cycle_id, case_id, text, tag, good_practice, request_key, theme)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, NULLIF($7, ''))
		ON CONFLICT (request_key) DO UPDATE SET request_key = EXCLUDED.request_key RETURNING id, (xmax = 0)

-- statement: meeting_record.go:86
INSERT INTO actions (cycle_id, panel_id, area_id, case_id, learning_point_id, kind, audience, description,
			owner_name, owner_email, manager_name, manager_email, due_on, request_key, owner_language)
		SELECT cy.id, cy.panel_id, CASE WHEN p.kind = $14 AND $13 <> '' THEN (SELECT id FROM areas WHERE code = $13) ELSE p.area_id END,
			NULLIF($2, 0), NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE(NULLIF($15, ''), 'en')
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1
		ON CONFLICT (request_key) DO UPDATE SET request_key = EXCLUDED.request_key RETURNING id, (xmax = 0)

-- statement: meeting_record.go:100
INSERT INTO action_events (action_id, actor, kind, detail) VALUES ($1, 'panel', 'created', $2)

-- statement: meeting_view.go:26
SELECT c.id, c.reference, c.principal_offence,
			count(r.case_id) FILTER (WHERE r.status = $3)::int, count(r.case_id) FILTER (WHERE r.status <> $4)::int, coalesce(f.category, '')
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
			LEFT JOIN reviews r ON r.cycle_id = cc.cycle_id AND r.case_id = cc.case_id AND NOT r.removed
			LEFT JOIN findings f ON f.cycle_id = cc.cycle_id AND f.case_id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = $2
		GROUP BY c.id, c.reference, c.principal_offence, f.category ORDER BY c.reference

-- statement: meeting_view.go:43
SELECT c.id, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, c.finalised_on, c.uplift_applied, c.victim_personal_statement, c.community_impact_statement,
			c.special_measures, c.complainant_anonymity, c.youth, c.summary
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.case_id = $2 AND cc.status = $3

-- statement: meeting_view.go:57
SELECT count(*) FILTER (WHERE r.status = $3), count(*) FILTER (WHERE r.status NOT IN ($3, $4))
		FROM reviews r WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed

-- statement: meeting_view.go:67
SELECT a.key, a.value, count(*)::int FROM reviews r,
			jsonb_each_text(CASE WHEN jsonb_typeof(r.answers->'ratings') = 'object' THEN r.answers->'ratings' ELSE '{}' END) a
		WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed AND r.status = $3 AND a.value <> '' GROUP BY a.key, a.value

-- statement: meeting_view.go:80
SELECT r.answers->>'overall', '', count(*)::int FROM reviews r
		WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed AND r.status = $3 AND coalesce(r.answers->>'overall', '') <> '' GROUP BY 1

-- statement: meeting_view.go:92
SELECT m.role, t.field, t.text FROM reviews r JOIN members m ON m.id = r.member_id,
			LATERAL (SELECT 'comments.' || key, value FROM jsonb_each_text(CASE WHEN jsonb_typeof(r.answers->'comments') = 'object' THEN r.answers->'comments' ELSE '{}' END)
				UNION ALL SELECT key, value FROM jsonb_each_text(r.answers - 'ratings' - 'comments' - 'overall')) t(field, text)
		WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed AND r.status = $3 AND btrim(t.text) <> ''
		ORDER BY array_position($4::text[], m.role), r.member_id, t.field

-- statement: meeting_view.go:101
SELECT category, rationale, recorded_by, recorded_at FROM findings WHERE cycle_id = $1 AND case_id = $2

-- statement: meeting_view.go:116
SELECT u.id, u.name, u.email FROM users u JOIN user_panels up ON up.user_id = u.id
		WHERE up.panel_id = $1 AND u.role = $2 AND u.active ORDER BY u.name, u.id

-- statement: meetings.go:27
INSERT INTO meetings (cycle_id, starts_at, ends_at, location, online_link, ics_uid)
		VALUES ($1::bigint, $2, $3, $4, $5, 'cycle-' || $1::bigint || '@scrutiny')
		ON CONFLICT (cycle_id) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
			location = EXCLUDED.location, online_link = EXCLUDED.online_link,
			ics_sequence = meetings.ics_sequence + CASE WHEN (meetings.starts_at, meetings.ends_at, meetings.location, meetings.online_link)
				IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.ends_at, EXCLUDED.location, EXCLUDED.online_link) THEN 1 ELSE 0 END
		RETURNING id, ics_sequence

-- statement: meetings.go:43
SELECT ics_uid, ics_sequence FROM meetings WHERE cycle_id = $1

-- statement: meetings.go:56
UPDATE meetings SET status = $2, ics_sequence = ics_sequence + 1 WHERE cycle_id = $1

-- statement: meetings.go:67
SELECT m.id, cy.panel_id FROM meetings m JOIN cycles cy ON cy.id = m.cycle_id WHERE m.cycle_id = $1

-- statement: meetings.go:74
INSERT INTO attendance (meeting_id, member_id, status) SELECT $1, id, $3 FROM members WHERE id = $2 AND panel_id = $4
		ON CONFLICT (meeting_id, member_id) DO UPDATE SET status = EXCLUDED.status

-- statement: member_admin.go:34
SELECT panel_id, email FROM members WHERE id = $1 FOR UPDATE

-- statement: member_admin.go:41
UPDATE members SET
				unreachable_since = CASE WHEN $2::text IS NOT NULL AND lower($2) <> lower(email) THEN NULL ELSE unreachable_since END,
				email = coalesce($2, email), active = coalesce($3, active),
				left_at = CASE WHEN $3 = false THEN coalesce(left_at, now()) WHEN $3 = true THEN NULL ELSE left_at END,
				language = coalesce($4, language), name = coalesce($5, name), role = coalesce($6, role)
			WHERE id = $1 RETURNING id, name, email, role, active, to_char(confidentiality_signed_on, 'YYYY-MM-DD'), language, unreachable_since IS NOT NULL

-- statement: member_admin.go:70
SELECT id, name, email, role, active, to_char(confidentiality_signed_on, 'YYYY-MM-DD'), language, unreachable_since IS NOT NULL FROM members WHERE id = $1

-- statement: member_admin.go:89
SELECT cy.id, cy.workflow_id, cy.stage, cy.panel_id, p.area_id FROM cycles cy JOIN panels p ON p.id = cy.panel_id
		WHERE cy.panel_id = $1 AND cy.stage NOT IN ($2, $3) ORDER BY cy.id

-- statement: member_links.go:20
SELECT m.name, m.active AND m.left_at IS NULL, cy.access_revoked_at IS NOT NULL OR cy.stage IN ($3, $4), cy.panel_id, m.link_epoch
		FROM members m JOIN cycles cy ON cy.panel_id = m.panel_id WHERE m.id = $1 AND cy.id = $2

-- statement: member_links.go:38
UPDATE members SET link_epoch = link_epoch + 1 WHERE id = $1 RETURNING link_epoch

-- statement: member_links.go:67
SELECT cy.id, p.name, cy.coordinator_name, (cy.schedule->>'access_revoked')::timestamptz
		FROM members m JOIN cycles cy ON cy.panel_id = m.panel_id JOIN panels p ON p.id = cy.panel_id
		WHERE m.id = $1 AND cy.access_revoked_at IS NULL AND cy.stage NOT IN ($2, $3)
			AND cy.schedule->>'access_revoked' IS NOT NULL AND (cy.schedule->>'access_revoked')::timestamptz > now()
		ORDER BY cy.id

-- statement: members.go:27
SELECT count(*) FROM members WHERE panel_id = $1

-- statement: members.go:31
SELECT id, name, email, role, active, to_char(confidentiality_signed_on, 'YYYY-MM-DD'), language, unreachable_since IS NOT NULL FROM members WHERE panel_id = $1 ORDER BY name LIMIT $2 OFFSET $3

-- statement: members.go:38
INSERT INTO members (panel_id, name, email, role, language)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, name, email, role, active, to_char(confidentiality_signed_on, 'YYYY-MM-DD'), language, unreachable_since IS NOT NULL

-- statement: members.go:57
SELECT p.id, true FROM members m JOIN panels p ON p.id = m.panel_id WHERE m.id = $1

-- statement: members.go:66
SELECT p.name, cy.stage, cy.schedule, coalesce(mt.starts_at, 'epoch'),
			coalesce((SELECT response FROM meeting_responses WHERE meeting_id = mt.id AND member_id = $2), ''),
			EXISTS (SELECT 1 FROM reviews WHERE cycle_id = cy.id AND member_id = $2)
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings mt ON mt.cycle_id = cy.id WHERE cy.id = $1

-- statement: members.go:94
SELECT c.id, c.reference,
			(SELECT string_agg(s.label, ', ' ORDER BY s.label) FROM case_strands cs JOIN strands s ON s.code = cs.strand WHERE cs.case_id = c.id),
			c.principal_offence, c.outcome, to_char(c.finalised_on, 'FMMonth YYYY'), coalesce(r.status, ''),
			EXISTS (SELECT 1 FROM conflicts WHERE cycle_id = cc.cycle_id AND member_id = $2 AND case_id = c.id)
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		LEFT JOIN reviews r ON r.cycle_id = cc.cycle_id AND r.case_id = c.id AND r.member_id = $2
		WHERE cc.cycle_id = $1 AND cc.status IN ($3, $4) AND cc.role <> $5 AND (r.removed IS NULL OR NOT r.removed)
		ORDER BY c.reference

-- statement: members.go:108
SELECT c.id, c.reference, c.summary, r.status, r.answers FROM reviews r JOIN cases c ON c.id = r.case_id
		WHERE r.cycle_id = $1 AND r.member_id = $2 AND r.case_id = $3 AND NOT r.removed

-- statement: members.go:124
SELECT EXISTS (SELECT 1 FROM reviews WHERE cycle_id = $1 AND member_id = $2)

-- statement: members.go:134
INSERT INTO meeting_responses (meeting_id, member_id, response)
		SELECT id, $2, $3 FROM meetings WHERE cycle_id = $1 AND status = $4
		ON CONFLICT (meeting_id, member_id) DO UPDATE SET response = EXCLUDED.response, responded_at = now()

-- statement: migrate.go:94
SELECT pg_advisory_lock($1)

-- statement: migrate.go:97
SELECT pg_advisory_unlock($1)

-- statement: migrate.go:102
SELECT to_regclass('schema_migrations') IS NOT NULL

-- statement: migrate.go:114
SELECT version FROM schema_migrations

-- statement: migrate.go:139
INSERT INTO schema_migrations (version, name) VALUES ($1, $2)

-- statement: migrate.go:168
INSERT INTO areas (code, name) VALUES ($1, $2)
				ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name

-- statement: migrate.go:174
INSERT INTO strands (code, label, category) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, category = EXCLUDED.category

-- statement: migrate.go:194
SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)

-- statement: minutes.go:71
SELECT m.name, m.role, coalesce(at.status, 'absent'), coalesce(mr.response, '') FROM members m
		LEFT JOIN attendance at ON at.member_id = m.id AND at.meeting_id = (SELECT id FROM meetings WHERE cycle_id = $1)
		LEFT JOIN meeting_responses mr ON mr.member_id = m.id AND mr.meeting_id = (SELECT id FROM meetings WHERE cycle_id = $1)
		WHERE m.panel_id = $2 AND ((m.active AND m.left_at IS NULL) OR at.status IS NOT NULL) ORDER BY m.name

-- statement: minutes.go:90
SELECT m.id, m.name, coalesce(mr.response, ''), mr.responded_at FROM cycles cy JOIN members m ON m.panel_id = cy.panel_id
		LEFT JOIN meeting_responses mr ON mr.member_id = m.id AND mr.meeting_id = (SELECT id FROM meetings WHERE cycle_id = cy.id)
		WHERE cy.id = $1 AND ((m.active AND m.left_at IS NULL) OR mr.response IS NOT NULL) ORDER BY m.name, m.id

-- statement: minutes.go:98
SELECT m.name, c.reference, CASE WHEN cf.after_release THEN 'after the packs were released' ELSE 'before the packs were released' END
		FROM conflicts cf JOIN members m ON m.id = cf.member_id JOIN cases c ON c.id = cf.case_id WHERE cf.cycle_id = $1 ORDER BY m.name, c.reference

-- statement: minutes.go:106
SELECT c.id, c.reference, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, coalesce(f.category, ''), coalesce(f.rationale, ''), coalesce(f.carried_forward, false)
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id LEFT JOIN findings f ON f.cycle_id = cc.cycle_id AND f.case_id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = $2 ORDER BY c.reference

-- statement: minutes.go:115
SELECT r.status, r.answers, m.role FROM reviews r JOIN members m ON m.id = r.member_id
		WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed ORDER BY m.role, r.member_id

-- statement: minutes.go:122
SELECT coalesce(c.reference, ''), lp.text, lp.tag, lp.good_practice FROM learning_points lp
		LEFT JOIN cases c ON c.id = lp.case_id WHERE lp.cycle_id = $1 ORDER BY lp.id

-- statement: minutes.go:129
SELECT 'A-' || id, description, owner_name, manager_name, audience, due_on FROM actions WHERE cycle_id = $1 ORDER BY id

-- statement: minutes.go:136
SELECT count(*) FILTER (WHERE status = $2),
			count(*) FILTER (WHERE role = $3 AND status IN ($4, $5, $2)),
			count(*) FILTER (WHERE role = $6)
		FROM cycle_cases WHERE cycle_id = $1

-- statement: minutes.go:150
SELECT id FROM files WHERE cycle_id = $1 AND kind = $2 AND filename = $3

-- statement: outbox.go:51
INSERT INTO outbox (message_key, to_address, to_name, member_id, subject, body_text, body_html, attachment_file_id, calendar_ics, reply_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10)
		ON CONFLICT (message_key) DO NOTHING RETURNING id

-- statement: outbox.go:68
SELECT id, message_key, to_address, to_name, member_id, subject, body_text, body_html,
			attachment_file_id, calendar_ics, status, attempts, last_error, sent_at, reply_to, resends
		FROM outbox WHERE id = $1

-- statement: outbox.go:124
WITH prev AS (SELECT id, claimed_at FROM outbox WHERE id = $1 FOR UPDATE)
		UPDATE outbox o SET claim_token = $2, claimed_at = now(), attempts = o.attempts + 1,
			resends = o.resends + (prev.claimed_at IS NOT NULL)::int
		FROM prev WHERE o.id = prev.id AND o.status = $4
			AND (prev.claimed_at IS NULL OR prev.claimed_at < now() - $3::interval)
		RETURNING prev.claimed_at IS NOT NULL

-- statement: outbox.go:143
SELECT status FROM outbox WHERE id = $1

-- statement: outbox.go:160
UPDATE outbox SET last_error = $3, claim_token = NULL, claimed_at = NULL
		WHERE id = $1 AND claim_token = $2 AND status = $4

-- statement: outbox.go:181
UPDATE outbox SET status = $3, sent_at = now(), last_error = NULL, claim_token = NULL, claimed_at = NULL,
			body_text = regexp_replace(body_text, $5, $6, 'g'), body_html = regexp_replace(body_html, $5, $6, 'g')
		WHERE id = $1 AND claim_token = $2 AND status = $4

-- statement: outbox.go:194
UPDATE outbox SET status = $4, last_error = $3, claim_token = NULL, claimed_at = NULL
			WHERE id = $1 AND claim_token = $2 AND status = $5 RETURNING member_id

-- statement: outbox.go:204
UPDATE members SET unreachable_since = coalesce(unreachable_since, now()) WHERE id = $1

-- statement: outbox.go:221
UPDATE outbox SET status = $4, last_error = $3, claim_token = NULL, claimed_at = NULL
		WHERE id = $1 AND claim_token = $2 AND status = $5

-- statement: outbox.go:242
SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1

-- statement: outbox_delays.go:29
SELECT count(*), min(created_at),
			(array_agg(last_error ORDER BY id DESC))[1]
		FROM outbox o
		WHERE o.status = $2 AND o.last_error IS NOT NULL
			AND (o.message_key LIKE 'member-link/%/' || $1::bigint || '/%'
				OR o.message_key LIKE ANY (SELECT p || '/' || $1::bigint || '/%' FROM unnest($3::text[]) p))

-- statement: outbox_ledger.go:26
SELECT id, message_key, status, resends FROM outbox ORDER BY id

-- statement: packs.go:26
SELECT f.id, o.id, ARRAY(SELECT r.case_id FROM reviews r JOIN cases c ON c.id = r.case_id
			WHERE r.cycle_id = $2 AND r.member_id = $3 ORDER BY c.reference)
		FROM outbox o, files f WHERE o.message_key = $1 AND f.kind = $4 AND f.cycle_id = $2 AND f.member_id = $3
		ORDER BY f.id DESC LIMIT 1

-- statement: packs.go:43
SELECT c.id, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, c.finalised_on, c.uplift_applied, c.victim_personal_statement, c.community_impact_statement,
			c.special_measures, c.complainant_anonymity, c.youth, c.summary
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = $2 ORDER BY c.reference

-- statement: packs.go:54
SELECT 'A-' || id, description, owner_name, status, coalesce(response_rationale, completion_note, ''), due_on
		FROM actions WHERE panel_id = $1 AND (cycle_id IS NULL OR cycle_id <> $2)
		  AND (status = ANY($3) OR closed_at > now() - interval '6 months')
		ORDER BY due_on, id

-- statement: panel_language.go:15
SELECT m.language, p.bilingual FROM members m JOIN panels p ON p.id = m.panel_id WHERE m.id = $1

-- statement: panel_language.go:29
SELECT owner_language FROM actions WHERE id = $1

-- statement: panel_members.go:17
SELECT id, name, email, role, link_epoch FROM members
		WHERE panel_id = $1 AND active AND left_at IS NULL AND ($2 = false OR confidentiality_signed_on IS NOT NULL)
		ORDER BY name, id

-- statement: panel_members.go:32
SELECT id, name, email, role, link_epoch FROM members WHERE id = $1

-- statement: panels.go:39
SELECT p.id, p.name, a.name, p.covers, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id ORDER BY strand),
	(SELECT count(*) FROM members WHERE panel_id = p.id AND active), p.active, p.kind, p.bilingual, true FROM panels p JOIN areas a ON a.id = p.area_id WHERE p.id = $1

-- statement: panels.go:47
SELECT count(*) FROM panels p WHERE true

-- statement: panels.go:50
SELECT p.id, p.name, a.name, p.covers, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id ORDER BY strand),
	(SELECT count(*) FROM members WHERE panel_id = p.id AND active), p.active, p.kind, p.bilingual FROM panels p JOIN areas a ON a.id = p.area_id WHERE true ORDER BY a.name, p.name

-- statement: panels.go:71
SELECT p.id, p.area_id, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id), p.active, true
		FROM panels p WHERE p.id = $1

-- statement: panels.go:85
INSERT INTO panels (area_id, name, covers, kind, bilingual) SELECT id, $2, $3, $4, $5 FROM areas WHERE code = $1
				RETURNING id, name, covers, kind, bilingual, (SELECT name FROM areas WHERE code = $1)

-- statement: panels.go:90
INSERT INTO panel_strands (panel_id, strand) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING

-- statement: panels.go:108
UPDATE panels SET name = $2, covers = $3, bilingual = $4 WHERE id = $1

-- statement: panels.go:115
DELETE FROM panel_strands WHERE panel_id = $1 AND strand <> ALL($2::text[])

-- statement: panels.go:135
UPDATE panels p SET active = false FROM panels prev WHERE p.id = $1 AND prev.id = p.id RETURNING prev.active

-- statement: report.go:28
SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage <> $4 AND m.starts_at::date BETWEEN $1 AND $2 AND ($3::smallint IS NULL OR p.area_id = $3)

-- statement: report.go:31
SELECT count(*) FROM (SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage <> $4 AND m.starts_at::date BETWEEN $1 AND $2 AND ($3::smallint IS NULL OR p.area_id = $3)) x

-- statement: report.go:41
SELECT cs.strand, c.outcome, count(DISTINCT c.id) FROM cycle_cases cc
		JOIN cases c ON c.id = cc.case_id JOIN case_strands cs ON cs.case_id = c.id
		WHERE cc.status = $5 AND cc.cycle_id IN (SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage <> $4 AND m.starts_at::date BETWEEN $1 AND $2 AND ($3::smallint IS NULL OR p.area_id = $3)) GROUP BY 1, 2

-- statement: report.go:60
SELECT category, count(*) FROM findings WHERE cycle_id IN (SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage <> $4 AND m.starts_at::date BETWEEN $1 AND $2 AND ($3::smallint IS NULL OR p.area_id = $3)) GROUP BY 1

-- statement: report.go:67
SELECT
			count(*) FILTER (WHERE ac.created_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.closed_at::date BETWEEN $1 AND $2 AND ac.status = $4),
			count(*) FILTER (WHERE ac.status = ANY($5)),
			count(*) FILTER (WHERE ac.status = ANY($5) AND ac.due_on < current_date),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ac.closed_at - ac.created_at) / 86400)
				FILTER (WHERE ac.closed_at::date BETWEEN $1 AND $2 AND ac.status = $4)
		FROM actions ac JOIN panels p ON p.id = ac.panel_id WHERE ($3::smallint IS NULL OR p.area_id = $3)

-- statement: report.go:83
SELECT tag, text FROM learning_points WHERE cycle_id IN (SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage <> $4 AND m.starts_at::date BETWEEN $1 AND $2 AND ($3::smallint IS NULL OR p.area_id = $3)) ORDER BY tag, id

-- statement: retention.go:41
WITH due AS (
			SELECT cy.id FROM cycles cy
			WHERE (cy.stage = $3 AND cy.cancelled_at < $1)
				OR EXISTS (SELECT 1 FROM audit_log l WHERE l.action = 'minutes_issued' AND l.subject_type = 'cycle'
					AND l.subject_id = cy.id::text AND l.at < $1)
		), packs AS (
			UPDATE files SET content = ''::bytea, purged_at = now()
			WHERE kind = $4 AND purged_at IS NULL AND cycle_id IN (SELECT id FROM due) RETURNING 1
		), answers AS (
			UPDATE reviews SET answers = '{}' WHERE answers <> '{}' AND cycle_id IN (SELECT id FROM due) RETURNING 1
		), versions AS (
			UPDATE review_versions SET answers = '{}' WHERE answers <> '{}' AND cycle_id IN (SELECT id FROM due) RETURNING 1
		), reports AS (
			UPDATE identifying_reports SET detail = '' WHERE detail <> '' AND cycle_id IN (SELECT id FROM due) RETURNING 1
		), mail AS (
			UPDATE outbox o SET body_text = '', body_html = '', calendar_ics = NULL, attachment_file_id = NULL
			WHERE o.status IN ($5, $6)
				AND (o.body_text <> '' OR o.body_html <> '' OR o.calendar_ics IS NOT NULL OR o.attachment_file_id IS NOT NULL)
				AND EXISTS (SELECT 1 FROM due WHERE o.message_key LIKE 'member-link/%/' || due.id || '/%'
					OR o.message_key LIKE ANY (SELECT p || '/' || due.id || '/%' FROM unnest($7::text[]) p))
			RETURNING 1
		), expired AS (
			DELETE FROM sessions WHERE expires_at < $2 RETURNING 1
		)
		SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM packs), (SELECT count(*) FROM answers), (SELECT count(*) FROM versions),
			(SELECT count(*) FROM mail), (SELECT count(*) FROM reports), (SELECT count(*) FROM expired)

-- statement: reviews.go:18
INSERT INTO reviews (cycle_id, member_id, case_id, form_version)
		SELECT $1, $2, case_id, $4 FROM unnest($3::bigint[]) AS case_id
		ON CONFLICT DO NOTHING

-- statement: reviews.go:54
SELECT status, removed, answers = $4::jsonb, version, late, updated_at FROM reviews
		WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 FOR UPDATE

-- statement: reviews.go:82
UPDATE reviews SET status = $4, answers = $5, late = late OR $6, version = version + 1, updated_at = now(),
			submitted_at = CASE WHEN $7 THEN now() ELSE submitted_at END
		WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 RETURNING status, version, late, updated_at

-- statement: reviews.go:89
INSERT INTO review_versions (cycle_id, member_id, case_id, version, status, answers, source) VALUES ($1, $2, $3, $4, $5, $6, $7)

-- statement: reviews.go:99
UPDATE reviews SET status = $2, updated_at = now()
		WHERE cycle_id = $1 AND status IN ($3, $4) AND NOT removed

-- statement: reviews.go:118
SELECT member_id, array_agg(case_id ORDER BY case_id) FROM reviews
		WHERE cycle_id = $1 AND status = $2 AND NOT removed GROUP BY member_id ORDER BY member_id

-- statement: reviews.go:134
SELECT m.name, count(*), string_agg(c.reference, ', ' ORDER BY c.reference) FROM reviews r
			JOIN members m ON m.id = r.member_id JOIN cases c ON c.id = r.case_id
		WHERE r.cycle_id = $1 AND r.status = $2 AND NOT r.removed GROUP BY m.id, m.name ORDER BY m.name, m.id

-- statement: reviews.go:143
UPDATE reviews SET status = $3, updated_at = now()
		WHERE cycle_id = $1 AND member_id = $2 AND status NOT IN ($4, $3) AND NOT removed

-- statement: reviews.go:155
SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND status = $3

-- statement: schedules.go:42
INSERT INTO cycle_schedules (panel_id, created_by, every_months, first_month, weekday, run_minute,
				window_months, meeting_weeks, meeting_minute, meeting_length, location, online_link, theme, quotas)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (panel_id) DO UPDATE SET created_by = $2, every_months = $3, first_month = $4, weekday = $5, run_minute = $6,
				window_months = $7, meeting_weeks = $8, meeting_minute = $9, meeting_length = $10, location = $11, online_link = $12,
				theme = $13, quotas = $14, created_at = now()

-- statement: schedules.go:62
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id), u.active, s.panel_id, s.every_months, s.first_month, s.weekday, s.run_minute,
			s.window_months, s.meeting_weeks, s.meeting_minute, s.meeting_length, s.location, s.online_link, s.theme, s.quotas, s.created_at
		FROM cycle_schedules s JOIN users u ON u.id = s.created_by WHERE s.panel_id = $1

-- statement: schedules.go:82
DELETE FROM cycle_schedules WHERE panel_id = $1

-- statement: scope.go:84
SELECT a.id, a.code, a.name FROM areas a WHERE true ORDER BY a.name

-- statement: selection.go:79
SELECT EXISTS (SELECT 1 FROM cycle_cases WHERE cycle_id = $1)
		OR EXISTS (SELECT 1 FROM cycle_strata WHERE cycle_id = $1)

-- statement: selection.go:89
SELECT strand FROM panel_strands WHERE panel_id = $1 ORDER BY strand

-- statement: selection.go:159
SELECT c.id, a.code FROM cases c
		JOIN areas a ON a.id = c.area_id
		JOIN case_strands cs ON cs.case_id = c.id AND cs.strand = $2
		WHERE c.finalised_on BETWEEN $3 AND $4
		  AND c.withdrawn_at IS NULL AND NOT c.appeal_pending AND NOT c.vrr_pending AND NOT c.codefendant_outstanding
		  AND NOT EXISTS (SELECT 1 FROM cycle_cases cc JOIN cycles cy ON cy.id = cc.cycle_id
		      WHERE cc.case_id = c.id AND cy.panel_id = $1 AND cy.id <> $5 AND cy.stage <> $6 AND cc.status IN ($7, $8))
		  AND NOT EXISTS (SELECT 1 FROM findings f JOIN cycles cy ON cy.id = f.cycle_id
		      WHERE f.case_id = c.id AND cy.panel_id = $1 AND cy.id <> $5)
		  AND true
		ORDER BY c.id

-- statement: selection.go:181
SELECT DISTINCT ON (f.case_id) f.case_id, coalesce((SELECT cs.strand FROM case_strands cs
			JOIN panel_strands ps ON ps.strand = cs.strand AND ps.panel_id = $1 WHERE cs.case_id = f.case_id ORDER BY cs.strand LIMIT 1), cc.stratum)
		FROM findings f
		JOIN cycles fc ON fc.id = f.cycle_id AND fc.panel_id = $1 AND fc.id < $2 AND fc.stage <> $3
		JOIN cycle_cases cc ON cc.cycle_id = f.cycle_id AND cc.case_id = f.case_id
		JOIN cases c ON c.id = f.case_id
		WHERE f.carried_forward
		  AND c.withdrawn_at IS NULL AND NOT c.appeal_pending AND NOT c.vrr_pending AND NOT c.codefendant_outstanding
		  AND NOT EXISTS (SELECT 1 FROM cycle_cases later JOIN cycles lc ON lc.id = later.cycle_id
		      WHERE later.case_id = f.case_id AND lc.panel_id = $1 AND lc.id > fc.id AND lc.id <> $2 AND lc.stage <> $3)
		ORDER BY f.case_id, fc.id DESC

-- statement: selection.go:204
UPDATE cycles SET seed = $2 WHERE id = $1

-- statement: selection.go:208
INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, $4, $5, $6)

-- statement: selection.go:212
INSERT INTO cycle_strata (cycle_id, stratum, quota, eligible_count, shortfall, widened_from) VALUES ($1, $2, $3, $4, $5, $6)

-- statement: selection.go:216
INSERT INTO cycle_eligible (cycle_id, stratum, case_id) SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING

-- statement: selection.go:221
INSERT INTO cycle_area_quotas (cycle_id, stratum, area_id, quota, eligible_count)
				SELECT $1, $2, id, $4, $5 FROM areas WHERE code = $3

-- statement: selection.go:238
INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, -1, $4, $5)
			ON CONFLICT DO NOTHING

-- statement: selection.go:249
SELECT stratum, quota, eligible_count, shortfall, widened_from IS NOT NULL
		FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum

-- statement: selection.go:257
SELECT cc.case_id, c.reference, cc.stratum, cc.role, cc.status
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id WHERE cc.cycle_id = $1
		ORDER BY cc.stratum, cc.draw_position, cc.case_id

-- statement: selection.go:265
UPDATE cycle_cases SET status = CASE status WHEN $2 THEN $3 ELSE $4 END
		WHERE cycle_id = $1 AND status IN ($2, $5)

-- statement: selection.go:285
SELECT status, stratum, replaced_by FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2 FOR UPDATE

-- statement: selection.go:300
SELECT e.case_id FROM cycle_eligible e WHERE e.cycle_id = $1 AND e.stratum = $2
		AND NOT EXISTS (SELECT 1 FROM cycle_cases cc WHERE cc.cycle_id = $1 AND cc.case_id = e.case_id)
		ORDER BY e.case_id

-- statement: selection.go:308
INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status)
		SELECT $1, $2, $3, coalesce(max(draw_position), 0) + 1, $4, $5 FROM cycle_cases WHERE cycle_id = $1

-- statement: selection.go:320
UPDATE cycle_cases SET status = $3 WHERE cycle_id = $1 AND case_id = (
		SELECT case_id FROM cycle_cases WHERE cycle_id = $1 AND stratum = $2 AND status = $4 ORDER BY draw_position LIMIT 1)
		RETURNING case_id

-- statement: selection.go:335
UPDATE cycle_cases SET status = $5, withdrawn_reason = $3, replaced_by = $4 WHERE cycle_id = $1 AND case_id = $2

-- statement: sessions.go:38
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id), u.password_hash FROM users u WHERE lower(u.email) = lower($1) AND u.active

-- statement: sessions.go:61
INSERT INTO sessions (id_hash, user_id, csrf, expires_at, user_agent, address, must_enrol)
			VALUES ($1, $2, $3, now() + $4::interval, left($5, 300), $6, $7) RETURNING id

-- statement: sessions.go:102
UPDATE sessions s SET last_used_at = now() FROM users u
		WHERE u.id = s.user_id AND s.id_hash = $1 AND s.expires_at > now() AND u.active
		RETURNING u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id), s.id, s.csrf, s.must_enrol

-- statement: sessions.go:120
DELETE FROM sessions s USING users u WHERE u.id = s.user_id AND s.id_hash = $1
			RETURNING s.id, u.id, u.email

-- statement: sessions.go:143
SELECT id, created_at, last_used_at, expires_at, user_agent, address FROM sessions
		WHERE user_id = $1 AND expires_at > now() ORDER BY last_used_at DESC

-- statement: sessions.go:151
DELETE FROM sessions WHERE id = $1 AND user_id = $2

-- statement: sessions.go:178
DELETE FROM sessions WHERE user_id = $1

-- statement: sessions.go:182
DELETE FROM signin_challenges WHERE user_id = $1

-- statement: signin_throttle.go:39
SELECT coalesce(extract(epoch FROM min(at) + $3::interval - now()), 0) FROM (
				SELECT at FROM signin_failures WHERE email = $1 AND at > now() - $3::interval ORDER BY at DESC LIMIT $2) f
			HAVING count(*) >= $2

-- statement: signin_throttle.go:39
SELECT coalesce(extract(epoch FROM min(at) + $3::interval - now()), 0) FROM (
				SELECT at FROM signin_failures WHERE address = $1 AND at > now() - $3::interval ORDER BY at DESC LIMIT $2) f
			HAVING count(*) >= $2

-- statement: signin_throttle.go:58
INSERT INTO signin_failures (email, address) VALUES ($1, $2)

-- statement: signin_throttle.go:62
DELETE FROM signin_failures WHERE at < now() - interval '1 day'

-- statement: signin_throttle.go:76
DELETE FROM signin_failures WHERE email = $1

-- statement: totp.go:26
SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL)

-- statement: totp.go:37
INSERT INTO user_totp (user_id, secret) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET secret = user_totp.secret RETURNING secret

-- statement: totp.go:52
SELECT secret FROM user_totp WHERE user_id = $1 AND confirmed_at IS NULL FOR UPDATE

-- statement: totp.go:63
UPDATE user_totp SET confirmed_at = now(), last_step = $2 WHERE user_id = $1

-- statement: totp.go:66
UPDATE sessions SET must_enrol = false WHERE user_id = $1

-- statement: totp.go:96
DELETE FROM recovery_codes WHERE user_id = $1

-- statement: totp.go:99
INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])

-- statement: totp.go:108
SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL

-- statement: totp.go:117
DELETE FROM user_totp WHERE user_id = $1

-- statement: totp.go:133
SELECT secret FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL FOR UPDATE

-- statement: totp.go:141
UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND last_step < $2

-- statement: totp.go:150
UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL

-- statement: totp.go:180
DELETE FROM signin_challenges WHERE expires_at <= now()

-- statement: totp.go:183
INSERT INTO signin_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)

-- statement: totp.go:195
SELECT u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id) FROM signin_challenges c JOIN users u ON u.id = c.user_id
		WHERE c.token_hash = $1 AND c.expires_at > now() AND u.active

-- statement: totp.go:209
DELETE FROM signin_challenges WHERE token_hash = $1
