package i18n_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
)

// TestEveryDomainValueHasALabelInEachLanguage: a strand, outcome, category
// or action status without a label.<kind>.<code> message would show the
// missing-key marker to a member or owner, so every code of each kind must
// have one in both catalogues; and the English text is the domain's own
// label, so staff and members read the same words.
func TestEveryDomainValueHasALabelInEachLanguage(t *testing.T) {
	english := map[string]map[string]string{"strand": {}, "outcome": {}, "category": {}, "action_status": {}}
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
