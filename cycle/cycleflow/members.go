package cycleflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/calendar"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// panelMember is a member as the cycle activities need them.
type panelMember struct {
	ID          int64
	Name, Email string
	Role        string
}

// members lists the panel's active members; signedOnly keeps those who
// have signed the confidentiality agreement, who alone may see cases.
func (a *Activities) members(ctx context.Context, panelID int64, signedOnly bool) ([]panelMember, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT id, name, email, role FROM members
		WHERE panel_id = $1 AND active AND left_at IS NULL AND ($2 = false OR confidentiality_signed_on IS NOT NULL)
		ORDER BY name, id`, panelID, signedOnly)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (panelMember, error) {
		var m panelMember
		err := r.Scan(&m.ID, &m.Name, &m.Email, &m.Role)
		return m, err
	})
}

// queue enqueues one email to a member (or to nobody in particular when
// memberID is 0) and returns its reference.
func (a *Activities) queue(ctx context.Context, q outbox.Enqueuer, key string, to panelMember, subject, body string, attachment *int64, ics string) (outbox.Ref, error) {
	var member *int64
	if to.ID != 0 {
		member = &to.ID
	}
	return outbox.Queue(ctx, q, store.Mail{Key: key, ToAddress: to.Email, ToName: to.Name, MemberID: member,
		Subject: subject, BodyText: body, AttachmentFileID: attachment, CalendarICS: ics})
}

// SaveMeeting stores the meeting. The invite sequence rises only when
// something a calendar shows has changed.
func (a *Activities) SaveMeeting(ctx context.Context, cycleID int64, m cycle.Meeting) (SavedMeeting, error) {
	var saved SavedMeeting
	err := a.Store.Pool.QueryRow(ctx, `INSERT INTO meetings (cycle_id, starts_at, ends_at, location, online_link, ics_uid)
		VALUES ($1::bigint, $2, $3, $4, $5, 'cycle-' || $1::bigint || '@scrutiny')
		ON CONFLICT (cycle_id) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
			location = EXCLUDED.location, online_link = EXCLUDED.online_link,
			ics_sequence = meetings.ics_sequence + CASE WHEN (meetings.starts_at, meetings.ends_at, meetings.location, meetings.online_link)
				IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.ends_at, EXCLUDED.location, EXCLUDED.online_link) THEN 1 ELSE 0 END
		RETURNING id, ics_sequence`, cycleID, m.Start, m.End, m.Location, m.OnlineLink).Scan(&saved.MeetingID, &saved.Sequence)
	return saved, err
}

// QueueInvites queues the current invite (or, with cancel, the
// cancellation) to every active member.
func (a *Activities) QueueInvites(ctx context.Context, cycleID int64, cancel bool) ([]outbox.Ref, error) {
	return a.queueInvites(ctx, cycleID, cancel, "")
}

// queueInvites queues each active member a calendar invite for the
// meeting: METHOD:REQUEST keyed by sequence, so each version goes exactly
// once, or METHOD:CANCEL with a plain notice giving the reason, once per
// member. A cycle without a meeting has nothing to cancel.
func (a *Activities) queueInvites(ctx context.Context, cycleID int64, cancel bool, reason string) ([]outbox.Ref, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	var uid string
	var seq int
	err = a.Store.Pool.QueryRow(ctx, `SELECT ics_uid, ics_sequence FROM meetings WHERE cycle_id = $1`, cycleID).Scan(&uid, &seq)
	if cancel && errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("meeting of cycle %d: %w", cycleID, err)
	}
	members, err := a.members(ctx, c.PanelID, false)
	if err != nil {
		return nil, err
	}
	method := "REQUEST"
	if cancel {
		method = "CANCEL"
	}
	var refs []outbox.Ref
	for _, m := range members {
		ics := calendar.Event{
			UID: uid, Sequence: seq, Method: method, Start: *c.MeetingStart, End: *c.MeetingEnd,
			Summary: c.PanelName + " meeting", Location: firstNonEmpty(c.MeetingLocation, c.MeetingOnlineLink), URL: c.MeetingOnlineLink,
			Description: "Meeting of the " + c.PanelName + ". Your review pack and personal page are sent separately.",
			Organizer:   calendar.Person{Name: c.CoordinatorName, Email: c.CoordinatorEmail},
			Attendees:   []calendar.Person{{Name: m.Name, Email: m.Email}}, Stamp: time.Now(),
		}.ICS()
		subject, body, err := mailtext.Render("invite", map[string]any{
			"Panel": c.PanelName, "Name": m.Name, "Start": *c.MeetingStart, "End": *c.MeetingEnd,
			"Location": c.MeetingLocation, "OnlineLink": c.MeetingOnlineLink, "Sequence": seq, "Cancelled": cancel, "Reason": reason,
			"Link": a.memberLink(m.ID, c.ID, c.Schedule.AccessRevoked), "Coordinator": c.CoordinatorName,
		})
		if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("invite/%d/%d/%d", c.ID, m.ID, seq)
		if cancel {
			key = fmt.Sprintf("invite-cancel/%d/%d", c.ID, m.ID)
		}
		ref, err := a.queue(ctx, a.Store, key, m, subject, body, nil, string(ics))
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// caseFacts loads the anonymised fields of a cycle's approved cases.
func (a *Activities) caseFacts(ctx context.Context, cycleID int64) ([]workbook.PackCase, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT c.id, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, c.finalised_on, c.uplift_applied, c.victim_personal_statement, c.community_impact_statement,
			c.special_measures, c.complainant_anonymity, c.youth, c.summary
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = 'approved' ORDER BY c.reference`, cycleID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.PackCase, error) {
		var p workbook.PackCase
		var category, outcome string
		err := r.Scan(&p.CaseID, &p.Reference, &category, &p.Strands, &p.PrincipalOffence, &outcome, &p.FinalisedOn,
			&p.UpliftApplied, &p.VictimPersonalStatement, &p.CommunityImpactStatement, &p.SpecialMeasures, &p.ComplainantAnonymity, &p.Youth, &p.Summary)
		p.Category, p.Outcome = domain.Category(category), domain.Outcome(outcome)
		return p, err
	})
}

// QueueConflictTeasers queues each member who will receive a pack a list of
// non-identifying teasers — strand, offence type, outcome, month finalised —
// so they can declare conflicts before seeing any detail.
func (a *Activities) QueueConflictTeasers(ctx context.Context, cycleID int64) ([]outbox.Ref, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	cases, err := a.caseFacts(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	type teaser struct{ Reference, Strands, Offence, Outcome, Month string }
	var teasers []teaser
	for _, cs := range cases {
		var labels []string
		for _, s := range cs.Strands {
			if st, ok := domain.StrandByCode(s); ok {
				labels = append(labels, st.Label)
			}
		}
		teasers = append(teasers, teaser{cs.Reference, strings.Join(labels, ", "), cs.PrincipalOffence, domain.OutcomeLabel(cs.Outcome), cs.FinalisedOn.Format("January 2006")})
	}
	members, err := a.members(ctx, c.PanelID, true)
	if err != nil {
		return nil, err
	}
	var refs []outbox.Ref
	for _, m := range members {
		subject, body, err := mailtext.Render("teaser", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Cases": teasers,
			"Link": a.memberLink(m.ID, c.ID, c.Schedule.AccessRevoked), "Deadline": c.Schedule.PacksRelease, "Coordinator": c.CoordinatorName})
		if err != nil {
			return nil, err
		}
		ref, err := a.queue(ctx, a.Store, fmt.Sprintf("teaser/%d/%d", c.ID, m.ID), m, subject, body, nil, "")
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// RecordConflict stores a declaration; after release it also removes the
// case from the member's review list. A repeated declaration changes
// nothing.
func (a *Activities) RecordConflict(ctx context.Context, in ConflictInput) error {
	return a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO conflicts (cycle_id, member_id, case_id, note, after_release) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (cycle_id, member_id, case_id) DO NOTHING`, in.CycleID, in.MemberID, in.CaseID, in.Note, in.AfterRelease)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if in.AfterRelease {
			if _, err := tx.Exec(ctx, `UPDATE reviews SET removed = true WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`, in.CycleID, in.MemberID, in.CaseID); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, fmt.Sprintf("member:%d", in.MemberID), "conflict_declared", "cycle", strconv.FormatInt(in.CycleID, 10),
			map[string]any{"case_id": in.CaseID, "after_release": in.AfterRelease})
	})
}

// PackRecipients lists, by name, the members who receive a pack: active,
// still on the panel, and signed up to confidentiality. A member whose mail
// bounced is still listed: their mail is held and the coordinator told.
func (a *Activities) PackRecipients(ctx context.Context, cycleID int64) ([]PackRecipient, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	members, err := a.members(ctx, c.PanelID, true)
	if err != nil {
		return nil, err
	}
	out := make([]PackRecipient, 0, len(members))
	for _, m := range members {
		out = append(out, PackRecipient{MemberID: m.ID, Name: m.Name})
	}
	return out, nil
}

// PreparePack builds the member's workbook without their conflicted cases,
// stores it, opens their reviews and queues the email, all in one
// transaction; a retry finds what the first attempt stored.
func (a *Activities) PreparePack(ctx context.Context, in PackInput) (Pack, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return Pack{}, err
	}
	key := fmt.Sprintf("pack/%d/%d", in.CycleID, in.MemberID)
	var existing Pack
	err = a.Store.Pool.QueryRow(ctx, `SELECT f.id, o.id, ARRAY(SELECT r.case_id FROM reviews r JOIN cases c ON c.id = r.case_id
			WHERE r.cycle_id = $2 AND r.member_id = $3 ORDER BY c.reference)
		FROM outbox o, files f WHERE o.message_key = $1 AND f.kind = 'pack' AND f.cycle_id = $2 AND f.member_id = $3
		ORDER BY f.id DESC LIMIT 1`, key, in.CycleID, in.MemberID).Scan(&existing.FileID, &existing.Mail.OutboxID, &existing.CaseIDs)
	if err == nil {
		existing.Mail.MemberID = in.MemberID
		return existing, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Pack{}, err
	}
	var m panelMember
	if err := a.Store.Pool.QueryRow(ctx, `SELECT id, name, email, role FROM members WHERE id = $1`, in.MemberID).Scan(&m.ID, &m.Name, &m.Email, &m.Role); err != nil {
		return Pack{}, err
	}
	link := a.memberLink(m.ID, c.ID, in.Expires)
	data, caseIDs, err := a.buildPack(ctx, c, m, in.Deadline, link)
	if err != nil {
		return Pack{}, err
	}
	subject, body, err := mailtext.Render("pack", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Cases": len(caseIDs), "Meeting": deref(c.MeetingStart),
		"Deadline": in.Deadline, "Link": link, "Attached": a.AttachPacks, "Coordinator": c.CoordinatorName})
	if err != nil {
		return Pack{}, err
	}
	out := Pack{CaseIDs: caseIDs}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		cycleID, memberID := c.ID, m.ID
		fileID, err := tx.SaveFile(ctx, store.File{Kind: "pack", CycleID: &cycleID, MemberID: &memberID,
			Filename: PackFilename(m.Name), ContentType: workbook.ContentType, Content: data})
		if err != nil {
			return err
		}
		out.FileID = fileID
		if err := tx.OpenReviews(ctx, c.ID, m.ID, caseIDs, reviewform.Default().Version); err != nil {
			return err
		}
		var attachment *int64
		if a.AttachPacks {
			attachment = &fileID
		}
		if out.Mail, err = a.queue(ctx, tx, key, m, subject, body, attachment, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, "system", "pack_generated", "file", strconv.FormatInt(fileID, 10), map[string]any{"member_id": m.ID, "cycle_id": c.ID, "cases": len(caseIDs)})
	})
	return out, err
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// buildPack makes a member's workbook from the cycle's cases as they are
// now: approved, not pulled, and without the member's conflicts.
func (a *Activities) buildPack(ctx context.Context, c cycleInfo, m panelMember, deadline time.Time, link string) ([]byte, []int64, error) {
	all, err := a.caseFacts(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := a.Store.Pool.Query(ctx, `SELECT case_id FROM conflicts WHERE cycle_id = $1 AND member_id = $2`, c.ID, m.ID)
	if err != nil {
		return nil, nil, err
	}
	conflicted, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, err
	}
	var cases []workbook.PackCase
	var caseIDs []int64
	for _, pc := range all {
		if !containsID(conflicted, pc.CaseID) {
			cases = append(cases, pc)
			caseIDs = append(caseIDs, pc.CaseID)
		}
	}
	matters, err := a.mattersArising(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	data, err := workbook.BuildPack(workbook.Pack{
		Form: reviewform.Default(), PanelName: c.PanelName, AreaName: c.AreaName, CycleRef: c.WorkflowID, CycleID: c.ID,
		MemberID: m.ID, MemberName: m.Name, Meeting: deref(c.MeetingStart), MeetingPlace: firstNonEmpty(c.MeetingLocation, c.MeetingOnlineLink),
		Deadline: deadline, ReturnURL: link, Cases: cases, MattersArising: matters,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("build pack: %w", err)
	}
	return data, caseIDs, nil
}

// PackFilename is the name a member's pack is sent and downloaded under.
func PackFilename(memberName string) string {
	return fmt.Sprintf("review-pack-%s.xlsx", strings.ReplaceAll(strings.ToLower(memberName), " ", "-"))
}

// CurrentPack builds a member's pack as it stands now, for download: a
// case pulled or conflicted since release is gone from it. It is a plain
// function, not an activity, because the server calls it directly.
func CurrentPack(ctx context.Context, a *Activities, cycleID, memberID int64, link string) ([]byte, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	var m panelMember
	if err := a.Store.Pool.QueryRow(ctx, `SELECT id, name, email, role FROM members WHERE id = $1`, memberID).Scan(&m.ID, &m.Name, &m.Email, &m.Role); err != nil {
		return nil, err
	}
	data, _, err := a.buildPack(ctx, c, m, c.Schedule.ReviewsDue, link)
	return data, err
}

// mattersArising lists the panel's actions from earlier cycles that are
// still open or closed in the last six months, with their responses.
func (a *Activities) mattersArising(ctx context.Context, c cycleInfo) ([]workbook.ActionItem, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT 'A-' || id, description, owner_name, status, coalesce(response_rationale, completion_note, ''), due_on
		FROM actions WHERE panel_id = $1 AND (cycle_id IS NULL OR cycle_id <> $2)
		  AND (status IN ('open', 'in_progress') OR closed_at > now() - interval '6 months')
		ORDER BY due_on, id`, c.PanelID, c.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.ActionItem, error) {
		var it workbook.ActionItem
		err := r.Scan(&it.Reference, &it.Description, &it.Owner, &it.Status, &it.Response, &it.Due)
		return it, err
	})
}

// SaveReview stores a draft or a submission as a new version, kept in
// review_versions. A draft saved after a submission keeps the case
// submitted but still records the new answers. A save that changes
// nothing (a retried activity) adds no version. A case removed from the
// member's pack cannot be saved.
func (a *Activities) SaveReview(ctx context.Context, in ReviewInput) (cycle.StoredReview, error) {
	answers, err := json.Marshal(in.Answers)
	if err != nil {
		return cycle.StoredReview{}, err
	}
	out := cycle.StoredReview{CaseID: in.CaseID}
	err = a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		var status string
		var removed, sameAnswers bool
		err := tx.QueryRow(ctx, `SELECT status, removed, answers = $4::jsonb, version, late, updated_at FROM reviews
			WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 FOR UPDATE`,
			in.CycleID, in.MemberID, in.CaseID, answers).Scan(&status, &removed, &sameAnswers, &out.Version, &out.Late, &out.UpdatedAt)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && removed) {
			return temporal.NewNonRetryableApplicationError("this case is not in the member's pack", "NotInPack", nil)
		}
		if err != nil {
			return err
		}
		newStatus := "draft"
		if in.Final || status == "submitted" {
			newStatus = "submitted"
		}
		if sameAnswers && newStatus == status && out.Version > 0 && (out.Late || !in.Late) {
			out.Status = status
			return nil
		}
		err = tx.QueryRow(ctx, `UPDATE reviews SET status = $4, answers = $5, late = late OR $6, version = version + 1, updated_at = now(),
				submitted_at = CASE WHEN $7 THEN now() ELSE submitted_at END
			WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 RETURNING status, version, late, updated_at`,
			in.CycleID, in.MemberID, in.CaseID, newStatus, answers, in.Late, in.Final).Scan(&out.Status, &out.Version, &out.Late, &out.UpdatedAt)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO review_versions (cycle_id, member_id, case_id, version, status, answers, source) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			in.CycleID, in.MemberID, in.CaseID, out.Version, out.Status, answers, in.Source)
		return err
	})
	return out, err
}

// QueueReminder queues one reminder to a member with reviews outstanding.
func (a *Activities) QueueReminder(ctx context.Context, in ReminderInput) (outbox.Ref, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return outbox.Ref{}, err
	}
	var m panelMember
	if err := a.Store.Pool.QueryRow(ctx, `SELECT id, name, email, role FROM members WHERE id = $1`, in.MemberID).Scan(&m.ID, &m.Name, &m.Email, &m.Role); err != nil {
		return outbox.Ref{}, err
	}
	subject, body, err := mailtext.Render("reminder", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Outstanding": in.Outstanding,
		"Deadline": in.Deadline, "Link": a.memberLink(m.ID, c.ID, c.Schedule.AccessRevoked), "Coordinator": c.CoordinatorName})
	if err != nil {
		return outbox.Ref{}, err
	}
	return a.queue(ctx, a.Store, fmt.Sprintf("reminder/%d/%d/%s", c.ID, m.ID, in.Key), m, subject, body, nil, "")
}

// RecordNonReturns marks every review still missing at the deadline as not
// submitted and returns them by member, for members with any. A late
// submission still replaces the mark. Running it again marks nothing new
// and returns the same list.
func (a *Activities) RecordNonReturns(ctx context.Context, cycleID int64) ([]NonReturn, error) {
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE reviews SET status = 'not_submitted', updated_at = now()
			WHERE cycle_id = $1 AND status IN ('outstanding', 'draft') AND NOT removed`, cycleID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return store.Audit(ctx, tx, "system", "non_returns_recorded", "cycle", strconv.FormatInt(cycleID, 10), map[string]any{"reviews": tag.RowsAffected()})
	})
	if err != nil {
		return nil, err
	}
	rows, err := a.Store.Pool.Query(ctx, `SELECT member_id, array_agg(case_id ORDER BY case_id) FROM reviews
		WHERE cycle_id = $1 AND status = 'not_submitted' AND NOT removed GROUP BY member_id ORDER BY member_id`, cycleID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (NonReturn, error) {
		var nr NonReturn
		err := r.Scan(&nr.MemberID, &nr.CaseIDs)
		return nr, err
	})
}

// ExcuseReviews excuses a departing member's open reviews, keeping the ones
// they submitted and the cases already removed from their pack, and
// returns how many of their reviews are excused.
func (a *Activities) ExcuseReviews(ctx context.Context, cycleID, memberID int64) (int, error) {
	var n int
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE reviews SET status = 'excused', updated_at = now()
			WHERE cycle_id = $1 AND member_id = $2 AND status NOT IN ('submitted', 'excused') AND NOT removed`, cycleID, memberID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND status = 'excused'`, cycleID, memberID).Scan(&n); err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		return store.Audit(ctx, tx, "coordinator", "reviews_excused", "cycle", strconv.FormatInt(cycleID, 10), map[string]any{"member_id": memberID, "excused": tag.RowsAffected()})
	})
	return n, err
}

// RecordIdentifyingReport pulls the case from every pack of the cycle and
// logs the report; the detail stays internal. A repeated report from the
// same member changes nothing.
func (a *Activities) RecordIdentifyingReport(ctx context.Context, in IdentifyingReport) error {
	return a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO identifying_reports (cycle_id, member_id, case_id, detail) VALUES ($1, $2, $3, $4)
			ON CONFLICT (cycle_id, member_id, case_id) DO NOTHING`, in.CycleID, in.MemberID, in.CaseID, in.Detail)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE cycle_cases SET status = 'pulled' WHERE cycle_id = $1 AND case_id = $2`, in.CycleID, in.CaseID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reviews SET removed = true WHERE cycle_id = $1 AND case_id = $2`, in.CycleID, in.CaseID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, fmt.Sprintf("member:%d", in.MemberID), "identifying_detail_reported", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"case_id": in.CaseID})
	})
}

// nonReturnLine is one member's missing reviews in a non-returns alert.
type nonReturnLine struct {
	Name       string
	Count      int
	References string
}

// QueueAlert queues a plain-English message to the cycle's coordinator,
// once per alert key. It names a member, or a case by its pseudonymous
// reference, only where the coordinator needs it, and never carries a case
// summary or what a member wrote in a report.
func (a *Activities) QueueAlert(ctx context.Context, in Alert) (outbox.Ref, error) {
	if !slices.Contains(mailtext.AlertKinds, in.Kind) {
		return outbox.Ref{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("unknown alert kind %q", in.Kind), "InvalidAlert", nil)
	}
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return outbox.Ref{}, err
	}
	data := map[string]any{"Kind": in.Kind, "Panel": c.PanelName, "Coordinator": c.CoordinatorName, "Link": fmt.Sprintf("%s/cycles/%d", a.PublicURL, c.ID)}
	switch in.Kind {
	case "bounce":
		var name string
		if err := a.Store.Pool.QueryRow(ctx, `SELECT name FROM members WHERE id = $1`, in.MemberID).Scan(&name); err != nil {
			return outbox.Ref{}, fmt.Errorf("member %d: %w", in.MemberID, err)
		}
		data["MemberName"] = name
	case "non_returns":
		rows, err := a.Store.Pool.Query(ctx, `SELECT m.name, count(*), string_agg(c.reference, ', ' ORDER BY c.reference) FROM reviews r
			JOIN members m ON m.id = r.member_id JOIN cases c ON c.id = r.case_id
			WHERE r.cycle_id = $1 AND r.status = 'not_submitted' AND NOT r.removed GROUP BY m.id, m.name ORDER BY m.name, m.id`, c.ID)
		if err != nil {
			return outbox.Ref{}, err
		}
		lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (nonReturnLine, error) {
			var l nonReturnLine
			err := r.Scan(&l.Name, &l.Count, &l.References)
			return l, err
		})
		if err != nil {
			return outbox.Ref{}, err
		}
		data["NonReturns"] = lines
	case "identifying_detail":
		var ref string
		if err := a.Store.Pool.QueryRow(ctx, `SELECT reference FROM cases WHERE id = $1`, in.CaseID).Scan(&ref); err != nil {
			return outbox.Ref{}, fmt.Errorf("case %d: %w", in.CaseID, err)
		}
		data["Reference"] = ref
	}
	subject, body, err := mailtext.Render("alert", data)
	if err != nil {
		return outbox.Ref{}, err
	}
	to := panelMember{Name: c.CoordinatorName, Email: c.CoordinatorEmail}
	return a.queue(ctx, a.Store, fmt.Sprintf("alert/%d/%s", c.ID, in.Key), to, subject, body, nil, "")
}
