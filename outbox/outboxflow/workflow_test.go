package outboxflow

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/lsip/scrutiny/domain"
)

// TestSendMailWorkflowRetriesUntilDelivered: a mail outage fails the first
// delivery; the workflow retries and reports the row sent.
func TestSendMailWorkflowRetriesUntilDelivered(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&Activities{})
	attempts := 0
	env.OnActivity(deliver.DeliverMail, mock.Anything, int64(42)).Return(func(context.Context, int64) (domain.MailStatus, error) {
		attempts++
		if attempts == 1 {
			return "", errors.New("connection refused")
		}
		return domain.MailSent, nil
	})
	env.ExecuteWorkflow(SendMailWorkflow, int64(42))
	var got domain.MailStatus
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got != domain.MailSent || attempts != 2 {
		t.Errorf("result %q after %d attempts, want sent after 2", got, attempts)
	}
}
