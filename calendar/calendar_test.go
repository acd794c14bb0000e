package calendar

import (
	"strings"
	"testing"
	"time"
)

func event() Event {
	start := time.Date(2027, 2, 15, 18, 0, 0, 0, time.UTC)
	return Event{
		UID: "cycle-7@scrutiny", Sequence: 0, Start: start, End: start.Add(2 * time.Hour),
		Summary:     "Wales LSIP meeting; cases, actions",
		Description: "Agenda:\nAction log review, case presentations. Café meeting room – ŵ ŷ " + strings.Repeat("long text ", 12),
		Location:    "CPS Cymru, Cardiff", Organizer: Person{"Cath Coordinator", "cath@example.org"},
		Attendees: []Person{{"Aled Jones", "aled@example.org"}}, Stamp: start.Add(-30 * 24 * time.Hour),
	}
}

// unfold reverses line folding, as a calendar client does.
func unfold(ics string) []string {
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n"), "\r\n")
}

func property(lines []string, name string) (string, bool) {
	for _, l := range lines {
		if k, v, ok := strings.Cut(l, ":"); ok && (k == name || strings.HasPrefix(k, name+";")) {
			return v, true
		}
	}
	return "", false
}

func TestInviteFoldsEscapesAndHasRequiredProperties(t *testing.T) {
	ics := string(event().ICS())
	for _, l := range strings.Split(ics, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Error("a bare LF: lines must end with CRLF")
	}
	lines := unfold(ics)
	desc, _ := property(lines, "DESCRIPTION")
	if !strings.Contains(desc, `Agenda:\nAction log review\, case presentations. Café meeting room – ŵ ŷ`) {
		t.Errorf("description escaped wrongly or a character split: %q", desc)
	}
	if sum, _ := property(lines, "SUMMARY"); sum != `Wales LSIP meeting\; cases\, actions` {
		t.Errorf("summary %q", sum)
	}
	for _, name := range []string{"METHOD", "UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "ORGANIZER", "ATTENDEE", "STATUS", "PRODID", "VERSION"} {
		if _, ok := property(lines, name); !ok {
			t.Errorf("missing %s", name)
		}
	}
	if v, _ := property(lines, "DTSTART"); v != "20270215T180000Z" {
		t.Errorf("DTSTART %s", v)
	}
}

func TestRescheduleAndCancel(t *testing.T) {
	e := event()
	e.Sequence = 1
	e.Start = e.Start.Add(7 * 24 * time.Hour)
	lines := unfold(string(e.ICS()))
	if uid, _ := property(lines, "UID"); uid != "cycle-7@scrutiny" {
		t.Errorf("UID changed on reschedule: %s", uid)
	}
	if seq, _ := property(lines, "SEQUENCE"); seq != "1" {
		t.Errorf("SEQUENCE %s", seq)
	}
	e.Method, e.Sequence = "CANCEL", 2
	lines = unfold(string(e.ICS()))
	if m, _ := property(lines, "METHOD"); m != "CANCEL" {
		t.Errorf("METHOD %s", m)
	}
	if s, _ := property(lines, "STATUS"); s != "CANCELLED" {
		t.Errorf("STATUS %s", s)
	}
}
