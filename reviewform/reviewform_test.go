package reviewform

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// complete answers every question of f.
func complete(f Form) Answers {
	a := Answers{Ratings: map[string]string{}, Comments: map[string]string{}, Overall: "concerns"}
	for _, q := range f.Questions {
		a.Ratings[q.Key] = "partly"
	}
	return a
}

func fields(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field
	}
	return out
}

func messages(errs []FieldError) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		out[e.Field] = e.Message
	}
	return out
}

func TestDefaultForm(t *testing.T) {
	f := Default()
	if f.Version != "2026-1" {
		t.Errorf("version %q", f.Version)
	}
	var keys []string
	for _, q := range f.Questions {
		keys = append(keys, q.Key)
		if q.Text == "" {
			t.Errorf("question %s has no text", q.Key)
		}
	}
	want := []string{"charging", "strand_flagged", "hostility_uplift", "victim_care", "language", "joint_working", "timeliness"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("questions %v, want %v", keys, want)
	}
	if q, _ := f.Question("hostility_uplift"); !strings.Contains(q.Text, "s.66 Sentencing Act 2020") {
		t.Errorf("uplift question %q", q.Text)
	}
	if got := f.RatingLabel("na"); got != "Not applicable / not known" {
		t.Errorf("RatingLabel(na) = %q", got)
	}
	for _, c := range f.Categories {
		if c.CarriesForward != (c.Key == "not_agreed") {
			t.Errorf("category %s CarriesForward = %v", c.Key, c.CarriesForward)
		}
	}
}

func TestCompleteSubmissionAndPartialDraftAreAccepted(t *testing.T) {
	f := Default()
	if errs := f.Validate(complete(f), true); len(errs) != 0 {
		t.Errorf("complete answers rejected: %v", errs)
	}
	draft := Answers{Ratings: map[string]string{"charging": "yes"}, Comments: map[string]string{"timeliness": "Slow"}}
	if errs := f.Validate(draft, false); len(errs) != 0 {
		t.Errorf("a partial draft must be accepted: %v", errs)
	}
	if errs := f.Validate(Answers{}, false); len(errs) != 0 {
		t.Errorf("an empty draft must be accepted: %v", errs)
	}
}

func TestSubmissionNeedsEveryRatingAndOverall(t *testing.T) {
	f := Default()
	errs := f.Validate(Answers{Ratings: map[string]string{"charging": "yes"}}, true)
	want := []string{"ratings.strand_flagged", "ratings.hostility_uplift", "ratings.victim_care", "ratings.language", "ratings.joint_working", "ratings.timeliness", "overall"}
	if got := fields(errs); !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v (in form order)", got, want)
	}
	msg := messages(errs)
	if msg["ratings.timeliness"] != "Choose a rating for “Timeliness”." {
		t.Errorf("message %q", msg["ratings.timeliness"])
	}
	if msg["overall"] != "Choose an overall category for the case." {
		t.Errorf("message %q", msg["overall"])
	}
}

func TestAlwaysWrong(t *testing.T) {
	f := Default()
	bad := complete(f)
	bad.Ratings["charging"] = "brilliant"
	bad.Ratings["weather"] = "yes"
	bad.Comments["weather"] = "Sunny"
	bad.Comments["timeliness"] = strings.Repeat("é", MaxText+1)
	bad.Overall = "meh"
	bad.Learning = strings.Repeat("x", MaxText+1)
	for _, final := range []bool{false, true} {
		errs := f.Validate(bad, final)
		want := []string{"ratings.charging", "comments.timeliness", "ratings.weather", "comments.weather", "overall", "learning"}
		if got := fields(errs); !reflect.DeepEqual(got, want) {
			t.Fatalf("final=%v: fields %v, want %v", final, got, want)
		}
		msg := messages(errs)
		if m := msg["ratings.charging"]; !strings.Contains(m, "“Was the charging decision") || !strings.Contains(m, "Yes, Partly, No or Not applicable / not known") {
			t.Errorf("rating message should name the question and list the choices: %q", m)
		}
		if m := msg["comments.timeliness"]; !strings.Contains(m, "“Timeliness”") || !strings.Contains(m, "4,001 characters") || !strings.Contains(m, "4,000") {
			t.Errorf("comment length message %q", m)
		}
		if m := msg["ratings.weather"]; !strings.Contains(m, "“weather”") {
			t.Errorf("unknown question message %q", m)
		}
		if m := msg["overall"]; !strings.Contains(m, "“Handled well, with observations”") {
			t.Errorf("category message should list the choices: %q", m)
		}
		if m := msg["learning"]; !strings.Contains(m, "“Suggested learning”") {
			t.Errorf("text length message should name the field: %q", m)
		}
	}
}

func TestExactlyMaxTextIsAccepted(t *testing.T) {
	f := Default()
	a := complete(f)
	a.Comments["charging"] = strings.Repeat("ŵ", MaxText) // counted in characters, not bytes
	for _, tf := range TextFields {
		a.SetText(tf.Field, strings.Repeat("a", MaxText))
	}
	if errs := f.Validate(a, true); len(errs) != 0 {
		t.Errorf("text of exactly %d characters rejected: %v", MaxText, errs)
	}
}

func TestLabelsAreNotStoredValues(t *testing.T) {
	// Answers hold keys; a label would be counted wrongly in the minutes.
	f := Default()
	a := complete(f)
	a.Ratings["charging"] = "Yes"
	a.Overall = "Handled well"
	if got := fields(f.Validate(a, true)); !reflect.DeepEqual(got, []string{"ratings.charging", "overall"}) {
		t.Errorf("labels accepted as values: %v", got)
	}
}

func TestConfigurableCategories(t *testing.T) {
	f := Default()
	f.Categories = []Category{{Key: "good", Label: "Good"}, {Key: "refer", Label: "Refer to the national panel", CarriesForward: true}}
	a := complete(f)
	if errs := f.Validate(a, true); len(errs) != 1 || errs[0].Field != "overall" {
		t.Errorf("default category accepted by a custom form: %v", errs)
	}
	a.Overall = "refer"
	if errs := f.Validate(a, true); len(errs) != 0 {
		t.Errorf("custom category rejected: %v", errs)
	}
	if c, ok := f.Category("refer"); !ok || !c.CarriesForward {
		t.Errorf("Category(refer) = %+v, %v", c, ok)
	}
	if k, ok := f.CategoryKey(" refer TO the national  panel"); !ok || k != "refer" {
		t.Errorf("CategoryKey = %q, %v", k, ok)
	}
}

func TestTolerantLookups(t *testing.T) {
	f := Default()
	for in, want := range map[string]string{"  not applicable /  NOT known ": "na", "PARTLY": "partly", "no": "no"} {
		if k, ok := f.RatingKey(in); !ok || k != want {
			t.Errorf("RatingKey(%q) = %q, %v", in, k, ok)
		}
	}
	if _, ok := f.RatingKey("Brilliant"); ok {
		t.Error("RatingKey accepted an unknown rating")
	}
	if k, ok := f.CategoryKey("handled well, with observations"); !ok || k != "handled_well_observations" {
		t.Errorf("CategoryKey = %q, %v", k, ok)
	}
}

func TestTextFields(t *testing.T) {
	var a Answers
	for i, tf := range TextFields {
		if !a.SetText(tf.Field, tf.Label) {
			t.Fatalf("SetText(%s) failed", tf.Field)
		}
		if got := a.Text(tf.Field); got != TextFields[i].Label {
			t.Errorf("Text(%s) = %q", tf.Field, got)
		}
	}
	if a.SetText("weather", "x") || a.Text("weather") != "" {
		t.Error("an unknown text field was accepted")
	}
	want := Answers{GoodPractice: "Good practice", Concerns: "Concerns", Questions: "Questions for the prosecutor", Learning: "Suggested learning"}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("answers %+v", a)
	}
}

func TestJSONNames(t *testing.T) {
	b, err := json.Marshal(Answers{Ratings: map[string]string{"charging": "yes"}, GoodPractice: "g", Questions: "q"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"ratings":`, `"comments":`, `"overall":`, `"good_practice":"g"`, `"concerns":`, `"questions":"q"`, `"learning":`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("%s lacks %s", b, name)
		}
	}
	b, _ = json.Marshal(FieldError{Field: "overall", Message: "m"})
	if string(b) != `{"field":"overall","message":"m"}` {
		t.Errorf("FieldError JSON %s", b)
	}
}
