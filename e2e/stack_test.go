package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

// stack is the whole system on real services: a fresh database with the
// Wales fixture (or with nothing: stackOptions.empty), an SMTP server, the
// Temporal server, a worker, and the HTTP server.
type stack struct {
	st      *store.Store
	catcher *mailcatcher.Catcher
	c       client.Client
	url     string
	signer  *links.Signer
	deps    worker.Deps
	f       fixture
	// stopWorker stops the running worker.
	stopWorker func()
}

// newStack starts everything; attachPacks sends packs attached to their
// emails rather than behind the link.
func newStack(t *testing.T, attachPacks bool) *stack {
	t.Helper()
	return newStackWith(t, stackOptions{attachPacks: attachPacks})
}

// stackOptions vary the stack for a journey.
type stackOptions struct {
	attachPacks bool
	// empty leaves the database as the migrations make it, as a new
	// installation's is: no panel, member, case or account (f is zero).
	empty bool
	// reject makes the SMTP server refuse these recipients with a
	// permanent error, as a bounce.
	reject func(rcpt string) bool
	// adminURL is the PostgreSQL server the database is made on, as a
	// superuser; empty is testenv.AdminURL's.
	adminURL string
}

func newStackWith(t *testing.T, o stackOptions) *stack {
	t.Helper()
	adminURL := o.adminURL
	if adminURL == "" {
		adminURL = testenv.AdminURL()
	}
	st := testenv.DBOn(t, adminURL)
	catcher, sender := testenv.SMTP(t, o.reject)
	c := temporalenv.Start(t).Client()
	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	api := httptest.NewServer(nil)
	t.Cleanup(api.Close)
	deps := worker.Deps{Store: st, Mailer: sender, Links: signer, PublicURL: api.URL, AttachPacks: o.attachPacks}
	api.Config.Handler = server.New(server.Deps{Store: st, Temporal: c, Config: config.Config{TaskQueue: taskQueue, PublicURL: api.URL}, Links: signer}).Handler()
	s := &stack{st: st, catcher: catcher, c: c, url: api.URL, signer: signer, deps: deps}
	if !o.empty {
		s.f = seed(t, st, time.Now().UTC())
	}
	s.stopWorker = startWorker(t, c, deps)
	t.Cleanup(func() { s.stopWorker() })
	return s
}

// restartWorker stops the worker and starts a new one, as a deploy or a
// crash would.
func (s *stack) restartWorker(t *testing.T) {
	s.stopWorker()
	s.stopWorker = startWorker(t, s.c, s.deps)
}
