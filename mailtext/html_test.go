package mailtext_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/mailtext"
)

// TestHTMLKeepsTheTextEscapedWithLinks: the HTML part says what the text
// says, escaped, with paragraphs, indented lines as a list and addresses
// as links, sized for a phone.
func TestHTMLKeepsTheTextEscapedWithLinks(t *testing.T) {
	got := mailtext.HTML("Pack <for> you", "Dear Aled & Bea,\n\n  When: Monday\n  Where: <Cardiff>\n\nYour page:\nhttps://lsip.example/m/abc?x=1&y=2.\n")
	for _, want := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1">`, `<title>Pack &lt;for&gt; you</title>`,
		`<p style="margin:0 0 16px">Dear Aled &amp; Bea,</p>`, `<li style="margin-bottom:4px">Where: &lt;Cardiff&gt;</li>`,
		`<a href="https://lsip.example/m/abc?x=1&amp;y=2" style="color:#1d70b8;word-break:break-all">https://lsip.example/m/abc?x=1&amp;y=2</a>.`,
		`Your page:<br>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<Cardiff>") {
		t.Error("text reached the HTML unescaped")
	}
}
