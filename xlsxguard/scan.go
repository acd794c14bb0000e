package xlsxguard

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner reads one part's XML as bytes and keeps only counts, so that a
// part of any size is checked in constant memory. It sees every element
// start that Go's XML decoder (and so excelize) would see: text, comments,
// CDATA and processing instructions are skipped, quoted attribute values
// may hold '>', and a namespace prefix is ignored as excelize ignores it.
// Every part is scanned, whatever its name: a binary part yields only
// short nonsense tags, which count for nothing.
type scanner struct {
	r   *bufio.Reader
	lim Limits
	sst bool
	off int64 // bytes read so far
	tag []byte

	row, cells int
	strings    int
	// itemStart is where the open cell or shared string began, or -1.
	itemStart int64
}

// scanPart applies lim's row, cell, string and item limits to one part,
// and says whether an XML decoder could read past its first bytes (an
// image cannot: its first byte is not valid UTF-8 or is a control
// character, which the decoder refuses at once).
func scanPart(f *zip.File, lim Limits, sst bool) (xml bool, err error) {
	rc, err := f.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	s := &scanner{r: bufio.NewReaderSize(rc, 64<<10), lim: lim, sst: sst, itemStart: -1}
	head, _ := s.r.Peek(4)
	if !decodable(head) {
		return false, nil
	}
	err = s.run()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true, nil // a truncated part is excelize's to report
	}
	return true, err
}

// decodable reports whether Go's XML decoder would read past the first
// characters of a part that begins with head.
func decodable(head []byte) bool {
	if len(head) == 0 {
		return true
	}
	if r, size := utf8.DecodeRune(head); r == utf8.RuneError && size <= 1 {
		return false
	}
	for _, b := range head[:min(2, len(head))] {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			return false
		}
	}
	return true
}

func (s *scanner) run() error {
	for {
		if err := s.skipText(); err != nil {
			return err
		}
		if err := s.markup(); err != nil {
			return err
		}
	}
}

// skipText reads up to and including the next '<', without keeping it.
func (s *scanner) skipText() error {
	for {
		chunk, err := s.r.ReadSlice('<')
		s.off += int64(len(chunk))
		if err := s.checkItem(); err != nil {
			return err
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// markup reads what follows a '<'.
func (s *scanner) markup() error {
	b, err := s.r.Peek(1)
	if err != nil {
		return err
	}
	switch b[0] {
	case '!':
		return s.declaration()
	case '?':
		return s.instruction()
	}
	if err := s.readTag(); err != nil {
		return err
	}
	return s.element()
}

// declaration skips a comment or CDATA section (as text: its length
// counts towards the open item) and refuses a document type, which no
// workbook has and whose entities a decoder might expand.
func (s *scanner) declaration() error {
	head, _ := s.r.Peek(9)
	switch {
	case bytes.HasPrefix(head, []byte("!--")):
		return s.skipPast("-->")
	case bytes.HasPrefix(head, []byte("![CDATA[")):
		return s.skipPast("]]>")
	case bytes.HasPrefix(head, []byte("!DOCTYPE")):
		return &Refused{Reason: "the workbook's XML declares a document type, which Excel workbooks never do; save it again from Excel"}
	}
	return s.readTag()
}

// instruction reads a processing instruction. The XML declaration may
// name an encoding: anything but UTF-8 would be read differently by the
// decoder than by this scanner, so it is refused.
func (s *scanner) instruction() error {
	s.tag = s.tag[:0]
	var prev byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		s.off++
		s.tag = append(s.tag, c)
		if len(s.tag) > maxTag {
			return s.tagTooLong()
		}
		if prev == '?' && c == '>' {
			break
		}
		prev = c
	}
	if !bytes.HasPrefix(s.tag, []byte("?xml")) {
		return nil
	}
	enc, ok := attr(s.tag[4:len(s.tag)-2], "encoding")
	if ok && !strings.EqualFold(enc, "utf-8") && !strings.EqualFold(enc, "us-ascii") {
		return &Refused{Reason: fmt.Sprintf("the workbook's XML is in the %q encoding; save it again from Excel", enc)}
	}
	return nil
}

// skipPast reads up to and including end.
func (s *scanner) skipPast(end string) error {
	matched := 0
	for matched < len(end) {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		s.off++
		switch {
		case c == end[matched]:
			matched++
		case c == end[0]:
			matched = 1
		default:
			matched = 0
		}
		if s.off&0xffff == 0 {
			if err := s.checkItem(); err != nil {
				return err
			}
		}
	}
	return s.checkItem()
}

// readTag reads a tag up to its closing '>' into s.tag, '>' excluded.
func (s *scanner) readTag() error {
	s.tag = s.tag[:0]
	var quote byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		s.off++
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return nil
		}
		s.tag = append(s.tag, c)
		if len(s.tag) > maxTag {
			return s.tagTooLong()
		}
	}
}

func (s *scanner) tagTooLong() error {
	return &Refused{Limit: LimitItem, Reason: fmt.Sprintf("the workbook's XML has a tag longer than %d KB; save it again from Excel", maxTag>>10)}
}

// element counts a start or end tag.
func (s *scanner) element() error {
	tag := s.tag
	end := len(tag) > 0 && tag[0] == '/'
	if end {
		tag = tag[1:]
	}
	selfClosing := len(tag) > 0 && tag[len(tag)-1] == '/'
	name := tag
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	start := s.off - int64(len(s.tag)) - 2 // where the '<' was
	switch {
	case string(name) == "row" && !end:
		return s.startRow(tag)
	case string(name) == "c" && !end && !selfClosing:
		// Only a cell with content can hold a value; an empty one, say
		// one carrying only a style, costs nothing to read. A cell after
		// a row's end counts towards that row, as excelize reads it.
		s.cells++
		if s.cells > s.lim.Cells {
			return &Refused{Limit: LimitCells, Reason: fmt.Sprintf("row %d of a sheet has more than %d cells with values", s.row, s.lim.Cells)}
		}
		s.itemStart = start
	case string(name) == "si" && !end && s.sst:
		s.strings++
		if s.strings > s.lim.Strings {
			return &Refused{Limit: LimitStrings, Reason: fmt.Sprintf("the workbook holds more than %d different texts", s.lim.Strings)}
		}
		if !selfClosing {
			s.itemStart = start
		}
	case (string(name) == "c" || string(name) == "si") && end:
		err := s.checkItem()
		s.itemStart = -1
		return err
	}
	return nil
}

// startRow counts a row. Its number is its r attribute or, without one,
// the number after the last row's, as excelize reads it.
func (s *scanner) startRow(tag []byte) error {
	n := 0
	if v, ok := attr(tag, "r"); ok {
		n, _ = strconv.Atoi(strings.TrimSpace(v))
	}
	if n <= 0 {
		n = s.row + 1
	}
	s.row, s.cells = n, 0
	if s.row > s.lim.Rows {
		return &Refused{Limit: LimitRows, Reason: fmt.Sprintf("a sheet of the workbook goes beyond row %d, the most this service reads", s.lim.Rows)}
	}
	return nil
}

// checkItem refuses a cell or shared string that has grown past the limit.
func (s *scanner) checkItem() error {
	if s.itemStart >= 0 && s.off-s.itemStart > int64(s.lim.Item) {
		return &Refused{Limit: LimitItem, Reason: fmt.Sprintf("a cell or text of the workbook is longer than %d KB", s.lim.Item>>10)}
	}
	return nil
}

// attr finds the attribute whose local name is name among a tag's
// attributes (the element name may come first; it is skipped as a word
// with no '=').
func attr(tag []byte, name string) (string, bool) {
	rest := tag
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		eq := bytes.IndexByte(rest, '=')
		if eq < 0 {
			return "", false
		}
		key := bytes.TrimSpace(rest[:eq])
		if i := bytes.LastIndexAny(key, " \t\r\n"); i >= 0 {
			key = key[i+1:] // the element name, or junk, came first
		}
		if i := bytes.LastIndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest = bytes.TrimLeft(rest[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return "", false
		}
		q := rest[0]
		closing := bytes.IndexByte(rest[1:], q)
		if closing < 0 {
			return "", false
		}
		value := rest[1 : 1+closing]
		rest = rest[2+closing:]
		if string(key) == name {
			return string(value), true
		}
	}
}
