package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
)

// A pack whose answers have hundreds of problems lists MaxProblems of
// them and counts the rest; no case with a problem left out is kept to be
// saved, and a case without problems still is.
func TestParsePackCapsTheProblemList(t *testing.T) {
	p := pack()
	p.Cases = nil
	for i := range 120 {
		p.Cases = append(p.Cases, PackCase{CaseID: int64(i + 1), Reference: fmt.Sprintf("WAL-HC-26-%04d", i+1), Category: domain.HateCrime,
			Strands: []string{"race"}, PrincipalOffence: "Harassment", Outcome: domain.ConvictionPlea, Summary: "A summary."})
	}
	data, err := BuildPack(p)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	ids := identity(t, f)
	good := complete()
	for id := int64(1); id <= 120; id++ {
		values := map[string]string{"overall": "Splendid", "ratings.timeliness": "Brilliant", "ratings.charging": "Marvellous"}
		if id == 1 {
			values = good
		}
		for field, v := range values {
			if err := f.SetCellValue(FormSheet, ids[strconv.FormatInt(id, 10)][field], v); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := ParsePack(write(t, f), reviewform.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) != MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d and a count", len(got.Problems), MaxProblems)
	}
	last := got.Problems[MaxProblems]
	if last.CaseID == 0 || !strings.Contains(last.Message, "more problems") {
		t.Errorf("the count is %+v", last)
	}
	for id := range got.Reviews {
		bad := true
		for _, pr := range got.Problems {
			bad = bad && pr.CaseID != id
		}
		if bad && id != 1 {
			t.Errorf("case %d has problems left out of the list but is kept to be saved", id)
		}
	}
	if _, ok := got.Reviews[1]; !ok {
		t.Error("the case without problems was dropped")
	}
}

// A returned workbook that is small to upload but would unpack to a sheet
// of millions of rows is refused before it is read.
func TestParsePackRefusesAWorkbookBomb(t *testing.T) {
	data, err := BuildPack(pack())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, `<worksheet><sheetData>`)
		row := strings.Repeat(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`, 1000)
		for range 200 {
			io.WriteString(w, row)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", buf.Len())
	}
	_, err = ParsePack(buf.Bytes(), reviewform.Default())
	if err == nil || !strings.Contains(err.Error(), "far larger than a review pack") {
		t.Fatalf("ParsePack returned %v", err)
	}
}
