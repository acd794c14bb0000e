package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/totp"
)

const goodPassword = "correct horse battery"

// staffWithPassword makes an account that can sign in.
func (e *accountEnv) staffWithPassword(u store.User) int64 {
	e.t.Helper()
	id, err := e.st.CreateUser(context.Background(), u)
	if err == nil {
		err = e.st.SetPassword(context.Background(), id, goodPassword)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// enrolledAdmin signs a new admin in, checks they can reach nothing but
// the enrolment page until they set up a second factor, enrols them, and
// returns their browser, their TOTP secret, the code used to enrol and
// their recovery codes.
func (e *accountEnv) enrolledAdmin(email string) (b *browser, secret, used string, recovery []string) {
	e.t.Helper()
	e.staffWithPassword(store.User{Name: "Ada Admin", Email: email, Role: domain.StaffAdmin})
	b = e.browser()
	if code, to, _ := b.post("/login", url.Values{"email": {email}, "password": {goodPassword}}, ""); code != http.StatusSeeOther || to != "/me/two-factor" {
		e.t.Fatalf("an admin without a second factor signed in to %d %q, want the enrolment page", code, to)
	}
	if code, to, _ := b.get("/admin/people"); code != http.StatusSeeOther || to != "/me/two-factor" {
		e.t.Fatalf("before enrolling, an admin page gave %d %q", code, to)
	}
	_, _, page := b.get("/me/two-factor")
	secret = find(e.t, page, `id="secret">([A-Z2-7]+)<`)
	if !strings.Contains(page, "otpauth://totp/") {
		e.t.Errorf("the enrolment page has no otpauth link\n%s", page)
	}
	if code, _, body := b.post("/me/two-factor", url.Values{"code": {"000000"}}, "/me/two-factor"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "That code is not right") {
		e.t.Fatalf("a wrong enrolment code = %d", code)
	}
	used, _ = totp.Code(secret, time.Now())
	code, _, body := b.post("/me/two-factor", url.Values{"code": {used}}, "/me/two-factor")
	if code != http.StatusOK {
		e.t.Fatalf("enrolling = %d\n%s", code, body)
	}
	for _, m := range regexp.MustCompile(`<li><code>([a-z0-9-]+)</code></li>`).FindAllStringSubmatch(body, -1) {
		recovery = append(recovery, m[1])
	}
	if len(recovery) != 10 {
		e.t.Fatalf("%d recovery codes shown, want 10", len(recovery))
	}
	if code, _, _ := b.get("/admin/people"); code != http.StatusOK {
		e.t.Fatalf("after enrolling, the people page = %d", code)
	}
	return b, secret, used, recovery
}

// TestInvitationAndPasswordReset: an admin invites a coordinator of a
// named panel; the email's single-use link sets a password and signs the
// coordinator in. A reset by email works the same way and the page answers
// the same for an address without an account, which gets no email.
func TestInvitationAndPasswordReset(t *testing.T) {
	e := startAccountEnv(t)
	ctx := context.Background()
	var panel int64
	if err := e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	admin, _, _, _ := e.enrolledAdmin("ada@cps.example")

	invite := url.Values{"name": {"Cara Coordinator"}, "email": {"cara@cps.example"}, "role": {"coordinator"}}
	if code, _, body := admin.post("/admin/people/invite", invite, "/admin/people/invite"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose at least one panel") || !strings.Contains(body, `value="cara@cps.example"`) {
		t.Fatalf("an invitation without a panel = %d\n%s", code, body)
	}
	invite.Set("panels", strconv.FormatInt(panel, 10))
	code, to, _ := admin.post("/admin/people/invite", invite, "/admin/people/invite")
	if code != http.StatusSeeOther || !strings.HasPrefix(to, "/admin/people/") {
		t.Fatalf("invite = %d to %q", code, to)
	}
	if _, _, page := admin.get(to); !strings.Contains(page, "The invitation is on its way") || !strings.Contains(page, "Invited; no password chosen yet") {
		t.Errorf("the person's page after inviting:\n%s", page)
	}
	if code, _, body := admin.post("/admin/people/invite", invite, "/admin/people/invite"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "already an account") {
		t.Errorf("inviting the same address twice = %d", code)
	}
	mail := e.waitMail("cara@cps.example", 1)
	link := find(t, mail.Text, `(http://\S+/account/acl_\S+)`)
	if !strings.Contains(mail.Subject, "invited") || !strings.Contains(mail.Text, "panel coordinator") {
		t.Errorf("invitation email: %q\n%s", mail.Subject, mail.Text)
	}
	cara := e.browser()
	path := strings.TrimPrefix(link, e.url)
	if code, _, body := cara.get(path); code != http.StatusOK || !strings.Contains(body, "Welcome, Cara Coordinator") {
		t.Fatalf("invitation link = %d", code)
	}
	if code, to, _ := cara.post(path, url.Values{"password": {goodPassword}, "password_again": {goodPassword}}, ""); code != http.StatusSeeOther || !strings.HasPrefix(to, "/actions") {
		t.Fatalf("choosing a password = %d to %q", code, to)
	}
	if code, _, _ := cara.get("/cycles"); code != http.StatusOK {
		t.Errorf("the invited coordinator is not signed in: %d", code)
	}
	if code, _, _ := cara.get(path); code != http.StatusGone {
		t.Errorf("the invitation link worked twice: %d", code)
	}

	anon := e.browser()
	if code, _, body := anon.get("/login"); code != http.StatusOK || !strings.Contains(body, "Forgot your password?") {
		t.Errorf("the sign-in page offers no reset: %d", code)
	}
	if code, _, body := anon.post("/login", url.Values{"step": {"forgot"}, "email": {"not an address"}}, ""); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter your email address") {
		t.Errorf("a reset for a malformed address = %d", code)
	}
	_, _, known := anon.post("/login", url.Values{"step": {"forgot"}, "email": {"cara@cps.example"}}, "")
	_, _, unknown := anon.post("/login", url.Values{"step": {"forgot"}, "email": {"nobody@cps.example"}}, "")
	if strings.ReplaceAll(known, "cara@", "nobody@") != unknown || !strings.Contains(known, "Check your email") {
		t.Errorf("the reset page answers differently for an address without an account:\n%s\n---\n%s", known, unknown)
	}
	reset := e.waitMail("cara@cps.example", 2)
	if !strings.Contains(reset.Subject, "Reset") {
		t.Errorf("reset email subject %q", reset.Subject)
	}
	for _, m := range e.mail.Messages() {
		if strings.Contains(strings.Join(m.EnvelopeTo, ","), "nobody@") {
			t.Error("an address without an account was sent a reset email")
		}
	}
	resetPath := strings.TrimPrefix(find(t, reset.Text, `(http://\S+/account/acl_\S+)`), e.url)
	const newPassword = "lighthouse orange cardigan"
	if code, _, _ := anon.post(resetPath, url.Values{"password": {newPassword}, "password_again": {newPassword}}, ""); code != http.StatusSeeOther {
		t.Fatalf("reset = %d", code)
	}
	if _, _, err := e.st.Login(ctx, "cara@cps.example", goodPassword, time.Hour); err == nil {
		t.Error("the old password still works after a reset")
	}
	if _, _, err := e.st.Login(ctx, "cara@cps.example", newPassword, time.Hour); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if e.audited("user_invited") != 1 || e.audited("password_reset_requested") != 2 || e.audited("password_set") != 2 {
		t.Errorf("audit: %d invited, %d resets asked, %d passwords set", e.audited("user_invited"), e.audited("password_reset_requested"), e.audited("password_set"))
	}
}
