package domain_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
)

// TestLabelsArePlainEnglish: every stage, status and role a person sees has
// words of its own, never a code with an underscore.
func TestLabelsArePlainEnglish(t *testing.T) {
	labels := map[string]string{}
	for _, v := range []domain.Stage{domain.StageSelecting, domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing,
		domain.StageMeeting, domain.StageMinutes, domain.StageTracking, domain.StageClosed, domain.StageCancelled} {
		labels["stage "+string(v)] = v.Label()
	}
	for _, v := range []domain.CaseStatus{domain.CaseProposed, domain.CaseReserve, domain.CaseApproved, domain.CaseWithdrawn, domain.CaseUnusedReserve, domain.CasePulled} {
		labels["case "+string(v)] = v.Label()
	}
	for _, v := range []domain.ReviewStatus{domain.ReviewOutstanding, domain.ReviewDraft, domain.ReviewSubmitted, domain.ReviewNotSubmitted, domain.ReviewExcused} {
		labels["review "+string(v)] = v.Label()
	}
	for _, v := range []domain.ActionStatus{domain.ActionOpen, domain.ActionInProgress, domain.ActionCompleted, domain.ActionCancelled} {
		labels["action "+string(v)] = v.Label()
	}
	for _, v := range []domain.MailStatus{domain.MailPending, domain.MailSent, domain.MailBounced, domain.MailHeld} {
		labels["mail "+string(v)] = v.Label()
	}
	for _, v := range []domain.StaffRole{domain.StaffAdmin, domain.StaffCoordinator, domain.StaffManager, domain.StaffChair} {
		labels["role "+string(v)] = v.Label()
	}
	for _, v := range []domain.MeetingStatus{domain.MeetingScheduled, domain.MeetingHeld, domain.MeetingCancelled} {
		labels["meeting "+string(v)] = v.Label()
	}
	for what, l := range labels {
		if l == "" || strings.Contains(l, "_") {
			t.Errorf("%s is shown as %q", what, l)
		}
	}
	for what, want := range map[string]string{"stage conflict_check": "conflict check", "review outstanding": "not started",
		"action in_progress": "in progress", "role admin": "administrator", "mail held": "held until the address is corrected"} {
		if labels[what] != want {
			t.Errorf("%s is shown as %q, want %q", what, labels[what], want)
		}
	}
}
