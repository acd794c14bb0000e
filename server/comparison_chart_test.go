package server

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/chart"
)

// TestComparisonChartsReflow: a chart fills the width it is given (see
// chart.BarChart.SVG) with its text at a fixed size, and the stylesheet
// caps its width without overriding its height, so on a phone the bars
// shorten while the text stays legible, and on a wide screen it is not
// stretched. (CSS height:auto on an SVG without a viewBox would replace
// the chart's height with the default 150 px.)
func TestComparisonChartsReflow(t *testing.T) {
	svg := string(chart.BarChart{ID: "c", Title: "T", Bars: []chart.Bar{chart.Count("Race", 7, false)}}.SVG())
	if strings.Contains(svg, "viewBox") || !strings.Contains(svg, `width="100%"`) {
		t.Fatalf("the chart does not fill its width with text unscaled: %s", svg)
	}
	css, err := fs.ReadFile(staticFiles, "static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	rule := regexp.MustCompile(`svg\.chart\{[^}]*\}`).FindString(string(css))
	if !strings.Contains(rule, "max-width:630px") || strings.Contains(rule, "height") {
		t.Errorf("the stylesheet's chart rule %q does not cap the width alone", rule)
	}
}
