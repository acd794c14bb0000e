package workbook

import (
	"strings"
	"testing"
)

// TestAWelshPackNamesStrandsOutcomesAndStatusesInWelsh: the case sheets'
// category, strands and outcome, and the cover's matters-arising status,
// come from the catalogue, so a Welsh member reads them in Welsh and an
// English member reads the words the staff pages use.
func TestAWelshPackNamesStrandsOutcomesAndStatusesInWelsh(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pack   Pack
		want   []string
		absent []string
	}{
		{"Welsh", welshPack(), []string{"Hil, Crefydd", "Troseddau casineb", "Euogfarn ar ôl ple euog", "Trais yn erbyn menywod a merched", "Ar waith"},
			[]string{"Race", "Hate crime", "Conviction after guilty plea", "In progress"}},
		{"English", pack(), []string{"Race, Religion", "Hate crime", "Conviction after guilty plea", "Violence against women and girls", "In progress"},
			[]string{"Hil"}},
	} {
		data, err := BuildPack(tc.pack)
		if err != nil {
			t.Fatal(err)
		}
		text := allText(t, open(t, data))
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s pack lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.absent {
			if strings.Contains(text, w) {
				t.Errorf("the %s pack shows %q", tc.name, w)
			}
		}
	}
}
