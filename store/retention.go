package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/domain"
)

// cycleMailPrefixes are the message-key prefixes of a cycle's own mail,
// each followed by "/<cycle ID>/": packs, teasers, invitations, alerts,
// reminders and minutes. Member links ("member-link/<member>/<cycle>/...")
// carry the cycle second and are matched apart.
var cycleMailPrefixes = []string{"pack", "teaser", "invite", "invite-cancel", "alert", "reminder", "minutes", "minutes-draft"}

// RetentionCounts is what one purge run changed. Cycles counts the cycles
// past retention (purged now or before); the others count rows changed by
// this run, so a second run reports zeros.
type RetentionCounts struct {
	Cycles             int64 `json:"cycles"`
	PackFiles          int64 `json:"pack_files"`
	Reviews            int64 `json:"reviews"`
	ReviewVersions     int64 `json:"review_versions"`
	OutboxBodies       int64 `json:"outbox_bodies"`
	IdentifyingReports int64 `json:"identifying_reports"`
	Sessions           int64 `json:"sessions"`
}

// PurgeRetained clears, for every cycle whose minutes were issued, or which
// was cancelled, before cyclesBefore: its members' pack files (marked
// purged, content emptied), the answers of its reviews and of their
// versions (status, version and dates stay, for counts and reports), the
// bodies and attachments of its sent or bounced mail, and the free text of
// its identifying-detail reports. It also deletes sessions that expired
// before sessionsBefore. Findings, learning points, actions and the audit
// log are never touched. One statement, so a run is all or nothing, and
// only rows not yet cleared are changed, so a second run changes nothing.
func (q *Queries) PurgeRetained(ctx context.Context, cyclesBefore, sessionsBefore time.Time) (RetentionCounts, error) {
	var n RetentionCounts
	err := q.db.QueryRow(ctx, `WITH due AS (
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
			(SELECT count(*) FROM mail), (SELECT count(*) FROM reports), (SELECT count(*) FROM expired)`,
		cyclesBefore, sessionsBefore, domain.StageCancelled, domain.FilePack, domain.MailSent, domain.MailBounced, cycleMailPrefixes).
		Scan(&n.Cycles, &n.PackFiles, &n.Reviews, &n.ReviewVersions, &n.OutboxBodies, &n.IdentifyingReports, &n.Sessions)
	if err != nil {
		return RetentionCounts{}, fmt.Errorf("purge data past retention: %w", err)
	}
	return n, nil
}
