package workbook

import (
	"strings"
	"testing"
)

// TestMinutesAttendanceShowsRSVP: the attendance sheet says, beside how
// each member attended, what they replied to the invitation, and "No
// reply" for a member who did not answer.
func TestMinutesAttendanceShowsRSVP(t *testing.T) {
	data, err := BuildMinutes(minutes("Issued 17 February 2027"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := open(t, data).GetRows(AttendanceSheet)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = strings.Join(r, "|")
	}
	want := []string{"Name|Role|Attendance|Replied to the invitation", "Aled Jones|Member|Present|Attending", "Bea Smith|Chair|Present|No reply",
		"Cai Evans|Member|Apologies|Apologies"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("attendance sheet:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
