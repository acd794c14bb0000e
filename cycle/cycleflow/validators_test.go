package cycleflow

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestMeetingValidatorsRefuseWhatTheDatabaseWould: an action of an unknown
// kind or audience, or one that names a learning point this meeting did
// not make, is refused before any activity runs, so nothing can retry
// against the database for ever. (Attendance for someone not on the
// panel is refused by the activity: TestAttendanceOfAStrangerIsRefused.)
func TestMeetingValidatorsRefuseWhatTheDatabaseWould(t *testing.T) {
	w := newWorld(t)
	T := meeting
	w.at(start.Add(time.Hour), func() { w.update(cycle.UpdateApproveSelection, wfID) })
	valid := cycle.AgreedAction{Description: "Brief lawyers on s.66", OwnerName: "Owner", OwnerEmail: "owner@example.org",
		ManagerName: "Manager", ManagerEmail: "manager@example.org", Due: T.Add(60 * uktime.Day)}
	var badKind, badAudience, unknownPoint, good *outcome
	w.at(T.Add(time.Hour), func() {
		kind := valid
		kind.Kind = "wish"
		badKind = w.update(cycle.UpdateAddAction, wfID, kind)
		audience := valid
		audience.Audience = "press"
		badAudience = w.update(cycle.UpdateAddAction, wfID, audience)
		point := valid
		point.LearningPointID = 4242
		unknownPoint = w.update(cycle.UpdateAddAction, wfID, point)
		good = w.update(cycle.UpdateAddAction, wfID, valid)
	})
	cancelAt(w, T.Add(2*time.Hour))
	run(t, w)
	flowtest.MustReject(t, "unknown kind", badKind, "kind must be one of")
	flowtest.MustReject(t, "unknown audience", badAudience, "audience must be one of")
	flowtest.MustReject(t, "unknown learning point", unknownPoint, "learning point 4242")
	flowtest.MustOK(t, "a valid action", good)
}
