package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/digest"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

func TestWeeklyDigestScheduleAndEmail(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	st, catcher, c, f := s.st, s.catcher, s.c, s.f
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Created once however often the worker starts; removed when switched off.
	for range 2 {
		if err := digest.EnsureSchedule(ctx, c, taskQueue, true); err != nil {
			t.Fatal(err)
		}
	}
	desc, err := c.ScheduleClient().GetHandle(ctx, digest.ScheduleID).Describe(ctx)
	if err != nil || desc.Schedule.Spec.TimeZoneName != "Europe/London" {
		t.Fatalf("schedule: %v %v", desc, err)
	}
	if err := digest.EnsureSchedule(ctx, c, taskQueue, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ScheduleClient().GetHandle(ctx, digest.ScheduleID).Describe(ctx); err == nil {
		t.Error("the schedule survived being switched off")
	}

	var area int16
	testenv.SQL(t, st).QueryRow(ctx, `SELECT area_id FROM panels WHERE id = $1`, f.panelID).Scan(&area)
	st.CreateUser(ctx, store.User{Name: "Morgan Manager", Email: "manager@example.org", Role: "manager", AreaID: &area})
	testenv.SQL(t, st).Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		VALUES ($1, $2, 'Overdue action', 'O', 'o@example.org', 'M', 'manager@example.org', current_date - 3),
		       ($1, $2, 'Upcoming action', 'O', 'o@example.org', 'M', 'manager@example.org', current_date + 30)`, f.panelID, area)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "digest-test", TaskQueue: taskQueue}, digest.DigestWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	var sent int
	if err := run.Get(ctx, &sent); err != nil || sent != 1 {
		t.Fatalf("digest sent %d, %v", sent, err)
	}
	msgs, err := catcher.Wait(ctx, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if m.EnvelopeTo[0] != "manager@example.org" || !strings.Contains(m.Subject, "2 outstanding, 1 overdue") || len(m.Attachments) != 1 {
		t.Fatalf("digest email: %s to %v with %d attachments", m.Subject, m.EnvelopeTo, len(m.Attachments))
	}
	wb, err := excelize.OpenReader(bytes.NewReader(m.Attachments[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows("Actions")
	if len(rows) != 3 {
		t.Errorf("export attached has %d action rows, want 2", len(rows)-1)
	}
}
