package mailcatcher_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/wneessen/go-mail"
)

// A workbook is binary: every byte value must survive the trip.
var workbook = func() []byte {
	b := []byte("PK\x03\x04")
	for i := range 1024 {
		b = append(b, byte(i))
	}
	return b
}()

var invite = []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nPRODID:-//scrutiny//test//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:panel-1@scrutiny\r\nDTSTART:20261123T140000Z\r\nSUMMARY:Panel meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")

const (
	subject = "Your review pack – Hate crime panel, 23 November"
	text    = "Dear Bea,\n\nYour pack is attached. It costs you £0.\n"
	html    = "<p>Dear Bea,</p><p>Your pack is <strong>attached</strong>. It costs you £0.</p>"
)

// start runs a Catcher on a free loopback port for the test.
func start(t *testing.T, opts mailcatcher.Options) (*mailcatcher.Catcher, string) {
	t.Helper()
	c, err := mailcatcher.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := c.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, addr
}

// packMessage is a message as the system sends a review pack: text with an
// HTML alternative and an invitation alternative, a workbook and the
// invitation as a file.
func packMessage(t *testing.T, to string) *mail.Msg {
	t.Helper()
	m := mail.NewMsg()
	if err := m.From("LSIP scrutiny <scrutiny@example.org>"); err != nil {
		t.Fatal(err)
	}
	if err := m.To(to); err != nil {
		t.Fatal(err)
	}
	m.Subject(subject)
	m.SetBodyString(mail.TypeTextPlain, text)
	m.AddAlternativeString(mail.TypeTextHTML, html)
	m.AddAlternativeString("text/calendar; method=REQUEST", string(invite))
	if err := m.AttachReader("pack.xlsx", bytes.NewReader(workbook), mail.WithFileContentType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")); err != nil {
		t.Fatal(err)
	}
	if err := m.AttachReader("invite.ics", bytes.NewReader(invite), mail.WithFileContentType("text/calendar")); err != nil {
		t.Fatal(err)
	}
	return m
}

// send delivers m over SMTP in the clear, as the dev stack's mailer does.
func send(addr string, m *mail.Msg, opts ...mail.Option) error {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return err
	}
	opts = append([]mail.Option{mail.WithPort(port), mail.WithTLSPolicy(mail.NoTLS), mail.WithTimeout(10 * time.Second)}, opts...)
	client, err := mail.NewClient(host, opts...)
	if err != nil {
		return err
	}
	return client.DialAndSend(m)
}

func wait(t *testing.T, c *mailcatcher.Catcher, n int) []*mailcatcher.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := c.Wait(ctx, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCatchesMultipartMessage(t *testing.T) {
	c, addr := start(t, mailcatcher.Options{})
	if err := send(addr, packMessage(t, "Bea Member <bea@example.org>")); err != nil {
		t.Fatal(err)
	}
	m := wait(t, c, 1)[0]

	if m.EnvelopeFrom != "scrutiny@example.org" || len(m.EnvelopeTo) != 1 || m.EnvelopeTo[0] != "bea@example.org" {
		t.Errorf("envelope from %q to %q", m.EnvelopeFrom, m.EnvelopeTo)
	}
	if m.Subject != subject {
		t.Errorf("Subject = %q, want %q", m.Subject, subject)
	}
	if m.Text != text {
		t.Errorf("Text = %q, want %q", m.Text, text)
	}
	if m.HTML != html {
		t.Errorf("HTML = %q, want %q", m.HTML, html)
	}
	if len(m.Attachments) != 2 {
		t.Fatalf("got %d attachments, want 2: %+v", len(m.Attachments), m.Attachments)
	}
	pack, ok := m.Attachment("pack.xlsx")
	if !ok {
		t.Fatalf("no pack.xlsx among %+v", m.Attachments)
	}
	if pack.ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !bytes.Equal(pack.Data, workbook) {
		t.Errorf("pack.xlsx: %s, %d bytes; want the workbook's %d bytes exactly", pack.ContentType, len(pack.Data), len(workbook))
	}
	ics, ok := m.Attachment("invite.ics")
	if !ok || ics.ContentType != "text/calendar" || !bytes.Equal(ics.Data, invite) {
		t.Errorf("invite.ics: %v, %+v", ok, ics)
	}
	var alternative *mailcatcher.Part
	for i, p := range m.Parts {
		if p.ContentType == "text/calendar" && p.Filename == "" {
			alternative = &m.Parts[i]
		}
	}
	if alternative == nil || alternative.Params["method"] != "REQUEST" || !bytes.Equal(alternative.Body, invite) {
		t.Errorf("calendar alternative: %+v", alternative)
	}
}

// TestDecodesCharsetsAndNesting sends hand-written MIME, as other mailers
// produce it: multipart/alternative inside multipart/mixed, Latin-1 text
// in quoted-printable, Windows-1252 HTML in base64, RFC 2047 and RFC 2231
// encoded names.
func TestDecodesCharsetsAndNesting(t *testing.T) {
	c, addr := start(t, mailcatcher.Options{})
	raw := strings.ReplaceAll(`From: =?iso-8859-1?q?Zo=EB?= <zoe@example.org>
To: bea@example.org
Subject: =?iso-8859-1?q?Caf=E9_meeting?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Caf=E9 at noon, =A35 a head.
--inner
Content-Type: text/html; charset=windows-1252
Content-Transfer-Encoding: base64

PHA+k0NhZumUPC9wPg==
--inner--

--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''Proc%C3%A8s-verbal.pdf
Content-Transfer-Encoding: base64

JVBERi0=
--outer--
`, "\n", "\r\n")
	if err := smtp.SendMail(addr, nil, "zoe@example.org", []string{"bea@example.org"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	m := wait(t, c, 1)[0]
	if m.Subject != "Café meeting" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.Text != "Café at noon, £5 a head." {
		t.Errorf("Text = %q", m.Text)
	}
	if m.HTML != "<p>“Café”</p>" {
		t.Errorf("HTML = %q", m.HTML)
	}
	if len(m.Parts) != 3 || len(m.Attachments) != 1 {
		t.Fatalf("got %d parts and %d attachments, want 3 and 1", len(m.Parts), len(m.Attachments))
	}
	if a := m.Attachments[0]; a.Filename != "Procès-verbal.pdf" || a.ContentType != "application/pdf" || string(a.Data) != "%PDF-" {
		t.Errorf("attachment = %q, %q, %q", a.Filename, a.ContentType, a.Data)
	}
}

func TestAcceptsAnyCredentials(t *testing.T) {
	c, addr := start(t, mailcatcher.Options{})
	for _, mech := range []mail.SMTPAuthType{mail.SMTPAuthPlain, mail.SMTPAuthLogin} {
		err := send(addr, packMessage(t, "bea@example.org"), mail.WithSMTPAuth(mech), mail.WithUsername("anyone"), mail.WithPassword("anything"))
		if err != nil {
			t.Errorf("AUTH %s: %v", mech, err)
		}
	}
	wait(t, c, 2)
}

func TestRejectBouncesWithoutKeeping(t *testing.T) {
	const gone = "gone@example.org"
	c, addr := start(t, mailcatcher.Options{Reject: func(rcpt string) bool { return rcpt == gone }})
	err := send(addr, packMessage(t, gone))
	var sendErr *mail.SendError
	if !errors.As(err, &sendErr) {
		t.Fatalf("send to a rejected address: %v; want a *mail.SendError", err)
	}
	if sendErr.ErrorCode() != 550 || sendErr.IsTemp() || !strings.Contains(err.Error(), gone) {
		t.Errorf("send error %q: code %d, temporary %v; want a permanent 550 naming %s", err, sendErr.ErrorCode(), sendErr.IsTemp(), gone)
	}
	if got := c.Messages(); len(got) != 0 {
		t.Errorf("a rejected message was kept: %+v", got)
	}
}

func TestKeepsMailInDir(t *testing.T) {
	dir := t.TempDir()
	c, addr := start(t, mailcatcher.Options{Dir: dir})
	if err := send(addr, packMessage(t, "bea@example.org")); err != nil {
		t.Fatal(err)
	}
	sent := wait(t, c, 1)[0]
	c.Close()

	again, err := mailcatcher.New(mailcatcher.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	kept, ok := again.Message(sent.ID)
	if !ok {
		t.Fatalf("after a restart, message %s is gone; have %d messages", sent.ID, len(again.Messages()))
	}
	if !kept.ReceivedAt.Equal(sent.ReceivedAt) || kept.EnvelopeFrom != sent.EnvelopeFrom ||
		strings.Join(kept.EnvelopeTo, ",") != strings.Join(sent.EnvelopeTo, ",") || !bytes.Equal(kept.Raw, sent.Raw) {
		t.Errorf("kept message differs: received %v from %q to %q; sent %v from %q to %q",
			kept.ReceivedAt, kept.EnvelopeFrom, kept.EnvelopeTo, sent.ReceivedAt, sent.EnvelopeFrom, sent.EnvelopeTo)
	}
	if a, ok := kept.Attachment("pack.xlsx"); !ok || !bytes.Equal(a.Data, workbook) {
		t.Errorf("kept message lost its workbook")
	}

	if err := again.Clear(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("Clear left %v", left)
	}
}

func TestWait(t *testing.T) {
	c, addr := start(t, mailcatcher.Options{})
	isPack := func(m *mailcatcher.Message) bool { return m.Subject == subject }
	other := packMessage(t, "bea@example.org")
	other.Subject("Something else")
	for _, m := range []*mail.Msg{packMessage(t, "bea@example.org"), other} {
		if err := send(addr, m); err != nil {
			t.Fatal(err)
		}
	}

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	got, err := c.Wait(short, 2, isPack)
	if err == nil || !strings.Contains(err.Error(), "1 of 2") || !errors.Is(err, context.DeadlineExceeded) || len(got) != 1 {
		t.Errorf("Wait for 2 packs with 1 sent: %d messages, %v; want 1 and an error saying 1 of 2 arrived", len(got), err)
	}

	sent := make(chan error, 1)
	go func() { sent <- send(addr, packMessage(t, "cal@example.org")) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err = c.Wait(ctx, 2, isPack)
	if err != nil || len(got) != 2 || got[1].EnvelopeTo[0] != "cal@example.org" {
		t.Errorf("Wait for 2 packs: %d messages, %v", len(got), err)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	// Two messages kept by an earlier run, one in winter and one in summer,
	// to show the page gives UK time with its zone.
	for id, received := range map[string]string{"winter": "2025-11-23T14:05:00Z", "summer": "2025-07-01T12:30:00Z"} {
		eml := "X-Catcher-Received: " + received + "\r\nX-Catcher-From: scrutiny@example.org\r\nX-Catcher-To: bea@example.org\r\n" +
			"From: scrutiny@example.org\r\nTo: bea@example.org\r\nSubject: " + id + " <reminder>\r\n\r\nHello.\r\n"
		if err := os.WriteFile(filepath.Join(dir, id+".eml"), []byte(eml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, addr := start(t, mailcatcher.Options{Dir: dir})
	if err := send(addr, packMessage(t, "bea@example.org")); err != nil {
		t.Fatal(err)
	}
	pack := wait(t, c, 3)[2]
	srv := httptest.NewServer(c.Handler())
	defer srv.Close()

	list := get(t, srv.URL+"/", "text/html; charset=utf-8")
	for _, want := range []string{"23 Nov 2025 14:05 GMT", "1 Jul 2025 13:30 BST", "winter &lt;reminder&gt;", "LSIP scrutiny &lt;scrutiny@example.org&gt;", `<td>2</td>`} {
		if !strings.Contains(list, want) {
			t.Errorf("list page lacks %q:\n%s", want, list)
		}
	}
	if pack, winter, summer := strings.Index(list, "Hate crime panel"), strings.Index(list, "winter"), strings.Index(list, "summer"); pack > winter || winter > summer {
		t.Errorf("list page is not newest first:\n%s", list)
	}

	page := get(t, srv.URL+"/messages/"+pack.ID, "text/html; charset=utf-8")
	for _, want := range []string{"<h1>" + subject + "</h1>", "It costs you £0.", "Download pack.xlsx", `sandbox src="/messages/` + pack.ID + `/html"`} {
		if !strings.Contains(page, want) {
			t.Errorf("message page lacks %q:\n%s", want, page)
		}
	}

	resp := fetch(t, http.MethodGet, srv.URL+"/messages/"+pack.ID+"/attachments/0", nil)
	body, _ := io.ReadAll(resp.Body)
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if !bytes.Equal(body, workbook) || params["filename"] != "pack.xlsx" ||
		resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("attachment download: %d bytes, %q, %q", len(body), resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	resp = fetch(t, http.MethodGet, srv.URL+"/messages/"+pack.ID+"/html", nil)
	body, _ = io.ReadAll(resp.Body)
	if string(body) != html || !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("HTML body served as %q with policy %q", body, resp.Header.Get("Content-Security-Policy"))
	}
	if raw := get(t, srv.URL+"/messages/"+pack.ID+"/raw", "message/rfc822"); raw != string(pack.Raw) {
		t.Errorf("raw download differs from the message received")
	}

	var api []struct {
		ID          string
		To          []string
		Subject     string
		Attachments []string
	}
	if err := json.Unmarshal([]byte(get(t, srv.URL+"/api/messages", "application/json")), &api); err != nil {
		t.Fatal(err)
	}
	if len(api) != 3 || api[2].ID != pack.ID || api[2].Subject != subject || strings.Join(api[2].Attachments, ",") != "pack.xlsx,invite.ics" {
		t.Errorf("/api/messages = %+v", api)
	}

	if resp := fetch(t, http.MethodGet, srv.URL+"/clear", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /clear answered %s; clearing must need a POST", resp.Status)
	}
	if resp := fetch(t, http.MethodPost, srv.URL+"/clear", http.Header{"Sec-Fetch-Site": {"cross-site"}}); resp.StatusCode != http.StatusForbidden || len(c.Messages()) != 3 {
		t.Errorf("POST /clear from another site answered %s", resp.Status)
	}
	if resp := fetch(t, http.MethodPost, srv.URL+"/clear", nil); resp.StatusCode != http.StatusOK || len(c.Messages()) != 0 {
		t.Errorf("POST /clear answered %s and left %d messages", resp.Status, len(c.Messages()))
	}
}

// fetch makes a request, following redirects, and fails the test if it
// cannot be made.
func fetch(t *testing.T, method, url string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// get fetches url, which must answer 200 with contentType, and returns the
// body.
func get(t *testing.T, url, contentType string) string {
	t.Helper()
	resp := fetch(t, http.MethodGet, url, nil)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != contentType {
		t.Fatalf("GET %s: %s, %s; want 200 and %s", url, resp.Status, resp.Header.Get("Content-Type"), contentType)
	}
	return string(body)
}
