package workbook

import (
	"testing"

	"github.com/lsip/scrutiny/reviewform"
)

// FuzzParsePack feeds the returned-workbook parser arbitrary bytes, seeded
// with a real pack: it must never panic, and whatever it accepts stays
// within the problem cap.
func FuzzParsePack(f *testing.F) {
	data, err := BuildPack(pack())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("name,rating\nAled,Yes\n"))
	form := reviewform.Default()
	f.Fuzz(func(t *testing.T, b []byte) {
		returned, err := ParsePack(b, form)
		if err == nil && len(returned.Problems) > MaxProblems+1 {
			t.Fatalf("%d problems listed, more than the cap", len(returned.Problems))
		}
	})
}
