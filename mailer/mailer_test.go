package mailer_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/testenv"
)

func TestSendDeliversMultipartWithAttachmentAndInvite(t *testing.T) {
	catcher, m := testenv.SMTP(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	workbook := []byte("PK\x03\x04 not really a zip but binary \x00\x01\x02")
	ics := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
	err := m.Send(ctx, mailer.Message{
		MessageID: "outbox-1.abc@scrutiny", To: "aled@example.org", ToName: "Aled Jones",
		Subject: "Your review pack – panel meeting", Text: "Hello Aled,\nYour pack is ready.", HTML: "<p>Hello Aled</p>",
		Attachments: []mailer.Attachment{{Filename: "pack.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: workbook}},
		Calendar:    ics,
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := catcher.Wait(ctx, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := msgs[0]
	if got.Subject != "Your review pack – panel meeting" {
		t.Errorf("subject %q", got.Subject)
	}
	if !strings.Contains(got.Text, "Your pack is ready.") || !strings.Contains(got.HTML, "<p>Hello Aled</p>") {
		t.Errorf("bodies: text %q html %q", got.Text, got.HTML)
	}
	if got.Header.Get("Message-Id") != "<outbox-1.abc@scrutiny>" {
		t.Errorf("Message-ID %q", got.Header.Get("Message-Id"))
	}
	a, ok := got.Attachment("pack.xlsx")
	if !ok || !bytes.Equal(a.Data, workbook) {
		t.Errorf("attachment missing or changed: %v %q", ok, a.Data)
	}
	inv, ok := got.Attachment("invite.ics")
	if !ok || !bytes.Equal(inv.Data, ics) {
		t.Errorf("invite missing or changed")
	}
	var calendarPart bool
	for _, p := range got.Parts {
		if p.ContentType == "text/calendar" && p.Params["method"] == "REQUEST" {
			calendarPart = true
		}
	}
	if !calendarPart {
		t.Error("no text/calendar; method=REQUEST alternative for mail clients")
	}
}

func TestSendReportsPermanentRefusalAsRejected(t *testing.T) {
	catcher, m := testenv.SMTP(t, func(rcpt string) bool { return strings.HasPrefix(rcpt, "gone@") })
	err := m.Send(context.Background(), mailer.Message{To: "gone@example.org", Subject: "s", Text: "t"})
	if !errors.Is(err, mailer.ErrRejected) {
		t.Fatalf("got %v, want ErrRejected", err)
	}
	if n := len(catcher.Messages()); n != 0 {
		t.Errorf("%d messages stored for a refused recipient", n)
	}
}

// TestRelayRefusingTheSenderIsNotABounce: a relay that will not send for
// our From address is a fault on our side; it must not be reported as the
// recipient's address bouncing, which would mark a member unreachable.
func TestRelayRefusingTheSenderIsNotABounce(t *testing.T) {
	catcher, m := testenv.SMTPWith(t, mailcatcher.Options{RefuseSender: func(string) bool { return true }})
	err := m.Send(context.Background(), mailer.Message{To: "aled@example.org", Subject: "s", Text: "t"})
	if err == nil || errors.Is(err, mailer.ErrRejected) {
		t.Fatalf("got %v, want a sending fault that is not ErrRejected", err)
	}
	if n := len(catcher.Messages()); n != 0 {
		t.Errorf("%d messages stored by a relay that refused the sender", n)
	}
}
