// Package xlsxguard opens a workbook that someone uploaded, refusing first,
// and quickly, one that would exhaust memory or disk when read.
//
// A workbook is a zip of XML parts, and a file of a few hundred kilobytes
// can unpack to gigabytes: a sheet of millions of rows, a shared-strings
// table of millions of entries, one text repeated in every cell of a wide
// row, or a styles part that excelize would decode whole. Open checks the
// zip's directory and then reads every part once as bytes, building
// nothing, against Limits; only a workbook within them reaches excelize,
// whose own unzip limits are set from the same Limits.
package xlsxguard

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what an uploaded workbook may hold. Every field must be set.
type Limits struct {
	// Unzipped is the most all the parts may add up to, unpacked.
	Unzipped int64
	// Spill is the size above which excelize writes a sheet or the shared
	// strings to a temporary file instead of holding it in memory
	// (excelize's UnzipXMLSizeLimit).
	Spill int64
	// Held is the most the parts excelize holds in memory, unpacked, may
	// add up to.
	Held int64
	// Decoded is the most the parts other than sheets and shared strings
	// may add up to: excelize decodes those whole into structures several
	// times their size.
	Decoded int64
	// Rows is the highest row number a sheet may use.
	Rows int
	// Cells is the most cells with a value one row may hold.
	Cells int
	// Strings is the most entries the shared-strings table may hold.
	Strings int
	// Item is the most bytes of XML one cell or one shared string may take.
	Item int
}

// Refused is a workbook refused by a limit, or for XML that no workbook
// has. Limit names the limit (one of the Limit constants, or "" for the
// XML) so that a caller can say it in its own words; Reason says it in
// words for the person who uploaded the file.
type Refused struct {
	Limit  string
	Reason string
}

func (e *Refused) Error() string { return e.Reason }

// The limits a Refused may name.
const (
	LimitSize    = "size"
	LimitRows    = "rows"
	LimitCells   = "cells"
	LimitStrings = "strings"
	LimitItem    = "item"
)

// maxParts bounds the entries in the zip: reading the directory costs
// memory for each, and a real workbook has a few dozen.
const maxParts = 2000

// maxTag bounds one XML tag with its attributes, which a decoder holds
// whole; a real tag is well under a kilobyte.
const maxTag = 64 << 10

// Open checks data against lim and opens it with excelize. A workbook
// over a limit is refused with *Refused; one that cannot be read as a
// zip gets the zip reader's error. The caller must Close the file, which
// also removes any temporary file excelize made.
func Open(data []byte, lim Limits) (*excelize.File, error) {
	if err := Check(data, lim); err != nil {
		return nil, err
	}
	return excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.Unzipped, UnzipXMLSizeLimit: lim.Spill})
}

// Check applies lim to data without opening it with excelize.
func Check(data []byte, lim Limits) error {
	// Count directory entries before the zip reader allocates one File for
	// each: its own check of the count is modulo 65,536.
	if bytes.Count(data, []byte("PK\x01\x02")) > maxParts {
		return &Refused{Limit: LimitSize, Reason: fmt.Sprintf("the workbook has more than %d parts; save it again as an ordinary Excel workbook (.xlsx)", maxParts)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	var total, held int64
	for _, f := range zr.File {
		size := int64(f.UncompressedSize64)
		if size < 0 || size > lim.Unzipped {
			return tooBig(lim)
		}
		total += size
		if kindOf(f.Name) == other || size <= lim.Spill {
			held += size
		}
		if total > lim.Unzipped || held > lim.Held {
			return tooBig(lim)
		}
	}
	var decoded int64
	for _, f := range zr.File {
		xml, err := scanPart(f, lim, kindOf(f.Name) == sharedStrings)
		if err != nil {
			return err
		}
		if kindOf(f.Name) == other && xml {
			decoded += int64(f.UncompressedSize64)
		}
		if decoded > lim.Decoded {
			return &Refused{Limit: LimitSize, Reason: fmt.Sprintf("the workbook's settings and styles unpack to more than %s; copy the data into a new, plain workbook", mb(lim.Decoded))}
		}
	}
	return nil
}

func tooBig(lim Limits) error {
	return &Refused{Limit: LimitSize, Reason: fmt.Sprintf("the workbook unpacks to more than %s, the most this service reads; split it into smaller files", mb(lim.Unzipped))}
}

// mb writes a size in whole megabytes.
func mb(n int64) string { return fmt.Sprintf("%d MB", n>>20) }

// A part's kind decides how excelize holds it.
type partKind int

const (
	other partKind = iota
	worksheet
	sharedStrings
)

// kindOf names a part as excelize's ReadZipReader does: worksheets and the
// shared strings may spill to disk; every other part is held in memory,
// and decoded whole when excelize needs it, unless it is binary.
func kindOf(name string) partKind {
	name = strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case name == "xl/sharedstrings.xml":
		return sharedStrings
	case strings.HasPrefix(name, "xl/worksheets/sheet"):
		return worksheet
	}
	return other
}
