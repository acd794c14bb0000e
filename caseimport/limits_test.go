package caseimport_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/caseimport"
)

// A file of blank lines is refused at the row limit, quickly and with one
// problem naming the limit, instead of becoming millions of empty rows.
func TestBlankLinesCountTowardsTheRowLimit(t *testing.T) {
	header := strings.Join(caseimport.Columns, ",") + "\n"
	row := caseCSV(t, caseimport.Columns, validCase)[len(header):]
	problems := problemsOf(t, header+strings.Repeat("\n", 50<<20)+row)
	if len(problems) != 1 || !strings.Contains(problems[0].Reason, fmt.Sprint(caseimport.MaxRows)) {
		t.Fatalf("problems = %v; want one naming the limit of %d rows", problems, caseimport.MaxRows)
	}

	// The last row the limit allows is read.
	recs, err := caseimport.Parse("extract.csv", strings.NewReader(header+strings.Repeat("\n", caseimport.MaxRows-1)+row))
	if err != nil || len(recs) != 1 {
		t.Fatalf("a case on row %d: %d cases, %v", caseimport.MaxRows+1, len(recs), err)
	}
	// One more is refused, cases or not.
	many := header + strings.Repeat(row, caseimport.MaxRows+1)
	if problems := problemsOf(t, many); len(problems) != 1 || problems[0].Row != 0 {
		t.Fatalf("%d rows of cases: %v", caseimport.MaxRows+1, problems[:min(3, len(problems))])
	}
}

// A file with thousands of problems lists the first MaxProblems, in row
// order, and says how many more there are.
func TestProblemListIsCapped(t *testing.T) {
	var rows []map[string]string
	for i := range 1000 {
		rows = append(rows, with("reference", fmt.Sprintf("WAL-T-%04d", i), "outcome", "unknown", "category", "unknown"))
	}
	problems := problemsOf(t, caseCSV(t, caseimport.Columns, rows...))
	if len(problems) != caseimport.MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d and a count", len(problems), caseimport.MaxProblems)
	}
	if problems.Total() != 2000 {
		t.Errorf("Total() = %d, want 2000", problems.Total())
	}
	if problems[0].Row != 2 || problems[caseimport.MaxProblems-1].Row != 101 {
		t.Errorf("the first listed are rows %d to %d, want 2 to 101", problems[0].Row, problems[caseimport.MaxProblems-1].Row)
	}
	last := problems[caseimport.MaxProblems]
	if last.Row != 0 || !strings.Contains(last.Reason, "1800 more problems") {
		t.Errorf("last problem = %v", last)
	}
	if !strings.HasPrefix(problems.Error(), "2000 problems in the file:") {
		t.Errorf("Error() begins %q", problems.Error()[:40])
	}
}

// Workbooks that are small to upload but huge to read are refused without
// the heap growing past 200 MB: a sheet of millions of short rows (about
// 250 MB unpacked, as in the report), a shared-strings table of millions of
// entries, and a long text repeated across wide rows.
func TestHostileWorkbooksAreRefusedInBoundedMemory(t *testing.T) {
	headerRow := `<row r="1">`
	for i, col := range caseimport.Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		headerRow += fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, cell, col)
	}
	headerRow += `</row>`
	const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	const tail = `</sheetData></worksheet>`
	longText := strings.Repeat("The defendant was abused. ", 4000) // about 100 KB
	cases := map[string]map[string]func(io.Writer){
		"millions of rows":                       {"xl/worksheets/sheet1.xml": repeated(head+headerRow, `<row><c t="inlineStr"><is><t>Wales</t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>`, 2_500_000, tail)},
		"millions of rows within the size limit": {"xl/worksheets/sheet1.xml": repeated(head+headerRow, `<row><c t="inlineStr"><is><t>x</t></is></c></row>`, 1_500_000, tail)},
		"millions of texts": {
			"xl/sharedStrings.xml":     repeated(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, `<si><t>Wales</t></si>`, 3_000_000, `</sst>`),
			"xl/worksheets/sheet1.xml": repeated(head+headerRow, `<row><c t="s"><v>2999999</v></c></row>`, 10_000, tail),
		},
		"a long text in wide rows": {
			"xl/sharedStrings.xml":     repeated(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`+longText+`</t></si>`, ``, 0, `</sst>`),
			"xl/worksheets/sheet1.xml": repeated(head+headerRow, `<row>`+strings.Repeat(`<c t="s"><v>0</v></c>`, 250)+`</row>`, 100, tail),
		},
	}
	base := plainWorkbook(t)
	for name, parts := range cases {
		t.Run(name, func(t *testing.T) {
			data := withParts(t, base, parts)
			if len(data) > 1<<20 {
				t.Fatalf("the hostile file is %d KB; it should be a small upload", len(data)>>10)
			}
			var err error
			peak := peakHeap(func() { _, err = caseimport.Parse("extract.xlsx", bytes.NewReader(data)) })
			var problems caseimport.Errors
			if !errors.As(err, &problems) {
				t.Fatalf("Parse returned %v, want problems", err)
			}
			if len(problems) > caseimport.MaxProblems+1 {
				t.Errorf("%d problems listed", len(problems))
			}
			if peak > 200<<20 {
				t.Errorf("the heap reached %d MB reading a %d KB file", peak>>20, len(data)>>10)
			}
			t.Logf("%d KB file: refused with %q; heap peaked at %d MB", len(data)>>10, problems[0].Reason, peak>>20)
		})
	}
}

// peakHeap runs fn and returns the most heap in use, sampled every
// millisecond while it ran.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak
}

// plainWorkbook is an empty workbook made by excelize.
func plainWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withParts is base with parts replaced or added, each written by its
// function, so that a part of hundreds of megabytes exists only
// compressed.
func withParts(t *testing.T, base []byte, parts map[string]func(io.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if _, ok := parts[f.Name]; !ok {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, write := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// repeated writes head, body n times, then tail.
func repeated(head, body string, n int, tail string) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, head)
		for range n {
			io.WriteString(w, body)
		}
		io.WriteString(w, tail)
	}
}
