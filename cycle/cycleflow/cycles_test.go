package cycleflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv/flowtest"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle/cycleflow"
)

func TestCreateCycleFindsItsRowAndRefusesAnUnknownPanel(t *testing.T) {
	w := newWorld(t)
	first := w.newCycle(t, "cycle-a", map[string]int{"race": 2}, nil)
	again := w.newCycle(t, "cycle-a", map[string]int{"race": 2}, nil)
	if again != first {
		t.Errorf("a repeated start made cycle %d after %d", again, first)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'cycle_started'`); n != 1 {
		t.Errorf("%d cycle_started audit rows, want 1", n)
	}
	var stage string
	w.sql.QueryRow(context.Background(), `SELECT stage FROM cycles WHERE id = $1`, first).Scan(&stage)
	if stage != "selecting" {
		t.Errorf("a new cycle is in stage %q", stage)
	}

	_, err := flowtest.Run[int64](t, w.acts, w.acts.CreateCycle, cycleflow.CreateCycleInput{WorkflowID: "cycle-b", PanelID: 999999,
		WindowStart: windowStart, WindowEnd: windowEnd, StartedBy: "cath", CoordinatorName: "Cath", CoordinatorEmail: "cath@example.org"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || !strings.Contains(err.Error(), "panel 999999 does not exist") {
		t.Errorf("unknown panel: %v", err)
	}
}

func TestCancelCycleSendsCancellationsOnce(t *testing.T) {
	f := newFlow(t)
	cancelled, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.CancelCycle, f.cycleID, "The chair is unavailable")
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(cancelled); !slices.Equal(got, []int64{f.aled, f.bea, f.carys}) {
		t.Fatalf("cancellations went to %v", got)
	}
	e := f.outbox(t, cancelled[0].OutboxID)
	for _, want := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1", fmt.Sprintf("UID:cycle-%d@scrutiny", f.cycleID)} {
		if !strings.Contains(e.CalendarICS, want) {
			t.Errorf("cancellation ICS lacks %q", want)
		}
	}
	if e.Key != fmt.Sprintf("invite-cancel/%d/%d", f.cycleID, f.aled) || !strings.Contains(e.BodyText, "The chair is unavailable") ||
		!strings.HasPrefix(e.Subject, "Cancelled") {
		t.Errorf("cancellation %s: %s\n%s", e.Key, e.Subject, e.BodyText)
	}
	again, _ := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.CancelCycle, f.cycleID, "The chair is unavailable")
	if !slices.Equal(again, cancelled) {
		t.Errorf("a retried cancellation queued %v after %v", again, cancelled)
	}
	var stage, meeting string
	var seq int
	var revoked, cancelledAt *time.Time
	f.sql.QueryRow(context.Background(), `SELECT cy.stage, cy.access_revoked_at, cy.cancelled_at, m.status, m.ics_sequence
		FROM cycles cy JOIN meetings m ON m.cycle_id = cy.id WHERE cy.id = $1`, f.cycleID).Scan(&stage, &revoked, &cancelledAt, &meeting, &seq)
	if stage != "cancelled" || revoked == nil || cancelledAt == nil || meeting != "cancelled" || seq != 1 {
		t.Errorf("after cancelling: stage %s, revoked %v, cancelled %v, meeting %s, sequence %d", stage, revoked, cancelledAt, meeting, seq)
	}
	if n := f.count(t, `SELECT count(*) FROM cycle_cases WHERE cycle_id = $1`, f.cycleID); n == 0 {
		t.Error("cancelling deleted the cycle's records")
	}
}
