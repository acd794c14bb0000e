package i18n_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/uktime"
)

// TestCataloguesHaveTheSameKeys: a key in one catalogue and not the other
// would show the missing-key marker to someone, so the test names it.
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en, cy := i18n.Keys(i18n.English), i18n.Keys(i18n.Welsh)
	if len(en) < 100 {
		t.Fatalf("the English catalogue has %d keys; it did not load", len(en))
	}
	for _, key := range en {
		if !slices.Contains(cy, key) {
			t.Errorf("%s is in en.toml but not in cy.toml", key)
		}
	}
	for _, key := range cy {
		if !slices.Contains(en, key) {
			t.Errorf("%s is in cy.toml but not in en.toml", key)
		}
	}
}

// TestEveryWelshEntrySaysWhetherItIsChecked: an entry must say checked =
// true or false, so an entry copied in without thought is not mistaken
// for one a Welsh speaker has checked; and every entry has text.
func TestEveryWelshEntrySaysWhetherItIsChecked(t *testing.T) {
	for _, key := range i18n.Keys(i18n.Welsh) {
		e, _ := i18n.Lookup(i18n.Welsh, key)
		if e.Checked == nil {
			t.Errorf("cy.toml %s has no checked = true or false", key)
		}
		if strings.TrimSpace(e.Other) == "" {
			t.Errorf("cy.toml %s has no text", key)
		}
	}
	for _, key := range i18n.Keys(i18n.English) {
		if e, _ := i18n.Lookup(i18n.English, key); strings.TrimSpace(e.Other) == "" {
			t.Errorf("en.toml %s has no text", key)
		}
	}
	if len(i18n.Unchecked(i18n.English)) != 0 {
		t.Error("English is the source language and has nothing to check")
	}
}

// TestAMissingKeyShowsTheMarker: a key no catalogue has is shown as the
// marker, never as blank text or the key alone.
func TestAMissingKeyShowsTheMarker(t *testing.T) {
	for _, lang := range i18n.Langs {
		got := i18n.For(lang).T("no.such.key")
		if !i18n.Missing(got) || !strings.Contains(got, "no.such.key") {
			t.Errorf("%s: a missing key gave %q", lang, got)
		}
	}
	if i18n.Missing(i18n.For(i18n.Welsh).T("member.back")) {
		t.Error("a key in the catalogue was reported missing")
	}
}

// TestMessagesTakeDataAndDatesInTheirLanguage: a message's template runs
// on its data, and dates are written with the language's day and month
// names; English dates are uktime's, unchanged.
func TestMessagesTakeDataAndDatesInTheirLanguage(t *testing.T) {
	when := time.Date(2026, 3, 2, 18, 0, 0, 0, uktime.London)
	if got := i18n.For(i18n.Welsh).T("member.cases.link", "Reference", "LSIP-7"); got != "Achos LSIP-7" {
		t.Errorf("Welsh case link: %q", got)
	}
	if got := i18n.For(i18n.Welsh).Time(when); got != "Dydd Llun 2 Mawrth 2026, 18:00 GMT" {
		t.Errorf("Welsh time: %q", got)
	}
	if got := i18n.For(i18n.English).Time(when); got != uktime.Time(when) {
		t.Errorf("English time %q differs from uktime's %q", got, uktime.Time(when))
	}
	if got := i18n.For(i18n.Welsh).Month(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)); got != "Mai 2025" {
		t.Errorf("Welsh month: %q", got)
	}
}

// TestMailLangs: a Welsh speaker is written to in Welsh; a bilingual panel
// writes Welsh first, then English, to everyone.
func TestMailLangs(t *testing.T) {
	for _, c := range []struct {
		person    string
		bilingual bool
		want      []i18n.Lang
	}{
		{"en", false, []i18n.Lang{i18n.English}},
		{"cy", false, []i18n.Lang{i18n.Welsh}},
		{"", false, []i18n.Lang{i18n.English}},
		{"en", true, []i18n.Lang{i18n.Welsh, i18n.English}},
	} {
		if got := i18n.MailLangs(c.person, c.bilingual); !slices.Equal(got, c.want) {
			t.Errorf("MailLangs(%q, %v) = %v, want %v", c.person, c.bilingual, got, c.want)
		}
	}
}
