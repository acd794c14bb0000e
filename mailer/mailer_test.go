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

// TestSendBatchUsesOneConnectionAndReportsEachMessage: a batch goes over
// one SMTP connection, and a refused recipient and a message too large for
// the server fail on their own while the messages around them arrive.
func TestSendBatchUsesOneConnectionAndReportsEachMessage(t *testing.T) {
	catcher, m, connections := testenv.SMTPCounted(t, mailcatcher.Options{
		Reject: func(rcpt string) bool { return strings.HasPrefix(rcpt, "gone@") }, MaxMessageBytes: 32 << 10})
	batch := []mailer.Message{
		{To: "aled@example.org", Subject: "one", Text: "t"},
		{To: "gone@example.org", Subject: "refused", Text: "t"},
		{To: "bea@example.org", Subject: "too large", Text: strings.Repeat("x", 64<<10)},
		{To: "cai@example.org", Subject: "four", Text: "t"},
	}
	results := m.SendBatch(context.Background(), batch)
	if len(results) != len(batch) {
		t.Fatalf("%d results for %d messages", len(results), len(batch))
	}
	if results[0] != nil || results[3] != nil {
		t.Errorf("accepted messages reported %v and %v, want nil", results[0], results[3])
	}
	if !errors.Is(results[1], mailer.ErrRejected) {
		t.Errorf("refused recipient reported %v, want ErrRejected", results[1])
	}
	if results[2] == nil || errors.Is(results[2], mailer.ErrRejected) {
		t.Errorf("oversized message reported %v, want a sending fault that is not ErrRejected", results[2])
	}
	var subjects []string
	for _, msg := range catcher.Messages() {
		subjects = append(subjects, msg.Subject)
	}
	if strings.Join(subjects, ",") != "one,four" {
		t.Errorf("messages arrived: %q, want one and four", subjects)
	}
	if n := connections.Load(); n != 1 {
		t.Errorf("the batch opened %d SMTP connections, want 1", n)
	}
}

// TestSendBatchWithNothingSendableDialsNoConnection: a batch whose every
// address is malformed is rejected without a connection being opened.
func TestSendBatchWithNothingSendableDialsNoConnection(t *testing.T) {
	_, m, connections := testenv.SMTPCounted(t, mailcatcher.Options{})
	results := m.SendBatch(context.Background(), []mailer.Message{{To: "not an address", Subject: "s", Text: "t"}})
	if !errors.Is(results[0], mailer.ErrRejected) {
		t.Errorf("malformed address reported %v, want ErrRejected", results[0])
	}
	if n := connections.Load(); n != 0 {
		t.Errorf("%d connections opened for nothing to send", n)
	}
}
