package cycleflow_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/reviewform"
)

func TestPackLeavesOutConflictedCases(t *testing.T) {
	f := newFlow(t)
	f.acts.AttachPacks = true
	conflicted := f.inReview[0]
	for range 2 {
		if err := runErr(t, f.acts, f.acts.RecordConflict, cycleflow.ConflictInput{CycleID: f.cycleID, MemberID: f.aled, CaseID: conflicted.CaseID, Note: "I know the family"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM conflicts WHERE cycle_id = $1`, f.cycleID); n != 1 {
		t.Errorf("%d conflicts stored for one declaration made twice", n)
	}
	recipients, err := flowtest.Run[[]cycleflow.PackRecipient](t, f.acts, f.acts.PackRecipients, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	if len(recipients) != 2 || recipients[0].Name != "Aled" || recipients[1].Name != "Bea" {
		t.Fatalf("pack recipients %+v, want Aled and Bea", recipients)
	}

	aled := f.pack(t, f.aled)
	if slices.Contains(aled.CaseIDs, conflicted.CaseID) || len(aled.CaseIDs) != 2 {
		t.Errorf("Aled's pack has cases %v; %d is conflicted", aled.CaseIDs, conflicted.CaseID)
	}
	file, err := f.st.FileByID(context.Background(), aled.FileID)
	if err != nil {
		t.Fatal(err)
	}
	text := workbookText(t, file.Content)
	if strings.Contains(text, conflicted.Reference) {
		t.Errorf("the conflicted case %s is in Aled's workbook", conflicted.Reference)
	}
	for _, id := range aled.CaseIDs {
		if ref := refOf(f.inReview, id); !strings.Contains(text, "# "+ref) {
			t.Errorf("Aled's workbook lacks a sheet for %s", ref)
		}
	}
	if st, _ := f.reviewStatus(t, f.aled, conflicted.CaseID); st != "" {
		t.Errorf("a review was opened for Aled's conflicted case (%s)", st)
	}
	if n := f.count(t, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND status = 'outstanding' AND form_version = $3`,
		f.cycleID, f.aled, reviewform.Default().Version); n != 2 {
		t.Errorf("%d outstanding reviews opened for Aled, want 2", n)
	}

	// A retry finds the same file and email.
	if again := f.pack(t, f.aled); again.FileID != aled.FileID || again.Mail != aled.Mail || !slices.Equal(again.CaseIDs, aled.CaseIDs) {
		t.Errorf("a retried pack: %+v then %+v", aled, again)
	}
	if n := f.count(t, `SELECT count(*) FROM files WHERE kind = 'pack' AND member_id = $1`, f.aled); n != 1 {
		t.Errorf("%d pack files for Aled", n)
	}

	e := f.outbox(t, aled.Mail.OutboxID)
	if e.Key != fmt.Sprintf("pack/%d/%d", f.cycleID, f.aled) || aled.Mail.MemberID != f.aled || e.AttachmentFileID == nil || *e.AttachmentFileID != aled.FileID {
		t.Errorf("pack email %s attaches %v, want file %d", e.Key, e.AttachmentFileID, aled.FileID)
	}
	for _, want := range []string{"2 cases", "Monday 11 January 2027, 18:00 GMT", "https://lsip.example/m/", "confidential", "upload"} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("pack email lacks %q:\n%s", want, e.BodyText)
		}
	}

	// Without AttachPacks the email carries the link alone.
	f.acts.AttachPacks = false
	bea := f.pack(t, f.bea)
	if len(bea.CaseIDs) != 3 {
		t.Errorf("Bea's pack has %d cases, want all 3", len(bea.CaseIDs))
	}
	if e := f.outbox(t, bea.Mail.OutboxID); e.AttachmentFileID != nil {
		t.Error("a pack was attached although AttachPacks is off")
	}
	assertNothingRestricted(t, f.st)
}

// TestMattersArisingInPackAndMinutes: the panel's open actions from earlier
// cycles, with their responses, reach the next pack's cover and minutes.
func TestMattersArisingInPackAndMinutes(t *testing.T) {
	f := newFlow(t)
	f.exec(t, `INSERT INTO actions (cycle_id, panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, response, response_rationale)
		SELECT $1, id, area_id, 'Brief lawyers on s.66 uplift', 'Area lead', 'lead@example.org', 'DCCP', 'dccp@example.org', current_date + 30, 'in_progress',
			'accepted', 'Briefing booked for all teams' FROM panels WHERE id = $2`, f.prevID, f.panelID)
	f.exec(t, `INSERT INTO actions (cycle_id, panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, closed_at)
		SELECT $1, id, area_id, 'Long-closed action', 'Area lead', 'lead@example.org', 'DCCP', 'dccp@example.org', current_date - 400, 'completed', now() - interval '1 year'
		FROM panels WHERE id = $2`, f.prevID, f.panelID)
	pack := f.pack(t, f.aled)
	file, _ := f.st.FileByID(context.Background(), pack.FileID)
	text := workbookText(t, file.Content)
	if !strings.Contains(text, "Brief lawyers on s.66 uplift") || !strings.Contains(text, "Briefing booked for all teams") {
		t.Error("the pack's cover lacks the matters arising with their response")
	}
	if strings.Contains(text, "Long-closed action") {
		t.Error("an action closed a year ago is still a matter arising")
	}
	minutesID, err := flowtest.Run[int64](t, f.acts, f.acts.DraftMinutes, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := f.st.FileByID(context.Background(), minutesID)
	if !strings.Contains(workbookText(t, m.Content), "Brief lawyers on s.66 uplift") {
		t.Error("the minutes lack the matters arising")
	}
}
