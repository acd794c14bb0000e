package passwords

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		password string
		personal []string
		want     error
	}{
		{"correct horse battery", nil, nil},
		{"Tr0ub4dor&3", nil, ErrTooShort},
		{"elevenchars", nil, ErrTooShort},
		{"twelve chars", nil, nil},
		{"password1234", nil, ErrCommon},
		{"Pass Word 1234", nil, ErrCommon},
		{"iloveyouiloveyou", nil, ErrCommon},
		{"Liverpool2025!", nil, nil}, // not a listed ending: allowed, if weak
		{"liverpool2025", nil, ErrCommon},
		{"123456789012", nil, ErrCommon},
		{"qwertyuiopas", nil, ErrCommon},
		{"zzzzzzzzzzzzzz", nil, ErrCommon},
		{"scrutiny1234", nil, ErrCommon},
		{"ada.lovelace99", []string{"Ada Lovelace", "ada.lovelace@cps.example"}, ErrPersonal},
		{"lovelace river stones", []string{"Ada Lovelace", "ada.lovelace@cps.example"}, nil},
		{"ünïcödé pässwörd", nil, nil},
		{strings.Repeat("long passphrase ", 20), nil, ErrTooLong},
	} {
		if got := Check(c.password, c.personal...); !errors.Is(got, c.want) {
			t.Errorf("Check(%q) = %v, want %v", c.password, got, c.want)
		}
	}
}

func TestNoCompositionRules(t *testing.T) {
	// NCSC: length and a block list, never "must contain a digit".
	for _, p := range []string{"all lower case words", "ALLUPPERCASEWORDS", "nodigitsnosymbolsatall"} {
		if err := Check(p); err != nil {
			t.Errorf("Check(%q) = %v; composition must not matter", p, err)
		}
	}
}
