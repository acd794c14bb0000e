package caseimport

import "regexp"

// The patterns behind PersonalData. They err towards refusing: a person can
// reword a summary, but a published phone number cannot be taken back.
var (
	emailPattern = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`)

	// UK landlines (01, 02, 03) and mobiles (07), national or +44, with any
	// spacing, hyphens or brackets: 10 or 11 digits in all.
	phonePattern = regexp.MustCompile(`(?:\+44[\s(]{0,2}(?:0\)\s?)?|\b0)[1237](?:[\s()-]{0,2}\d){8,9}\b`)

	// A full UK postcode: outward code, optional space, inward code.
	postcodePattern = regexp.MustCompile(`(?i)\b[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?\s?([0-9][ABD-HJLNP-UW-Z]{2})\b`)

	// An inward code written in lower case that reads as an ordinal ("the M1
	// 1st", "A1 4th") is ordinary English, not a postcode.
	ordinal = regexp.MustCompile(`^[0-9](?:st|nd|rd|th)$`)

	// "DOB", "D.O.B.", "date of birth" or "born", "born on", "born in", then a
	// date: numeric, ISO, day and month name, month name and year, or a year.
	dobPattern = regexp.MustCompile(`(?i)\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth|born(?:\s+on|\s+in)?)\s*(?:[:=-]\s*|(?:was|is)\s+)?(?:the\s+)?` +
		`(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}` +
		`|(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?` + month + `\.?,?\s+\d{4}` +
		`|(?:19|20)\d{2}\b)`)
)

const month = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

// detectors are tried in order; the first match names the kind found.
var detectors = []struct {
	kind  string
	found func(string) bool
}{
	{"an email address", emailPattern.MatchString},
	{"a phone number", phonePattern.MatchString},
	{"a postcode", hasPostcode},
	{"a date of birth", dobPattern.MatchString},
}

// PersonalData names the kind of personal data s seems to contain ("an email
// address", "a phone number", "a postcode" or "a date of birth"), or returns
// "" when it finds none. It never returns the matched text, which could end
// up in logs.
func PersonalData(s string) string {
	for _, d := range detectors {
		if d.found(s) {
			return d.kind
		}
	}
	return ""
}

// hasPostcode reports whether s holds something shaped like a full postcode
// that is not an ordinal in ordinary text.
func hasPostcode(s string) bool {
	for _, m := range postcodePattern.FindAllStringSubmatch(s, -1) {
		if !ordinal.MatchString(m[1]) {
			return true
		}
	}
	return false
}
