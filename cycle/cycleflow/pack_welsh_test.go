package cycleflow_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestAWelshMemberGetsAWelshPackEmail: a member who prefers Welsh gets
// their pack email in Welsh, through the outbox and a real SMTP server,
// and the workbook attached to it has Welsh sheet names; on a panel that
// writes bilingually, an English-speaking member's email is Welsh, then
// English.
func TestAWelshMemberGetsAWelshPackEmail(t *testing.T) {
	f := newFlow(t)
	f.acts.AttachPacks = true
	f.exec(t, `UPDATE members SET language = 'cy' WHERE id = $1`, f.aled)
	catcher, sender := testenv.SMTP(t, nil)
	delivery := &outboxflow.Activities{Store: f.st, Mailer: sender}

	ref := f.pack(t, f.aled).Mail
	if status, err := flowtest.Run[domain.MailStatus](t, delivery, delivery.DeliverMail, ref.OutboxID); err != nil || status != domain.MailSent {
		t.Fatalf("deliver: %s, %v", status, err)
	}
	got, err := catcher.Wait(t.Context(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := got[0]
	if m.Subject != "Eich pecyn adolygu ar gyfer cyfarfod Wales LSIP ar 12 Ionawr 2027" {
		t.Errorf("Welsh pack subject %q", m.Subject)
	}
	if !strings.HasPrefix(m.Text, "Annwyl Aled,") || strings.Contains(m.Text, "Dear ") || i18n.Missing(m.Text+m.HTML) {
		t.Errorf("Welsh pack body:\n%s", m.Text)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments: %d", len(m.Attachments))
	}
	book, err := excelize.OpenReader(bytes.NewReader(m.Attachments[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	if sheets := book.GetSheetList(); !slices.Contains(sheets, "Clawr") || !slices.Contains(sheets, "Ffurflen adolygu") || slices.Contains(sheets, "Cover") {
		t.Errorf("the attached Welsh pack's sheets: %v", sheets)
	}

	f.exec(t, `UPDATE panels SET bilingual = true WHERE id = $1`, f.panelID)
	catcher.Clear()
	ref = f.pack(t, f.bea).Mail
	if status, err := flowtest.Run[domain.MailStatus](t, delivery, delivery.DeliverMail, ref.OutboxID); err != nil || status != domain.MailSent {
		t.Fatalf("deliver: %s, %v", status, err)
	}
	if got, err = catcher.Wait(t.Context(), 1, nil); err != nil {
		t.Fatal(err)
	}
	m = got[0]
	cy, en := strings.Index(m.Text, "Annwyl Bea,"), strings.Index(m.Text, "Dear Bea,")
	if !strings.HasPrefix(m.Subject, "Eich pecyn adolygu") || !strings.Contains(m.Subject, " / Your review pack") || cy != 0 || en < 0 {
		t.Errorf("bilingual pack email: %q\n%s", m.Subject, m.Text)
	}
}
