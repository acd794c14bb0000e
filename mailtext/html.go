package mailtext

import (
	"html"
	"regexp"
	"strings"
)

// link finds the web addresses in an email's text.
var link = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]`)

// HTML is the HTML part of an email: its text, word for word, escaped and
// laid out for a phone (one column, readable type, nothing wider than the
// screen), with paragraphs kept, indented lines set as a list and web
// addresses made into links. Rendering the text, rather than keeping a
// second template per email, keeps the two parts saying the same thing.
func HTML(subject, text string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>`)
	b.WriteString(html.EscapeString(subject))
	b.WriteString(`</title></head><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5;color:#0b0c0c;background:#ffffff">` +
		`<div style="max-width:40em;margin:0 auto;overflow-wrap:break-word;word-wrap:break-word">`)
	for _, para := range strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\n\n") {
		writeParagraph(&b, para)
	}
	b.WriteString(`</div></body></html>`)
	return b.String()
}

// writeParagraph writes one paragraph: indented lines are list items, the
// others lines of a paragraph.
func writeParagraph(b *strings.Builder, para string) {
	var lines, items []string
	flush := func() {
		if len(lines) > 0 {
			b.WriteString(`<p style="margin:0 0 16px">` + strings.Join(lines, "<br>") + `</p>`)
			lines = nil
		}
		if len(items) > 0 {
			b.WriteString(`<ul style="margin:0 0 16px;padding-left:20px">`)
			for _, it := range items {
				b.WriteString(`<li style="margin-bottom:4px">` + it + `</li>`)
			}
			b.WriteString(`</ul>`)
			items = nil
		}
	}
	for _, line := range strings.Split(para, "\n") {
		if strings.HasPrefix(line, "  ") {
			if len(lines) > 0 {
				flush()
			}
			items = append(items, withLinks(strings.TrimPrefix(strings.TrimSpace(line), "- ")))
			continue
		}
		if len(items) > 0 {
			flush()
		}
		lines = append(lines, withLinks(line))
	}
	flush()
}

// withLinks escapes a line and makes each web address in it a link.
func withLinks(line string) string {
	var b strings.Builder
	last := 0
	for _, m := range link.FindAllStringIndex(line, -1) {
		b.WriteString(html.EscapeString(line[last:m[0]]))
		u := html.EscapeString(line[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `" style="color:#1d70b8;word-break:break-all">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(line[last:]))
	return b.String()
}
