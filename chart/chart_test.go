package chart

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

// TestBarChartIsAccessibleSVG: the chart is well-formed SVG with a title
// and a description naming every figure, and a bar per value scaled to the
// largest.
func TestBarChartIsAccessibleSVG(t *testing.T) {
	c := BarChart{ID: "strands", Title: "Cases reviewed by strand <Wales>", Bars: []Bar{Count("Race", 12, false), Count("Disability", 6, false)}}
	svg := string(c.SVG())
	var doc struct {
		XMLName xml.Name
		Title   string `xml:"title"`
		Desc    string `xml:"desc"`
		Rects   []struct {
			Width string `xml:"width,attr"`
		} `xml:"rect"`
	}
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("not valid XML: %v\n%s", err, svg)
	}
	if doc.XMLName.Local != "svg" || doc.Title != "Cases reviewed by strand <Wales>" || doc.Desc != "Race: 12; Disability: 6." {
		t.Errorf("svg %q, title %q, desc %q", doc.XMLName.Local, doc.Title, doc.Desc)
	}
	if len(doc.Rects) != 2 || doc.Rects[0].Width != "300" || doc.Rects[1].Width != "150" {
		t.Errorf("bars %+v", doc.Rects)
	}
	if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, `aria-labelledby="strands-title strands-desc"`) {
		t.Errorf("not labelled: %s", svg)
	}
}

// TestSuppressedValuesAreNotShown: with suppression, a count under 5
// shows only "fewer than 5": the value is in no text, the marker has the
// same width whatever the value, and the scale of the other bars does not
// move with it; without suppression the exact figure shows.
func TestSuppressedValuesAreNotShown(t *testing.T) {
	draw := func(small int) string {
		return string(BarChart{ID: "x", Title: "Findings", Bars: []Bar{Count("Concerns", small, true), Count("Handled well", 10, true)}}.HTML())
	}
	three, one := draw(3), draw(1)
	if three != one {
		t.Errorf("the chart changes with a suppressed value:\n%s\n%s", three, one)
	}
	if !strings.Contains(three, "fewer than 5") || strings.Contains(three, ">3<") || strings.Contains(three, ": 3") {
		t.Errorf("suppressed value shown: %s", three)
	}
	if !strings.Contains(three, `<td>10</td>`) {
		t.Errorf("the table lacks the figure shown: %s", three)
	}
	exact := string(BarChart{ID: "y", Title: "Findings", Bars: []Bar{Count("Concerns", 3, false)}}.HTML())
	if !strings.Contains(exact, "<td>3</td>") || strings.Contains(exact, "fewer than 5") {
		t.Errorf("unsuppressed chart: %s", exact)
	}
}

// TestBarChartScalesToItsContainer: the chart is sized by its viewBox and
// fills the width it is given, with no fixed size in pixels, so it reflows
// on a phone (the server's stylesheet caps it at the viewBox's width).
func TestBarChartScalesToItsContainer(t *testing.T) {
	svg := string(BarChart{ID: "s", Title: "T", Bars: []Bar{Count("Race", 12, false), Count("Disability", 6, false)}}.SVG())
	var doc struct {
		ViewBox  string `xml:"viewBox,attr"`
		Width    string `xml:"width,attr"`
		Height   string `xml:"height,attr"`
		Class    string `xml:"class,attr"`
		Preserve string `xml:"preserveAspectRatio,attr"`
	}
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("not valid XML: %v\n%s", err, svg)
	}
	if doc.ViewBox != fmt.Sprintf("0 0 %d %d", width, 2*rowHeight+8) || doc.Width != "100%" || doc.Height != "" || doc.Class != "chart" || doc.Preserve != "xMinYMin meet" {
		t.Errorf("svg sized as viewBox %q, width %q, height %q, class %q, preserveAspectRatio %q", doc.ViewBox, doc.Width, doc.Height, doc.Class, doc.Preserve)
	}
}
