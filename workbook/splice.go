package workbook

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// A streamed export is one zip written front to back: its sheet first,
// whose rows are written as they come, then every other part. excelize
// writes a book's streamed sheet before its other parts, so the export
// lets excelize write the whole book through its ZipWriter hook twice:
// once from a probe book, to learn the sheet's XML before the rows; and
// once at the end, from the real book, whose sheet XML up to the end of
// the header row is dropped (the same bytes were sent first) and the rest
// (the sheet's end and the other parts) goes on into the same zip.

// sheetEntry is a streamed sheet's zip path and its XML up to the end of
// its header row.
type sheetEntry struct {
	path string
	head []byte
}

// headerRowEnd ends the header row, the last thing in a sheet's head.
var headerRowEnd = []byte("</row>")

// firstSheetHead writes a flushed book to nowhere but its first part, the
// streamed sheet, and returns that sheet's head.
func firstSheetHead(f *excelize.File) (sheetEntry, error) {
	var c captureFirst
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return &c })
	if _, err := f.WriteToBuffer(); err != nil {
		return sheetEntry{}, err
	}
	xml := c.first.Bytes()
	end := bytes.Index(xml, headerRowEnd)
	if end < 0 {
		return sheetEntry{}, fmt.Errorf("workbook: no header row in %s", c.path)
	}
	return sheetEntry{path: c.path, head: xml[:end+len(headerRowEnd)]}, nil
}

// captureFirst is a ZipWriter that keeps its first part and drops the rest.
type captureFirst struct {
	path  string
	first bytes.Buffer
}

func (c *captureFirst) Create(name string) (io.Writer, error) {
	if c.path != "" {
		return io.Discard, nil
	}
	c.path = name
	return &c.first, nil
}

func (c *captureFirst) AddFS(fs.FS) error { return nil }
func (c *captureFirst) Close() error      { return nil }

// spliceRest writes a flushed book's parts into zw after its sheet's
// rows, which went to entry, the sheet's open zip entry: the sheet's end,
// then the other parts; and closes zw.
func spliceRest(f *excelize.File, zw *zip.Writer, sheet sheetEntry, entry io.Writer) error {
	s := &splicer{zw: zw, sheet: sheet, entry: entry}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return s })
	_, err := f.WriteToBuffer()
	return err
}

// splicer is the ZipWriter of the real book's parts. Its first part must
// be the streamed sheet, whose entry is still open in zw.
type splicer struct {
	zw      *zip.Writer
	sheet   sheetEntry
	entry   io.Writer
	started bool
}

func (s *splicer) Create(name string) (io.Writer, error) {
	if s.started {
		return s.zw.Create(name)
	}
	s.started = true
	if name != s.sheet.path {
		return nil, fmt.Errorf("workbook: %s came before the streamed sheet %s", name, s.sheet.path)
	}
	return &skipHead{entry: s.entry, head: s.sheet.head}, nil
}

func (s *splicer) AddFS(fsys fs.FS) error { return s.zw.AddFS(fsys) }
func (s *splicer) Close() error           { return s.zw.Close() }

// skipHead receives the sheet's whole XML: it checks that it begins with
// the head already sent, and writes the rest into the sheet's entry, the
// zip's latest.
type skipHead struct {
	entry io.Writer
	head  []byte
	seen  int
}

// errHeadChanged means the book's sheet began otherwise than the probe's.
var errHeadChanged = errors.New("workbook: the streamed sheet's head differs from the probe's")

func (w *skipHead) Write(p []byte) (int, error) {
	n := len(p)
	if rest := len(w.head) - w.seen; rest > 0 {
		k := min(rest, len(p))
		if !bytes.Equal(p[:k], w.head[w.seen:w.seen+k]) {
			return 0, errHeadChanged
		}
		w.seen += k
		p = p[k:]
	}
	if len(p) > 0 {
		if _, err := w.entry.Write(p); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// newZipWriter is a zip writer onto w that deflates at the fastest level.
// A sheet's XML repeats itself so much that the fastest level still
// shrinks it about tenfold, in a fraction of the default level's time,
// which was the largest part of a long export's.
func newZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	return zw
}

// writeZip writes f to w as it is zipped. excelize's own Write assembles
// the whole file in a buffer first (WriteTo calls WriteToBuffer); through
// its ZipWriter hook the zip goes straight to w instead, and the buffer
// WriteToBuffer hands the hook stays empty. (WriteToBuffer uses that
// buffer after the zip only for a part over 4 GB or a password, which
// these books never have.)
func writeZip(w io.Writer, f *excelize.File) error {
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newZipWriter(w) })
	_, err := f.WriteToBuffer()
	return err
}

// maxCellUnits is the most text a cell holds, in UTF-16 code units.
const maxCellUnits = excelize.TotalCellChars

// writeTextCell writes an inline-string cell of text in column col of row
// with style, as excelize's StreamWriter writes one: the text cut to what
// a cell holds, spaces at either end kept, and escaped for XML and for
// Excel's _xHHHH_ notation.
func writeTextCell(w *bufio.Writer, col string, row []byte, style int, text string) {
	text = truncateCell(text)
	w.WriteString(`<c r="`)
	w.WriteString(col)
	w.Write(row)
	w.WriteString(`" s="`)
	var num [20]byte
	w.Write(strconv.AppendInt(num[:0], int64(style), 10))
	w.WriteString(`" t="inlineStr"><is><t`)
	if text != "" && (isSpace(text[0]) || isSpace(text[len(text)-1])) {
		w.WriteString(` xml:space="preserve"`)
	}
	w.WriteByte('>')
	writeEscaped(w, text)
	w.WriteString(`</t></is></c>`)
}

// isSpace is whether b is white space XML would not keep at a text's end.
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// truncateCell cuts s to what a cell holds.
func truncateCell(s string) string {
	if len(s) <= maxCellUnits { // a UTF-8 byte is never less than a UTF-16 unit
		return s
	}
	units := 0
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > maxCellUnits {
			return s[:i]
		}
		units += n
	}
	return s
}

// writeEscaped writes s as XML text, as encoding/xml.EscapeText does
// (characters XML cannot hold become U+FFFD) except that a line break is
// kept as it is, and with the underscore of every _xHHHH_ written
// _x005F_, so that Excel does not read the text as an escaped character.
// Text with nothing to escape, nearly all of it, is written in one piece.
func writeEscaped(w *bufio.Writer, s string) {
	done := 0
	for i := 0; i < len(s); {
		c, width := s[i], 1
		var esc string
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&#34;"
		case c == '\'':
			esc = "&#39;"
		case c == '\t':
			esc = "&#x9;"
		case c == '\r':
			esc = "&#xD;"
		case c == '\n':
		case c < ' ':
			esc = "\uFFFD"
		case c == '_' && escapedCharAt(s[i:]):
			esc = "_x005F_"
		case c >= utf8.RuneSelf:
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && width == 1 || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			w.WriteString(s[done:i])
			w.WriteString(esc)
			done = i + width
		}
		i += width
	}
	w.WriteString(s[done:])
}

// escapedCharAt is whether s begins with _xHHHH_ naming a character, which
// Excel reads as that character.
func escapedCharAt(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	code, err := strconv.ParseUint(s[2:6], 16, 32)
	return err == nil && utf8.ValidRune(rune(code))
}
