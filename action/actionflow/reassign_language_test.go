package actionflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/action/actionflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestReassignedOwnerIsWrittenToInTheirLanguage: a reassignment sets the
// language of the new owner, not the first owner's: the one it gives, else
// the one known for the person (a panel member who prefers Welsh), else
// English; a late retry of an older reassignment does not undo a newer
// one; and the owner's next email is in the new language.
func TestReassignedOwnerIsWrittenToInTheirLanguage(t *testing.T) {
	f := newActionFixture(t)
	ctx := context.Background()
	db := testenv.SQL(t, f.st)
	if _, err := db.Exec(ctx, `INSERT INTO members (panel_id, name, email, role, language) SELECT panel_id, 'Nia New', 'Nia@CPS.example', 'member', 'cy' FROM actions WHERE id = $1`, f.actionID); err != nil {
		t.Fatal(err)
	}
	ownerLanguage := func() string {
		t.Helper()
		var lang string
		if err := db.QueryRow(ctx, `SELECT owner_language FROM actions WHERE id = $1`, f.actionID).Scan(&lang); err != nil {
			t.Fatal(err)
		}
		return lang
	}
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	reassign := func(seq int, name, email, given string) domain.ActionChange {
		ch := f.change(seq, at.Add(time.Duration(seq)*time.Hour), "Mina Manager", "reassigned", "Owner changed")
		ch.OwnerName, ch.OwnerEmail = name, email
		if given != "" {
			ch.Data = map[string]string{"language": given}
		}
		return ch
	}
	for _, step := range []struct {
		what string
		ch   domain.ActionChange
		want string
	}{
		{"to a member who prefers Welsh", reassign(1, "Nia New", "nia@cps.example", ""), "cy"},
		{"to someone unknown", reassign(2, "Ben Brand", "ben@cps.example", ""), "en"},
		{"giving Welsh", reassign(3, "Carys Cole", "carys@cps.example", "cy"), "cy"},
		{"a late retry of the second", reassign(2, "Ben Brand", "ben@cps.example", ""), "cy"},
	} {
		if _, err := flowtest.Run[time.Time](t, f.acts, f.acts.RecordActionChange, step.ch); err != nil {
			t.Fatalf("reassign %s: %v", step.what, err)
		}
		if got := ownerLanguage(); got != step.want {
			t.Errorf("after reassigning %s the owner's language is %s, want %s", step.what, got, step.want)
		}
	}

	mail := actionflow.ActionMail{ActionID: f.actionID, Key: "remind/2027-04-09/14d", Kind: "reminder", Role: "owner",
		ToName: "Carys Cole", ToEmail: "carys@cps.example", Due: actionDueOn, At: at.Add(24 * time.Hour), OwnerName: "Carys Cole", ManagerName: "Mina Manager"}
	ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, mail)
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.st.OutboxByID(ctx, ref.OutboxID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.BodyText, "Annwyl Carys Cole,") || strings.Contains(e.BodyText, "Dear ") {
		t.Errorf("the new owner's reminder is not in Welsh:\n%s", e.BodyText)
	}
}
