// Package reviewform is the single definition of the member review form:
// its questions, ratings and finding categories, and the rules an answer
// must keep. The Excel pack, the web form and the workflows' update
// validators all use it, so they can never disagree.
package reviewform

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Form is one version of the review form. A returned workbook names the
// version it was built from, so a pack made for an older form is noticed
// rather than misread.
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

// Rating is one answer a question can have: the key is stored, the label is
// shown.
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

// Answers is one member's review of one case. Ratings and Comments are keyed
// by question key; Ratings hold rating keys and Overall a category key.
type Answers struct {
	Ratings      map[string]string `json:"ratings"`
	Comments     map[string]string `json:"comments"`
	Overall      string            `json:"overall"`
	GoodPractice string            `json:"good_practice"`
	Concerns     string            `json:"concerns"`
	Questions    string            `json:"questions"`
	Learning     string            `json:"learning"`
}

// TextField is one of the free-text answers that follow the rated
// questions. Field is the name used in FieldError and in the web form.
type TextField struct {
	Field string
	Label string
}

// TextFields lists the free-text answers in the order the form shows them.
var TextFields = []TextField{
	{"good_practice", "Good practice"},
	{"concerns", "Concerns"},
	{"questions", "Questions for the prosecutor"},
	{"learning", "Suggested learning"},
}

// Text returns the free-text answer named by field (one of TextFields).
func (a Answers) Text(field string) string {
	if p := a.text(field); p != nil {
		return *p
	}
	return ""
}

// SetText sets the free-text answer named by field, reporting whether the
// field exists.
func (a *Answers) SetText(field, value string) bool {
	p := a.text(field)
	if p != nil {
		*p = value
	}
	return p != nil
}

func (a *Answers) text(field string) *string {
	switch field {
	case "good_practice":
		return &a.GoodPractice
	case "concerns":
		return &a.Concerns
	case "questions":
		return &a.Questions
	case "learning":
		return &a.Learning
	}
	return nil
}

// FieldError names a field of the form and what is wrong with it. Field is
// "ratings.<question key>", "comments.<question key>", "overall" or one of
// the TextFields, matching the web form's field names.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// MaxText is the longest comment or free-text answer accepted, in
// characters.
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

// Question returns the question with key.
func (f Form) Question(key string) (Question, bool) {
	i := slices.IndexFunc(f.Questions, func(q Question) bool { return q.Key == key })
	if i < 0 {
		return Question{}, false
	}
	return f.Questions[i], true
}

// Category returns the category with key.
func (f Form) Category(key string) (Category, bool) {
	i := slices.IndexFunc(f.Categories, func(c Category) bool { return c.Key == key })
	if i < 0 {
		return Category{}, false
	}
	return f.Categories[i], true
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

// RatingKey finds a rating by key or label, ignoring case and spacing,
// because people type over drop-downs in a workbook.
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

// Validate checks answers and returns what is wrong, in the order the form
// shows its fields, so an error summary reads top to bottom. The order is
// fixed, which a workflow's update validator needs.
//
// A question key the form does not have, a rating or category that is not a
// key of this form (answers store keys; labels are for people), and text
// over MaxText characters are always wrong. A submission (final) must also
// rate every question and choose an overall category; a draft may be
// partial.
func (f Form) Validate(a Answers, final bool) []FieldError {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for _, q := range f.Questions {
		rating := a.Ratings[q.Key]
		switch {
		case rating == "" && final:
			add("ratings."+q.Key, "Choose a rating for “%s”.", q.Text)
		case rating != "" && !slices.ContainsFunc(f.Ratings, func(r Rating) bool { return r.Key == rating }):
			add("ratings."+q.Key, "Choose a rating for “%s” from the list: %s.", q.Text, f.ratingChoices())
		}
		if n := utf8.RuneCountInString(a.Comments[q.Key]); n > MaxText {
			add("comments."+q.Key, "Your comment on “%s” is %s characters long. Please shorten it to %s characters or fewer.", q.Text, thousands(n), thousands(MaxText))
		}
	}
	for _, key := range unknownKeys(f, a.Ratings) {
		add("ratings."+key, "This form has no question called “%s”, so its rating cannot be saved.", key)
	}
	for _, key := range unknownKeys(f, a.Comments) {
		add("comments."+key, "This form has no question called “%s”, so its comment cannot be saved.", key)
	}
	switch {
	case a.Overall == "" && final:
		add("overall", "Choose an overall category for the case.")
	case a.Overall != "":
		if _, ok := f.Category(a.Overall); !ok {
			add("overall", "Choose an overall category from the list: %s.", f.categoryChoices())
		}
	}
	for _, tf := range TextFields {
		if n := utf8.RuneCountInString(a.Text(tf.Field)); n > MaxText {
			add(tf.Field, "“%s” is %s characters long. Please shorten it to %s characters or fewer.", tf.Label, thousands(n), thousands(MaxText))
		}
	}
	return errs
}

// unknownKeys returns, sorted, the keys of m that are not questions of f.
func unknownKeys(f Form, m map[string]string) []string {
	var keys []string
	for key := range m {
		if _, ok := f.Question(key); !ok {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// ratingChoices lists the rating labels as a sentence: "Yes, Partly, No or
// Not applicable / not known".
func (f Form) ratingChoices() string {
	labels := make([]string, len(f.Ratings))
	for i, r := range f.Ratings {
		labels[i] = r.Label
	}
	return orList(labels)
}

// categoryChoices lists the category labels, quoted because a label may
// itself contain a comma.
func (f Form) categoryChoices() string {
	labels := make([]string, len(f.Categories))
	for i, c := range f.Categories {
		labels[i] = "“" + c.Label + "”"
	}
	return orList(labels)
}

func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// thousands writes n with comma separators, as people read numbers.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
