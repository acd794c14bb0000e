package outboxflow_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestFaultSMTPDownForAnHour: the mail server is unreachable (nothing
// listens on its port) for most of an hour of skipped time, then comes back. The
// real delivery activity, retried by Temporal with backoff, fails against
// the closed port and records why; half-way through the outage the cycle's
// mail shows as delayed, which is what the coordinator's cycle status
// reports, and the member is not marked unreachable. Once the server
// listens again the message is delivered exactly once and no longer shows
// as delayed.
func TestFaultSMTPDownForAnHour(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // down: nothing listens here until the server comes back
	m, err := mailer.New(mailer.Config{Host: "127.0.0.1", Port: port, TLS: "none", From: "LSIP scrutiny <scrutiny@localhost>"})
	if err != nil {
		t.Fatal(err)
	}
	const cycleID = 77
	member := addMember(t, st, "efa@example.org")
	id, err := st.EnqueueMail(ctx, store.Mail{Key: fmt.Sprintf("pack/%d/%d", cycleID, member), ToAddress: "efa@example.org", MemberID: &member, Subject: "Your review pack", BodyText: "Hello"})
	if err != nil {
		t.Fatal(err)
	}

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	// The real activity, under its own name. The test suite stops retrying
	// after ten attempts (production retries without limit), and the
	// standard backoff takes about nine minutes to reach its ten-minute
	// cap; each failure here asks for that cap at once, so the hour is
	// covered in six retries, as production's settle into.
	acts := &outboxflow.Activities{Store: st, Mailer: m}
	env.RegisterActivityWithOptions(func(ctx context.Context, outboxID int64) (domain.MailStatus, error) {
		res, err := acts.DeliverMail(ctx, outboxID)
		if err != nil {
			return res, temporal.NewApplicationErrorWithOptions(err.Error(), "MailDelayed", temporal.ApplicationErrorOptions{NextRetryDelay: 10 * time.Minute, Cause: err})
		}
		return res, nil
	}, activity.RegisterOptions{Name: "DeliverMail"})
	var during store.OutboxEntry
	var delayed store.DelayedMail
	env.RegisterDelayedCallback(func() {
		during, _ = st.OutboxByID(ctx, id)
		delayed, _ = st.DelayedCycleMail(ctx, cycleID)
	}, 30*time.Minute)
	catcher, err := mailcatcher.New(mailcatcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	env.RegisterDelayedCallback(func() {
		if _, err := catcher.Start(addr); err != nil {
			t.Errorf("the mail server could not come back on %s: %v", addr, err)
		}
	}, 55*time.Minute)
	env.ExecuteWorkflow(outboxflow.SendMailWorkflow, id)

	var result domain.MailStatus
	if err := env.GetWorkflowResult(&result); err != nil || result != domain.MailSent {
		t.Fatalf("delivery after the outage = %q, %v; want sent", result, err)
	}
	if during.Status != domain.MailPending || during.Attempts < 3 || !strings.Contains(during.LastError, "refused") {
		t.Errorf("half-way through the outage the row is %q after %d attempts with error %q; want pending, retried, the refusal recorded", during.Status, during.Attempts, during.LastError)
	}
	if delayed.Count != 1 || !strings.Contains(delayed.LastError, "refused") {
		t.Errorf("half-way through the outage the cycle's delayed mail is %+v; want the one message with its error", delayed)
	}
	if got := catcher.Messages(); len(got) != 1 || got[0].EnvelopeTo[0] != "efa@example.org" {
		t.Fatalf("%d messages after the outage, want exactly 1 to efa@example.org", len(got))
	}
	after, _ := st.OutboxByID(ctx, id)
	if after.Status != domain.MailSent || after.Resends != 0 {
		t.Errorf("after the outage the row is %q with %d re-sends; want sent, none", after.Status, after.Resends)
	}
	if d, _ := st.DelayedCycleMail(ctx, cycleID); d.Count != 0 {
		t.Errorf("delivered mail still shows as delayed: %+v", d)
	}
	if unreachable, _ := st.MemberUnreachable(ctx, member); unreachable {
		t.Error("an outage of the mail server marked the member unreachable")
	}
}
