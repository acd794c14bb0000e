package caseimport_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/caseimport"
)

func TestPersonalData(t *testing.T) {
	for _, tc := range []struct{ text, kind string }{
		{"Write to the victim at someone.else@example.org.", "an email address"},
		{"Contact: j_smith+cps@mail.example.co.uk", "an email address"},
		{"Her mobile is 07700 900123.", "a phone number"},
		{"Her mobile is 07700900123.", "a phone number"},
		{"Called from +44 7700 900123", "a phone number"},
		{"Called from +447700900123", "a phone number"},
		{"Landline 020 7946 0018", "a phone number"},
		{"Landline (020) 7946 0018", "a phone number"},
		{"Landline +44 (0)20 7946 0018", "a phone number"},
		{"Ring 0161 496 0000", "a phone number"},
		{"Ring 01632 960123", "a phone number"},
		{"Ring 0300-123-4567", "a phone number"},
		{"Lives at SW1A 1AA.", "a postcode"},
		{"Seen in M1 1AE", "a postcode"},
		{"Address B33 8TH", "a postcode"},
		{"Address CR2 6XH", "a postcode"},
		{"Address DN55 1PT", "a postcode"},
		{"Address ec1a1bb", "a postcode"},
		{"DOB 01/02/1990", "a date of birth"},
		{"D.O.B. 1.2.90", "a date of birth"},
		{"dob: 1990-02-01", "a date of birth"},
		{"Her date of birth is 3 March 1985.", "a date of birth"},
		{"date of birth: 3rd of March 1985", "a date of birth"},
		{"The defendant was born on 12/12/2001.", "a date of birth"},
		{"born in March 1985", "a date of birth"},
		{"born in 1985", "a date of birth"},
		{"The victim, aged 34 (born 14 Feb 1992), was abused.", "a date of birth"},
	} {
		if got := caseimport.PersonalData(tc.text); got != tc.kind {
			t.Errorf("PersonalData(%q) = %q, want %q", tc.text, got, tc.kind)
		}
	}
}

func TestOrdinaryTextIsNotPersonalData(t *testing.T) {
	for _, s := range []string{
		"Section 4A Public Order Act 1986",
		"ABH",
		"s.47 OAPA 1861",
		"GBH with intent (s.18 Offences Against the Person Act 1861)",
		"the victim was 34",
		"Racially aggravated harassment (s.31 Crime and Disorder Act 1998)",
		"An uplift under s.66 Sentencing Act 2020 was applied.",
		"Controlling or coercive behaviour (s.76 Serious Crime Act 2015)",
		"The case was finalised on 14/07/2026 after a trial listed for 2 days.",
		"Abuse was shouted on the M1 1st and A1 4th junction slip roads.",
		"The hearing was on the 3rd; the sentence was 12 months.",
		"The defendant was born in Poland and had lived in the town for 20 years.",
		"Her date of birth was wrongly recorded by the police.",
		"Compensation of £1,500 was ordered; the loss was 0.5 per cent.",
		"Case file 01KN4000426 was reviewed.",
		"Sentenced to 18 weeks, suspended for 24 months, with 200 hours of unpaid work.",
	} {
		if kind := caseimport.PersonalData(s); kind != "" {
			t.Errorf("%q flagged as %s", s, kind)
		}
	}
}

// A refused summary or offence is named by row and kind, but the personal
// data itself never appears in the message, which may be logged.
func TestRefusalNeverRepeatsTheData(t *testing.T) {
	for _, secret := range []string{"sam.jones@example.org", "07700 900123", "+44 7700 900123", "020 7946 0018", "SW1A 1AA", "DOB 01/02/1990"} {
		for _, col := range []string{"summary", "principal_offence"} {
			text := "Assault; note " + secret + " in the file"
			problems := problemsOf(t, caseCSV(t, caseimport.Columns, with(col, text)))
			wantProblems(t, problems, caseimport.Problem{Row: 2, Column: col})
			msg := problems.Error()
			if !strings.Contains(msg, "looks like it contains") {
				t.Errorf("%s in %s: reason does not say what was found: %s", secret, col, msg)
			}
			for _, part := range strings.Fields(secret) {
				if len(part) > 3 && strings.Contains(msg, part) {
					t.Errorf("%s in %s: the message repeats %q: %s", secret, col, part, msg)
				}
			}
		}
	}
}
