package loadrun_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/loadrun"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

const taskQueue = "scrutiny-load"

// TestSmallLoad is the load run in small: three cycles at once on real
// PostgreSQL, Temporal and SMTP, every review of 36 members submitted over
// the API. Every review accepted must be in PostgreSQL and counted by its
// cycle, every email must reach the SMTP server exactly once, and every
// cycle must close with its minutes issued. Nothing here is timed.
func TestSmallLoad(t *testing.T) {
	st := testenv.DB(t)
	catcher, sender := testenv.SMTP(t, nil)
	c := temporalenv.Start(t).Client()
	signer, err := links.NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(nil)
	t.Cleanup(api.Close)
	// Each member's requests come through loopback with their own
	// address, as from their own network.
	cfg := config.Config{TaskQueue: taskQueue, PublicURL: api.URL, TrustedProxies: []string{"127.0.0.1"}}
	api.Config.Handler = server.New(server.Deps{Store: st, Temporal: c, Config: cfg, Links: signer}).Handler()
	w := worker.New(c, taskQueue, worker.Deps{Store: st, Mailer: sender, Links: signer, PublicURL: api.URL})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	rep, err := loadrun.Run(context.Background(), loadrun.Stack{Store: st, Temporal: c, BaseURL: api.URL, Mail: catcher},
		loadrun.Options{Cycles: 3, Progress: t.Logf})
	var out bytes.Buffer
	if rep != nil {
		rep.Print(&out)
		t.Log("\n" + out.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatal("the load run left something unaccounted for")
	}
	const members, cases = 3 * 12, 3 * 12 * 10
	if rep.MemberReviews != members || rep.CaseReviews != cases || rep.ReviewsStored != cases || rep.ReviewsCounted != cases {
		t.Errorf("reviews: %d members, %d accepted, %d stored, %d counted; want %d members and %d of each",
			rep.MemberReviews, rep.CaseReviews, rep.ReviewsStored, rep.ReviewsCounted, members, cases)
	}
	// At the least each member's invite, conflict notice, pack and minutes.
	if rep.Emails < 4*members || rep.EmailsReceived != rep.Emails || rep.Duplicates+rep.Missing+rep.Stray != 0 {
		t.Errorf("emails: %d outbox rows, %d received, %d duplicated, %d missing, %d stray",
			rep.Emails, rep.EmailsReceived, rep.Duplicates, rep.Missing, rep.Stray)
	}
	if rep.CyclesClosed != 3 || rep.HistorySampled == 0 || rep.HistoryEvents == 0 {
		t.Errorf("%d cycles closed; %d histories sampled, %.1f events each", rep.CyclesClosed, rep.HistorySampled, rep.HistoryEvents)
	}
}
