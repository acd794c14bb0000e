package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/totp"
)

// apiStatus calls the API with a bearer token.
func (e *accountEnv) apiStatus(token string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/panels", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSessionsTokensAndDeactivation: a coordinator sees their sessions and
// signs out everywhere; makes an API token that is shown once, works, is
// in the audit log when used, and stops when revoked. An admin changes
// their role, then deactivates them, which ends their session and token
// at once.
func TestSessionsTokensAndDeactivation(t *testing.T) {
	e := startAccountEnv(t)
	ctx := context.Background()
	var panel int64
	if err := e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	id := e.staffWithPassword(store.User{Name: "Cara", Email: "cara@cps.example", Role: domain.StaffCoordinator, PanelIDs: []int64{panel}})
	laptop, phone := e.browser(), e.browser()
	laptop.signIn("cara@cps.example", goodPassword)
	phone.signIn("cara@cps.example", goodPassword)
	_, _, page := laptop.get("/me")
	if n := strings.Count(page, "/end\""); n != 2 || strings.Count(page, "This browser") != 1 {
		t.Errorf("the account page lists %d sessions, want 2 with one marked as this browser\n%s", n, page)
	}
	if code, to, _ := laptop.post("/me/sessions/end-all", url.Values{}, "/me"); code != http.StatusSeeOther || to != "/login" {
		t.Fatalf("sign out everywhere = %d to %q", code, to)
	}
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
		if code, to, _ := b.get("/actions"); code != http.StatusSeeOther || !strings.HasPrefix(to, "/login") {
			t.Errorf("the %s is still signed in after signing out everywhere: %d", name, code)
		}
	}

	laptop.signIn("cara@cps.example", goodPassword)
	if code, _, body := laptop.post("/me/tokens", url.Values{"label": {"  "}}, "/me/tokens"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the token a name") {
		t.Errorf("a token without a name = %d", code)
	}
	_, _, body := laptop.post("/me/tokens", url.Values{"label": {"weekly export"}}, "/me/tokens")
	token := find(t, body, `id="new-token">(scr_[A-Za-z0-9_-]+)<`)
	if _, _, list := laptop.get("/me/tokens"); strings.Contains(list, token) || !strings.Contains(list, "weekly export") {
		t.Error("the token is shown again, or not listed, on the tokens page")
	}
	if code := e.apiStatus(token); code != http.StatusOK {
		t.Fatalf("the new token was refused: %d", code)
	}
	if e.audited("token_used") != 1 || e.audited("token_issued") != 1 {
		t.Errorf("audit: %d token uses, %d issued", e.audited("token_used"), e.audited("token_issued"))
	}
	tokens, _ := e.st.TokensOf(ctx, id)
	if code, _, _ := laptop.post("/me/tokens/"+strconv.FormatInt(tokens[0].ID, 10)+"/revoke", url.Values{}, "/me/tokens"); code != http.StatusSeeOther {
		t.Fatalf("revoke = %d", code)
	}
	if code := e.apiStatus(token); code != http.StatusUnauthorized {
		t.Errorf("a revoked token still works: %d", code)
	}
	_, _, body = laptop.post("/me/tokens", url.Values{"label": {"another"}}, "/me/tokens")
	second := find(t, body, `id="new-token">(scr_[A-Za-z0-9_-]+)<`)

	admin, _, _, _ := e.enrolledAdmin("ada@cps.example")
	person := "/admin/people/" + strconv.FormatInt(id, 10)
	if code, _, body := admin.post(person, url.Values{"role": {"manager"}}, person); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose the Area") {
		t.Errorf("a manager without an Area = %d", code)
	}
	if code, _, _ := admin.post(person, url.Values{"role": {"chair"}, "panels": {strconv.FormatInt(panel, 10)}}, person); code != http.StatusSeeOther {
		t.Fatalf("change role = %d", code)
	}
	if a, _ := e.st.StaffAccountByID(ctx, id); a.Role != domain.StaffChair || len(a.PanelIDs) != 1 {
		t.Errorf("after the change: %+v", a)
	}
	code, to, _ := admin.post(person+"/deactivate", url.Values{}, person)
	if _, _, page := admin.get(to); code != http.StatusSeeOther || !strings.Contains(page, "1 session(s) ended and 1 API token(s) revoked") {
		t.Fatalf("deactivate = %d\n%s", code, page)
	}
	if code, to, _ := laptop.get("/actions"); code != http.StatusSeeOther || !strings.HasPrefix(to, "/login") {
		t.Errorf("a deactivated person's session still works: %d", code)
	}
	if code := e.apiStatus(second); code != http.StatusUnauthorized {
		t.Errorf("a deactivated person's token still works: %d", code)
	}
	if code, _, _ := laptop.post("/login", url.Values{"email": {"cara@cps.example"}, "password": {goodPassword}}, ""); code != http.StatusUnauthorized {
		t.Errorf("a deactivated person signed in: %d", code)
	}
	if e.audited("user_changed") != 1 || e.audited("user_deactivated") != 1 || e.audited("signed_out_everywhere") != 1 {
		t.Error("the role change, deactivation or signing out everywhere is missing from the audit log")
	}
}

// TestSignInSlowdownAndSecondFactor: five wrong passwords for one address
// stop the sixth attempt, even with the right password, until the window
// passes; each failure is audited. An admin signs in with a code from
// their app; a code already used is refused; a recovery code works once.
func TestSignInSlowdownAndSecondFactor(t *testing.T) {
	e := startAccountEnv(t)
	ctx := context.Background()
	e.staffWithPassword(store.User{Name: "Cara", Email: "cara@cps.example", Role: domain.StaffChair})
	b := e.browser()
	for range 5 {
		if code, _, _ := b.post("/login", url.Values{"email": {"cara@cps.example"}, "password": {"wrong password here"}}, ""); code != http.StatusUnauthorized {
			t.Fatalf("a wrong password = %d", code)
		}
	}
	code, _, body := b.post("/login", url.Values{"email": {"CARA@cps.example"}, "password": {goodPassword}}, "")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "too many attempts") {
		t.Fatalf("the sixth attempt = %d\n%s", code, body)
	}
	if n := e.audited("sign_in_failed"); n != 6 {
		t.Errorf("%d failed sign-ins audited, want 6", n)
	}
	if _, err := e.db.Exec(ctx, `UPDATE signin_failures SET at = at - interval '16 minutes'`); err != nil {
		t.Fatal(err)
	}
	b.signIn("cara@cps.example", goodPassword)

	admin, secret, used, recovery := e.enrolledAdmin("ada@cps.example")
	if code, to, _ := admin.post("/logout", url.Values{}, "/me"); code != http.StatusSeeOther || to != "/login" {
		t.Fatalf("sign out = %d", code)
	}
	signIn := func(code string) (int, string) {
		t.Helper()
		status, _, page := admin.post("/login", url.Values{"email": {"ada@cps.example"}, "password": {goodPassword}}, "")
		if status != http.StatusOK || !strings.Contains(page, "Enter your code") {
			t.Fatalf("the password step = %d\n%s", status, page)
		}
		challenge := find(t, page, `name="challenge" value="([^"]+)"`)
		status, _, page = admin.post("/login", url.Values{"step": {"code"}, "challenge": {challenge}, "code": {code}}, "")
		return status, page
	}
	if code, page := signIn(used); code != http.StatusUnauthorized || !strings.Contains(page, "The code is not right") {
		t.Errorf("a code already used = %d", code)
	}
	next, _ := totp.Code(secret, time.Now().Add(totp.Step))
	if code, _ := signIn(next); code != http.StatusSeeOther {
		t.Fatalf("a fresh code = %d", code)
	}
	if code, _, _ := admin.get("/admin/people"); code != http.StatusOK {
		t.Errorf("signed in with a code, the people page = %d", code)
	}
	admin.post("/logout", url.Values{}, "/me")
	if code, _ := signIn(recovery[0]); code != http.StatusSeeOther {
		t.Errorf("a recovery code = %d", code)
	}
	admin.post("/logout", url.Values{}, "/me")
	if code, _ := signIn(recovery[0]); code != http.StatusUnauthorized {
		t.Errorf("a recovery code worked twice: %d", code)
	}
	if _, _, page := admin.post("/me/two-factor/off", url.Values{}, ""); strings.Contains(page, "Two-step sign-in is off") {
		t.Error("an admin turned their second factor off")
	}
	if e.audited("signed_in") < 4 || e.audited("signed_out") < 2 {
		t.Errorf("audit: %d sign-ins, %d sign-outs", e.audited("signed_in"), e.audited("signed_out"))
	}
}
