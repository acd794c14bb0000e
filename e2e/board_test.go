package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/workbook"
)

// TestBoardReportScheduledTriggeredAndEmailed: an admin signs in with
// their second factor and saves the Board report's recipients and day on
// /admin/board (a wrong address is named first); the Temporal Schedule it
// sets up exists with that calendar in UK time; triggered now, it runs on
// the worker and each Board recipient receives, over real SMTP, the
// workbook of the last six months: it has the summary and the comparison's
// sheets, Wales's six actions counted, and no figure under 5.
func TestBoardReportScheduledTriggeredAndEmailed(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Six actions raised in Wales ten days ago, none completed: a count of
	// 6 to show, and counts of 0 to suppress.
	if _, err := testenv.SQL(t, s.st).Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, created_at)
		SELECT p.id, p.area_id, 'SECRET ACTION ' || g, 'O', 'o@example.org', 'M', 'm@example.org', current_date + 30, now() - interval '10 days'
		FROM panels p, generate_series(1, 6) g WHERE p.id = $1`, s.f.panelID); err != nil {
		t.Fatal(err)
	}
	admin := store.User{Name: "Ada Admin", Email: "ada.admin@example.org", Role: domain.StaffAdmin}
	admin.ID, _ = s.st.CreateUser(ctx, admin)
	s.st.SetPassword(ctx, admin.ID, journeyPassword)
	app := &authenticator{secret: enrolTOTP(t, s.st, admin)}
	web := newWebSession(t, s.url)
	web.signIn(admin.Email, journeyPassword, app)

	if code, _, body := web.post("/admin/board", url.Values{"recipients": {"board chair"}, "day": {"15"}, "month": {"2"}}, "/admin/board"); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "board chair") || !strings.Contains(body, "is not an email address") {
		t.Fatalf("a wrong recipient: %d\n%s", code, body)
	}
	if _, err := s.c.ScheduleClient().GetHandle(ctx, boardreport.ScheduleID).Describe(ctx); err == nil {
		t.Fatal("the schedule exists before the settings were saved")
	}
	recipients := []string{"chair@board.example", "secretary@board.example"}
	code, to, body := web.post("/admin/board", url.Values{"recipients": {strings.Join(recipients, "\n")}, "day": {"15"}, "month": {"2"}}, "/admin/board")
	if code != http.StatusSeeOther || !strings.HasPrefix(to, "/admin/board") {
		t.Fatalf("saving the Board settings: %d to %q\n%s", code, to, body)
	}
	if _, _, page := web.get(to); !strings.Contains(page, "The Board report is set up: it runs on day 15 of February and August.") {
		t.Errorf("after saving, the page says:\n%s", page)
	}

	h := s.c.ScheduleClient().GetHandle(ctx, boardreport.ScheduleID)
	desc, err := h.Describe(ctx)
	if err != nil {
		t.Fatalf("the Board report's schedule: %v", err)
	}
	spec := desc.Schedule.Spec
	if spec.TimeZoneName != "Europe/London" || len(spec.Calendars) != 1 {
		t.Fatalf("schedule spec %+v", spec)
	}
	cal := spec.Calendars[0]
	if len(cal.Month) != 2 || cal.Month[0].Start != 2 || cal.Month[1].Start != 8 || len(cal.DayOfMonth) != 1 || cal.DayOfMonth[0].Start != 15 ||
		len(cal.Hour) != 1 || cal.Hour[0].Start != 8 {
		t.Errorf("the schedule's calendar: %+v", cal)
	}
	act, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || act.Workflow != boardreport.WorkflowName || act.TaskQueue != taskQueue {
		t.Errorf("the schedule's action: %+v", desc.Schedule.Action)
	}

	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	from, until, _ := boardreport.PeriodBefore(time.Now()).Dates()
	name := boardreport.Filename(from, until)
	for _, addr := range recipients {
		m := mailTo(t, s.catcher, addr, "Local scrutiny panels: report to the Board")
		att, ok := m.Attachment(name)
		if !ok {
			t.Fatalf("the Board email to %s has no %s: %+v", addr, name, m.Attachments)
		}
		checkBoardWorkbook(t, att.Data)
	}
}

// checkBoardWorkbook fails when the Board's workbook lacks its sheets, when
// any cell holds a number under 5 or an action's description, when nothing
// shows as "fewer than 5", or when Wales's six actions raised are not on the comparison's actions
// sheet.
func checkBoardWorkbook(t *testing.T, data []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{workbook.BoardSummarySheet, workbook.SheetStrands, workbook.SheetFindings, workbook.SheetThemes, workbook.SheetActions}
	if sheets := f.GetSheetList(); !slices.Equal(sheets, want) {
		t.Errorf("the Board report's sheets are %v, want %v", sheets, want)
	}
	suppressed, walesRaised := 0, ""
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, v := range row {
				if n, err := strconv.ParseFloat(v, 64); err == nil && n < 5 {
					t.Errorf("%s row %d column %d holds %v", sheet, r+1, c+1, v)
				}
				if v == "fewer than 5" {
					suppressed++
				}
				if strings.Contains(v, "SECRET") {
					t.Errorf("%s row %d carries an action's description", sheet, r+1)
				}
			}
			if sheet == workbook.SheetActions && len(row) > 1 && row[0] == "Wales" {
				walesRaised = row[1]
			}
		}
	}
	if suppressed == 0 {
		t.Error("nothing shows as fewer than 5")
	}
	if walesRaised != "6" {
		t.Errorf("Wales's actions raised on %q: %q, want 6", workbook.SheetActions, walesRaised)
	}
}

// webSession is a member of staff's browser without a browser: it keeps
// cookies and does not follow redirects, so each answer can be checked.
type webSession struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newWebSession(t *testing.T, base string) *webSession {
	jar, _ := cookiejar.New(nil)
	return &webSession{t: t, base: base, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a path and returns the status, the redirect and the body.
func (w *webSession) get(path string) (int, string, string) {
	w.t.Helper()
	return w.read(w.client.Get(w.base + path))
}

// post sends a form; the CSRF token is taken from csrfFrom's page first
// when csrfFrom is not empty.
func (w *webSession) post(path string, form url.Values, csrfFrom string) (int, string, string) {
	w.t.Helper()
	if csrfFrom != "" {
		_, _, page := w.get(csrfFrom)
		form.Set("csrf", formValue(w.t, page, "csrf"))
	}
	return w.read(w.client.PostForm(w.base+path, form))
}

func (w *webSession) read(resp *http.Response, err error) (int, string, string) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// signIn signs in on the sign-in page with a password and a code from
// the person's app.
func (w *webSession) signIn(email, password string, app *authenticator) {
	w.t.Helper()
	code, _, page := w.post("/login", url.Values{"email": {email}, "password": {password}}, "")
	if code != http.StatusOK {
		w.t.Fatalf("password step for %s: %d\n%s", email, code, page)
	}
	form := url.Values{"step": {"code"}, "challenge": {formValue(w.t, page, "challenge")}, "code": {app.code(w.t)}}
	if code, to, page := w.post("/login", form, ""); code != http.StatusSeeOther {
		w.t.Fatalf("code step for %s: %d to %q\n%s", email, code, to, page)
	}
}

// formValue is the value of the page's hidden field of that name.
func formValue(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no %s field in\n%s", name, page)
	}
	return m[1]
}
