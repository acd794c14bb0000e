package actionflow_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"

	"github.com/lsip/scrutiny/action/actionflow"
)

// TestActionMailOwnerLinks: the agreed notice tells the owner what was
// agreed, by when, and gives them a personal link for this action and
// their address, working until 60 days after the due date; mail to the
// manager links to the staff page; and an owner with a staff account that
// reaches the action signs in as usual, while a chair gets the personal
// link.
func TestActionMailOwnerLinks(t *testing.T) {
	f := newActionFixture(t)
	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	f.acts.Links = signer
	ctx := context.Background()
	id := strconv.FormatInt(f.actionID, 10)
	sentAt := time.Date(2027, 3, 10, 20, 0, 0, 0, time.UTC)
	queue := func(m actionflow.ActionMail) store.OutboxEntry {
		t.Helper()
		ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, m)
		if err != nil {
			t.Fatal(err)
		}
		e, err := f.st.OutboxByID(ctx, ref.OutboxID)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	ownerMail := func(key, kind string) actionflow.ActionMail {
		return actionflow.ActionMail{ActionID: f.actionID, Key: key, Kind: kind, Role: "owner", ToName: "Olu Owner", ToEmail: "owner@cps.example",
			Due: actionDueOn, At: sentAt, OwnerName: "Olu Owner", ManagerName: "Mina Manager"}
	}
	ownerLink := regexp.MustCompile(`https://scrutiny\.example/o/([A-Za-z0-9_-]+)\n`)

	e := queue(ownerMail("agreed", "agreed"))
	if e.Subject != "New action for you: A-"+id+", due on Friday 9 April 2027" {
		t.Errorf("agreed subject %q", e.Subject)
	}
	for _, want := range []string{
		"Dear Olu Owner,",
		"An action has been agreed and you are its owner. It is a recommendation for the police, from the London North LSIP meeting on 10 March 2027, case LN-HC-0042.",
		"Action A-" + id + ": Brief all hate crime lawyers on the s.66 uplift",
		"Please complete it by Friday 9 April 2027.",
		"Mina Manager, the action's manager, decides",
		"open your personal link (opening it changes nothing). It works until the end of 8 June 2027 and only while you own the action",
	} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("the agreed notice lacks %q:\n%s", want, e.BodyText)
		}
	}
	match := ownerLink.FindStringSubmatch(e.BodyText)
	if match == nil {
		t.Fatalf("no owner link in the agreed notice:\n%s", e.BodyText)
	}
	claims, err := signer.VerifyOwner(match[1], sentAt)
	if err != nil || claims.ActionID != f.actionID || !claims.Names("owner@cps.example") || !claims.Expires.Equal(time.Date(2027, 6, 9, 0, 0, 0, 0, uktime.London)) {
		t.Errorf("owner link claims %+v, %v", claims, err)
	}
	if !strings.Contains(e.BodyHTML, `href="https://scrutiny.example/o/`+match[1]+`"`) {
		t.Errorf("the HTML part does not link the owner's page")
	}

	// The manager's escalation links to the staff page.
	esc := ownerMail("escalate/2027-04-09/1/0", "escalation")
	esc.Role, esc.ToName, esc.ToEmail, esc.DaysOverdue = "manager", "Mina Manager", "manager@cps.example", 14
	if e := queue(esc); !strings.Contains(e.BodyText, "sign in here (opening the link changes nothing):\nhttps://scrutiny.example/actions/"+id+"\n") {
		t.Errorf("the manager's escalation:\n%s", e.BodyText)
	}

	// A chair of the panel has no way to act on the action: personal link.
	var panel int64
	var area int16
	testenv.SQL(t, f.st).QueryRow(ctx, `SELECT panel_id, area_id FROM actions WHERE id = $1`, f.actionID).Scan(&panel, &area)
	chair, err := f.st.CreateUser(ctx, store.User{Name: "Olu Owner", Email: "Owner@cps.example", Role: domain.StaffChair, PanelIDs: []int64{panel}})
	if err != nil {
		t.Fatal(err)
	}
	if e := queue(ownerMail("remind/2027-04-09/14d", "reminder")); ownerLink.FindString(e.BodyText) == "" {
		t.Errorf("a chair owner did not get the personal link:\n%s", e.BodyText)
	}
	// As the Area's manager they sign in instead.
	if _, err := testenv.SQL(t, f.st).Exec(ctx, `UPDATE users SET role = 'manager', area_id = $2 WHERE id = $1`, chair, area); err != nil {
		t.Fatal(err)
	}
	e = queue(ownerMail("remind/2027-04-09/3d", "reminder"))
	if ownerLink.FindString(e.BodyText) != "" || !strings.Contains(e.BodyText, "sign in here (opening the link changes nothing):\nhttps://scrutiny.example/actions/"+id+"\n") {
		t.Errorf("an owner with a staff account got:\n%s", e.BodyText)
	}
}
