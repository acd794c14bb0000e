package actionflow

import (
	"maps"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// timelineDataRun reassigns the action, declines one extension and
// approves another, with the timeline-data change at version v, and
// returns the data each of those changes was written with, by kind.
func timelineDataRun(t *testing.T, v workflow.Version) map[string]map[string]string {
	w := newActionWorld(t, nil, openAction())
	w.env.OnGetVersion(timelineDataChange, workflow.DefaultVersion, 1).Return(v)
	later := actionDue.AddDate(0, 0, 20) // Thursday 29 April 2027
	steps := []*actionOutcome{
		w.update(nine(-5), action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: later, Note: "More time"}),
		w.update(nine(-4), action.UpdateDecideExtension, action.ActionUpdate{Actor: "Mina Manager", Note: "Needed for the Board"}),
		w.update(nine(-3), action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: later, Note: "Still waiting"}),
		w.update(nine(-2), action.UpdateDecideExtension, action.ActionUpdate{Actor: "Mina Manager", Approve: true}),
		w.update(nine(-1), action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Nia New", Email: "nia@cps.example"}),
		w.update(nine(0).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Nia New", Note: "Delivered"}),
	}
	w.run(action.ActionInput{ActionID: 5})
	for _, s := range steps {
		flowtest.MustOK(t, "update", s)
	}
	data := map[string]map[string]string{}
	for _, c := range w.rec.changes {
		switch c.Kind {
		case "extension_declined", "extension_approved", "reassigned":
			data[c.Kind] = c.Data
		}
	}
	return data
}

// TestDecisionsAndReassignmentsRecordTheirData: a reassignment records the
// owners' names, a decision on an extension its dates and note, beside the
// English sentence, so that an owner's page can word them in Welsh; a
// workflow recorded before the change replays without them.
func TestDecisionsAndReassignmentsRecordTheirData(t *testing.T) {
	want := map[string]map[string]string{
		"extension_declined": {"to": "2027-04-29", "due": "2027-04-09", "note": "Needed for the Board"},
		"extension_approved": {"from": "2027-04-09", "to": "2027-04-29"},
		"reassigned":         {"from": "Olu Owner", "to": "Nia New"},
	}
	got := timelineDataRun(t, 1)
	for kind, w := range want {
		if !maps.Equal(got[kind], w) {
			t.Errorf("%s written with data %v, want %v", kind, got[kind], w)
		}
	}
	before := timelineDataRun(t, workflow.DefaultVersion)
	if len(before) != len(want) {
		t.Errorf("before the change, the changes written are %v", before)
	}
	for kind, data := range before {
		if data != nil {
			t.Errorf("before the change, %s is written with data %v", kind, data)
		}
	}
}
