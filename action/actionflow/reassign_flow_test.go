package actionflow

import (
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestReassignCarriesTheLanguageGiven: the workflow passes the language a
// reassignment gives to the change it records, and refuses one it has no
// catalogue for.
func TestReassignCarriesTheLanguageGiven(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	at := actionStart.Add(24 * time.Hour)
	bad := w.update(at, action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Nia New", Email: "nia@cps.example", Language: "fr"})
	re := w.update(at.Add(time.Hour), action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Nia New", Email: "nia@cps.example", Language: "cy"})
	w.update(nine(-3).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Nia New", Note: "Delivered"})
	w.run(action.ActionInput{ActionID: 5})
	if bad.err == nil || !strings.Contains(bad.err.Error(), `must be en (English) or cy (Cymraeg), not "fr"`) {
		t.Errorf("a reassignment in French: %v", bad.err)
	}
	flowtest.MustOK(t, "reassign", re)
	var found bool
	for _, c := range w.rec.changes {
		if c.Kind == "reassigned" {
			found = true
			if c.Data["language"] != "cy" || c.OwnerEmail != "nia@cps.example" {
				t.Errorf("reassignment written as %+v", c)
			}
		}
	}
	if !found {
		t.Error("no reassignment was written")
	}
}
