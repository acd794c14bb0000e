// Package flowtest holds the checks that the workflow tests of every
// context share, so a cycle test and an action test judge an update the
// same way.
package flowtest

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"
)

// Outcome is an update's outcome in a test: whether it finished and with
// what error.
type Outcome interface{ Finished() (bool, error) }

// MustOK fails the test unless the update finished and was accepted.
func MustOK(t testing.TB, what string, o Outcome) {
	t.Helper()
	done, err := o.Finished()
	if !done {
		t.Fatalf("%s: update never finished", what)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// MustReject fails the test unless the update finished with a rejection
// that mentions want.
func MustReject(t testing.TB, what string, o Outcome, want string) {
	t.Helper()
	done, err := o.Finished()
	if !done {
		t.Fatalf("%s: update never finished", what)
	}
	if err == nil {
		t.Fatalf("%s: accepted, want rejection mentioning %q", what, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: rejected with %q, want it to mention %q", what, err, want)
	}
}

// Run executes an activity of acts in a fresh activity test environment,
// which gives it a real activity context (logger, info) as a worker would.
// Two fresh environments give their first activities the same ID, as
// Temporal does when it retries one.
func Run[T any](t testing.TB, acts any, fn any, args ...any) (T, error) {
	t.Helper()
	return RunIn[T](t, NewEnv(acts), fn, args...)
}

// NewEnv is an activity environment in which each call is a distinct
// activity of one workflow run, with its own activity ID.
func NewEnv(acts any) *testsuite.TestActivityEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	return env
}

// RunIn executes an activity in env and decodes its result.
func RunIn[T any](t testing.TB, env *testsuite.TestActivityEnvironment, fn any, args ...any) (T, error) {
	t.Helper()
	var out T
	val, err := env.ExecuteActivity(fn, args...)
	if err != nil {
		return out, err
	}
	if val != nil && val.HasValue() {
		err = val.Get(&out)
	}
	return out, err
}
