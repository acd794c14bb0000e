package i18n_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
)

// TestEveryDomainValueHasALabelInEachLanguage: a strand, outcome, category,
// action status, action response or action timeline event without a
// label.<kind>.<code> message would show the missing-key marker to a
// member or owner, so every code of each kind must have one in both
// catalogues; and the English text is the domain's own label, so staff
// and members read the same words.
func TestEveryDomainValueHasALabelInEachLanguage(t *testing.T) {
	english := map[string]map[string]string{"strand": {}, "outcome": {}, "category": {}, "action_status": {}, "action_response": {}, "action_event": {}}
	for _, s := range domain.Strands {
		english["strand"][s.Code] = s.Label
	}
	for _, o := range domain.Outcomes {
		english["outcome"][string(o.Code)] = o.Label
	}
	for _, c := range []domain.Category{domain.HateCrime, domain.VAWG} {
		english["category"][string(c)] = c.Label()
	}
	for _, s := range []domain.ActionStatus{domain.ActionOpen, domain.ActionInProgress, domain.ActionCompleted, domain.ActionCancelled} {
		english["action_status"][string(s)] = strings.ToUpper(s.Label()[:1]) + s.Label()[1:]
	}
	// The responses a manager records and what an action's timeline
	// records (action/actionflow and the meeting's record), by code.
	for _, code := range []string{"accepted", "partially_accepted", "not_accepted"} {
		english["action_response"][code] = strings.ToUpper(code[:1]) + strings.ReplaceAll(code[1:], "_", " ")
	}
	for _, kind := range []string{"created", "tracking_started", "progress_note", "response", "completed", "cancelled", "reassigned",
		"extension_requested", "extension_approved", "extension_declined", "agreed_sent", "reminder_sent", "due_sent", "overdue_sent",
		"escalation_sent", "mail_failed", "mail_bounced", "bounce_reported"} {
		english["action_event"][kind] = i18n.For(i18n.English).Label("action_event", kind)
	}
	for kind, codes := range english {
		for code, want := range codes {
			for _, lang := range i18n.Langs {
				got := i18n.For(lang).Label(kind, code)
				if i18n.Missing(got) {
					t.Errorf("%s %s has no label in %s", kind, code, lang)
				}
				if lang == i18n.English && got != want {
					t.Errorf("English label of %s %s is %q; the domain says %q", kind, code, got, want)
				}
			}
		}
	}
	if got := i18n.For(i18n.Welsh).Labels("strand", []string{"race", "religion"}); got != "Hil, Crefydd" {
		t.Errorf("Welsh strands: %q", got)
	}
	if got := i18n.For(i18n.Welsh).Label("strand", "no_such_strand"); !i18n.Missing(got) {
		t.Errorf("an unknown strand shows %q, not the missing-key marker", got)
	}
}
