// Package i18n holds every word that panel members, action owners and the
// public see, in one message catalogue per language (catalog/en.toml and
// catalog/cy.toml, embedded in the binary), and looks them up with
// github.com/nicksnyder/go-i18n. A message may be a Go text/template over
// the data it is given; dates inside it are written in its language.
//
// A key missing from a catalogue is never silently filled from another
// language: it shows as a visible marker (see Missing), which the tests
// look for in every page and email they render.
package i18n

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/lsip/scrutiny/uktime"
)

// Lang is a language scrutiny writes in: a BCP 47 code as members.language
// stores it.
type Lang string

// The languages there are catalogues for. English is the source language:
// every key is written in English first.
const (
	English Lang = "en"
	Welsh   Lang = "cy"
)

// Langs lists every language with a catalogue.
var Langs = []Lang{English, Welsh}

// Parse returns the language a stored code names, English for anything
// else (an empty or unknown code).
func Parse(code string) Lang {
	if Lang(code) == Welsh {
		return Welsh
	}
	return English
}

//go:embed catalog/*.toml
var catalogFiles embed.FS

// Entry is one message as a catalogue file holds it. Other is the text;
// Checked, in a translation, says a speaker of the language has checked
// it (machine or non-native drafts carry checked = false until then).
type Entry struct {
	Description string `toml:"description"`
	Other       string `toml:"other"`
	Checked     *bool  `toml:"checked"`
	// callsFuncs is whether the text calls a function (see Funcs). One
	// that does not is rendered without them, so that go-i18n parses it
	// once and keeps it, where it parses one given functions every time.
	callsFuncs bool
}

var (
	bundle    = goi18n.NewBundle(language.English)
	catalogue = map[Lang]map[string]Entry{}
)

func init() {
	for _, lang := range Langs {
		entries, err := readCatalogue(lang)
		if err != nil {
			panic(err)
		}
		catalogue[lang] = entries
		msgs := make([]*goi18n.Message, 0, len(entries))
		for key, e := range entries {
			msgs = append(msgs, &goi18n.Message{ID: key, Description: e.Description, Other: e.Other})
		}
		if err := bundle.AddMessages(language.Make(string(lang)), msgs...); err != nil {
			panic(fmt.Sprintf("catalogue %s: %v", lang, err))
		}
	}
}

// readCatalogue decodes one embedded catalogue file.
func readCatalogue(lang Lang) (map[string]Entry, error) {
	data, err := catalogFiles.ReadFile("catalog/" + string(lang) + ".toml")
	if err != nil {
		return nil, err
	}
	entries := map[string]Entry{}
	if _, err := toml.Decode(string(data), &entries); err != nil {
		return nil, fmt.Errorf("catalogue %s: %w", lang, err)
	}
	for key, e := range entries {
		// A template that calls a function fails to parse without it.
		_, err := template.New(key).Parse(e.Other)
		e.callsFuncs = err != nil
		entries[key] = e
	}
	return entries, nil
}

// Keys returns the keys of a language's catalogue, sorted.
func Keys(lang Lang) []string { return slices.Sorted(maps.Keys(catalogue[lang])) }

// Unchecked returns, sorted, the keys of a language's catalogue whose text
// no speaker of the language has checked yet. English, the source, has
// none.
func Unchecked(lang Lang) []string {
	var keys []string
	for key, e := range catalogue[lang] {
		if lang != English && (e.Checked == nil || !*e.Checked) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// Lookup returns a catalogue's entry for key.
func Lookup(lang Lang, key string) (Entry, bool) {
	e, ok := catalogue[lang][key]
	return e, ok
}

// markerOpen starts the text shown in place of a missing message.
const markerOpen = "⟦missing:"

// Missing reports whether s shows a missing-key marker anywhere.
func Missing(s string) bool { return strings.Contains(s, markerOpen) }

// marker is what a missing or broken message shows instead of its text.
func marker(key string) string { return markerOpen + key + "⟧" }

// Localizer writes messages in one language.
type Localizer struct {
	lang Lang
	loc  *goi18n.Localizer
}

var localizers = map[Lang]*Localizer{}

func init() {
	for _, lang := range Langs {
		localizers[lang] = &Localizer{lang: lang, loc: goi18n.NewLocalizer(bundle, string(lang))}
	}
}

// For returns the localizer of a language (English for an unknown one).
func For(lang Lang) *Localizer { return localizers[Parse(string(lang))] }

// Lang is the localizer's language.
func (l *Localizer) Lang() Lang { return l.lang }

// T returns the message key in the localizer's language. With one
// argument, that is the data its template runs on; with several, they are
// name/value pairs. A key missing from this language's catalogue, or a
// template that fails, returns the missing-key marker rather than text in
// another language.
func (l *Localizer) T(key string, args ...any) string {
	var data any
	switch {
	case len(args) == 1:
		data = args[0]
	case len(args) > 1:
		m := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			m[fmt.Sprint(args[i])] = args[i+1]
		}
		data = m
	}
	s, err := l.Text(key, data)
	if err != nil {
		return marker(key)
	}
	return s
}

// Text returns the message key in the localizer's language with its
// template run on data, or an error if this language's catalogue lacks the
// key or the template fails. Emails use it, so that a broken message stops
// the email rather than sending a marker.
func (l *Localizer) Text(key string, data any) (string, error) {
	fixed := fixedKey{l.lang, key}
	if data == nil {
		if s, ok := fixedTexts.Load(fixed); ok {
			return s.(string), nil
		}
	}
	e, ok := catalogue[l.lang][key]
	if !ok {
		return "", fmt.Errorf("message %s is missing from the %s catalogue", key, l.lang)
	}
	cfg := &goi18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if e.callsFuncs {
		cfg.Funcs = l.Funcs()
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		return "", fmt.Errorf("message %s in %s: %w", key, l.lang, err)
	}
	if data == nil {
		fixedTexts.Store(fixed, s)
	}
	return s, nil
}

// fixedTexts holds the messages rendered without data, by language and
// key: the catalogues do not change while the process runs, and a pack
// or page repeats the same labels many times, each otherwise a template
// run through go-i18n.
var fixedTexts sync.Map

type fixedKey struct {
	lang Lang
	key  string
}

// Funcs are the functions a message's template may call: t for another
// message; uktime, ukdate and ukclock for UK dates and times, ukday for a
// calendar date with its weekday and month for a month and year, written
// in the localizer's language; label and labels for domain values (see
// Label).
func (l *Localizer) Funcs() template.FuncMap {
	return template.FuncMap{
		"t":       l.T,
		"uktime":  l.Time,
		"ukdate":  l.Date,
		"ukclock": uktime.Clock,
		"ukday":   l.Day,
		"month":   l.Month,
		"label":   l.Label,
		"labels":  l.Labels,
	}
}

// Label is a fixed domain value in the localizer's language: kind is
// strand, outcome, category, action_status, action_response or
// action_event (what happened on an action's timeline) and code the
// value's code (message label.<kind>.<code>). Staff pages keep the domain's own
// English Label methods; this is for what members, owners and the public
// see. A code without a message shows the missing-key marker; an empty
// code (a value not set yet) names nothing.
func (l *Localizer) Label(kind, code string) string {
	if code == "" {
		return ""
	}
	return l.T("label." + kind + "." + code)
}

// Labels is Label for each of codes, joined by commas: "Hil, Crefydd".
func (l *Localizer) Labels(kind string, codes []string) string {
	out := make([]string, len(codes))
	for i, code := range codes {
		out[i] = l.Label(kind, code)
	}
	return strings.Join(out, ", ")
}

// Day is a calendar date with its weekday, as it is stored (a date held
// as midnight UTC is not moved into UK time): "Wednesday 31 March 2027", or
// "Dydd Mercher 31 Mawrth 2027".
func (l *Localizer) Day(t time.Time) string { return l.names(t.Format("Monday 2 January 2006")) }

// Time is a UK date and time with the zone named: "Monday 2 March 2026,
// 18:00 GMT", or "Dydd Llun 2 Mawrth 2026, 18:00 GMT".
func (l *Localizer) Time(t time.Time) string { return l.names(uktime.Time(t)) }

// Date is a UK date: "2 March 2026", or "2 Mawrth 2026".
func (l *Localizer) Date(t time.Time) string { return l.names(uktime.Date(t)) }

// Month is a month and year: "March 2026", or "Mawrth 2026".
func (l *Localizer) Month(t time.Time) string { return l.names(t.Format("January 2006")) }

// names puts the catalogue's day and month names in place of Go's English
// ones.
func (l *Localizer) names(s string) string {
	if l.lang == English {
		return s
	}
	var pairs []string
	for _, set := range []struct {
		key     string
		english []string
	}{
		{"date.days", []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}},
		{"date.months", []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}},
	} {
		local := strings.Split(l.T(set.key), ",")
		if len(local) != len(set.english) {
			return s + " " + marker(set.key)
		}
		for i, word := range set.english {
			pairs = append(pairs, word, strings.TrimSpace(local[i]))
		}
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// MailLangs are the languages one email is written in, in order: the
// person's own, or, on a panel that writes bilingually, Welsh then English
// (as the Welsh Language Standards expect).
func MailLangs(person string, bilingual bool) []Lang {
	if bilingual {
		return []Lang{Welsh, English}
	}
	return []Lang{Parse(person)}
}
