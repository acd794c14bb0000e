package outboxflow_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// Once delivered, a message's stored body no longer holds the personal
// link's token, while the message the recipient got has the working link.
func TestDeliveredRowKeepsNoPersonalLink(t *testing.T) {
	st := testenv.DB(t)
	catcher, m := testenv.SMTP(t, nil)
	acts := &outboxflow.Activities{Store: st, Mailer: m}
	ctx := context.Background()

	member := addMember(t, st, "aled@example.org")
	const token = "AAAAAAAAAAEAAAAAAAAAB2eQr9C3nWx1Yk2Jt8sPq0Lm4ZaBcDeFgHiJkLmNoPqRsTuVwXyZ-_"
	memberLink := "https://lsip.example/m/" + token
	ownerLink := "https://lsip.example/o/" + token + "x"
	body := "Your pack: " + memberLink + "\nThe action: " + ownerLink + "\nHelp: https://lsip.example/m/help\n"
	id, err := st.EnqueueMail(ctx, store.Mail{Key: "pack/9/1", ToAddress: "aled@example.org", MemberID: &member, Subject: "Your pack",
		BodyText: body, BodyHTML: `<a href="` + memberLink + `">Open</a>`})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := flowtest.Run[domain.MailStatus](t, acts, acts.DeliverMail, id); err != nil || res != domain.MailSent {
		t.Fatalf("DeliverMail = %q, %v", res, err)
	}
	msgs := catcher.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, memberLink) || !strings.Contains(msgs[0].Text, ownerLink) || !strings.Contains(msgs[0].HTML, memberLink) {
		t.Fatalf("received %d messages; the first reads:\n%v", len(msgs), msgs)
	}
	e, err := st.OutboxByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, stored := range []string{e.BodyText, e.BodyHTML} {
		if strings.Contains(stored, token) {
			t.Errorf("the delivered row still holds the token:\n%s", stored)
		}
	}
	if want := "https://lsip.example/m/" + store.LinkRemoved; !strings.Contains(e.BodyText, want) || !strings.Contains(e.BodyText, "https://lsip.example/o/"+store.LinkRemoved) ||
		!strings.Contains(e.BodyHTML, want) || !strings.Contains(e.BodyText, "https://lsip.example/m/help") {
		t.Errorf("the delivered row reads:\n%s\n%s", e.BodyText, e.BodyHTML)
	}
}
