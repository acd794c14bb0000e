package caseimport_test

import (
	"errors"
	"os"
	"testing"

	"github.com/lsip/scrutiny/caseimport"
)

// FuzzCheck feeds the import arbitrary bytes as a CSV and as a workbook. It
// must never panic, and must either accept cases or say why by row and
// column, within its limits. The seeds are the sample extract, a few
// broken shapes, and the corpus under testdata/fuzz.
func FuzzCheck(f *testing.F) {
	sample, err := os.ReadFile("../testdata/sample-cases.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("cases.csv", sample)
	f.Add("cases.csv", []byte("area,reference\n\"unterminated"))
	f.Add("cases.csv", []byte("\xef\xbb\xbf\n\n\n"))
	f.Add("cases.xlsx", []byte("PK\x03\x04 not a workbook"))
	f.Add("cases.xlsx", sample)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		extract, err := caseimport.Check(name, data)
		if err != nil {
			var problems caseimport.Errors
			if errors.As(err, &problems) && len(problems) > caseimport.MaxProblems+1 {
				t.Fatalf("%d problems listed, more than the cap", len(problems))
			}
			return
		}
		if len(extract.Cases) > caseimport.MaxRows {
			t.Fatalf("%d cases accepted, more than the row limit", len(extract.Cases))
		}
	})
}
