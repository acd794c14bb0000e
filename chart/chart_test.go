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
	if len(doc.Rects) != 2 || doc.Rects[0].Width != "60%" || doc.Rects[1].Width != "30%" {
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

// TestBarChartTextIsLegibleOnANarrowPhone: drawn 320 px wide (a narrow
// phone, less the page's margins) the chart's text is still at least 14
// px: the text is never scaled down with the picture (a viewBox scales it
// to the width), and the bars leave room for their figures. The chart
// fills the width it is given and is as tall as its rows.
func TestBarChartTextIsLegibleOnANarrowPhone(t *testing.T) {
	const phone = 320.0 - 2*15 // the page's side margins
	svg := string(BarChart{ID: "s", Title: "T", Bars: []Bar{Count("Joint working with partners", 12, false), Count("Disability", 3, true)}}.SVG())
	var doc struct {
		ViewBox  string `xml:"viewBox,attr"`
		Width    string `xml:"width,attr"`
		Height   string `xml:"height,attr"`
		Class    string `xml:"class,attr"`
		FontSize string `xml:"font-size,attr"`
		Texts    []struct {
			FontSize string `xml:"font-size,attr"`
			X        string `xml:"x,attr"`
			Text     string `xml:",chardata"`
		} `xml:"text"`
	}
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("not valid XML: %v\n%s", err, svg)
	}
	if doc.Width != "100%" || doc.Height == "" || doc.Class != "chart" {
		t.Errorf("svg sized as width %q, height %q, class %q", doc.Width, doc.Height, doc.Class)
	}
	scale := 1.0
	if doc.ViewBox != "" {
		var vbWidth float64
		fmt.Sscanf(doc.ViewBox, "0 0 %g", &vbWidth)
		scale = min(1, phone/vbWidth)
	}
	if len(doc.Texts) != 5 {
		t.Fatalf("%d texts, want a label (the long one on two lines) and a figure per bar:\n%s", len(doc.Texts), svg)
	}
	for _, text := range doc.Texts {
		size := doc.FontSize
		if text.FontSize != "" {
			size = text.FontSize
		}
		var px float64
		if _, err := fmt.Sscanf(size, "%g", &px); err != nil || px*scale < 14 {
			t.Errorf("%q is drawn %.1f px high at %g px wide, want at least 14", text.Text, px*scale, phone)
		}
	}
	// A long label breaks into lines that fit; the longest bar ends where
	// its figure still fits: "fewer than 5", the longest figure, is about
	// 95 px at 16 px.
	if doc.Texts[0].Text != "Joint working with" || doc.Texts[1].Text != "partners" {
		t.Errorf("the long label is drawn as %q, %q", doc.Texts[0].Text, doc.Texts[1].Text)
	}
	if figure := doc.Texts[2]; figure.X != "60%" || (100-barShare)/100*phone < 95 {
		t.Errorf("the longest bar's figure starts at %s, leaving %.0f px", figure.X, (100-barShare)/100*phone)
	}
}
