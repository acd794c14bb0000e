package workbook

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
)

// benchAction is the i'th of many actions, shaped like the bench's
// generated action log: short text, every status, a fifth overdue.
func benchAction(i int) domain.ActionRow {
	statuses := []domain.ActionStatus{domain.ActionOpen, domain.ActionInProgress, domain.ActionCompleted, domain.ActionCancelled}
	return domain.ActionRow{ID: int64(i), Panel: "Wales LSIP", Area: domain.Areas[i%len(domain.Areas)].Name,
		Description: fmt.Sprintf("Benchmark action %d", i), Kind: "process_change", Audience: "police",
		OwnerName: fmt.Sprintf("Owner %d", i%50), ManagerName: fmt.Sprintf("Manager %d", i%14),
		Due: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%730), Status: statuses[i%len(statuses)], Overdue: i%5 == 0}
}

// writeActionLog exports the actions to w.
func writeActionLog(w io.Writer, n int, action func(int) domain.ActionRow) error {
	l, err := NewActionLog(w)
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		if err := l.Add(action(i)); err != nil {
			return err
		}
	}
	return l.Close()
}

// TestActionLogLargeExport: an export of 20,000 actions, its rows spliced
// between the parts excelize writes, opens, has every action in order
// after the header with its highlighting, and filters every row.
func TestActionLogLargeExport(t *testing.T) {
	const n = 20_000
	var book bytes.Buffer
	if err := writeActionLog(&book, n, benchAction); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(ActionLogSheet)
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		if read > 0 && cols[0] != fmt.Sprintf("A-%d", read) {
			t.Fatalf("row %d is %v", read+1, cols)
		}
		read++
	}
	if read != n+1 {
		t.Errorf("%d rows, want the header and %d actions", read, n)
	}
	overdue, _ := f.GetCellStyle(ActionLogSheet, fmt.Sprintf("A%d", 5+1))
	plain, _ := f.GetCellStyle(ActionLogSheet, fmt.Sprintf("A%d", 6+1))
	if overdue == plain {
		t.Error("overdue rows are not highlighted")
	}
	var filter string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filter = dn.RefersTo
		}
	}
	if !strings.HasSuffix(filter, fmt.Sprintf("$L$%d", n+1)) {
		t.Errorf("the filter covers %q, not every row", filter)
	}
}

// TestActionLogText: text an owner or a manager may type comes back from
// the export exactly, whatever XML or Excel would make of it, and a
// description of many lines makes its row taller.
func TestActionLogText(t *testing.T) {
	texts := []string{`Fish & chips <b>"quoted"</b> it's`, "  spaced at both ends\t", "two\nlines\r\nand more", "_x0041_ and _x005F_x0042_ stay literal",
		"Ysgrifennydd — café ✓ 𝄞", "bell\a and nul\x00 go", strings.Repeat("long text ", 4000)}
	var book bytes.Buffer
	if err := writeActionLog(&book, len(texts), func(i int) domain.ActionRow {
		a := benchAction(i)
		a.Description = texts[i-1]
		return a
	}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, text := range texts {
		want := strings.NewReplacer("\a", "\uFFFD", "\x00", "\uFFFD").Replace(text)
		if len(want) > excelize.TotalCellChars {
			want = want[:excelize.TotalCellChars]
		}
		got, _ := f.GetCellValue(ActionLogSheet, fmt.Sprintf("D%d", i+2))
		if got != want {
			t.Errorf("description %d reads back as %q, want %q", i+1, got, want)
		}
	}
	short, _ := f.GetRowHeight(ActionLogSheet, 2)
	tall, _ := f.GetRowHeight(ActionLogSheet, len(texts)+1)
	if tall <= short {
		t.Errorf("a long description's row is %v high, a short one's %v", tall, short)
	}
}

// BenchmarkActionLog100k exports the bench's 100,000 actions, the
// issue-13 budget's size.
func BenchmarkActionLog100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := writeActionLog(io.Discard, 100_000, benchAction); err != nil {
			b.Fatal(err)
		}
	}
}
