package caseimport

import "regexp"

// personalData are patterns that suggest a summary still identifies
// someone. They err towards refusing: a person can reword a summary, but a
// leaked phone number cannot be taken back.
var personalData = []struct {
	kind    string
	pattern *regexp.Regexp
}{
	{"an email address", regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+`)},
	{"a phone number", regexp.MustCompile(`(?:\+44\s?\(?0?\)?\s?|\b0)(?:\d[\s-]?){9,10}\b`)},
	{"a postcode", regexp.MustCompile(`(?i)\b(?:[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?)\s?[0-9][ABD-HJLNP-UW-Z]{2}\b`)},
	{"a date of birth", regexp.MustCompile(`(?i)\b(?:d\.?o\.?b\.?|date of birth|born(?: on| in)?)\s*[:\-]?\s*(?:\d{1,2}[/.\- ]\d{1,2}[/.\- ]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\s+\d{4}|\d{4}-\d{2}-\d{2})`)},
}

// PersonalData names the kind of personal data s seems to contain, or
// returns "" when it finds none. It never returns the matched text, which
// may end up in logs.
func PersonalData(s string) string {
	for _, p := range personalData {
		if p.pattern.MatchString(s) {
			return p.kind
		}
	}
	return ""
}
