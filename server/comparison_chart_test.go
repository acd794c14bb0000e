package server

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/chart"
)

// TestComparisonChartsReflow: a chart fills the width it is given (see
// chart.BarChart.SVG) and the stylesheet caps it at its natural width, the
// viewBox's, so on a phone it shrinks to fit and on a wide screen it is
// not blown up.
func TestComparisonChartsReflow(t *testing.T) {
	svg := string(chart.BarChart{ID: "c", Title: "T", Bars: []chart.Bar{chart.Count("Race", 7, false)}}.SVG())
	if !strings.Contains(svg, `viewBox="0 0 630 `) || !strings.Contains(svg, `width="100%"`) {
		t.Fatalf("the chart is not sized by its viewBox at 100%% width: %s", svg)
	}
	css, err := fs.ReadFile(staticFiles, "static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(css), "svg.chart{display:block;max-width:630px;height:auto}") {
		t.Error("the stylesheet does not cap charts at their natural width of 630px")
	}
}
