package e2e

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/devstack/freeport"
	"github.com/lsip/scrutiny/devstack/pgcluster"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/testenv"
)

// TestFaultPostgresRestartsDuringActivity: the whole stack runs on a
// throwaway PostgreSQL cluster of its own (never the machine's server).
// The cluster is stopped, the coordinator approves the selection, and the
// approval's activity fails against the missing database; the cluster is
// started again and the activity's retry completes the approval. The cycle
// goes on to the conflict check with the selection approved once, one
// audit entry for it, and one conflict-check email per member who signed.
func TestFaultPostgresRestartsDuringActivity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	// A port below the ephemeral range: while the cluster is stopped, no
	// outgoing connection of the journeys running beside this one can take
	// it, so the cluster starts again where the stack looks for it.
	port, err := freeport.Port("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := pgcluster.Start(ctx, dir, port)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("a throwaway PostgreSQL cluster is required under CI (.ci/run installs initdb and pg_ctl): %v", err)
		}
		t.Skipf("no throwaway PostgreSQL cluster (initdb and pg_ctl are needed): %v", err)
	}
	t.Cleanup(func() { cluster.Stop(context.Background()) })
	s := newStackWith(t, stackOptions{adminURL: cluster.URL("postgres")})
	if !strings.HasPrefix(testenv.URL(t, s.st), strings.TrimSuffix(cluster.URL(""), "?sslmode=disable")) {
		t.Fatalf("the test database %s is not on the throwaway cluster", testenv.URL(t, s.st))
	}
	id := startJourneyCycle(t, s)
	cycleID := status(t, s.c, id).CycleID

	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	approved := make(chan error, 1)
	go func() {
		h, err := s.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: cycle.UpdateApproveSelection,
			Args: []any{cycle.ApproveSelectionRequest{By: "cath@example.org"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		approved <- err
	}()
	// Wait until the approval's activity has failed on the stopped
	// database: its retry is pending. (Approvals that name the approver
	// run ApproveSelectionBy; ApproveSelection is only replayed.)
	waitFor(t, func() bool {
		d, err := s.c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return false
		}
		for _, pa := range d.GetPendingActivities() {
			if pa.GetActivityType().GetName() == "ApproveSelectionBy" && pa.GetAttempt() >= 2 {
				return true
			}
		}
		return false
	})
	if cluster, err = pgcluster.Start(ctx, dir, port); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-approved:
		if err != nil {
			t.Fatalf("approval across the restart: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the approval did not complete after PostgreSQL came back")
	}
	waitStage(t, s.c, id, domain.StageConflictCheck)

	db := testenv.SQL(t, s.st)
	waitFor(t, func() bool {
		var pending int
		db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&pending)
		return pending == 0 && len(s.catcher.Messages()) > 0
	})
	var approvedCases, audits int
	db.QueryRow(ctx, `SELECT (SELECT count(*) FROM cycle_cases WHERE cycle_id = $1 AND status = $2),
		(SELECT count(*) FROM audit_log WHERE action = 'selection_approved' AND subject_type = 'cycle' AND subject_id = $3)`,
		cycleID, domain.CaseApproved, strconv.FormatInt(cycleID, 10)).Scan(&approvedCases, &audits)
	if approvedCases != 2 || audits != 1 {
		t.Errorf("after the restart: %d cases approved (want 2), %d approval audit entries (want 1)", approvedCases, audits)
	}
	for _, to := range []string{"aled@example.org", "bea@example.org", "cai@example.org"} {
		n := 0
		for _, m := range s.catcher.Messages() {
			if strings.HasPrefix(m.Subject, "Before the packs go out") && slices.Contains(m.EnvelopeTo, to) {
				n++
			}
		}
		want := 1
		if to == "cai@example.org" {
			want = 0 // has not signed the confidentiality agreement
		}
		if n != want {
			t.Errorf("%s got %d conflict-check emails, want %d", to, n, want)
		}
	}
}
