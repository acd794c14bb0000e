package xlsxguard_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/xlsxguard"
)

var limits = xlsxguard.Limits{Unzipped: 64 << 20, Spill: 1 << 20, Held: 8 << 20, Decoded: 1 << 20, Rows: 1000, Cells: 50, Strings: 5000, Item: 16 << 10}

// plain is an ordinary workbook made by excelize.
func plain(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r := 1; r <= 20; r++ {
		for c := 1; c <= 10; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			if err := f.SetCellValue("Sheet1", cell, fmt.Sprintf("text %d-%d", r, c)); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// replaced is base with some parts replaced (or added), each written by
// its function, so that a part of hundreds of megabytes never exists in
// memory: only its compressed form does.
func replaced(t *testing.T, base []byte, parts map[string]func(io.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if _, ok := parts[f.Name]; ok {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
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

// repeated writes head, then body n times, then tail.
func repeated(head, body string, n int, tail string) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, head)
		chunk := strings.Repeat(body, 1000)
		for i := 0; i < n; i += 1000 {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, tail)
	}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

func TestAnOrdinaryWorkbookOpens(t *testing.T) {
	f, err := xlsxguard.Open(plain(t), limits)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Sheet1", "J20"); v != "text 20-10" {
		t.Fatalf("J20 = %q", v)
	}
}

func TestEachLimitRefuses(t *testing.T) {
	base := plain(t)
	sheet := "xl/worksheets/sheet1.xml"
	cases := []struct {
		name  string
		parts map[string]func(io.Writer)
		limit string
	}{
		{"rows without numbers", map[string]func(io.Writer){sheet: repeated(sheetHead, `<row/>`, 2_000_000, sheetTail)}, xlsxguard.LimitRows},
		{"one far row", map[string]func(io.Writer){sheet: repeated(sheetHead, ``, 0, `<row r="1048576"><c><v>1</v></c></row>`+sheetTail)}, xlsxguard.LimitRows},
		{"a wide row", map[string]func(io.Writer){sheet: repeated(sheetHead+`<row r="1">`, `<c t="s"><v>0</v></c>`, 100_000, `</row>`+sheetTail)}, xlsxguard.LimitCells},
		{"cells after the row ends", map[string]func(io.Writer){sheet: repeated(sheetHead+`<row r="1"></row>`, `<x:c t="s"><v>0</v></x:c>`, 100_000, sheetTail)}, xlsxguard.LimitCells},
		{"a long cell", map[string]func(io.Writer){sheet: repeated(sheetHead+`<row r="1"><c t="inlineStr"><is><t>`, `x`, 10_000_000, `</t></is></c></row>`+sheetTail)}, xlsxguard.LimitItem},
		{"a long CDATA cell", map[string]func(io.Writer){sheet: repeated(sheetHead+`<row r="1"><c t="inlineStr"><is><t><![CDATA[`, `x`, 10_000_000, `]]></t></is></c></row>`+sheetTail)}, xlsxguard.LimitItem},
		{"many shared strings", map[string]func(io.Writer){"xl/sharedStrings.xml": repeated(`<sst>`, `<si><t>a</t></si>`, 3_000_000, `</sst>`)}, xlsxguard.LimitStrings},
		{"a long tag", map[string]func(io.Writer){sheet: repeated(sheetHead+`<row r="1" x="`, `y`, 1_000_000, `"/>`+sheetTail)}, xlsxguard.LimitItem},
		{"large styles", map[string]func(io.Writer){"xl/styles.xml": repeated(`<styleSheet><cellXfs>`, `<xf/>`, 1_000_000, `</cellXfs></styleSheet>`)}, xlsxguard.LimitSize},
		{"unpacks too far", map[string]func(io.Writer){"xl/media/a.bin": repeated("\x00", "\x00", 100_000_000, "")}, xlsxguard.LimitSize},
		{"a document type", map[string]func(io.Writer){sheet: repeated(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>`, ``, 0, sheetHead+sheetTail)}, ""},
		{"another encoding", map[string]func(io.Writer){sheet: repeated(`<?xml version="1.0" encoding="UTF-16"?>`, ``, 0, sheetHead+sheetTail)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := replaced(t, base, c.parts)
			if len(data) > 1<<20 {
				t.Fatalf("the test file is %d bytes; it should be a small upload", len(data))
			}
			_, err := xlsxguard.Open(data, limits)
			var refused *xlsxguard.Refused
			if !errors.As(err, &refused) {
				t.Fatalf("Open returned %v, want *Refused", err)
			}
			if refused.Limit != c.limit || refused.Reason == "" {
				t.Fatalf("refused for %q (%s), want %q", refused.Limit, refused.Reason, c.limit)
			}
		})
	}
}

// Within the limits, markup that a decoder skips (comments, quoted '>',
// namespace prefixes, images) is read as the decoder reads it.
func TestMarkupWithinLimitsIsAccepted(t *testing.T) {
	png := func(w io.Writer) { io.WriteString(w, "\x89PNG\r\n\x1a\n"+strings.Repeat("<row>", 10_000)) }
	sheet := repeated(sheetHead+`<!-- <row r="999999"> -->`, `<x:row a=">"><c t="s"><v>0</v></c><c r="B1"/></x:row>`, 999, sheetTail)
	data := replaced(t, plain(t), map[string]func(io.Writer){"xl/worksheets/sheet1.xml": sheet, "xl/media/image1.png": png})
	f, err := xlsxguard.Open(data, limits)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestNotAZip(t *testing.T) {
	_, err := xlsxguard.Open([]byte("name,area\n"), limits)
	var refused *xlsxguard.Refused
	if err == nil || errors.As(err, &refused) {
		t.Fatalf("Open returned %v, want the zip reader's error", err)
	}
}
