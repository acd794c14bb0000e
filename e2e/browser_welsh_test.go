package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/testenv"
)

// TestBrowserWelshMemberPage: a member who prefers Welsh gets their pack
// email in Welsh, opens the link on a phone and sees their page in Welsh,
// marked as Welsh for a screen reader, opens a case's review form in
// Welsh, and both pages pass axe.
func TestBrowserWelshMemberPage(t *testing.T) {
	t.Parallel()
	ctx, axe := browser(t)
	s := newStack(t, false)
	if _, err := testenv.SQL(t, s.st).Exec(ctx, `UPDATE members SET language = 'cy' WHERE id = $1`, s.f.bea); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	meetingAt := now.Add(2 * time.Hour)
	in := cycle.CycleInput{PanelID: s.f.panelID, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2}, Seed: 5,
		Meeting:   cycle.Meeting{Start: meetingAt, End: meetingAt.Add(time.Hour), Location: "Swyddfa Caerdydd"},
		Timing:    cycle.Timing{ConflictCheckBefore: 2*time.Hour - 2*time.Second, PacksBefore: 2*time.Hour - 4*time.Second, ReviewsDueBefore: time.Hour, RevokeAfter: time.Hour, Reminders: []time.Duration{}, ApprovalNudgeEvery: time.Hour},
		StartedBy: "c", CoordinatorName: "Cath", CoordinatorEmail: "cath@example.org"}
	id := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	if _, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, cycleflow.CycleWorkflow, in); err != nil {
		t.Fatal(err)
	}
	waitStage(t, s.c, id, domain.StageCoordinatorCheck)
	update(t, s.c, id, cycle.UpdateApproveSelection, nil)
	packs, err := s.catcher.Wait(ctx, 1, func(m *mailcatcher.Message) bool {
		return m.EnvelopeTo[0] == "bea@example.org" && strings.HasPrefix(m.Subject, "Eich pecyn adolygu")
	})
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, line := range strings.Split(packs[0].Text, "\n") {
		if strings.Contains(line, "/m/") {
			link = strings.TrimSpace(line)
		}
	}
	if link == "" {
		t.Fatal("no personal link in Bea's Welsh pack email")
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(link), chromedp.WaitVisible(`h1`)); err != nil {
		t.Fatal(err)
	}
	page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + "\n" + document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(page, "cy\n") || !strings.Contains(page, "Eich achosion") || strings.Contains(page, "Your cases") || i18n.Missing(page) {
		t.Errorf("Bea's page is not in Welsh:\n%s", page)
	}
	checkAccessibility(t, ctx, axe, "Welsh member home")
	checkReflow(t, ctx, "Welsh member home")
	screenshot(t, ctx, "member-home-welsh.png")

	if err := chromedp.Do(ctx, chromedp.Click(`td a`), chromedp.WaitVisible(`form[data-autosave]`)); err != nil {
		t.Fatal(err)
	}
	form, err := chromedp.Run(ctx, chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(form, "Anfon fy adolygiad") || !strings.Contains(form, "Arfer da") || i18n.Missing(form) {
		t.Errorf("Bea's review form is not in Welsh:\n%s", form)
	}
	checkAccessibility(t, ctx, axe, "Welsh review form")
	checkReflow(t, ctx, "Welsh review form")
}

// checkReflow fails when the page scrolls sideways at the phone's width:
// Welsh words are longer than English ones, and text that runs off a
// phone's screen fails WCAG's reflow criterion (1.4.10).
func checkReflow(t *testing.T, ctx context.Context, pageName string) {
	t.Helper()
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if widths[0] > widths[1] {
		t.Errorf("%s scrolls sideways on a phone: %d pixels wide in a %d-pixel window", pageName, widths[0], widths[1])
	}
}
