package server

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/i18n"
)

// TestWelshMemberAndOwnerPagesNameStrandsOutcomesAndStatusesInWelsh: the
// strands, outcome and finalised month on a member's page and the status,
// response and timeline on an owner's page come from the catalogue, so a
// Welsh reader sees them in Welsh and an English one sees the domain's
// words (and, on the timeline, the system's own English details).
func TestWelshMemberAndOwnerPagesNameStrandsOutcomesAndStatusesInWelsh(t *testing.T) {
	for _, tc := range []struct {
		lang       i18n.Lang
		name       string
		page       int
		want, gone []string
	}{
		{i18n.Welsh, "member_home.html", 0, []string{"WAL-1: Hil; Assault; Euogfarn ar ôl ple euog; wedi&#39;i gwblhau Mai 2025", "WAL-2: Anabledd, Crefydd; Harassment; Rhyddfarn; wedi&#39;i gwblhau Mehefin 2025"}, []string{"Race", "Acquittal", "May 2025", "June 2025"}},
		{i18n.Welsh, "member_home.html", 1, []string{"<td>Hil: Assault</td>"}, []string{"Race"}},
		{i18n.Welsh, "owner.html", 0, []string{"<dd>Agored</dd>", "<dd>Derbyniwyd</dd>", "Nodyn cynnydd: D</li>", "Anfonwyd e-bost: nodyn atgoffa</li>"},
			[]string{"<dd>Open</dd>", "Accepted", "Progress note", "Reminder to the owner"}},
		{i18n.English, "member_home.html", 0, []string{"WAL-1: Race; Assault; Conviction after guilty plea; finalised May 2025", "WAL-2: Disability, Religion; Harassment; Acquittal; finalised June 2025"}, nil},
		{i18n.English, "owner.html", 0, []string{"<dd>Open</dd>", "<dd>Accepted</dd>", "Progress note: D</li>", ": Reminder to the owner</li>"}, nil},
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
	if got := none.Labels("strand", []string{"race", "no_such_strand"}); !i18n.Missing(got) {
		t.Errorf("an unknown strand shows %q, not the missing-key marker", got)
	}
}
