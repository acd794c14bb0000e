package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

const coordQueue = "coordinator-pages"

// coordEnv is scrutiny for the coordinator page tests: real PostgreSQL
// with a Wales panel of two members who have signed the confidentiality
// agreement, and (when asked for) Temporal with a worker and a real SMTP
// server that refuses any address starting "bounce".
type coordEnv struct {
	t        *testing.T
	st       *store.Store
	db       testenv.RawSQL
	temporal client.Client
	mail     *mailcatcher.Catcher
	signer   *links.Signer
	url      string
	panel    int64
	aled     int64
	bea      int64
}

func startCoordEnv(t *testing.T, withTemporal bool) *coordEnv {
	t.Helper()
	ctx := context.Background()
	st := testenv.DB(t)
	e := &coordEnv{t: t, st: st, db: testenv.SQL(t, st)}
	e.signer, _ = links.NewSigner([]byte(strings.Repeat("k", 32)))
	srv := httptest.NewUnstartedServer(nil)
	e.url = "http://" + srv.Listener.Addr().String()
	if withTemporal {
		e.temporal = temporalenv.Start(t).Client()
		catcher, sender := testenv.SMTP(t, func(rcpt string) bool { return strings.HasPrefix(rcpt, "bounce") })
		e.mail = catcher
		w := worker.New(e.temporal, coordQueue, worker.Deps{Store: st, Mailer: sender, Links: e.signer, PublicURL: e.url})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
	} else {
		lazy, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(lazy.Close)
		e.temporal = lazy
	}
	srv.Config.Handler = server.New(server.Deps{Store: st, Temporal: e.temporal, Config: config.Config{TaskQueue: coordQueue, PublicURL: e.url}, Links: e.signer}).Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	e.must(e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'hate_crime' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&e.panel))
	_, err := e.db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, 'race'), ($1, 'disability')`, e.panel)
	e.must(err)
	add := func(name, email string) int64 {
		var id int64
		e.must(e.db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, $3, 'member', current_date) RETURNING id`,
			e.panel, name, email).Scan(&id))
		return id
	}
	e.aled, e.bea = add("Aled Jones", "aled@example.org"), add("Bea Khan", "bounce.bea@example.org")
	return e
}

func (e *coordEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// seedCases adds closed Welsh cases in the panel's strands, finalised two
// months ago.
func (e *coordEnv) seedCases() {
	now := time.Now().UTC()
	var recs []domain.CaseRecord
	for i := range 6 {
		strand := "race"
		if i >= 4 {
			strand = "disability"
		}
		recs = append(recs, domain.CaseRecord{AreaCode: "wales", Reference: fmt.Sprintf("WAL-HC-%03d", i), URN: fmt.Sprintf("SECRETURN%03d", i),
			Category: domain.HateCrime, Strands: []string{strand}, PrincipalOffence: "Racially aggravated harassment",
			FinalisedOn: now.AddDate(0, -2, 0), Outcome: domain.ConvictionPlea, Summary: fmt.Sprintf("Summary of case %d.", i)})
	}
	e.must(e.st.InTx(context.Background(), func(tx *store.Tx) error { _, _, err := tx.UpsertCases(context.Background(), recs); return err }))
}

// staff makes a staff user and returns their browser with a full session
// (store.Login, as the tests do: the second factor is another test's).
func (e *coordEnv) staff(u store.User) *coordBrowser {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.st.CreateUser(ctx, u)
	e.must(err)
	e.must(e.st.SetPassword(ctx, id, "correct horse battery"))
	cookie, _, err := e.st.Login(ctx, u.Email, "correct horse battery", time.Hour)
	e.must(err)
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(e.url)
	jar.SetCookies(base, []*http.Cookie{{Name: "scrutiny_session", Value: cookie, Path: "/"}})
	return &coordBrowser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// coordBrowser is one signed-in person's browser; it does not follow
// redirects, so each answer can be checked.
type coordBrowser struct {
	e      *coordEnv
	client *http.Client
}

func (b *coordBrowser) get(path string) (int, string, string) {
	b.e.t.Helper()
	return b.do(b.client.Get(b.e.url + path))
}

// post sends a form, with the CSRF token from csrfFrom's page when that
// is not empty.
func (b *coordBrowser) post(path string, form url.Values, csrfFrom string) (int, string, string) {
	b.e.t.Helper()
	if csrfFrom != "" {
		form.Set("csrf", b.csrf(csrfFrom))
	}
	return b.do(b.client.PostForm(b.e.url+path, form))
}

func (b *coordBrowser) csrf(from string) string {
	b.e.t.Helper()
	_, _, page := b.get(from)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on %s:\n%s", from, page)
	}
	return m[1]
}

// upload sends a file as the form field "file", with the CSRF token from
// csrfFrom's page.
func (b *coordBrowser) upload(path, filename string, data []byte, csrfFrom string) (int, string, string) {
	b.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", b.csrf(csrfFrom))
	part, _ := w.CreateFormFile("file", filename)
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.url+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(b.client.Do(req))
}

func (b *coordBrowser) do(resp *http.Response, err error) (int, string, string) {
	b.e.t.Helper()
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// waitFor polls cond for up to a minute.
func (e *coordEnv) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitMail waits for a message to the address whose subject contains
// subject, and returns it.
func (e *coordEnv) waitMail(to, subject string) *mailcatcher.Message {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	got, err := e.mail.Wait(ctx, 1, func(m *mailcatcher.Message) bool {
		return strings.Contains(strings.Join(m.EnvelopeTo, ","), to) && strings.Contains(m.Subject, subject)
	})
	if err != nil {
		e.t.Fatalf("waiting for %q to %s: %v", subject, to, err)
	}
	return got[0]
}

// memberLinkWorks reports whether a member's personal link opens their
// page through the API (anything but 401 and 403).
func (e *coordEnv) memberLinkWorks(token string) bool {
	e.t.Helper()
	resp, err := http.Get(e.url + "/api/v1/m/" + token)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden
}
