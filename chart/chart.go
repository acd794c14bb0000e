// Package chart draws small, accessible horizontal bar charts as SVG for
// server-rendered pages: no JavaScript and nothing loaded from elsewhere.
// Each chart carries a <title> and <desc> for screen readers and comes with
// a data table of the same figures beside it, so no one needs the picture.
//
// A figure withheld by small-number suppression is drawn as a hatched
// marker of fixed width labelled with its text ("fewer than 5"): neither
// the marker nor the scale of the other bars depends on its value, so the
// picture cannot give it away.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lsip/scrutiny/workbook"
)

// Bar is one bar: its label, its value, and the text shown for the value.
// A Hidden bar's value is withheld: only Text is shown.
type Bar struct {
	Label  string
	Value  float64
	Text   string
	Hidden bool
}

// Count is a bar for a count. When suppress is true a count the
// project's small-number rule (workbook.SuppressSmall) withholds becomes a
// hidden bar showing that rule's text.
func Count(label string, n int, suppress bool) Bar {
	text := strconv.Itoa(n)
	if shown := workbook.SuppressSmall(n); suppress && shown != text {
		return Bar{Label: label, Text: shown, Hidden: true}
	}
	return Bar{Label: label, Value: float64(n), Text: text}
}

// BarChart is a titled set of bars. ID must be unique on the page: it
// links the chart to its title, description and table.
type BarChart struct {
	ID, Title, Desc string
	Bars            []Bar
}

// Layout. Each bar has its own row: its label on a line above it (two or
// more lines for a long label), so a label never squeezes the bars, then
// the bar with its figure just after its end. Lengths across the chart are
// percentages of its width and the rest are CSS pixels: the SVG has no
// viewBox, so on a phone the bars shorten while the text keeps its size
// (fontSize px, legible at 320 px wide) instead of shrinking with the
// picture.
const (
	fontSize   = 16
	lineHeight = 20 // a label's line
	lineLength = 24 // the most characters a label's line holds: about 200 px, inside the narrowest chart (a 320 px phone less the page's margins)
	labelBase  = 16 // the label's first baseline below the row's top
	barHeight  = 18
	rowGap     = 8
	barShare   = 60.0 // the percentage of the width the longest bar takes; the rest holds its figure
	hiddenBar  = 24   // the fixed width, in pixels, of a withheld figure's marker
	textGap    = 6    // between a bar's end and its figure
	textColour = "#0b0c0c"
)

// SVG returns the chart as inline SVG, role="img", labelled by its title
// and described by its description. It is as wide as its container (the
// stylesheet caps it: svg.chart in server/static/app.css) and as tall as
// its rows, with its text at a fixed size whatever the width (see the
// layout above).
func (c BarChart) SVG() template.HTML {
	var rows strings.Builder
	id := html.EscapeString(c.ID)
	top := 0.0
	for _, bar := range c.Bars {
		top = max(top, bar.shownValue())
	}
	y := 2
	for _, bar := range c.Bars {
		y = bar.draw(&rows, id, y, top)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="100%%" height="%d" font-size="%d" aria-labelledby="%s-title %s-desc">`,
		max(y, lineHeight+barHeight+rowGap), fontSize, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.describe()))
	fmt.Fprintf(&b, `<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#505a5f" stroke-width="3"/></pattern></defs>`, id)
	b.WriteString(rows.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every piece of text is escaped here and in draw
}

// draw writes the bar's row from y down, scaled so that a bar of value top
// takes barShare of the width (a hidden bar is the hatched marker of chart
// id), and returns where the next row starts.
func (bar Bar) draw(b *strings.Builder, id string, y int, top float64) int {
	for i, line := range lines(bar.Label) {
		fmt.Fprintf(b, `<text x="0" y="%d" fill="%s">%s</text>`, y+labelBase+i*lineHeight, textColour, html.EscapeString(line))
		if i > 0 {
			y += lineHeight
		}
	}
	barTop := y + lineHeight + 4
	end, fill := strconv.Itoa(hiddenBar), fmt.Sprintf("url(#%s-hatch)", id)
	if !bar.Hidden {
		share := 0.0
		if top > 0 {
			share = bar.Value / top * barShare
		}
		end, fill = percent(share), "#1d70b8"
	}
	if end != "0%" {
		fmt.Fprintf(b, `<rect x="0" y="%d" width="%s" height="%d" fill="%s" stroke="%s" stroke-width="1"/>`, barTop, end, barHeight, fill, textColour)
	}
	fmt.Fprintf(b, `<text x="%s" dx="%d" y="%d" fill="%s">%s</text>`, end, textGap, barTop+barHeight-4, textColour, html.EscapeString(bar.Text))
	return barTop + barHeight + rowGap
}

// lines splits a label at spaces into lines of at most lineLength
// characters; a longer word has a line to itself.
func lines(label string) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(label) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= lineLength:
			line += " " + word
		default:
			out, line = append(out, line), word
		}
	}
	return append(out, line)
}

// percent writes a share of the chart's width as an SVG length: "32.5%".
func percent(share float64) string {
	return strconv.FormatFloat(math.Round(share*10)/10, 'f', -1, 64) + "%"
}

// shownValue is what a bar contributes to the scale: nothing when hidden.
func (b Bar) shownValue() float64 {
	if b.Hidden {
		return 0
	}
	return b.Value
}

// describe is the chart's description: every bar's label and text.
func (c BarChart) describe() string {
	if c.Desc != "" {
		return c.Desc
	}
	parts := make([]string, len(c.Bars))
	for i, bar := range c.Bars {
		parts[i] = bar.Label + ": " + bar.Text
	}
	if len(parts) == 0 {
		return "No figures for this period."
	}
	return strings.Join(parts, "; ") + "."
}

// HTML returns the chart in a <figure> with its caption and, beside it,
// the table of the same figures.
func (c BarChart) HTML() template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart-figure" aria-labelledby="%s-caption"><figcaption id="%s-caption">%s</figcaption>`, html.EscapeString(c.ID), html.EscapeString(c.ID), html.EscapeString(c.Title))
	b.WriteString(string(c.SVG()))
	fmt.Fprintf(&b, `<table class="chart-data"><caption>%s: the figures</caption><thead><tr><th scope="col">%s</th><th scope="col">Figure</th></tr></thead><tbody>`,
		html.EscapeString(c.Title), "Item")
	for _, bar := range c.Bars {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th><td>%s</td></tr>`, html.EscapeString(bar.Label), html.EscapeString(bar.Text))
	}
	if len(c.Bars) == 0 {
		b.WriteString(`<tr><td colspan="2">No figures for this period.</td></tr>`)
	}
	b.WriteString(`</tbody></table></figure>`)
	return template.HTML(b.String()) // every piece of text is escaped above
}
