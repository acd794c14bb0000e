package cycleflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

// Helpers over the cycle workflow's state: its members, cases, notices,
// stage and the status it reports.

// member is the status of a member, created on first mention.
func (c *cycleRun) member(id int64) *cycle.MemberStatus {
	m := c.members[id]
	if m == nil {
		m = &cycle.MemberStatus{ReviewProgress: cycle.ReviewProgress{MemberID: id}}
		c.members[id] = m
	}
	return m
}

// memberIDs lists the members in ID order, so a replay visits them alike.
func (c *cycleRun) memberIDs() []int64 {
	ids := make([]int64, 0, len(c.members))
	for id := range c.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// notice adds a line for the coordinator to the status.
func (c *cycleRun) notice(format string, args ...any) {
	c.status.Notices = append(c.status.Notices, fmt.Sprintf(format, args...))
}

// snapshot is the status as the query reports it, sharing nothing with
// the running state.
func (c *cycleRun) snapshot() cycle.CycleStatus {
	s := c.status
	s.Members = nil
	for _, id := range c.memberIDs() {
		s.Members = append(s.Members, *c.members[id])
	}
	s.Cases = slices.Clone(c.status.Cases)
	return s
}

// caseIndex finds a case in the cycle's list, or -1.
func (c *cycleRun) caseIndex(caseID int64) int {
	return slices.IndexFunc(c.status.Cases, func(cc cycle.CycleCase) bool { return cc.CaseID == caseID })
}

// inReview reports whether the case is one the panel is reviewing.
func (c *cycleRun) inReview(caseID int64) bool {
	i := c.caseIndex(caseID)
	if i < 0 {
		return false
	}
	switch c.status.Cases[i].Status {
	case string(domain.CaseProposed), string(domain.CaseApproved):
		return true
	}
	return false
}

// errStage marks a request the cycle's stage cannot accept.
var errStage = errors.New("not possible at this stage")

// stageIs refuses, with a reason a person can read, unless the cycle is
// at one of stages.
func (c *cycleRun) stageIs(stages ...domain.Stage) error {
	if slices.Contains(stages, c.status.Stage) {
		return nil
	}
	labels := make([]string, len(stages))
	for i, s := range stages {
		labels[i] = s.Label()
	}
	return fmt.Errorf("%w: the cycle is at %s; this needs %s", errStage, c.status.Stage.Label(), strings.Join(labels, " or "))
}
