package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestFirstSignInLink: the link `scrutiny users create -admin` prints
// greets the admin, refuses a weak or mistyped password with the reason
// beside the field, then sets the password, signs the admin in to set up
// their second factor (and nothing else until they do), and stops
// working.
func TestFirstSignInLink(t *testing.T) {
	st := testenv.DB(t)
	ctx := t.Context()
	id, err := st.CreateUser(ctx, store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.IssueAccountLink(ctx, id, store.LinkFirstSignIn, time.Hour, "cli")
	if err != nil {
		t.Fatal(err)
	}
	unused, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer unused.Close()
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: unused}).Handler())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	link := srv.URL + "/account/" + token

	code, body := fetch(t, noRedirect, http.MethodGet, link, nil)
	if code != http.StatusOK || !strings.Contains(body, "ada@cps.example") || !strings.Contains(body, "Welcome, Ada Admin") {
		t.Fatalf("GET link = %d\n%s", code, body)
	}
	code, body = fetch(t, noRedirect, http.MethodPost, link, url.Values{"password": {"short"}, "password_again": {"short"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Use at least 12 characters") {
		t.Fatalf("short password = %d\n%s", code, body)
	}
	code, body = fetch(t, noRedirect, http.MethodPost, link, url.Values{"password": {"password1234"}, "password_again": {"password1234"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "attackers try first") {
		t.Fatalf("common password = %d\n%s", code, body)
	}
	code, body = fetch(t, noRedirect, http.MethodPost, link, url.Values{"password": {"correct horse battery"}, "password_again": {"correct horse batery"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "not the same") {
		t.Fatalf("mistyped second password = %d\n%s", code, body)
	}

	form := url.Values{"password": {"correct horse battery"}, "password_again": {"correct horse battery"}}
	resp, err := noRedirect.PostForm(link, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "scrutiny_session" {
			session = ck
		}
	}
	// An admin must set up a second factor before anything else.
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/me/two-factor") || session == nil || !session.HttpOnly {
		t.Fatalf("good password = %d to %q, session cookie %+v", resp.StatusCode, resp.Header.Get("Location"), session)
	}
	for path, want := range map[string]int{"/me/two-factor": http.StatusOK, "/cycles": http.StatusSeeOther} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.AddCookie(session)
		signedIn, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		signedIn.Body.Close()
		if signedIn.StatusCode != want {
			t.Errorf("GET %s with the new session: %d, want %d", path, signedIn.StatusCode, want)
		}
	}

	code, body = fetch(t, noRedirect, http.MethodPost, link, form)
	if code != http.StatusGone || !strings.Contains(body, "already been used") {
		t.Errorf("second use = %d\n%s", code, body)
	}
	if code, _ := fetch(t, noRedirect, http.MethodGet, srv.URL+"/account/acl_made_up", nil); code != http.StatusGone {
		t.Errorf("unknown link = %d", code)
	}
}

func fetch(t *testing.T, c *http.Client, method, addr string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(addr, form)
	} else {
		resp, err = c.Get(addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
