package domain_test

import (
	"testing"

	"github.com/lsip/scrutiny/domain"
)

// Every unknown code in a theme is named by its field; known codes pass.
func TestThemeFilterProblemsNameTheField(t *testing.T) {
	no := false
	good := domain.ThemeFilter{Strands: []string{"race"}, Outcomes: []domain.Outcome{domain.Acquittal},
		VictimGroups: []domain.VictimGroup{domain.VictimGypsyRomaTraveller}, YouthVictim: &no, FinalisedFrom: "2026-01-01", FinalisedTo: "2026-06-30", MinPerArea: 2}
	if p := good.Problems([]string{"race", "disability"}); len(p) != 0 {
		t.Errorf("a sound theme: %v", p)
	}
	bad := domain.ThemeFilter{Strands: []string{"race", "astrology", "religion"}, Outcomes: []domain.Outcome{"won"},
		VictimGroups: []domain.VictimGroup{"travellers"}, FinalisedFrom: "2026-06-30", FinalisedTo: "2026-01-01", MinPerArea: 9}
	p := bad.Problems([]string{"race"})
	for _, field := range []string{"theme_filter.strands[1]", "theme_filter.strands[2]", "theme_filter.outcomes[0]",
		"theme_filter.victim_groups[0]", "theme_filter.finalised_to", "theme_filter.min_per_area"} {
		if p[field] == "" {
			t.Errorf("no problem for %s: %v", field, p)
		}
	}
	if len(p) != 6 {
		t.Errorf("%d problems, want 6: %v", len(p), p)
	}
	if g, ok := domain.ParseVictimGroup("Gypsy, Roma and Traveller"); !ok || g != domain.VictimGypsyRomaTraveller {
		t.Errorf("the label reads as %q", g)
	}
	if domain.PanelNational.Label() != "national scrutiny panel" {
		t.Errorf("national label %q", domain.PanelNational.Label())
	}
}
