package cycleflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// minutesRecord gathers everything the minutes show from the database.
func (a *Activities) minutesRecord(ctx context.Context, c cycleInfo, status string) (workbook.Minutes, error) {
	form := reviewform.Default()
	m := workbook.Minutes{Form: form, PanelName: c.PanelName, AreaName: c.AreaName, CycleRef: c.WorkflowID, Meeting: c.Meeting(), Status: status}
	attendance, err := a.Store.MinutesAttendance(ctx, c.ID, c.PanelID)
	if err != nil {
		return m, err
	}
	m.Attendance = convert(attendance, func(x store.Attendee) workbook.Attendee { return workbook.Attendee(x) })
	declarations, err := a.Store.Declarations(ctx, c.ID)
	if err != nil {
		return m, err
	}
	m.Declarations = convert(declarations, func(x store.Declaration) workbook.Declaration { return workbook.Declaration(x) })
	if m.Cases, err = a.minutesCases(ctx, c.ID, form); err != nil {
		return m, err
	}
	points, err := a.Store.LearningPoints(ctx, c.ID)
	if err != nil {
		return m, err
	}
	m.LearningPoints = convert(points, func(x store.MinutesLearningPoint) workbook.LearningPoint { return workbook.LearningPoint(x) })
	actions, err := a.Store.AgreedActions(ctx, c.ID)
	if err != nil {
		return m, err
	}
	m.Actions = convert(actions, func(x store.MinutesAction) workbook.ActionRow { return workbook.ActionRow(x) })
	strata, err := a.Store.Strata(ctx, c.ID)
	if err != nil {
		return m, err
	}
	counts, err := a.Store.DrawCounts(ctx, c.ID)
	if err != nil {
		return m, err
	}
	m.Selection = workbook.SelectionRecord{Seed: c.Seed, WindowStart: c.WindowStart, WindowEnd: c.WindowEnd,
		Strata: convert(strata, func(s store.Stratum) workbook.Stratum {
			return workbook.Stratum{Strand: s.Strand, Quota: s.Quota, Eligible: s.Eligible, Shortfall: s.Shortfall}
		}),
		Withdrawn: counts.Withdrawn, ReservesUsed: counts.ReservesUsed, CarriedForward: counts.CarriedForward}
	// The published draw, so the minutes carry what anyone needs to repeat it.
	if m.Selection.Draw, err = a.Store.PublishedDraw(ctx, c.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	matters, err := a.Store.MattersArising(ctx, c.PanelID, c.ID)
	if err != nil {
		return m, err
	}
	m.MattersArising = convert(matters, func(x domain.MatterArising) workbook.ActionItem { return workbook.ActionItem(x) })
	return m, nil
}

// convert maps each element of a list.
func convert[S, T any](list []S, fn func(S) T) []T {
	out := make([]T, len(list))
	for i, x := range list {
		out[i] = fn(x)
	}
	return out
}

// minutesCases aggregates members' reviews per case, attributing their
// words by role, never by name.
func (a *Activities) minutesCases(ctx context.Context, cycleID int64, form reviewform.Form) ([]workbook.MinutesCase, error) {
	cases, err := a.Store.CaseOutcomes(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	out := make([]workbook.MinutesCase, 0, len(cases))
	for _, cs := range cases {
		mc := workbook.MinutesCase{Reference: cs.Reference, Offence: cs.PrincipalOffence, Outcome: domain.OutcomeLabel(cs.Outcome),
			Rationale: cs.Rationale, CarriedForward: cs.CarriedForward, RatingCounts: map[string]map[string]int{}}
		if cat, ok := form.Category(cs.Category); ok {
			mc.Finding = cat.Label
		}
		var labels []string
		for _, s := range cs.Strands {
			if st, ok := domain.StrandByCode(s); ok {
				labels = append(labels, st.Label)
			}
		}
		mc.Strands = strings.Join(labels, ", ")
		reviews, err := a.Store.RoleReviews(ctx, cycleID, cs.CaseID)
		if err != nil {
			return nil, err
		}
		for _, r := range reviews {
			switch r.Status {
			case domain.ReviewSubmitted:
				mc.Submitted++
			case domain.ReviewExcused:
				mc.Excused++
				continue
			default:
				mc.NotSubmitted++
				continue
			}
			var ans reviewform.Answers
			if err := json.Unmarshal(r.Answers, &ans); err != nil {
				return nil, err
			}
			for q, rating := range ans.Ratings {
				if mc.RatingCounts[q] == nil {
					mc.RatingCounts[q] = map[string]int{}
				}
				mc.RatingCounts[q][rating]++
			}
			if ans.GoodPractice != "" {
				mc.GoodPractice = append(mc.GoodPractice, "A panel "+string(r.Role)+": "+ans.GoodPractice)
			}
			if ans.Concerns != "" {
				mc.Concerns = append(mc.Concerns, "A panel "+string(r.Role)+": "+ans.Concerns)
			}
		}
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
	if c.PanelKind == domain.PanelForum {
		return a.draftForumMinutes(ctx, c) // forum_activities.go
	}
	m, err := a.minutesRecord(ctx, c, "DRAFT: for the chair's approval")
	if err != nil {
		return 0, err
	}
	data, err := workbook.BuildMinutes(m)
	if err != nil {
		return 0, err
	}
	return a.Store.SaveFile(ctx, store.File{Kind: domain.FileMinutes, CycleID: &c.ID, Filename: fmt.Sprintf("minutes-%d-draft.xlsx", c.ID), ContentType: workbook.ContentType, Content: data})
}

// QueueDraftMinutesMail tells the panel's chairs that the draft minutes
// (file fileID) wait for their approval: one email to each, keyed by the
// draft, so a retry queues nothing twice while a draft made afresh after a
// correction is told again.
//
// The chairs are the staff accounts with the chair's role on the panel,
// not the members whose panel role is chair: approving the minutes is a
// signed-in staff action (only the chair's staff role may), so only an
// account can act on the email. The members, their chair included, are
// sent the minutes once they are issued.
func (a *Activities) QueueDraftMinutesMail(ctx context.Context, cycleID, fileID int64) ([]outbox.Ref, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	chairs, err := a.Store.PanelChairs(ctx, c.PanelID)
	if err != nil {
		return nil, err
	}
	var refs []outbox.Ref
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, chair := range chairs {
			subject, body, err := mailtext.Render("minutes_draft", map[string]any{"Panel": c.PanelName, "Name": chair.Name, "Meeting": c.Meeting(),
				"Link": fmt.Sprintf("%s/cycles/%d", a.PublicURL, c.ID), "Coordinator": c.CoordinatorName})
			if err != nil {
				return err
			}
			ref, err := c.queue(ctx, tx, fmt.Sprintf("minutes-draft/%d/%d/user-%d", c.ID, fileID, chair.ID),
				domain.PanelMember{Name: chair.Name, Email: chair.Email}, subject, body, nil, "")
			if err != nil {
				return err
			}
			refs = append(refs, ref)
		}
		return nil
	})
	return refs, err
}

// draftMinutesMailChange marks the cycles whose closing of the meeting
// emails the chairs; histories recorded before it replay without the step.
const draftMinutesMailChange = "email-chairs-draft-minutes"

// tellChairs queues the email telling the panel's chairs that the draft
// minutes wait for them, and delivers it with the cycle's other mail. Like
// an alert it is on top of the cycle page, so a failure is logged and the
// draft stands.
func (c *cycleRun) tellChairs(ctx workflow.Context, fileID int64) {
	if workflow.GetVersion(ctx, draftMinutesMailChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	var refs []outbox.Ref
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.QueueDraftMinutesMail, c.status.CycleID, fileID).Get(ctx, &refs); err != nil {
		workflow.GetLogger(ctx).Error("tell the chairs of the draft minutes", "error", err)
		return
	}
	c.queueMail(refs...)
}

// IssueMinutes stores the final minutes and the public key messages and
// queues the minutes, attached, to every active member who has accepted
// the confidentiality agreement, and to the coordinator. The minutes name
// cases, offences, outcomes and findings: a member who never accepted the
// agreement is entitled to none of that, as they were to no pack. Issuing again (a retry) finds the issued file and the keyed
// emails, so the same file and emails come back.
func (a *Activities) IssueMinutes(ctx context.Context, cycleID int64, approvedBy string) (IssuedMinutes, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return IssuedMinutes{}, err
	}
	issuedName := fmt.Sprintf("minutes-%d.xlsx", c.ID)
	var out IssuedMinutes
	out.FileID, err = a.Store.CycleFileID(ctx, c.ID, domain.FileMinutes, issuedName)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	members, err := a.Store.ActiveMembers(ctx, c.PanelID, true)
	if err != nil {
		return out, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if out.FileID == 0 {
			if out.FileID, err = a.storeIssuedMinutes(ctx, tx, c, issuedName, approvedBy); err != nil {
				return err
			}
		}
		recipients := append(members, domain.PanelMember{Name: c.CoordinatorName, Email: c.CoordinatorEmail})
		for _, m := range recipients {
			subject, body, err := a.renderFor(ctx, m.ID, "minutes", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Meeting": c.Meeting(),
				"ForCoordinator": m.ID == 0, "Link": fmt.Sprintf("%s/cycles/%d", a.PublicURL, c.ID), "Coordinator": c.CoordinatorName})
			if err != nil {
				return err
			}
			who := string(domain.StaffCoordinator)
			if m.ID != 0 {
				who = strconv.FormatInt(m.ID, 10)
			}
			ref, err := c.queue(ctx, tx, fmt.Sprintf("minutes/%d/%s", c.ID, who), m, subject, body, &out.FileID, "")
			if err != nil {
				return err
			}
			out.Mail = append(out.Mail, ref)
		}
		return nil
	})
	return out, err
}

// storeIssuedMinutes builds and stores the issued minutes and the key
// messages, audited, and returns the minutes' file ID.
func (a *Activities) storeIssuedMinutes(ctx context.Context, tx *store.Tx, c cycleInfo, filename, approvedBy string) (int64, error) {
	if c.PanelKind == domain.PanelForum {
		return a.storeIssuedForumMinutes(ctx, tx, c, filename, approvedBy) // forum_activities.go
	}
	m, err := a.minutesRecord(ctx, c, "Issued "+uktime.Date(time.Now())+", approved by the chair")
	if err != nil {
		return 0, err
	}
	data, err := workbook.BuildMinutes(m)
	if err != nil {
		return 0, err
	}
	fileID, err := tx.SaveFile(ctx, store.File{Kind: domain.FileMinutes, CycleID: &c.ID, Filename: filename, ContentType: workbook.ContentType, Content: data})
	if err != nil {
		return 0, err
	}
	km, err := workbook.BuildKeyMessages(workbook.KeyMessages{PanelName: c.PanelName, AreaName: c.AreaName, Meeting: c.Meeting(),
		CasesReviewed: len(m.Cases), LearningPoints: m.LearningPoints})
	if err != nil {
		return 0, err
	}
	if _, err := tx.SaveFile(ctx, store.File{Kind: domain.FileKeyMessages, CycleID: &c.ID, Filename: fmt.Sprintf("key-messages-%d.xlsx", c.ID), ContentType: workbook.ContentType, Content: km}); err != nil {
		return 0, err
	}
	return fileID, tx.Audit(ctx, approvedBy, "minutes_issued", "cycle", strconv.FormatInt(c.ID, 10), map[string]any{"file_id": fileID, "approved_by": approvedBy})
}
