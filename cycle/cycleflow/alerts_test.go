package cycleflow_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/outbox"
)

func TestAlertsToTheCoordinator(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	flowtest.Run[[]cycleflow.NonReturn](t, f.acts, f.acts.RecordNonReturns, f.cycleID)
	cases := []struct {
		alert cycleflow.Alert
		want  []string
	}{
		{cycleflow.Alert{Kind: "bounce", Key: "bounce/1", MemberID: f.aled}, []string{"Aled", "refused", "until their address is corrected"}},
		{cycleflow.Alert{Kind: "non_returns", Key: "non_returns"}, []string{"Aled: 3 missing", f.inReview[0].Reference}},
		{cycleflow.Alert{Kind: "awaiting_approval", Key: "awaiting_approval/1"}, []string{"waiting for you", fmt.Sprintf("https://lsip.example/cycles/%d", f.cycleID)}},
	}
	for _, c := range cases {
		c.alert.CycleID = f.cycleID
		ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, c.alert)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, c.alert)
		if again != ref {
			t.Errorf("%s: a retry queued %v after %v", c.alert.Kind, again, ref)
		}
		e := f.outbox(t, ref.OutboxID)
		if e.ToAddress != "cath@example.org" || e.Key != fmt.Sprintf("alert/%d/%s", f.cycleID, c.alert.Key) || e.MemberID != nil {
			t.Errorf("%s alert %s went to %s", c.alert.Kind, e.Key, e.ToAddress)
		}
		for _, want := range c.want {
			if !strings.Contains(e.Subject+"\n"+e.BodyText, want) {
				t.Errorf("%s alert lacks %q:\n%s\n%s", c.alert.Kind, want, e.Subject, e.BodyText)
			}
		}
		if strings.Contains(e.BodyText, "aled@example.org") {
			t.Errorf("%s alert carries a member's address", c.alert.Kind)
		}
	}
	_, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, cycleflow.Alert{CycleID: f.cycleID, Kind: "gossip", Key: "x"})
	if err == nil {
		t.Error("an unknown alert kind was queued")
	}
	assertNothingRestricted(t, f.st)
}
