package reviewform_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
)

// TestTheWelshFormIsTheSameFormInWelsh: the Welsh form has the English
// form's version and keys with Welsh words; a label in either language
// reads back as the same key; and its messages are Welsh.
func TestTheWelshFormIsTheSameFormInWelsh(t *testing.T) {
	en, cy := reviewform.Default(), reviewform.In(i18n.Welsh)
	if cy.Version != en.Version || len(cy.Questions) != len(en.Questions) || len(cy.Ratings) != len(en.Ratings) || len(cy.Categories) != len(en.Categories) {
		t.Fatalf("the Welsh form differs in shape: %+v", cy)
	}
	for i, q := range cy.Questions {
		if q.Key != en.Questions[i].Key || q.Text == en.Questions[i].Text || i18n.Missing(q.Text) {
			t.Errorf("Welsh question %d: %+v", i, q)
		}
	}
	for i, c := range cy.Categories {
		if c.Key != en.Categories[i].Key || c.CarriesForward != en.Categories[i].CarriesForward || i18n.Missing(c.Label) {
			t.Errorf("Welsh category %d: %+v", i, c)
		}
	}
	for _, form := range []reviewform.Form{en, cy} {
		if key, ok := form.RatingKey(" yn RHANNOL "); !ok || key != "partly" {
			t.Errorf("%s form: Welsh “Yn rhannol” = %q, %v", form.Lang(), key, ok)
		}
		if key, ok := form.RatingKey("Partly"); !ok || key != "partly" {
			t.Errorf("%s form: English “Partly” = %q, %v", form.Lang(), key, ok)
		}
		if key, ok := form.CategoryKey("Nid oedd y panel yn gallu cytuno"); !ok || key != "not_agreed" {
			t.Errorf("%s form: Welsh category = %q, %v", form.Lang(), key, ok)
		}
	}
	errs := cy.Validate(reviewform.Answers{Ratings: map[string]string{"charging": "maybe"}, Overall: "x"}, true)
	if len(errs) == 0 || !strings.HasPrefix(errs[0].Message, "Dewiswch sgôr ar gyfer “"+cy.Questions[0].Text+"” o'r rhestr: Ie, Yn rhannol, Na neu Amherthnasol") {
		t.Errorf("Welsh validation: %+v", errs)
	}
	if got := cy.TextFields()[0].Label; got != "Arfer da" {
		t.Errorf("Welsh text field label %q", got)
	}
	if got := en.TextFields(); got[0].Label != reviewform.TextFields[0].Label {
		t.Errorf("English text fields %+v differ from TextFields", got)
	}
}
