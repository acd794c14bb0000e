// Package reviewform is the single definition of the member review form:
// its questions, ratings and finding categories, and the rules an answer
// must keep. The Excel pack, the web form and the workflows' update
// validators all use it, so they can never disagree.
package reviewform

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Form is one version of the review form.
type Form struct {
	Version    string
	Questions  []Question
	Ratings    []Rating
	Categories []Category
}

// Question is one rated question.
type Question struct {
	Key  string
	Text string
}

// Rating is one answer a question can have.
type Rating struct {
	Key   string
	Label string
}

// Category is one overall finding a member (or the panel) can reach.
type Category struct {
	Key   string
	Label string
	// CarriesForward means a panel finding in this category sends the case
	// to the next cycle.
	CarriesForward bool
}

// Answers is one member's review of one case.
type Answers struct {
	Ratings      map[string]string `json:"ratings"`
	Comments     map[string]string `json:"comments"`
	Overall      string            `json:"overall"`
	GoodPractice string            `json:"good_practice"`
	Concerns     string            `json:"concerns"`
	Questions    string            `json:"questions"`
	Learning     string            `json:"learning"`
}

// FieldError names a field of the form and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// MaxText is the longest comment or free-text answer accepted.
const MaxText = 4000

// Default is the domain's standard form.
func Default() Form {
	return Form{
		Version: "2026-1",
		Questions: []Question{
			{"charging", "Was the charging decision in line with the Code for Crown Prosecutors?"},
			{"strand_flagged", "Was the hate crime or VAWG strand identified and flagged?"},
			{"hostility_uplift", "Was hostility evidenced and a sentence uplift sought (s.66 Sentencing Act 2020)?"},
			{"victim_care", "Victim care: special measures, victim personal statement, letters"},
			{"language", "The language used in the file"},
			{"joint_working", "Joint working with the police and with ISVA and IDVA advocates"},
			{"timeliness", "Timeliness"},
		},
		Ratings: []Rating{
			{"yes", "Yes"},
			{"partly", "Partly"},
			{"no", "No"},
			{"na", "Not applicable / not known"},
		},
		Categories: []Category{
			{Key: "handled_well", Label: "Handled well"},
			{Key: "handled_well_observations", Label: "Handled well, with observations"},
			{Key: "concerns", Label: "Concerns identified"},
			{Key: "not_agreed", Label: "The panel could not agree", CarriesForward: true},
		},
	}
}

// Category returns the category with key.
func (f Form) Category(key string) (Category, bool) {
	for _, c := range f.Categories {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}

// RatingLabel returns the label of a rating key, or the key itself.
func (f Form) RatingLabel(key string) string {
	for _, r := range f.Ratings {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}

// RatingKey finds a rating by key or label, ignoring case and spacing, as
// people type over drop-downs.
func (f Form) RatingKey(s string) (string, bool) {
	s = fold(s)
	for _, r := range f.Ratings {
		if fold(r.Key) == s || fold(r.Label) == s {
			return r.Key, true
		}
	}
	return "", false
}

// CategoryKey finds a category by key or label, ignoring case and spacing.
func (f Form) CategoryKey(s string) (string, bool) {
	s = fold(s)
	for _, c := range f.Categories {
		if fold(c.Key) == s || fold(c.Label) == s {
			return c.Key, true
		}
	}
	return "", false
}

func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// Validate checks answers. Unknown questions, ratings or categories and
// over-long text are always wrong. A submission (final) must also rate
// every question and give an overall category; a draft may be partial.
// The errors come sorted by field, with messages a volunteer can act on.
func (f Form) Validate(a Answers, final bool) []FieldError {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	known := map[string]Question{}
	for _, q := range f.Questions {
		known[q.Key] = q
	}
	for key, rating := range a.Ratings {
		if _, ok := known[key]; !ok {
			add("ratings."+key, "There is no question %q on this form.", key)
			continue
		}
		if _, ok := f.RatingKey(rating); !ok && rating != "" {
			add("ratings."+key, "Choose one of: %s.", f.ratingLabels())
		}
	}
	for key, comment := range a.Comments {
		if _, ok := known[key]; !ok {
			add("comments."+key, "There is no question %q on this form.", key)
			continue
		}
		if utf8.RuneCountInString(comment) > MaxText {
			add("comments."+key, "Keep the comment to %d characters or fewer.", MaxText)
		}
	}
	if a.Overall != "" {
		if _, ok := f.CategoryKey(a.Overall); !ok {
			add("overall", "Choose one of: %s.", f.categoryLabels())
		}
	}
	for field, text := range map[string]string{"good_practice": a.GoodPractice, "concerns": a.Concerns, "questions": a.Questions, "learning": a.Learning} {
		if utf8.RuneCountInString(text) > MaxText {
			add(field, "Keep this to %d characters or fewer.", MaxText)
		}
	}
	if final {
		for _, q := range f.Questions {
			if a.Ratings[q.Key] == "" {
				add("ratings."+q.Key, "Choose a rating for “%s”.", q.Text)
			}
		}
		if a.Overall == "" {
			add("overall", "Choose an overall category for the case.")
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs
}

func (f Form) ratingLabels() string {
	labels := make([]string, len(f.Ratings))
	for i, r := range f.Ratings {
		labels[i] = r.Label
	}
	return strings.Join(labels, ", ")
}

func (f Form) categoryLabels() string {
	labels := make([]string, len(f.Categories))
	for i, c := range f.Categories {
		labels[i] = c.Label
	}
	return strings.Join(labels, ", ")
}
