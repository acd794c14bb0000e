package server

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
)

// memberPages are the member's and action owner's pages with data that shows every part of
// them: the conflict check and the released pack, a case with errors, the
// agreement and the answers kept after a lost link.
func memberPages(l *i18n.Localizer) map[string][]page {
	when := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	cases := []memberCase{{CaseID: 1, Reference: "WAL-1", Strands: "Race", StrandCodes: []string{"race"}, Offence: "Assault", Outcome: "Conviction after guilty plea", OutcomeCode: domain.ConvictionPlea, FinalisedOn: time.Date(2025, 5, 14, 0, 0, 0, 0, time.UTC), ReviewStatus: domain.ReviewDraft},
		{CaseID: 2, Reference: "WAL-2", Strands: "Disability, Religion", StrandCodes: []string{"disability", "religion"}, Offence: "Harassment", Outcome: "Acquittal", OutcomeCode: domain.Acquittal, FinalisedOn: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC), Conflicted: true}}
	home := memberPage{Name: "Aled", Panel: "Wales LSIP", MeetingAt: when, DeadlineAt: when, Response: "apologies", Cases: cases}
	released := home
	released.Released, released.Response = true, "attending"
	form := reviewform.In(l.Lang())
	answers := reviewform.Answers{Ratings: map[string]string{"charging": "yes"}, Comments: map[string]string{"charging": "Da"}, Overall: "concerns", GoodPractice: "Cynnar"}
	errs := []FieldError{{Field: "overall", Message: "x"}}
	base := func(p page) page { p.Base, p.L = "/m/t", l; return p }
	return map[string][]page{
		"member_home.html": {base(page{Title: "Wales LSIP", Page: home, Flash: "ok"}), base(page{Title: "Wales LSIP", Page: released, Errors: errs})},
		"member_case.html": {base(page{Title: "Case", Case: caseView{CaseID: 1, Reference: "WAL-1", Summary: "S"}, Form: form, Answers: answers,
			Errors: errs, FieldErrors: map[string]string{"overall": "x", "ratings.charging": "y"}})},
		"member_done.html":      {base(page{Title: "Done", Message: "M"})},
		"member_agreement.html": {base(page{Title: "A", Page: agreementPage{Agreement: agreementIn(l)}, Errors: []FieldError{{Field: "accept", Message: "x"}}, FieldErrors: map[string]string{"accept": "x"}})},
		"member_unsaved.html":   {base(page{Title: "U", Message: "M", Form: form, Answers: answers})},
		"error.html":            {base(page{Title: "E", Message: "M", Next: "/m/t", NextLabel: l.T("member.back")})},
		"owner.html": {base(page{Title: "A", Flash: "F", Page: ownerView{ActionID: 7, Facts: store.ActionMailFacts{Panel: "Wales LSIP", CaseRef: "WAL-1", Meeting: &when},
			Record: domain.ActionRecord{OwnerName: "Owain", ManagerName: "Mari", Status: domain.ActionOpen, Due: when, Response: "accepted", ExtensionTo: &when},
			Timeline: ownerTimeline([]domain.TimelineEntry{{At: when, Actor: "owner", Kind: "progress_note", Detail: "D"}, {At: when, Actor: "system", Kind: "reminder_sent", Detail: "Reminder to the owner"},
				{At: when, Actor: "mari@example.org", Kind: "response", Detail: "partially accepted: R"}}, l), MinDueDate: "2026-03-03"},
			Errors: []FieldError{{Field: "progress", Message: "x"}}, FieldErrors: map[string]string{"progress": "x", "due": "y", "done-note": "z"}}),
			base(page{Title: "A", Page: ownerView{ActionID: 7, Record: domain.ActionRecord{OwnerName: "Owain", Due: when}, MinDueDate: "2026-03-03"},
				FieldErrors: map[string]string{"ext-reason": "x"}})},
		"owner_done.html": {base(page{Title: l.T("owner.completed.title"), Message: "M"})},
	}
}

// TestMemberPagesRenderInBothLanguages: every member and owner page, in English and
// in Welsh, renders with no missing-key marker, with the html element
// naming its language; the Welsh pages carry none of the English page
// text.
func TestMemberPagesRenderInBothLanguages(t *testing.T) {
	english := []string{"Hello ", "Your cases", "Will you come", "Back to your cases", "Send my review", "Good practice", "Skip to main content", "There is a problem", "Error: ",
		"What was agreed", "Ask for more time", "Complete the action", "March 2026", "Monday", "partially accepted"}
	for _, lang := range i18n.Langs {
		for name, pages := range memberPages(i18n.For(lang)) {
			for i, p := range pages {
				var b bytes.Buffer
				if err := pageTemplates.ExecuteTemplate(&b, name, p); err != nil {
					t.Fatalf("%s %d in %s: %v", name, i, lang, err)
				}
				html := b.String()
				if i18n.Missing(html) || !strings.Contains(html, `<html lang="`+string(lang)+`">`) {
					t.Errorf("%s %d in %s shows a missing key or the wrong language:\n%s", name, i, lang, html)
				}
				if lang != i18n.Welsh {
					continue
				}
				for _, en := range english {
					if strings.Contains(html, en) {
						t.Errorf("Welsh %s %d shows English %q", name, i, en)
					}
				}
			}
		}
	}
}

// TestTheEnglishAgreementIsTheDomainOne: the agreement an English member
// accepts is, word for word, the one the domain defines, so acceptances
// stored before the catalogues still match.
func TestTheEnglishAgreementIsTheDomainOne(t *testing.T) {
	if got := agreementIn(i18n.For(i18n.English)); !reflect.DeepEqual(got, domain.CurrentAgreement) {
		t.Errorf("the English catalogue's agreement\n%+v\ndiffers from the domain's\n%+v", got, domain.CurrentAgreement)
	}
	if cy := agreementIn(i18n.For(i18n.Welsh)); cy.Version != domain.CurrentAgreement.Version || len(cy.Paragraphs) != len(domain.CurrentAgreement.Paragraphs) {
		t.Errorf("the Welsh agreement %+v is not the current version in full", cy)
	}
}

// TestStaffPagesStayEnglish: a page without a localizer (every staff page)
// is English, as before.
func TestStaffPagesStayEnglish(t *testing.T) {
	var b bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&b, "error.html", page{Title: "E", Errors: []FieldError{{Field: "x", Message: "y"}}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<html lang="en">`) || !strings.Contains(b.String(), "There is a problem") || !strings.Contains(b.String(), "Skip to main content") {
		t.Errorf("staff page:\n%s", b.String())
	}
}
