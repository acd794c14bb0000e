package cycleflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// RecordAttendance stores who was present, sent apologies or was absent;
// recording a member again replaces their entry.
func (a *Activities) RecordAttendance(ctx context.Context, in cycle.Attendance) error {
	return a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		counts := map[string]int{}
		for memberID, status := range in.Status {
			tag, err := tx.Exec(ctx, `INSERT INTO attendance (meeting_id, member_id, status) SELECT id, $2, $3 FROM meetings WHERE cycle_id = $1
				ON CONFLICT (meeting_id, member_id) DO UPDATE SET status = EXCLUDED.status`, in.CycleID, memberID, status)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf("cycle %d has no meeting", in.CycleID), "NoMeeting", nil)
			}
			counts[status]++
		}
		return store.Audit(ctx, tx, "panel", "attendance_recorded", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"counts": counts})
	})
}

// RecordFinding stores (or replaces) the panel's finding on a case. A
// could-not-agree finding marks the case to carry forward.
func (a *Activities) RecordFinding(ctx context.Context, in cycle.Finding) error {
	category, _ := reviewform.Default().Category(in.Category)
	return a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO findings (cycle_id, case_id, category, rationale, carried_forward, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (cycle_id, case_id) DO UPDATE SET category = EXCLUDED.category, rationale = EXCLUDED.rationale,
				carried_forward = EXCLUDED.carried_forward, recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
			in.CycleID, in.CaseID, in.Category, in.Rationale, category.CarriesForward, in.RecordedBy); err != nil {
			return err
		}
		return store.Audit(ctx, tx, in.RecordedBy, "finding_recorded", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"case_id": in.CaseID, "category": in.Category})
	})
}

// AddLearningPoint stores a learning point once, however often retried.
func (a *Activities) AddLearningPoint(ctx context.Context, in cycle.LearningPoint) (int64, error) {
	var id int64
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		var inserted bool
		err := tx.QueryRow(ctx, `INSERT INTO learning_points (cycle_id, case_id, text, tag, good_practice, request_key)
			VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6)
			ON CONFLICT (request_key) DO UPDATE SET request_key = EXCLUDED.request_key RETURNING id, (xmax = 0)`,
			in.CycleID, in.CaseID, in.Text, in.Tag, in.GoodPractice, requestKey(ctx)).Scan(&id, &inserted)
		if err != nil || !inserted {
			return err
		}
		return store.Audit(ctx, tx, "panel", "learning_point_added", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"learning_point_id": id, "tag": in.Tag})
	})
	return id, err
}

// RecordAction stores an agreed action once, open, in the cycle's panel and
// Area, with its first timeline event.
func (a *Activities) RecordAction(ctx context.Context, in cycle.ActionInput) (cycle.RecordedAction, error) {
	var out cycle.RecordedAction
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		var inserted bool
		err := tx.QueryRow(ctx, `INSERT INTO actions (cycle_id, panel_id, area_id, case_id, learning_point_id, kind, audience, description,
				owner_name, owner_email, manager_name, manager_email, due_on, request_key)
			SELECT cy.id, cy.panel_id, p.area_id, NULLIF($2, 0), NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12
			FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1
			ON CONFLICT (request_key) DO UPDATE SET request_key = EXCLUDED.request_key RETURNING id, (xmax = 0)`,
			in.CycleID, in.CaseID, in.LearningPointID, firstNonEmpty(in.Kind, "recommendation"), firstNonEmpty(in.Audience, "prosecution"),
			in.Description, in.OwnerName, in.OwnerEmail, in.ManagerName, in.ManagerEmail, in.Due, requestKey(ctx)).Scan(&out.ActionID, &inserted)
		if err != nil || !inserted {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO action_events (action_id, actor, kind, detail) VALUES ($1, 'panel', 'created', $2)`,
			out.ActionID, map[string]any{"cycle_id": in.CycleID}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, "panel", "action_agreed", "action", strconv.FormatInt(out.ActionID, 10), map[string]any{"cycle_id": in.CycleID})
	})
	return out, err
}

// minutesRecord gathers everything the minutes show from the database.
func (a *Activities) minutesRecord(ctx context.Context, c cycleInfo, status string) (workbook.Minutes, error) {
	form := reviewform.Default()
	m := workbook.Minutes{Form: form, PanelName: c.PanelName, AreaName: c.AreaName, CycleRef: c.WorkflowID, Meeting: deref(c.MeetingStart), Status: status}
	q := a.Store.Pool
	rows, err := q.Query(ctx, `SELECT m.name, m.role, coalesce(at.status, 'absent') FROM members m
		LEFT JOIN attendance at ON at.member_id = m.id AND at.meeting_id = (SELECT id FROM meetings WHERE cycle_id = $1)
		WHERE m.panel_id = $2 AND ((m.active AND m.left_at IS NULL) OR at.status IS NOT NULL) ORDER BY m.name`, c.ID, c.PanelID)
	if err != nil {
		return m, err
	}
	if m.Attendance, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.Attendee, error) {
		var x workbook.Attendee
		return x, r.Scan(&x.Name, &x.Role, &x.Status)
	}); err != nil {
		return m, err
	}
	rows, err = q.Query(ctx, `SELECT m.name, c.reference, CASE WHEN cf.after_release THEN 'after the packs were released' ELSE 'before the packs were released' END
		FROM conflicts cf JOIN members m ON m.id = cf.member_id JOIN cases c ON c.id = cf.case_id WHERE cf.cycle_id = $1 ORDER BY m.name, c.reference`, c.ID)
	if err != nil {
		return m, err
	}
	if m.Declarations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.Declaration, error) {
		var x workbook.Declaration
		return x, r.Scan(&x.Member, &x.CaseReference, &x.When)
	}); err != nil {
		return m, err
	}
	cases, err := a.minutesCases(ctx, c.ID, form)
	if err != nil {
		return m, err
	}
	m.Cases = cases
	rows, err = q.Query(ctx, `SELECT coalesce(c.reference, ''), lp.text, lp.tag, lp.good_practice FROM learning_points lp
		LEFT JOIN cases c ON c.id = lp.case_id WHERE lp.cycle_id = $1 ORDER BY lp.id`, c.ID)
	if err != nil {
		return m, err
	}
	if m.LearningPoints, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.LearningPoint, error) {
		var x workbook.LearningPoint
		return x, r.Scan(&x.CaseReference, &x.Text, &x.Tag, &x.GoodPractice)
	}); err != nil {
		return m, err
	}
	rows, err = q.Query(ctx, `SELECT 'A-' || id, description, owner_name, manager_name, audience, due_on FROM actions WHERE cycle_id = $1 ORDER BY id`, c.ID)
	if err != nil {
		return m, err
	}
	if m.Actions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.ActionRow, error) {
		var x workbook.ActionRow
		return x, r.Scan(&x.Reference, &x.Description, &x.Owner, &x.Manager, &x.Audience, &x.Due)
	}); err != nil {
		return m, err
	}
	m.Selection = workbook.SelectionRecord{Seed: c.Seed, WindowStart: c.WindowStart, WindowEnd: c.WindowEnd}
	rows, err = q.Query(ctx, `SELECT stratum, quota, eligible_count, shortfall FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum`, c.ID)
	if err != nil {
		return m, err
	}
	if m.Selection.Strata, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (workbook.Stratum, error) {
		var x workbook.Stratum
		return x, r.Scan(&x.Strand, &x.Quota, &x.Eligible, &x.Shortfall)
	}); err != nil {
		return m, err
	}
	if err := q.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'withdrawn'),
			count(*) FILTER (WHERE role = 'reserve' AND status IN ('approved', 'pulled', 'withdrawn')),
			count(*) FILTER (WHERE role = 'carried_forward')
		FROM cycle_cases WHERE cycle_id = $1`, c.ID).Scan(&m.Selection.Withdrawn, &m.Selection.ReservesUsed, &m.Selection.CarriedForward); err != nil {
		return m, err
	}
	m.MattersArising, err = a.mattersArising(ctx, c)
	return m, err
}

// minutesCases aggregates members' reviews per case, attributing their
// words by role, never by name.
func (a *Activities) minutesCases(ctx context.Context, cycleID int64, form reviewform.Form) ([]workbook.MinutesCase, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT c.id, c.reference, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, coalesce(f.category, ''), coalesce(f.rationale, ''), coalesce(f.carried_forward, false)
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id LEFT JOIN findings f ON f.cycle_id = cc.cycle_id AND f.case_id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = 'approved' ORDER BY c.reference`, cycleID)
	if err != nil {
		return nil, err
	}
	type row struct {
		id    int64
		mc    workbook.MinutesCase
		codes []string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var outcome, category string
		err := r.Scan(&x.id, &x.mc.Reference, &x.codes, &x.mc.Offence, &outcome, &category, &x.mc.Rationale, &x.mc.CarriedForward)
		x.mc.Outcome = domain.OutcomeLabel(domain.Outcome(outcome))
		if cat, ok := form.Category(category); ok {
			x.mc.Finding = cat.Label
		}
		var labels []string
		for _, s := range x.codes {
			if st, ok := domain.StrandByCode(s); ok {
				labels = append(labels, st.Label)
			}
		}
		x.mc.Strands = strings.Join(labels, ", ")
		return x, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]workbook.MinutesCase, 0, len(list))
	for _, x := range list {
		mc := x.mc
		mc.RatingCounts = map[string]map[string]int{}
		revs, err := a.Store.Pool.Query(ctx, `SELECT r.status, r.answers, m.role FROM reviews r JOIN members m ON m.id = r.member_id
			WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed ORDER BY m.role, r.member_id`, cycleID, x.id)
		if err != nil {
			return nil, err
		}
		for revs.Next() {
			var status, role string
			var raw []byte
			if err := revs.Scan(&status, &raw, &role); err != nil {
				revs.Close()
				return nil, err
			}
			switch status {
			case "submitted":
				mc.Submitted++
			case "excused":
				mc.Excused++
				continue
			default:
				mc.NotSubmitted++
				continue
			}
			var ans reviewform.Answers
			if err := json.Unmarshal(raw, &ans); err != nil {
				revs.Close()
				return nil, err
			}
			for q, r := range ans.Ratings {
				if mc.RatingCounts[q] == nil {
					mc.RatingCounts[q] = map[string]int{}
				}
				mc.RatingCounts[q][r]++
			}
			if ans.GoodPractice != "" {
				mc.GoodPractice = append(mc.GoodPractice, "A panel "+role+": "+ans.GoodPractice)
			}
			if ans.Concerns != "" {
				mc.Concerns = append(mc.Concerns, "A panel "+role+": "+ans.Concerns)
			}
		}
		revs.Close()
		out = append(out, mc)
	}
	return out, nil
}

// DraftMinutes builds the draft minutes from the record and stores them.
func (a *Activities) DraftMinutes(ctx context.Context, cycleID int64) (int64, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return 0, err
	}
	m, err := a.minutesRecord(ctx, c, "DRAFT: for the chair's approval")
	if err != nil {
		return 0, err
	}
	data, err := workbook.BuildMinutes(m)
	if err != nil {
		return 0, err
	}
	return store.SaveFile(ctx, a.Store.Pool, store.File{Kind: "minutes", CycleID: &c.ID, Filename: fmt.Sprintf("minutes-%d-draft.xlsx", c.ID), ContentType: workbook.ContentType, Content: data})
}

// IssueMinutes stores the final minutes and the public key messages and
// queues the minutes, attached, to every active member and the
// coordinator. Issuing again (a retry) finds the issued file and the keyed
// emails, so the same file and emails come back.
func (a *Activities) IssueMinutes(ctx context.Context, cycleID int64, approvedBy string) (IssuedMinutes, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return IssuedMinutes{}, err
	}
	issuedName := fmt.Sprintf("minutes-%d.xlsx", c.ID)
	var out IssuedMinutes
	err = a.Store.Pool.QueryRow(ctx, `SELECT id FROM files WHERE cycle_id = $1 AND kind = 'minutes' AND filename = $2`, c.ID, issuedName).Scan(&out.FileID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return out, err
	}
	members, err := a.members(ctx, c.PanelID, false)
	if err != nil {
		return out, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if out.FileID == 0 {
			m, err := a.minutesRecord(ctx, c, "Issued "+uktime.Date(time.Now())+", approved by the chair")
			if err != nil {
				return err
			}
			data, err := workbook.BuildMinutes(m)
			if err != nil {
				return err
			}
			if out.FileID, err = tx.SaveFile(ctx, store.File{Kind: "minutes", CycleID: &c.ID, Filename: issuedName, ContentType: workbook.ContentType, Content: data}); err != nil {
				return err
			}
			km, err := workbook.BuildKeyMessages(workbook.KeyMessages{PanelName: c.PanelName, AreaName: c.AreaName, Meeting: deref(c.MeetingStart),
				CasesReviewed: len(m.Cases), LearningPoints: m.LearningPoints})
			if err != nil {
				return err
			}
			if _, err := tx.SaveFile(ctx, store.File{Kind: "key_messages", CycleID: &c.ID, Filename: fmt.Sprintf("key-messages-%d.xlsx", c.ID), ContentType: workbook.ContentType, Content: km}); err != nil {
				return err
			}
			if err := tx.Audit(ctx, approvedBy, "minutes_issued", "cycle", strconv.FormatInt(c.ID, 10), map[string]any{"file_id": out.FileID, "approved_by": approvedBy}); err != nil {
				return err
			}
		}
		recipients := append(members, panelMember{Name: c.CoordinatorName, Email: c.CoordinatorEmail})
		for _, m := range recipients {
			subject, body, err := mailtext.Render("minutes", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Meeting": deref(c.MeetingStart),
				"ForCoordinator": m.ID == 0, "Link": fmt.Sprintf("%s/cycles/%d", a.PublicURL, c.ID), "Coordinator": c.CoordinatorName})
			if err != nil {
				return err
			}
			who := "coordinator"
			if m.ID != 0 {
				who = strconv.FormatInt(m.ID, 10)
			}
			ref, err := a.queue(ctx, tx, fmt.Sprintf("minutes/%d/%s", c.ID, who), m, subject, body, &out.FileID, "")
			if err != nil {
				return err
			}
			out.Mail = append(out.Mail, ref)
		}
		return nil
	})
	return out, err
}
