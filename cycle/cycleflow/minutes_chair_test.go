package cycleflow_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestChairsToldOfDraftMinutesOnce: drafted minutes are emailed to the
// panel's active chair accounts, once per draft however often the activity
// runs, with replies to the coordinator; the coordinator, a chair of
// another panel, a deactivated chair and the member who chairs the panel
// are not written to. A fresh draft is told again.
func TestChairsToldOfDraftMinutesOnce(t *testing.T) {
	f := newFlow(t)
	ctx := context.Background()
	other := f.panel(t, "Other LSIP", "race")
	for _, u := range []store.User{
		{Name: "Zara Chair", Email: "zara@example.org", Role: domain.StaffChair, PanelIDs: []int64{f.panelID}},
		{Name: "Yan Chair", Email: "yan@example.org", Role: domain.StaffChair, PanelIDs: []int64{f.panelID, other}},
		{Name: "Gone Chair", Email: "gone@example.org", Role: domain.StaffChair, PanelIDs: []int64{f.panelID}},
		{Name: "Olly Chair", Email: "olly@example.org", Role: domain.StaffChair, PanelIDs: []int64{other}},
		{Name: "Cath Coordinator", Email: "cathc@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{f.panelID}},
	} {
		id, err := f.st.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if u.Name == "Gone Chair" {
			if _, _, err := f.st.DeactivateUser(ctx, id, "admin"); err != nil {
				t.Fatal(err)
			}
		}
	}
	env := flowtest.NewEnv(f.acts)
	var first []outbox.Ref
	for range 2 {
		refs, err := flowtest.RunIn[[]outbox.Ref](t, env, f.acts.QueueDraftMinutesMail, f.cycleID, int64(500))
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = refs
		} else if fmt.Sprint(refs) != fmt.Sprint(first) {
			t.Errorf("running again queued %v, want the same %v", refs, first)
		}
	}
	if len(first) != 2 {
		t.Fatalf("queued %v, want one email to each of the two chairs", first)
	}
	var to []string
	for _, ref := range first {
		m := f.outbox(t, ref.OutboxID)
		to = append(to, m.ToAddress)
		if ref.MemberID != 0 || !strings.HasPrefix(m.Subject, "Draft minutes to approve: Wales LSIP meeting on ") ||
			!strings.Contains(m.BodyText, "Dear "+m.ToName+",") || !strings.Contains(m.BodyText, fmt.Sprintf("https://lsip.example/cycles/%d", f.cycleID)) ||
			m.ReplyTo == "" || m.BodyHTML == "" {
			t.Errorf("the email to %s: %+v", m.ToAddress, m)
		}
	}
	if got := strings.Join(to, ","); got != "yan@example.org,zara@example.org" {
		t.Errorf("the draft minutes were told to %s, want yan and zara", got)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE message_key LIKE 'minutes-draft/%'`); n != 2 {
		t.Errorf("%d draft-minutes emails queued, want 2", n)
	}
	again, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueDraftMinutesMail, f.cycleID, int64(501))
	if err != nil || len(again) != 2 || again[0].OutboxID == first[0].OutboxID {
		t.Errorf("a fresh draft queued %v (%v), want two new emails", again, err)
	}
}
