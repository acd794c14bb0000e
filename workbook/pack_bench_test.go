package workbook

import (
	"fmt"
	"strings"
	"testing"
)

// packOfTen is the test pack with ten cases, each with a summary of a few
// sentences, as a member's pack for a quarter holds.
func packOfTen() Pack {
	p := pack()
	base := p.Cases
	p.Cases = nil
	for i := range 10 {
		c := base[i%len(base)]
		c.CaseID = int64(i + 1)
		c.Reference = fmt.Sprintf("WAL-HC-26-%04d", i+1)
		c.Summary = strings.Repeat(c.Summary+" ", 6)
		p.Cases = append(p.Cases, c)
	}
	return p
}

// BenchmarkBuildPack10Cases times one member's workbook for ten cases, the
// part of pack.Build that is not the store's reads.
func BenchmarkBuildPack10Cases(b *testing.B) {
	p := packOfTen()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildPack(p); err != nil {
			b.Fatal(err)
		}
	}
}
