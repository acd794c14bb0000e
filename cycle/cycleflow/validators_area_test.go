package cycleflow

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestActionAreaMustBeAKnownCode: an action's owning Area is refused
// before any activity runs unless it is one of domain.Areas' codes (an
// Area's name is not its code), naming the field and the codes to use;
// a known code is accepted.
func TestActionAreaMustBeAKnownCode(t *testing.T) {
	w := newWorld(t)
	T := meeting
	w.at(start.Add(time.Hour), func() { w.update(cycle.UpdateApproveSelection, wfID) })
	valid := cycle.AgreedAction{Description: "Brief lawyers on s.66", OwnerName: "Owner", OwnerEmail: "owner@example.org",
		ManagerName: "Manager", ManagerEmail: "manager@example.org", Due: T.Add(60 * uktime.Day)}
	var unknown, byName, known *outcome
	w.at(T.Add(time.Hour), func() {
		bad := valid
		bad.Area = "atlantis"
		unknown = w.update(cycle.UpdateAddAction, wfID, bad)
		name := valid
		name.Area = "North East"
		byName = w.update(cycle.UpdateAddAction, wfID, name)
		good := valid
		good.Area = "north-east"
		known = w.update(cycle.UpdateAddAction, wfID, good)
	})
	cancelAt(w, T.Add(2*time.Hour))
	run(t, w)
	flowtest.MustReject(t, "an unknown Area", unknown, `area "atlantis" is not a known Area code; use one of: london-north,`)
	flowtest.MustReject(t, "an Area's name", byName, `area "North East" is not a known Area code`)
	flowtest.MustOK(t, "a known Area code", known)
}
