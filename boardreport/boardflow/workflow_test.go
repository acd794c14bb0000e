package boardflow_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/lsip/scrutiny/boardreport/boardflow"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/uktime"
)

// seedSmallArea gives Wales one cycle, met in February 2027, with two
// cases reviewed and one action: every figure is under 5.
func seedSmallArea(t *testing.T, st *store.Store) {
	t.Helper()
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var panel, cycle int64
	var area int16
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'c', '2026-10-01', '2026-12-31', '{}', 't', 'C', 'c@example.org', 'closed') RETURNING id`, panel).Scan(&cycle); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, '2027-02-10 17:00Z', '2027-02-10 19:00Z', 'u')`, cycle)
	exec(`INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		SELECT $1, 'R-' || g, 'hate_crime', 'x', '2026-09-01', 'conviction_plea', 'SECRET SUMMARY' FROM generate_series(1, 2) g`, area)
	exec(`INSERT INTO case_strands SELECT id, 'race' FROM cases`)
	exec(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) SELECT $1, id, 'race', 0, 'selected', 'approved' FROM cases`, cycle)
	exec(`INSERT INTO findings (cycle_id, case_id, category, recorded_by) SELECT $1, id, 'concerns', 'chair' FROM cases`, cycle)
	exec(`INSERT INTO learning_points (cycle_id, text, tag, theme) VALUES ($1, 'SECRET LEARNING', 'prosecution', 'charging')`, cycle)
	exec(`INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, created_at)
		VALUES ($1, $2, $3, 'SECRET ACTION', 'o', 'o@example.org', 'm', 'm@example.org', '2027-03-01', '2027-02-11')`, panel, area, cycle)
}

// TestBoardReportEmailedWithWorkbook: the schedule's workflow, run in
// skipped time on 1 April 2027, reports 1 October 2026 to 31 March 2027:
// it stores the workbook and emails it through the outbox (real
// PostgreSQL, real SMTP) to each Board recipient. The attachment opens,
// has its charts' sheets, holds no figure under 5 and no case detail. A
// second run for the same day sends nothing more.
func TestBoardReportEmailedWithWorkbook(t *testing.T) {
	st := testenv.DB(t)
	catcher, mailer := testenv.SMTP(t, nil)
	seedSmallArea(t, st)
	ctx := context.Background()
	if err := st.SaveBoardReport(ctx, store.BoardReportSettings{Recipients: []string{"chair@board.example", "secretary@board.example"}, DayOfMonth: 1, FirstMonth: 4, UpdatedBy: "admin@example.org"}); err != nil {
		t.Fatal(err)
	}
	run := func() int {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.SetStartTime(time.Date(2027, 4, 1, 8, 0, 0, 0, uktime.London))
		env.RegisterActivity(&boardflow.Activities{Store: st})
		env.RegisterActivity(&outboxflow.Activities{Store: st, Mailer: mailer})
		env.ExecuteWorkflow(boardflow.BoardReportWorkflow)
		var sent int
		if err := env.GetWorkflowResult(&sent); err != nil {
			t.Fatal(err)
		}
		return sent
	}
	if sent := run(); sent != 2 {
		t.Fatalf("sent %d, want 2", sent)
	}
	msgs := catcher.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d emails arrived, want 2", len(msgs))
	}
	for _, m := range msgs {
		att, ok := m.Attachment("board-report-2026-10-01-to-2027-03-31.xlsx")
		if !ok {
			t.Fatalf("email to %v has no report attached: %+v", m.EnvelopeTo, m.Attachments)
		}
		for _, secret := range []string{"SECRET", "R-1"} {
			if bytes.Contains(att.Data, []byte(secret)) || bytes.Contains([]byte(m.Text), []byte(secret)) {
				t.Errorf("the report carries case detail %q", secret)
			}
		}
		assertSuppressed(t, att.Data)
	}
	run()
	if n := len(catcher.Messages()); n != 2 {
		t.Errorf("a second run for the same day sent %d more", n-2)
	}
}

// assertSuppressed fails when the workbook lacks the comparison's sheets,
// when any cell holds a number under 5, or when nothing shows "fewer than 5".
func assertSuppressed(t *testing.T, data []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 5 {
		t.Errorf("sheets %v", sheets)
	}
	suppressed := 0
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, v := range row {
				if n, err := strconv.ParseFloat(v, 64); err == nil && n < 5 {
					t.Errorf("%s row %d column %d holds %v", sheet, r+1, c+1, v)
				}
				if v == "fewer than 5" {
					suppressed++
				}
			}
		}
	}
	if suppressed == 0 {
		t.Error("nothing shows as fewer than 5")
	}
}

// TestBoardReportNeedsRecipients: before an admin sets the Board list up
// the run fails for good, sending nothing.
func TestBoardReportNeedsRecipients(t *testing.T) {
	st := testenv.DB(t)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&boardflow.Activities{Store: st})
	env.RegisterActivity(&outboxflow.Activities{Store: st})
	env.ExecuteWorkflow(boardflow.BoardReportWorkflow)
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("error %v, want a non-retryable refusal", err)
	}
}
