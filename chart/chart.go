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
	"strconv"
	"strings"

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

// Layout, in SVG user units.
const (
	labelWidth = 220
	barArea    = 300
	textWidth  = 110
	rowHeight  = 28
	barHeight  = 18
	hiddenBar  = 24 // the fixed width of a withheld figure's marker
	width      = labelWidth + barArea + textWidth
)

// SVG returns the chart as inline SVG, role="img", labelled by its title
// and described by its description. It scales to its container: the
// viewBox holds the layout, the width is 100% and the height follows the
// viewBox's proportions, so on a phone the chart shrinks rather than
// running off the screen. The stylesheet caps it at its natural width
// (svg.chart in server/static/app.css: max-width 630px, the width above).
func (c BarChart) SVG() template.HTML {
	var b strings.Builder
	id := html.EscapeString(c.ID)
	height := max(1, len(c.Bars))*rowHeight + 8
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" aria-labelledby="%s-title %s-desc">`,
		width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.describe()))
	fmt.Fprintf(&b, `<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#505a5f" stroke-width="3"/></pattern></defs>`, id)
	top := 0.0
	for _, bar := range c.Bars {
		top = max(top, bar.shownValue())
	}
	for i, bar := range c.Bars {
		y := 4 + i*rowHeight
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="14" fill="#0b0c0c">%s</text>`, labelWidth-8, y+barHeight-4, html.EscapeString(bar.Label))
		w := hiddenBar
		fill := fmt.Sprintf("url(#%s-hatch)", id)
		if !bar.Hidden {
			w, fill = 0, "#1d70b8"
			if top > 0 {
				w = int(bar.Value / top * barArea)
			}
		}
		if w > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#0b0c0c" stroke-width="1"/>`, labelWidth, y, w, barHeight, fill)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#0b0c0c">%s</text>`, labelWidth+w+6, y+barHeight-4, html.EscapeString(bar.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every piece of text is escaped above
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
