package server

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/i18n"
)

// TestWelshMemberAndOwnerPagesNameStrandsOutcomesAndStatusesInWelsh: the
// strands and outcome on a member's page and the status on an owner's
// page come from the catalogue, so a Welsh reader sees them in Welsh and
// an English one sees the domain's words.
func TestWelshMemberAndOwnerPagesNameStrandsOutcomesAndStatusesInWelsh(t *testing.T) {
	for _, tc := range []struct {
		lang       i18n.Lang
		name       string
		page       int
		want, gone []string
	}{
		{i18n.Welsh, "member_home.html", 0, []string{"WAL-1: Hil; Assault; Euogfarn ar ôl ple euog", "WAL-2: Anabledd, Crefydd; Harassment; Rhyddfarn"}, []string{"Race", "Acquittal"}},
		{i18n.Welsh, "member_home.html", 1, []string{"<td>Hil: Assault</td>"}, []string{"Race"}},
		{i18n.Welsh, "owner.html", 0, []string{"<dd>Agored</dd>"}, []string{"<dd>Open</dd>"}},
		{i18n.English, "member_home.html", 0, []string{"WAL-1: Race; Assault; Conviction after guilty plea", "WAL-2: Disability, Religion; Harassment; Acquittal"}, nil},
		{i18n.English, "owner.html", 0, []string{"<dd>Open</dd>"}, nil},
	} {
		var b bytes.Buffer
		if err := pageTemplates.ExecuteTemplate(&b, tc.name, memberPages(i18n.For(tc.lang))[tc.name][tc.page]); err != nil {
			t.Fatalf("%s in %s: %v", tc.name, tc.lang, err)
		}
		html := b.String()
		for _, w := range tc.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s %d in %s lacks %q", tc.name, tc.page, tc.lang, w)
			}
		}
		for _, w := range tc.gone {
			if strings.Contains(html, w) {
				t.Errorf("%s %d in %s shows %q", tc.name, tc.page, tc.lang, w)
			}
		}
	}
	var none page
	if got := none.Relabel("strand", "No such strand"); !i18n.Missing(got) {
		t.Errorf("an unknown strand shows %q, not the missing-key marker", got)
	}
}
