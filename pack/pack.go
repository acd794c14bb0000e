// Package pack builds a member's review pack: the workbook of their
// cycle's cases as they stand now (approved, not pulled, without the cases
// they are conflicted on), with the panel's matters arising. The cycle's
// PreparePack activity builds it to send, and the server's download builds
// it again on request; both call Build, so the two cannot drift apart. It
// reads the store and writes a workbook, and knows nothing of workflows.
package pack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// Request says whose pack to build.
type Request struct {
	CycleID, MemberID int64
	// Link is the member's personal page, where the workbook tells them to
	// return it.
	Link string
	// Deadline is the review deadline the pack gives; zero means the
	// cycle's recorded reviews-due date.
	Deadline time.Time
}

// Pack is a built pack.
type Pack struct {
	Workbook []byte
	// Filename is the name the pack is sent and downloaded under.
	Filename string
	// CaseIDs are the cases in it, by reference.
	CaseIDs []int64
}

// Build makes the member's pack from the cycle's cases as they are now,
// in the member's language.
func Build(ctx context.Context, st *store.Store, r Request) (Pack, error) {
	c, err := st.Cycle(ctx, r.CycleID)
	if err != nil {
		return Pack{}, err
	}
	m, err := st.PanelMember(ctx, r.MemberID)
	if err != nil {
		return Pack{}, err
	}
	all, err := st.ApprovedCases(ctx, c.ID)
	if err != nil {
		return Pack{}, err
	}
	conflicted, err := st.ConflictedCases(ctx, c.ID, m.ID)
	if err != nil {
		return Pack{}, err
	}
	lang, _, err := st.MemberLanguage(ctx, m.ID)
	if err != nil {
		return Pack{}, err
	}
	matters, err := st.MattersArising(ctx, c.PanelID, c.ID)
	if err != nil {
		return Pack{}, err
	}
	out := Pack{Filename: Filename(m.Name)}
	var cases []workbook.PackCase
	for _, f := range all {
		if !slices.Contains(conflicted, f.CaseID) {
			cases = append(cases, workbook.PackCase(f))
			out.CaseIDs = append(out.CaseIDs, f.CaseID)
		}
	}
	items := make([]workbook.ActionItem, len(matters))
	for i, ma := range matters {
		items[i] = workbook.ActionItem(ma)
	}
	deadline := r.Deadline
	if deadline.IsZero() {
		deadline = c.ReviewsDue
	}
	out.Workbook, err = workbook.BuildPack(workbook.Pack{
		Form: reviewform.In(i18n.Parse(lang)), PanelName: c.PanelName, AreaName: c.AreaName, CycleRef: c.WorkflowID, CycleID: c.ID,
		MemberID: m.ID, MemberName: m.Name, Meeting: c.Meeting(), MeetingPlace: c.MeetingPlace(),
		Deadline: deadline, ReturnURL: r.Link, Cases: cases, MattersArising: items,
	})
	if err != nil {
		return Pack{}, fmt.Errorf("build pack of member %d in cycle %d: %w", m.ID, c.ID, err)
	}
	return out, nil
}

// Filename is the name a member's pack is sent and downloaded under.
func Filename(memberName string) string {
	return fmt.Sprintf("review-pack-%s.xlsx", strings.ReplaceAll(strings.ToLower(memberName), " ", "-"))
}
