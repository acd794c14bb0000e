package cycleflow_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/outbox"
)

func TestConflictTeasersIdentifyNothing(t *testing.T) {
	f := newFlow(t)
	teasers, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueConflictTeasers, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(teasers); !slices.Equal(got, []int64{f.aled, f.bea}) {
		t.Fatalf("teasers went to %v, want the members who will get packs", got)
	}
	e := f.outbox(t, teasers[0].OutboxID)
	if e.Key != fmt.Sprintf("teaser/%d/%d", f.cycleID, f.aled) {
		t.Errorf("teaser key %s", e.Key)
	}
	for _, c := range f.inReview {
		if line := c.Reference + ": Race; Harassment; Conviction after guilty plea; finalised August 2026"; !strings.Contains(e.BodyText, line) {
			t.Errorf("teaser lacks %q:\n%s", line, e.BodyText)
		}
	}
	if !strings.Contains(e.BodyText, "Tuesday 29 December 2026, 18:00 GMT") || !strings.Contains(e.BodyText, "https://lsip.example/m/") {
		t.Errorf("teaser lacks the deadline or the personal link:\n%s", e.BodyText)
	}
	assertNothingRestricted(t, f.st)
}

func TestConflictAfterReleaseRemovesTheCase(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	c := f.inReview[1].CaseID
	if _, err := f.save(t, f.aled, c, answers(""), false); err != nil {
		t.Fatal(err)
	}
	if err := runErr(t, f.acts, f.acts.RecordConflict, cycleflow.ConflictInput{CycleID: f.cycleID, MemberID: f.aled, CaseID: c, AfterRelease: true}); err != nil {
		t.Fatal(err)
	}
	if _, removed := f.reviewStatus(t, f.aled, c); !removed {
		t.Error("a conflict declared after release left the case in the member's reviews")
	}
	_, err := f.save(t, f.aled, c, answers("handled_well"), true)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("a review of a removed case was accepted: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conflict_declared'`); n != 1 {
		t.Errorf("%d conflict audit rows", n)
	}
}

func TestIdentifyingReportPullsTheCaseFromEveryPack(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	f.pack(t, f.bea)
	pulled := f.inReview[0]
	report := cycleflow.IdentifyingReport{CycleID: f.cycleID, MemberID: f.bea, CaseID: pulled.CaseID, Detail: "The summary names the street"}
	for range 2 {
		if err := runErr(t, f.acts, f.acts.RecordIdentifyingReport, report); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM identifying_reports`); n != 1 {
		t.Errorf("%d reports stored for one report sent twice", n)
	}
	for _, m := range []int64{f.aled, f.bea} {
		if _, removed := f.reviewStatus(t, m, pulled.CaseID); !removed {
			t.Errorf("member %d still has the pulled case", m)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2 AND status = 'pulled'`, f.cycleID, pulled.CaseID); n != 1 {
		t.Error("the case is not marked pulled")
	}
	ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, cycleflow.Alert{CycleID: f.cycleID, Kind: "identifying_detail",
		Key: fmt.Sprintf("identifying/%d", pulled.CaseID), MemberID: f.bea, CaseID: pulled.CaseID})
	if err != nil {
		t.Fatal(err)
	}
	e := f.outbox(t, ref.OutboxID)
	if !strings.Contains(e.Subject+e.BodyText, pulled.Reference) || strings.Contains(e.BodyText, "names the street") || strings.Contains(e.BodyText, "Bea") {
		t.Errorf("the coordinator's alert must name the case but not the report or the reporter:\n%s\n%s", e.Subject, e.BodyText)
	}
}
