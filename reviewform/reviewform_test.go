package reviewform

import (
	"strings"
	"testing"
)

func full(f Form) Answers {
	a := Answers{Ratings: map[string]string{}, Overall: "concerns"}
	for _, q := range f.Questions {
		a.Ratings[q.Key] = "partly"
	}
	return a
}

func TestValidate(t *testing.T) {
	f := Default()
	if errs := f.Validate(full(f), true); len(errs) != 0 {
		t.Fatalf("complete answers rejected: %v", errs)
	}
	if errs := f.Validate(Answers{Ratings: map[string]string{"charging": "yes"}}, false); len(errs) != 0 {
		t.Errorf("a partial draft must be accepted: %v", errs)
	}
	errs := f.Validate(Answers{Ratings: map[string]string{"charging": "yes"}}, true)
	if len(errs) != len(f.Questions) { // six missing ratings plus the overall category
		t.Errorf("incomplete submission: got %d errors %v, want %d", len(errs), errs, len(f.Questions))
	}
	bad := full(f)
	bad.Ratings["charging"] = "brilliant"
	bad.Ratings["weather"] = "yes"
	bad.Overall = "meh"
	bad.Learning = strings.Repeat("x", MaxText+1)
	errs = f.Validate(bad, false)
	fields := map[string]string{}
	for _, e := range errs {
		fields[e.Field] = e.Message
	}
	for _, want := range []string{"ratings.charging", "ratings.weather", "overall", "learning"} {
		if fields[want] == "" {
			t.Errorf("no error for %s in %v", want, errs)
		}
	}
	if !strings.Contains(fields["ratings.charging"], "Partly") {
		t.Errorf("rating error should list the choices: %q", fields["ratings.charging"])
	}
}

func TestLabelsAndKeys(t *testing.T) {
	f := Default()
	if k, ok := f.RatingKey("  not applicable /  NOT known "); !ok || k != "na" {
		t.Errorf("RatingKey = %q, %v", k, ok)
	}
	if k, ok := f.CategoryKey("Handled well, with observations"); !ok || k != "handled_well_observations" {
		t.Errorf("CategoryKey = %q, %v", k, ok)
	}
	if c, _ := f.Category("not_agreed"); !c.CarriesForward {
		t.Error("could-not-agree must carry forward")
	}
}
