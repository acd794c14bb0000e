package workbook

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// ActionLog streams an action log into a workbook with excelize's
// StreamWriter, so an export of many thousands of actions stays small in
// memory: a frozen header, filters, and overdue rows highlighted.
type ActionLog struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	row       int
	overdue   int
	plain     int
	dateStyle int
}

var actionLogHeader = []string{"Action", "Area", "Panel", "Description", "Type", "For", "Owner", "Manager", "Due", "Status", "Response", "Overdue"}

// NewActionLog starts an export; add rows with Add, then Close.
func NewActionLog() (*ActionLog, error) {
	f := excelize.NewFile()
	const sheet = "Actions"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	l := &ActionLog{f: f, sw: sw, row: 1}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	if l.overdue, err = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8D7DA"}}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	if l.plain, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	for i, w := range []float64{10, 20, 30, 60, 18, 22, 22, 22, 14, 14, 20, 10} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cells := make([]any, len(actionLogHeader))
	for i, h := range actionLogHeader {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return l, nil
}

// Add writes one action.
func (l *ActionLog) Add(a domain.ActionRow) error {
	l.row++
	style := l.plain
	if a.Overdue {
		style = l.overdue
	}
	values := []any{fmt.Sprintf("A-%d", a.ID), a.Area, a.Panel, a.Description, strings.ReplaceAll(a.Kind, "_", " "), audienceLabel(a.Audience),
		a.OwnerName, a.ManagerName, uktime.Date(a.Due), humanise(a.Status.Label()), strings.ReplaceAll(a.Response, "_", " "), yesNo(a.Overdue)}
	cells := make([]any, len(values))
	for i, v := range values {
		cells[i] = excelize.Cell{StyleID: style, Value: v}
	}
	return l.sw.SetRow(fmt.Sprintf("A%d", l.row), cells)
}

// Close finishes the sheet, adds the filters and returns the file.
func (l *ActionLog) Close() ([]byte, error) {
	defer l.f.Close()
	if err := l.sw.Flush(); err != nil {
		return nil, err
	}
	if err := l.f.AutoFilter("Actions", fmt.Sprintf("A1:L%d", max(2, l.row)), nil); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := l.f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
