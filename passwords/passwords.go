// Package passwords decides whether a staff password is acceptable, the way
// the NCSC advises: long enough (at least 12 characters), not one that
// attackers try first, and no composition rules (no demand for a digit, a
// capital or a symbol), because those rules push people to predictable
// patterns. Any characters are allowed, spaces included, so a passphrase of
// three random words is a good password.
package passwords

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// MinLength is the shortest password accepted, counted in characters.
const MinLength = 12

// MaxLength bounds what is hashed. bcrypt reads 72 bytes; a longer
// passphrase is fine, but a megabyte is not a password.
const MaxLength = 256

// Problems a password can have, worded for the person choosing it.
var (
	ErrTooShort = errors.New("use at least 12 characters; three random words make a good password")
	ErrTooLong  = errors.New("use at most 256 characters")
	ErrCommon   = errors.New("this password is one of those attackers try first; choose another, such as three random words")
	ErrPersonal = errors.New("do not use your name or email address in your password")
)

// Check reports why password is not acceptable, or nil. personal holds
// words about the person (their name, their email address) that must not
// be the password's substance.
func Check(password string, personal ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	folded := fold(password)
	if isCommon(folded) || isRun(folded) {
		return ErrCommon
	}
	for _, p := range personal {
		for _, word := range personalWords(p) {
			if len(word) >= 4 && strings.Contains(folded, word) && len(folded)-len(word) < MinLength/2 {
				return ErrPersonal
			}
		}
	}
	return nil
}

// fold lower-cases s and drops spaces, so "Pass Word 1234" is judged as
// "password1234".
func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// personalWords splits a name or an email address into the words that
// would make a guessable password.
func personalWords(s string) []string {
	s = strings.ToLower(s)
	local, domain, _ := strings.Cut(s, "@")
	words := strings.FieldsFunc(local, func(r rune) bool { return !('a' <= r && r <= 'z') })
	if local != "" {
		words = append(words, fold(local))
	}
	if domain != "" {
		host, _, _ := strings.Cut(domain, ".")
		words = append(words, host)
	}
	return words
}

// isRun reports whether s is one character repeated, or a stretch of a
// keyboard row or of the alphabet or digits ("aaaaaaaaaaaa",
// "123456789012", "qwertyuiopas").
func isRun(s string) bool {
	if strings.Count(s, s[:1]) == len(s) {
		return true
	}
	for _, seq := range []string{"01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn", "zyxwvutsrqponmlkjihgfedcba", "98765432109876543210"} {
		if strings.Contains(seq, s) {
			return true
		}
	}
	return false
}
