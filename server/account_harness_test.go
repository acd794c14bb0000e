package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

// accountEnv is a running scrutiny for the account tests: real
// PostgreSQL, Temporal with a worker that delivers mail, and a real SMTP
// server catching it.
type accountEnv struct {
	t    *testing.T
	st   *store.Store
	db   testenv.RawSQL
	mail *mailcatcher.Catcher
	url  string
}

func startAccountEnv(t *testing.T) *accountEnv {
	t.Helper()
	st := testenv.DB(t)
	ts := temporalenv.Start(t)
	catcher, sender := testenv.SMTP(t, nil)
	w := worker.New(ts.Client(), "accounts", worker.Deps{Store: st, Mailer: sender})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	e := &accountEnv{t: t, st: st, db: testenv.SQL(t, st), mail: catcher}
	srv := httptest.NewUnstartedServer(nil)
	e.url = "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = server.New(server.Deps{Store: st, Temporal: ts.Client(), Config: config.Config{TaskQueue: "accounts", PublicURL: e.url}}).Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

// browser is one person's browser: it keeps cookies and does not follow
// redirects, so each answer can be checked.
type browser struct {
	e      *accountEnv
	client *http.Client
}

func (e *accountEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a path and returns the status, the redirect and the body.
func (b *browser) get(path string) (int, string, string) {
	b.e.t.Helper()
	return b.do(b.client.Get(b.e.url + path))
}

// post sends a form; the CSRF token is taken from csrfFrom's page first
// when csrfFrom is not empty.
func (b *browser) post(path string, form url.Values, csrfFrom string) (int, string, string) {
	b.e.t.Helper()
	if csrfFrom != "" {
		_, _, page := b.get(csrfFrom)
		form.Set("csrf", find(b.e.t, page, `name="csrf" value="([^"]+)"`))
	}
	return b.do(b.client.PostForm(b.e.url+path, form))
}

func (b *browser) do(resp *http.Response, err error) (int, string, string) {
	b.e.t.Helper()
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// signIn signs in with a password only, expecting to get in.
func (b *browser) signIn(email, password string) {
	b.e.t.Helper()
	if code, to, body := b.post("/login", url.Values{"email": {email}, "password": {password}}, ""); code != http.StatusSeeOther {
		b.e.t.Fatalf("sign in as %s = %d to %q\n%s", email, code, to, body)
	}
}

// find returns the first group of pattern in s, failing the test when
// there is none.
func find(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%s", pattern, s)
	}
	return m[1]
}

// waitMail waits for the nth message to arrive for the address and
// returns it.
func (e *accountEnv) waitMail(to string, n int) *mailcatcher.Message {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := e.mail.Wait(ctx, n, func(m *mailcatcher.Message) bool { return strings.Contains(strings.Join(m.EnvelopeTo, ","), to) })
	if err != nil {
		e.t.Fatalf("waiting for mail %d to %s: %v", n, to, err)
	}
	return got[n-1]
}

// audited counts the audit log's entries with the action.
func (e *accountEnv) audited(action string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}
