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

	"github.com/lsip/scrutiny/i18n"
)

// Form is one version of the review form. A returned workbook names the
// version it was built from, so a pack made for an older form is noticed
// rather than misread.
type Form struct {
	Version    string
	Questions  []Question
	Ratings    []Rating
	Categories []Category
	// lang is the language the form's words and messages are in.
	lang i18n.Lang
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

// TextFields lists the free-text answers in the order the form shows them,
// labelled in English; Form.TextFields labels them in the form's language.
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

// questionKeys, ratingKeys and categoryKeys are the standard form's
// items in the order it shows them; their words are in the catalogues
// under form.q.<key>, form.rating.<key> and form.category.<key>.
var (
	questionKeys = []string{"charging", "strand_flagged", "hostility_uplift", "victim_care", "language", "joint_working", "timeliness"}
	ratingKeys   = []string{"yes", "partly", "no", "na"}
	categoryKeys = []string{"handled_well", "handled_well_observations", "concerns", "not_agreed"}
)

// Default is the domain's standard form, in English.
func Default() Form { return In(i18n.English) }

// In is the standard form worded in lang: the same version and keys, so
// answers given in either language are the same answers.
func In(lang i18n.Lang) Form {
	l := i18n.For(lang)
	f := Form{Version: "2026-1", lang: l.Lang()}
	for _, key := range questionKeys {
		f.Questions = append(f.Questions, Question{key, l.T("form.q." + key)})
	}
	for _, key := range ratingKeys {
		f.Ratings = append(f.Ratings, Rating{key, l.T("form.rating." + key)})
	}
	for _, key := range categoryKeys {
		f.Categories = append(f.Categories, Category{Key: key, Label: l.T("form.category." + key), CarriesForward: key == "not_agreed"})
	}
	return f
}

// Lang is the language the form is worded in.
func (f Form) Lang() i18n.Lang { return i18n.Parse(string(f.lang)) }

// TextFields lists the free-text answers in the order the form shows them,
// labelled in the form's language.
func (f Form) TextFields() []TextField {
	l := i18n.For(f.Lang())
	out := make([]TextField, len(TextFields))
	for i, tf := range TextFields {
		out[i] = TextField{tf.Field, l.T("form.text." + tf.Field)}
	}
	return out
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
// because people type over drop-downs in a workbook. A label in any
// language with a catalogue is found, so a Welsh pack reads back the same
// as an English one.
func (f Form) RatingKey(s string) (string, bool) {
	s = fold(s)
	for _, r := range f.Ratings {
		if fold(r.Key) == s || fold(r.Label) == s || anyLabel("form.rating."+r.Key, s) {
			return r.Key, true
		}
	}
	return "", false
}

// CategoryKey finds a category by key or label (in any language), ignoring
// case and spacing.
func (f Form) CategoryKey(s string) (string, bool) {
	s = fold(s)
	for _, c := range f.Categories {
		if fold(c.Key) == s || fold(c.Label) == s || anyLabel("form.category."+c.Key, s) {
			return c.Key, true
		}
	}
	return "", false
}

// anyLabel reports whether folded is the message key's text, folded, in
// any language.
func anyLabel(key, folded string) bool {
	for _, lang := range i18n.Langs {
		if e, ok := i18n.Lookup(lang, key); ok && fold(e.Other) == folded {
			return true
		}
	}
	return false
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
	l := i18n.For(f.Lang())
	add := func(field, key string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: l.T("form.err."+key, args...)})
	}
	for _, q := range f.Questions {
		rating := a.Ratings[q.Key]
		switch {
		case rating == "" && final:
			add("ratings."+q.Key, "rating_missing", "Question", q.Text)
		case rating != "" && !slices.ContainsFunc(f.Ratings, func(r Rating) bool { return r.Key == rating }):
			add("ratings."+q.Key, "rating_unknown", "Question", q.Text, "Choices", f.ratingChoices())
		}
		if n := utf8.RuneCountInString(a.Comments[q.Key]); n > MaxText {
			add("comments."+q.Key, "comment_long", "Question", q.Text, "Length", thousands(n), "Max", thousands(MaxText))
		}
	}
	for _, key := range unknownKeys(f, a.Ratings) {
		add("ratings."+key, "unknown_rating", "Key", key)
	}
	for _, key := range unknownKeys(f, a.Comments) {
		add("comments."+key, "unknown_comment", "Key", key)
	}
	switch {
	case a.Overall == "" && final:
		add("overall", "overall_missing")
	case a.Overall != "":
		if _, ok := f.Category(a.Overall); !ok {
			add("overall", "overall_unknown", "Choices", f.categoryChoices())
		}
	}
	for _, tf := range f.TextFields() {
		if n := utf8.RuneCountInString(a.Text(tf.Field)); n > MaxText {
			add(tf.Field, "text_long", "Label", tf.Label, "Length", thousands(n), "Max", thousands(MaxText))
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
	return f.orList(labels)
}

// categoryChoices lists the category labels, quoted because a label may
// itself contain a comma.
func (f Form) categoryChoices() string {
	labels := make([]string, len(f.Categories))
	for i, c := range f.Categories {
		labels[i] = "“" + c.Label + "”"
	}
	return f.orList(labels)
}

// orList joins items as a sentence in the form's language: "a, b or c".
func (f Form) orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + i18n.For(f.Lang()).T("form.or") + " " + items[len(items)-1]
}

// thousands writes n with comma separators, as people read numbers.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
