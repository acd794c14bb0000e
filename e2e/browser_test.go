package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
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
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/totp"
)

// ScreenshotDir is where the browser journeys leave pictures of the member
// form and the manager's board (README: "Screenshots").
const screenshotDir = "../screenshots"

// axeSource is axe-core, installed from the npm registry by `make test`.
const axeSource = "../.cache/axe/node_modules/axe-core/axe.min.js"

// browserTimeout bounds a journey's whole browser session, so a browser
// that stops answering fails the test rather than hanging it. It is a
// guard, not a target: journeys running side by side on two loaded cores
// took over three minutes, the bound this had before.
const browserTimeout = 10 * time.Minute

// browser starts headless Chromium, or skips the test when it is missing
// outside CI (under CI a missing browser fails the test).
func browser(t *testing.T) (context.Context, string) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is required under CI: .ci/run installs Debian's chromium package")
		}
		t.Skip("skipping: chromium is not installed (apt-get install chromium)")
	}
	axe, err := os.ReadFile(axeSource)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is required under CI (make test installs it): %v", err)
		}
		t.Skip("skipping: axe-core is not installed (run make test)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(412, 915)) // a phone: members often review on one
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, browserTimeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx, string(axe)
}

// checkAccessibility runs axe-core on the current page and fails the test
// on any serious or critical violation.
func checkAccessibility(t *testing.T, ctx context.Context, axe, pageName string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](axe))
	if err != nil {
		t.Fatalf("load axe on %s: %v", pageName, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.help + " (" + v.nodes.length + ", first " + v.nodes[0].target.join(" ") + ")")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", pageName, err)
	}
	var violations []string
	json.Unmarshal([]byte(raw), &violations)
	for _, v := range violations {
		t.Errorf("accessibility, %s: %s", pageName, v)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(screenshotDir, 0o755)
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserMemberReviewsEveryCase: a member opens their link on a phone,
// fills in every case's form, sees the confirmation, and the reviews are in
// PostgreSQL.
func TestBrowserMemberReviewsEveryCase(t *testing.T) {
	t.Parallel()
	ctx, axe := browser(t)
	s := newStack(t, false)
	now := time.Now().UTC()
	meetingAt := now.Add(2 * time.Hour)
	in := cycle.CycleInput{PanelID: s.f.panelID, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2}, Seed: 5,
		Meeting:   cycle.Meeting{Start: meetingAt, End: meetingAt.Add(time.Hour), Location: "Cardiff office"},
		Timing:    cycle.Timing{ConflictCheckBefore: 2*time.Hour - 2*time.Second, PacksBefore: 2*time.Hour - 4*time.Second, ReviewsDueBefore: time.Hour, RevokeAfter: time.Hour, Reminders: []time.Duration{}, ApprovalNudgeEvery: time.Hour},
		StartedBy: "c", CoordinatorName: "Cath", CoordinatorEmail: "cath@example.org"}
	id := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	if _, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, cycleflow.CycleWorkflow, in); err != nil {
		t.Fatal(err)
	}
	waitStage(t, s.c, id, domain.StageCoordinatorCheck)
	update(t, s.c, id, cycle.UpdateApproveSelection, nil)
	packs, err := s.catcher.Wait(ctx, 2, func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Your review pack") })
	if err != nil {
		t.Fatal(err)
	}
	// The member follows the link in their email.
	var link string
	for _, m := range packs {
		if m.EnvelopeTo[0] == "bea@example.org" {
			for _, line := range strings.Split(m.Text, "\n") {
				if strings.Contains(line, "/m/") {
					link = strings.TrimSpace(line)
				}
			}
		}
	}
	if link == "" {
		t.Fatal("no personal link in Bea's pack email")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(`h1`)); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "member home")
	caseLinks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('td a')).map(a => a.href)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(caseLinks) != 2 {
		t.Fatalf("Bea's page lists %d cases", len(caseLinks))
	}
	for i, href := range caseLinks {
		if err := chromedp.Do(ctx, chromedp.Navigate(href), chromedp.WaitVisible(`form button[value=final]`)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// Sending an empty form shows the error summary, linked to fields.
			if err := chromedp.Do(ctx, chromedp.Click(`button[value=final]`), chromedp.WaitVisible(`.error-summary`)); err != nil {
				t.Fatal(err)
			}
			summary, err := chromedp.Run(ctx, chromedp.Text(`.error-summary`))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(summary, "Choose a rating") {
				t.Errorf("error summary: %q", summary)
			}
			checkAccessibility(t, ctx, axe, "review form with errors")
		}
		// Choose "Yes" for every question and an overall category, by keyboard-reachable labels.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.querySelectorAll('fieldset.radios').forEach(fs => { const r = fs.querySelector('input[type=radio]'); if (r) r.click(); })`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(`#good_practice`, "A victim personal statement was taken early.")); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			checkAccessibility(t, ctx, axe, "review form")
			screenshot(t, ctx, "member-review-form.png")
		}
		if err := chromedp.Do(ctx, chromedp.Click(`button[value=final]`), chromedp.WaitVisible(`.panel-confirm`)); err != nil {
			t.Fatal(err)
		}
		confirmation, err := chromedp.Run(ctx, chromedp.Text(`.panel-confirm h1`))
		if err != nil {
			t.Fatal(err)
		}
		if confirmation != "Review sent" {
			t.Errorf("confirmation %q", confirmation)
		}
	}
	checkAccessibility(t, ctx, axe, "confirmation")
	var submitted int
	testenv.SQL(t, s.st).QueryRow(ctx, `SELECT count(*) FROM reviews WHERE member_id = $1 AND status = 'submitted'`, s.f.bea).Scan(&submitted)
	if submitted != 2 {
		t.Errorf("%d of Bea's reviews are in PostgreSQL as submitted", submitted)
	}
}

// TestBrowserManagerCompletesOverdueAction: a manager signs in, filters the
// board to overdue actions, opens one, completes it, and it leaves the
// overdue list.
func TestBrowserManagerCompletesOverdueAction(t *testing.T) {
	t.Parallel()
	ctx, axe := browser(t)
	s := newStack(t, false)
	var area int16
	testenv.SQL(t, s.st).QueryRow(ctx, `SELECT area_id FROM panels WHERE id = $1`, s.f.panelID).Scan(&area)
	managerID, _ := s.st.CreateUser(ctx, store.User{Name: "Morgan Manager", Email: "morgan@example.org", Role: "manager", AreaID: &area})
	s.st.SetPassword(ctx, managerID, "correct horse battery")
	// Managers sign in with a second factor: enrol one, confirmed with a
	// code from a minute and a half ago so that the code typed below is a
	// later one, as the replay check requires.
	secret := enrolTOTP(t, s.st, store.User{ID: managerID, Name: "Morgan Manager", Email: "morgan@example.org", Role: domain.StaffManager, AreaID: &area})
	var overdue, upcoming int64
	testenv.SQL(t, s.st).QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		VALUES ($1, $2, 'Brief lawyers on s.66 uplift', 'Owner', 'o@example.org', 'Morgan Manager', 'morgan@example.org', current_date - 20) RETURNING id`, s.f.panelID, area).Scan(&overdue)
	testenv.SQL(t, s.st).QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		VALUES ($1, $2, 'Review ISVA referral letters', 'Owner', 'o@example.org', 'Morgan Manager', 'morgan@example.org', current_date + 20) RETURNING id`, s.f.panelID, area).Scan(&upcoming)
	for _, id := range []int64{overdue, upcoming} {
		if _, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: action.WorkflowID(id), TaskQueue: taskQueue}, actionflow.ActionWorkflow, action.ActionInput{ActionID: id}); err != nil {
			t.Fatal(err)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/actions"), chromedp.WaitVisible(`#email`)); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "sign in")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(`#email`, "morgan@example.org"),
		chromedp.SendKeys(`#password`, "correct horse battery"),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#code`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "second factor")
	code, _ := totp.Code(secret, time.Now())
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#code`, code),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`form.filters`),
		chromedp.Click(`input[name=overdue]`),
		chromedp.Click(`form.filters button`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		search, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.search : ""`))
		return err == nil && strings.Contains(search, "overdue=true")
	})
	overdueRows := `document.querySelectorAll('tbody tr.overdue').length`
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](overdueRows))
	if err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Fatalf("overdue rows on the board: %d", rows)
	}
	checkAccessibility(t, ctx, axe, "action board")
	screenshot(t, ctx, "manager-board.png")
	if err := chromedp.Do(ctx, chromedp.Click(`tr.overdue a`), chromedp.WaitVisible(`#note`)); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "action page")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#note`, "All hate crime lawyers briefed in March."),
		chromedp.Click(`form[action$="/complete"] button`),
		chromedp.WaitVisible(`.panel-confirm`),
	)
	if err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(`.panel-confirm`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/actions?overdue=true"), chromedp.WaitVisible(`table`)); err != nil {
		t.Fatal(err)
	}
	if rows, err = chromedp.Run(ctx, chromedp.Evaluate[int](overdueRows)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "completed") || rows != 0 {
		t.Errorf("after completing: flash %q, %d overdue rows left", flash, rows)
	}
	var status string
	testenv.SQL(t, s.st).QueryRow(ctx, `SELECT status FROM actions WHERE id = $1`, overdue).Scan(&status)
	if status != "completed" {
		t.Errorf("action status in PostgreSQL: %s", status)
	}
}

// TestBrowserCoordinatorPages: a coordinator signs in, starts a cycle from
// the form (after being told what a first, incomplete attempt lacked) and
// approves the selection on the cycle's page; every page passes axe.
func TestBrowserCoordinatorPages(t *testing.T) {
	t.Parallel()
	ctx, axe := browser(t)
	s := newStack(t, false)
	id, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: "coordinator", PanelIDs: []int64{s.f.panelID}})
	s.st.SetPassword(ctx, id, "correct horse battery")
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.url+"/cycles/new"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, "cath@example.org"),
		chromedp.SendKeys(`#password`, "correct horse battery"),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#window_start`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "start a cycle")
	if err := chromedp.Do(ctx, chromedp.Click(`main form button[type=submit]`), chromedp.WaitVisible(`.error-summary`)); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "start a cycle with errors")
	now := time.Now().UTC()
	meeting := time.Now().In(time.UTC).AddDate(0, 1, 0).Format("2006-01-02") + " 18:00"
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#window_start`, now.AddDate(0, -3, 0).Format(time.DateOnly)),
		chromedp.SendKeys(`#window_end`, now.Format(time.DateOnly)),
		chromedp.SendKeys(`#quotas`, "race=2, disability=1"),
		chromedp.SendKeys(`[id="meeting.start"]`, meeting),
		chromedp.SendKeys(`[id="meeting.location"]`, "Cardiff office"),
		chromedp.Click(`main form button[type=submit]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The cases are drawn a moment after the cycle starts; the coordinator
	// reloads the page until the selection is ready to check.
	waitFor(t, func() bool {
		path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err != nil || !strings.HasPrefix(path, "/cycles/") || path == "/cycles/new" {
			return false
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+path), chromedp.WaitVisible(`h1`)); err != nil {
			return false
		}
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action$="/approve"]').length`))
		return err == nil && n == 1
	})
	checkAccessibility(t, ctx, axe, "cycle page")
	if err := chromedp.Do(ctx, chromedp.Click(`form[action$="/approve"] button`), chromedp.WaitVisible(`.panel-confirm`)); err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(`.panel-confirm`))
	if err != nil || !strings.Contains(flash, "approved") {
		t.Errorf("after approving: %q %v", flash, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/cycles"), chromedp.WaitVisible(`table`)); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, axe, "cycles dashboard")
	// Everyone: an out-of-date link is explained in plain English.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/m/an-old-link"), chromedp.WaitVisible(`h1`)); err != nil {
		t.Fatal(err)
	}
	heading, _ := chromedp.Run(ctx, chromedp.Text(`[lang=en] h1`)) // it names nobody: Welsh, then English
	if heading != "This link does not work" {
		t.Errorf("expired link page: %q", heading)
	}
	checkAccessibility(t, ctx, axe, "error page")
}

// enrolTOTP turns on a second factor for u and returns its secret.
func enrolTOTP(t *testing.T, st *store.Store, u store.User) string {
	t.Helper()
	ctx := context.Background()
	secret, err := st.EnrolmentSecret(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	earlier := time.Now().Add(-3 * totp.Step)
	code, _ := totp.Code(secret, earlier)
	if _, err := st.ConfirmTOTP(ctx, u, code, earlier); err != nil {
		t.Fatal(err)
	}
	return secret
}
