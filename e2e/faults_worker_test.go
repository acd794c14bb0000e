package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/payloadcrypt"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

// workerProcess is `scrutiny worker` running as a separate OS process, as
// it does in production, so that it can be killed outright.
type workerProcess struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

// startWorkerProcess runs the scrutiny command's worker with env.
func startWorkerProcess(t *testing.T, bin string, env []string) *workerProcess {
	t.Helper()
	w := &workerProcess{cmd: exec.Command(bin, "worker"), out: &bytes.Buffer{}}
	w.cmd.Dir = t.TempDir() // no .env file of the repository is read
	w.cmd.Env = append(os.Environ(), env...)
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			w.cmd.Process.Kill()
			w.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker %d said:\n%s", w.cmd.Process.Pid, w.out)
		}
	})
	return w
}

// kill ends the worker with SIGKILL: no shutdown, no last word to Temporal.
func (w *workerProcess) kill(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	w.cmd.Wait()
}

// randomKey is n random bytes in base64: production-grade secrets, which
// the worker's start-up checks accept where the test keys are refused.
func randomKey(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// TestFaultWorkerKilledWhilePacksGoOut: a worker process is killed with
// SIGKILL while the packs are being sent, one slow SMTP conversation at a
// time; a new worker process takes over. Every member who signed the
// confidentiality agreement gets their pack under exactly one Message-ID,
// each pack row is sent once, and the only repeated deliveries are the
// ones the outbox counted as possible re-sends after the crash, under the
// same Message-ID.
func TestFaultWorkerKilledWhilePacksGoOut(t *testing.T) {
	t.Parallel()
	bin := scrutinyCommand(t)
	st := testenv.DB(t)
	ctx := context.Background()
	now := time.Now().UTC()
	f := seed(t, st, now)
	db := testenv.SQL(t, st)
	for i := range 5 {
		if _, err := db.Exec(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, $3, 'member', now())`,
			f.panelID, fmt.Sprintf("Member %d", i), fmt.Sprintf("member%d@example.org", i)); err != nil {
			t.Fatal(err)
		}
	}
	var recipients []string
	rows, err := db.Query(ctx, `SELECT email FROM members WHERE panel_id = $1 AND confidentiality_signed_on IS NOT NULL ORDER BY email`, f.panelID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		rows.Scan(&e)
		recipients = append(recipients, e)
	}
	rows.Close()

	// Each message waits a second in the SMTP conversation, so the kill
	// lands while packs are going out.
	catcher, err := mailcatcher.New(mailcatcher.Options{Reject: func(string) bool { time.Sleep(time.Second); return false }})
	if err != nil {
		t.Fatal(err)
	}
	smtpAddr, err := catcher.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	smtpHost, smtpPort, _ := net.SplitHostPort(smtpAddr)

	srv := temporalenv.Start(t)
	payloadKeys := "faults:" + randomKey(32)
	codec, err := payloadcrypt.FromConfig(payloadKeys)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace(), DataConverter: codec.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	const queue = "scrutiny-faults-worker"
	env := []string{"DATABASE_URL=" + testenv.URL(t, st), "MIGRATE_DATABASE_URL=", "TEMPORAL_ADDRESS=" + srv.HostPort(), "TEMPORAL_NAMESPACE=" + srv.Namespace(),
		"TEMPORAL_TASK_QUEUE=" + queue, "SMTP_HOST=" + smtpHost, "SMTP_PORT=" + smtpPort, "SMTP_TLS=none", "SMTP_USERNAME=", "SMTP_PASSWORD=",
		"LINK_SIGNING_KEY=" + randomKey(48), "PAYLOAD_KEYS=" + payloadKeys, "PACK_DELIVERY=attach", "DIGEST_ENABLED=false", "RETENTION_ENABLED=false"}
	first := startWorkerProcess(t, bin, env)

	meetingAt := now.Add(10 * time.Minute).Truncate(time.Second)
	in := cycle.CycleInput{PanelID: f.panelID, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2},
		Meeting: cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff office"},
		Timing: cycle.Timing{ConflictCheckBefore: 10*time.Minute - 5*time.Second, PacksBefore: 10*time.Minute - 15*time.Second, ReviewsDueBefore: time.Minute,
			RevokeAfter: time.Hour, Reminders: []time.Duration{}, ApprovalNudgeEvery: time.Hour},
		StartedBy: "cath@example.org", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org"}
	id := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, cycleflow.CycleWorkflow, in); err != nil {
		t.Fatal(err)
	}
	waitStage(t, c, id, domain.StageCoordinatorCheck)
	update(t, c, id, cycle.UpdateApproveSelection, nil)

	isPack := func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Your review pack") }
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := catcher.Wait(wctx, 1, isPack); err != nil {
		t.Fatalf("no pack went out: %v", err)
	}
	first.kill(t)
	if n := countPacks(catcher, isPack); n >= len(recipients) {
		t.Fatalf("all %d packs were out before the kill; the test proved nothing", n)
	}

	// The killed attempt's claim on the row it was sending lasts ten
	// minutes (outboxflow.DefaultClaimTTL) so that no live attempt is ever
	// overtaken. Ageing the claims stands in for those minutes passing.
	if _, err := db.Exec(ctx, `UPDATE outbox SET claimed_at = claimed_at - interval '1 hour' WHERE status = 'pending' AND claim_token IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	startWorkerProcess(t, bin, env)

	// The killed worker's activity is retried once its start-to-close
	// timeout (two minutes) has passed.
	sentPacks := func() int {
		var n int
		db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE message_key LIKE 'pack/%' AND status = 'sent'`).Scan(&n)
		return n
	}
	for deadline := time.Now().Add(6 * time.Minute); sentPacks() < len(recipients); time.Sleep(time.Second) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d packs sent after the new worker started", sentPacks(), len(recipients))
		}
	}

	ids := map[string]map[string]int{} // recipient -> Message-ID -> deliveries
	delivered := 0
	for _, m := range catcher.Messages() {
		if !isPack(m) {
			continue
		}
		delivered++
		for _, to := range m.EnvelopeTo {
			if ids[to] == nil {
				ids[to] = map[string]int{}
			}
			ids[to][m.Header.Get("Message-Id")]++
		}
	}
	seen := map[string]string{}
	for _, to := range recipients {
		if len(ids[to]) != 1 {
			t.Errorf("%s got packs under %d Message-IDs %v, want exactly one", to, len(ids[to]), ids[to])
		}
		for mid := range ids[to] {
			if other, ok := seen[mid]; ok {
				t.Errorf("%s and %s share the pack Message-ID %s", other, to, mid)
			}
			seen[mid] = to
		}
	}
	if len(ids) != len(recipients) {
		t.Errorf("packs went to %d addresses, want the %d who signed: %v", len(ids), len(recipients), ids)
	}
	var rowsPerMember, resends int
	db.QueryRow(ctx, `SELECT count(DISTINCT message_key), coalesce(sum(resends), 0) FROM outbox WHERE message_key LIKE 'pack/%'`).Scan(&rowsPerMember, &resends)
	if rowsPerMember != len(recipients) || sentPacks() != len(recipients) {
		t.Errorf("%d pack rows, %d sent, for %d recipients", rowsPerMember, sentPacks(), len(recipients))
	}
	// A re-send is counted whenever an attempt takes over a dead one's
	// claim, whether or not the dead one got as far as sending.
	if delivered > len(recipients)+resends {
		t.Errorf("%d pack deliveries for %d recipients and %d counted re-sends: a pack went out twice unaccounted", delivered, len(recipients), resends)
	}
	t.Logf("%d packs, %d re-sent after the kill with the same Message-ID", len(recipients), resends)
}

// countPacks counts the pack emails caught so far.
func countPacks(c *mailcatcher.Catcher, isPack func(*mailcatcher.Message) bool) int {
	n := 0
	for _, m := range c.Messages() {
		if isPack(m) {
			n++
		}
	}
	return n
}
