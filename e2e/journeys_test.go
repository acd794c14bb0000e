package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/action/actionflow"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/uktime"
)

// The journeys of issue 9 in the browser, each from its own fresh stack:
// what a new Area does from an empty database to its first cycle, and the
// routine tasks of members, coordinators, action owners, managers and
// admins after it. Every page visited passes axe-core and is pictured in
// screenshots/journey-*.png. Members and action owners use a phone-sized
// window, staff a desktop one.

// journeyPassword is every member of staff's password in the journeys.
const journeyPassword = "correct horse battery staple"

// TestJourneyFirstAdminToFirstCycle: on an empty database the first admin
// is made from the command line and signs in with a second factor; they
// create the panel (panels are an admin's to create), invite a coordinator
// and a manager; the coordinator chooses a password, adds three members,
// imports a case file with two errors, sees both, imports the corrected
// file, and starts a cycle whose selection is then ready to check.
func TestJourneyFirstAdminToFirstCycle(t *testing.T) {
	t.Parallel()
	bin := scrutinyCommand(t)
	s := newStackWith(t, stackOptions{empty: true})
	db := testenv.SQL(t, s.st)
	ctx := context.Background()
	var accounts, panels, cases int
	db.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM panels), (SELECT count(*) FROM cases)`).Scan(&accounts, &panels, &cases)
	if accounts+panels+cases != 0 {
		t.Fatalf("the database is not empty: %d accounts, %d panels, %d cases", accounts, panels, cases)
	}

	out := runCommand(t, bin, []string{"DATABASE_URL=" + testenv.URL(t, s.st), "PUBLIC_URL=" + s.url},
		"users", "create", "-admin", "ada.admin@example.org", "-name", "Ada Admin")
	link := accountLink.FindString(out)
	if link == "" {
		t.Fatalf("the command printed no sign-in link:\n%s", out)
	}
	j := newJourney(t, "first-cycle", s.url)
	j.desktop()

	// The admin chooses a password and must set up two-step sign-in.
	j.open(link, "choose-password")
	j.fill("#password", journeyPassword)
	j.fill("#password_again", journeyPassword)
	j.submit("main form button[type=submit]", "two-factor-setup")
	if !strings.HasPrefix(j.path(), "/me/two-factor") {
		t.Fatalf("after choosing a password the admin is at %s, not the second-factor set-up", j.path())
	}
	app := &authenticator{secret: strings.TrimSpace(j.text("#secret"))}
	j.fill("#code", app.code(t))
	j.submit(`main form[action="/me/two-factor"] button`, "recovery-codes")
	if n := j.count("#recovery-codes li"); n == 0 {
		t.Fatal("no recovery codes are shown after turning on two-step sign-in")
	}
	// They sign in again, now with a code from their app.
	j.signOut()
	j.signIn("ada.admin@example.org", journeyPassword, app)
	if !strings.HasPrefix(j.path(), "/actions") {
		t.Fatalf("after signing in with a code the admin is at %s", j.path())
	}

	// The admin creates the panel.
	j.open("/admin/panels/new", "create-panel")
	j.do(setValue("#area", "wales"))
	j.fill("#name", "Wales LSIP")
	j.tick(`input[name=covers][value="hate_crime"]`)
	j.tick(`input[name=strands][value="race"]`)
	j.tick(`input[name=strands][value="disability"]`)
	j.submit("main form button[type=submit]", "panel-created")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "Wales LSIP is created") {
		t.Fatalf("after creating the panel: %q", flash)
	}

	// They invite a coordinator of the panel and a manager of the Area.
	j.open("/admin/people/invite", "invite-coordinator")
	j.fill("#name", "Cath Coordinator")
	j.fill("#email", "cath@example.org")
	j.tick(`input[name=role][value="coordinator"]`)
	j.tick(`input[name=panels]`)
	j.submit("main form button[type=submit]", "coordinator-invited")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "invitation is on its way to cath@example.org") {
		t.Fatalf("after inviting the coordinator: %q", flash)
	}
	j.open("/admin/people/invite", "invite-manager")
	j.fill("#name", "Morgan Manager")
	j.fill("#email", "morgan@example.org")
	j.tick(`input[name=role][value="manager"]`)
	j.pick("#area", "Wales")
	j.submit("main form button[type=submit]", "manager-invited")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "invitation is on its way to morgan@example.org") {
		t.Fatalf("after inviting the manager: %q", flash)
	}
	linkWith(t, mailTo(t, s.catcher, "morgan@example.org", "You are invited").Text, "/account/")
	invitation := mailTo(t, s.catcher, "cath@example.org", "You are invited")
	j.signOut()

	// The coordinator follows their invitation and chooses a password.
	j.open(linkWith(t, invitation.Text, "/account/"), "coordinator-password")
	j.fill("#password", journeyPassword)
	j.fill("#password_again", journeyPassword)
	j.submit("main form button[type=submit]", "coordinator-signed-in")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "signed in") {
		t.Fatalf("after the coordinator chose a password: %q at %s", flash, j.path())
	}

	// They add three members to the panel.
	j.open("/members", "panels")
	j.submit(`main a[href^="/panels/"]`, "members")
	for _, m := range []struct{ name, email, role string }{
		{"Rhiannon Price", "rhiannon@example.org", "chair"},
		{"Aled Jones", "aled@example.org", "member"},
		{"Bea Khan", "bea@example.org", "member"},
	} {
		j.fill("#name", m.name)
		j.fill("#email", m.email)
		j.do(setValue("#role", m.role))
		j.submit("main form button[type=submit]", "member-added")
		if flash := j.text(".panel-confirm"); !strings.Contains(flash, m.name+" is added") {
			t.Fatalf("after adding %s: %q", m.name, flash)
		}
	}
	if n := j.count("main table tbody tr"); n != 3 {
		t.Errorf("the members page lists %d members, want 3", n)
	}

	// They import the Area's case file: two errors first, then corrected.
	finalised := time.Now().In(uktime.London).AddDate(0, -2, 0).Format(time.DateOnly)
	row := func(area, ref, date string) string {
		return fmt.Sprintf("%s,%s,62WA%s,hate_crime,race,Racially aggravated harassment,%s,conviction_plea,Abuse in a shop.\n", area, ref, ref, date)
	}
	const header = "area,reference,urn,category,strands,principal_offence,finalised_date,outcome,summary\n"
	bad := header + row("Wales", "WAL-001", finalised) + row("Wales", "WAL-002", "31/02/2026") + row("Atlantis", "WAL-003", finalised) + row("Wales", "WAL-004", finalised)
	good := header + row("Wales", "WAL-001", finalised) + row("Wales", "WAL-002", finalised) + row("Wales", "WAL-003", finalised) + row("Wales", "WAL-004", finalised)
	j.open("/cases/import", "import")
	j.do(setUpload("#file", writeFile(t, "wales-extract.csv", bad)))
	j.submit("main form button[type=submit]", "import-problems")
	problems := j.text("#problems + table tbody")
	if n := j.count("#problems + table tbody tr"); n != 2 || !strings.Contains(problems, "finalised_date") || !strings.Contains(problems, "area") {
		t.Fatalf("the import shows %d problems:\n%s", n, problems)
	}
	if summary := j.text(".error-summary"); !strings.Contains(summary, "2 problems") {
		t.Errorf("the error summary: %q", summary)
	}
	db.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&cases)
	if cases != 0 {
		t.Fatalf("a file with problems imported %d cases", cases)
	}
	j.do(setUpload("#file", writeFile(t, "wales-extract.csv", good)))
	j.submit("main form button[type=submit]", "imported")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "4 new cases") {
		t.Fatalf("after importing the corrected file: %q", flash)
	}

	// They start the first cycle.
	now := time.Now().In(uktime.London)
	j.open("/cycles/new", "start-cycle")
	j.fill("#window_start", now.AddDate(0, -3, 0).Format(time.DateOnly))
	j.fill("#window_end", now.Format(time.DateOnly))
	j.fill("#quotas", "race=2")
	j.fill(`[id="meeting.start"]`, now.AddDate(0, 0, 30).Format(time.DateOnly)+" 18:00")
	j.fill(`[id="meeting.location"]`, "Cardiff office")
	j.submit("main form button[type=submit]", "cycle-started")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "The cycle has started") {
		t.Fatalf("after starting the cycle: %q at %s", flash, j.path())
	}
	cyclePage := strings.SplitN(j.path(), "?", 2)[0]
	waitFor(t, func() bool {
		j.do(chromedp.Navigate(s.url + cyclePage))
		return j.count(`form[action$="/approve"]`) == 1
	})
	j.landed("selection-to-check")
	var cycles, drawn int
	db.QueryRow(ctx, `SELECT count(*) FROM cycles`).Scan(&cycles)
	db.QueryRow(ctx, `SELECT count(*) FROM cycle_cases`).Scan(&drawn)
	if cycles != 1 || drawn < 2 {
		t.Errorf("in PostgreSQL: %d cycles, %d cases drawn", cycles, drawn)
	}
}

// TestJourneyMemberAcceptsAgreement: a member who has not yet accepted the
// confidentiality agreement opens the link in their meeting invitation on
// a phone, is shown the agreement first, is told when they did not tick
// it, accepts it, and sees the conflict-check teasers for the cycle.
func TestJourneyMemberAcceptsAgreement(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	id := startJourneyCycle(t, s)
	approveJourneyCycle(t, s, id)
	// Cai has not signed: his invitation is the only email with his link.
	invite := mailTo(t, s.catcher, "cai@example.org", "Meeting invitation")
	j := newJourney(t, "member-agreement", s.url)
	j.phone()
	j.open(linkWith(t, invite.Text, "/m/"), "agreement")
	if h := j.text("h1"); h != domain.CurrentAgreement.Title {
		t.Fatalf("a member who has not accepted sees %q first", h)
	}
	j.submit("main form button[type=submit]", "agreement-not-ticked")
	if summary := j.text(".error-summary"); !strings.Contains(summary, "Tick the box") {
		t.Errorf("sending the agreement unticked: %q", summary)
	}
	j.tick("#accept")
	j.submit("main form button[type=submit]", "teasers")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "accepted the confidentiality agreement") {
		t.Errorf("after accepting: %q", flash)
	}
	teasers := j.text(`main form[action$="/conflicts"] fieldset`)
	if n := j.count(`input[name=case_id]`); n != 2 || !strings.Contains(teasers, "Racially aggravated harassment") {
		t.Errorf("Cai sees %d teasers:\n%s", n, teasers)
	}
	if strings.Contains(j.text("main"), "Summary of case") {
		t.Error("a teaser shows a case summary before the packs")
	}
	var version string
	testenv.SQL(t, s.st).QueryRow(context.Background(), `SELECT version FROM member_agreements WHERE member_id = $1`, s.f.unsigned).Scan(&version)
	if version != domain.CurrentAgreement.Version {
		t.Errorf("the acceptance stored in PostgreSQL: version %q", version)
	}
}

// TestJourneyBouncedAddressCorrected: a member's invitation bounces, so
// their conflict-check email is held; the coordinator sees the bounce on
// the members page, corrects the address, and the held email arrives at
// the new one.
func TestJourneyBouncedAddressCorrected(t *testing.T) {
	t.Parallel()
	s := newStackWith(t, stackOptions{reject: func(rcpt string) bool { return strings.HasPrefix(rcpt, "bounce.") }})
	ctx := context.Background()
	db := testenv.SQL(t, s.st)
	if _, err := db.Exec(ctx, `UPDATE members SET email = 'bounce.bea@example.org' WHERE id = $1`, s.f.bea); err != nil {
		t.Fatal(err)
	}
	id := startJourneyCycle(t, s)
	waitFor(t, func() bool {
		var bounced bool
		db.QueryRow(ctx, `SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1`, s.f.bea).Scan(&bounced)
		return bounced
	})
	approveJourneyCycle(t, s, id)
	waitFor(t, func() bool {
		var held int
		db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE member_id = $1 AND status = 'held'`, s.f.bea).Scan(&held)
		return held == 1
	})
	coordinator, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{s.f.panelID}})
	s.st.SetPassword(ctx, coordinator, journeyPassword)

	j := newJourney(t, "bounce", s.url)
	j.desktop()
	j.signIn("cath@example.org", journeyPassword, nil)
	j.open(fmt.Sprintf("/panels/%d/members", s.f.panelID), "members")
	if row := j.text(fmt.Sprintf(`main tr:has(a[href="/members/%d"])`, s.f.bea)); !strings.Contains(row, "Email bounced") || !strings.Contains(row, "held") {
		t.Errorf("Bea's row does not show the bounce and the held email: %q", row)
	}
	j.submit(fmt.Sprintf(`main a[href="/members/%d"]`, s.f.bea), "bounced-member")
	if note := j.text("main .summary"); !strings.Contains(note, "bounced") || !strings.Contains(note, "1 email is held") {
		t.Errorf("Bea's page: %q", note)
	}
	j.fill("#email", "bea@example.org")
	j.submit(fmt.Sprintf(`main form[action="/members/%d"] button`, s.f.bea), "address-corrected")
	if flash := j.text(".panel-confirm"); !strings.Contains(flash, "1 held email is sent again") {
		t.Errorf("after correcting the address: %q", flash)
	}
	resent := mailTo(t, s.catcher, "bea@example.org", "Before the packs go out")
	linkWith(t, resent.Text, "/m/")
	var unreachable bool
	db.QueryRow(ctx, `SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1`, s.f.bea).Scan(&unreachable)
	if unreachable {
		t.Error("Bea is still marked unreachable")
	}
}

// TestJourneyOwnerCompletesAction: an action's owner, who has no staff
// account, opens the personal link in their reminder on a phone and
// completes the action with evidence; the manager signs in with their
// second factor and the board shows it completed.
func TestJourneyOwnerCompletesAction(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := context.Background()
	db := testenv.SQL(t, s.st)
	var area int16
	db.QueryRow(ctx, `SELECT area_id FROM panels WHERE id = $1`, s.f.panelID).Scan(&area)
	manager := store.User{Name: "Morgan Manager", Email: "morgan@example.org", Role: domain.StaffManager, AreaID: &area}
	manager.ID, _ = s.st.CreateUser(ctx, manager)
	s.st.SetPassword(ctx, manager.ID, journeyPassword)
	app := &authenticator{secret: enrolTOTP(t, s.st, manager)}

	// Due tomorrow, with the reminder set to go in a few seconds.
	due := time.Now().In(uktime.London).AddDate(0, 0, 1)
	var actionID int64
	if err := db.QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		VALUES ($1, $2, 'Brief lawyers on s.66 uplift', 'Olwen Owen', 'olwen@example.org', 'Morgan Manager', 'morgan@example.org', $3) RETURNING id`,
		s.f.panelID, area, due.Format(time.DateOnly)).Scan(&actionID); err != nil {
		t.Fatal(err)
	}
	dueStart := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, uktime.London)
	timing := action.ActionTiming{Reminders: []time.Duration{time.Until(dueStart) - 6*time.Second}, Repeat: time.Hour}
	if _, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: action.WorkflowID(actionID), TaskQueue: taskQueue}, actionflow.ActionWorkflow,
		action.ActionInput{ActionID: actionID, Timing: timing}); err != nil {
		t.Fatal(err)
	}
	reminder := mailTo(t, s.catcher, "olwen@example.org", fmt.Sprintf("Reminder: action A-%d", actionID))

	j := newJourney(t, "owner", s.url)
	j.phone()
	j.open(linkWith(t, reminder.Text, "/o/"), "action")
	if h := j.text("h1"); h != fmt.Sprintf("Action A-%d", actionID) {
		t.Fatalf("the owner's link opens %q", h)
	}
	j.fill("#done-note", "All hate crime lawyers briefed at the March team meeting.")
	j.fill("#evidence", "Attendance list kept by the Area's legal manager.")
	j.submit(`main form[action$="/complete"] button`, "completed")
	if h := j.text("h1"); h != "Action completed" {
		t.Fatalf("after completing: %q", h)
	}
	waitFor(t, func() bool {
		var status string
		db.QueryRow(ctx, `SELECT status FROM actions WHERE id = $1`, actionID).Scan(&status)
		return status == string(domain.ActionCompleted)
	})

	j.desktop()
	j.signIn("morgan@example.org", journeyPassword, app)
	j.do(setValue("#status", string(domain.ActionCompleted)))
	j.submit("form.filters button", "board-completed")
	row := fmt.Sprintf(`main tr:has(a[href="/actions/%d"])`, actionID)
	if status := j.text(row + " td:last-child"); j.count("main tbody tr") != 1 || status != "Completed" {
		t.Errorf("the manager's board, filtered to completed actions, shows: %q (status %q)", j.text("main tbody"), status)
	}
}

// TestJourneyAdminFiltersAuditLog: after a coordinator signs in and out,
// an admin signs in with their second factor and filters the audit log to
// that one person.
func TestJourneyAdminFiltersAuditLog(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := context.Background()
	admin := store.User{Name: "Ada Admin", Email: "ada.admin@example.org", Role: domain.StaffAdmin}
	admin.ID, _ = s.st.CreateUser(ctx, admin)
	s.st.SetPassword(ctx, admin.ID, journeyPassword)
	app := &authenticator{secret: enrolTOTP(t, s.st, admin)}
	coordinator, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{s.f.panelID}})
	s.st.SetPassword(ctx, coordinator, journeyPassword)

	j := newJourney(t, "audit", s.url)
	j.desktop()
	j.signIn("cath@example.org", journeyPassword, nil)
	j.signOut()
	j.signIn("ada.admin@example.org", journeyPassword, app)
	j.open("/admin/audit", "audit-log")
	everyone := j.count("main table tbody tr")
	j.fill("#who", "cath@example.org")
	j.submit("form.filters button", "audit-log-cath")
	who := eval[[]string](j, `Array.from(document.querySelectorAll("main table tbody tr td:nth-child(2)")).map(td => td.innerText)`)
	if len(who) == 0 || len(who) >= everyone {
		t.Errorf("filtered to Cath: %d entries of %d", len(who), everyone)
	}
	for _, w := range who {
		if w != "cath@example.org" {
			t.Errorf("an entry by %q is in the log filtered to Cath", w)
		}
	}
	if !strings.Contains(j.text("main table tbody"), "Signed in") {
		t.Errorf("Cath's sign-in is not in her entries:\n%s", j.text("main table tbody"))
	}
}

// startJourneyCycle starts a cycle for the fixture's panel with its
// meeting in twenty days and the usual timing, so that as soon as the
// selection is approved the conflict check begins and the packs wait. It
// returns the workflow's ID once the selection waits for approval.
func startJourneyCycle(t *testing.T, s *stack) string {
	t.Helper()
	now := time.Now().UTC()
	day := now.In(uktime.London).AddDate(0, 0, 20)
	meeting := time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, uktime.London)
	in := cycle.CycleInput{PanelID: s.f.panelID, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2}, Seed: 5,
		Meeting: cycle.Meeting{Start: meeting, End: meeting.Add(2 * time.Hour), Location: "Cardiff office"}, Timing: cycle.DefaultTiming(),
		StartedBy: "cath@example.org", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org"}
	id := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	if _, err := s.c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, cycleflow.CycleWorkflow, in); err != nil {
		t.Fatal(err)
	}
	waitStage(t, s.c, id, domain.StageCoordinatorCheck)
	return id
}

// approveJourneyCycle approves the selection, which starts the conflict
// check at once.
func approveJourneyCycle(t *testing.T, s *stack, id string) {
	t.Helper()
	update(t, s.c, id, cycle.UpdateApproveSelection, nil)
	waitStage(t, s.c, id, domain.StageConflictCheck)
}

// writeFile writes a file for the browser to upload and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
