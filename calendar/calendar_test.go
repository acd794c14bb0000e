package calendar

import (
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
	"unicode/utf8"
)

var london, _ = time.LoadLocation("Europe/London")

func event() Event {
	// 18:00 in British Summer Time is 17:00 UTC.
	start := time.Date(2027, 7, 15, 18, 0, 0, 0, london)
	return Event{
		UID: "cycle-7@scrutiny", Start: start, End: start.Add(2 * time.Hour),
		Summary:     "Wales LSIP meeting; cases, actions",
		Description: "Agenda:\nAction log review, case presentations.\r\nCafé meeting room – ŵ ŷ 👋 C:\\shared " + strings.Repeat("long text ", 12),
		Location:    "CPS Cymru, Cardiff", URL: "https://meet.example.org/lsip?id=7&x=1",
		Organizer: Person{"Cath Coordinator", "cath@example.org"},
		Attendees: []Person{{"Aled Jones", "aled@example.org"}, {`Bea "B" Smith`, "bea@example.org"}},
		Stamp:     time.Date(2027, 6, 1, 9, 30, 0, 0, london),
	}
}

// property is one unfolded content line split into its parts.
type property struct {
	name   string
	params map[string]string
	value  string
}

// component is a BEGIN/END block with its own properties.
type component struct {
	name  string
	props []property
}

func (c component) get(name string) (property, bool) {
	for _, p := range c.props {
		if p.name == name {
			return p, true
		}
	}
	return property{}, false
}

func (c component) all(name string) []property {
	var out []property
	for _, p := range c.props {
		if p.name == name {
			out = append(out, p)
		}
	}
	return out
}

// parse is a small RFC 5545 reader: it unfolds lines, splits each into
// name, parameters (honouring quoted values) and value, and files each
// property under the innermost open component.
func parse(t *testing.T, ics string) map[string]component {
	t.Helper()
	if !strings.HasSuffix(ics, "\r\n") {
		t.Fatal("the object does not end with CRLF")
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	var stack []string
	out := map[string]component{}
	for _, line := range strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n") {
		p := parseLine(t, line)
		switch p.name {
		case "BEGIN":
			stack = append(stack, p.value)
			out[p.value] = component{name: p.value}
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != p.value {
				t.Fatalf("END:%s does not close %v", p.value, stack)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property outside any component: %q", line)
			}
			c := out[stack[len(stack)-1]]
			c.props = append(c.props, p)
			out[c.name] = c
		}
	}
	if len(stack) != 0 {
		t.Fatalf("components left open: %v", stack)
	}
	return out
}

func parseLine(t *testing.T, line string) property {
	t.Helper()
	p := property{params: map[string]string{}}
	quoted, start, key := false, 0, ""
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '=' && p.name != "" && key == "":
			key, start = line[start:i], i+1
		case c == ';' || c == ':':
			if p.name == "" {
				p.name = line[:i]
			} else {
				p.params[key] = strings.Trim(line[start:i], `"`)
				key = ""
			}
			start = i + 1
			if c == ':' {
				p.value = line[i+1:]
				return p
			}
		}
	}
	t.Fatalf("no value in %q", line)
	return p
}

// unescape reverses TEXT escaping.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(s)
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		`plain text`:               `plain text`,
		`a,b;c\d`:                  `a\,b\;c\\d`,
		"one\ntwo\r\nthree\rf":     `one\ntwo\nthree\nf`,
		"tab\tkept, bell\adropped": "tab\tkept\\, belldropped",
		`C:\new`:                   `C:\\new`,
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	for _, unit := range []string{"a", "ŵ", "–", "👋"} { // 1, 2, 3 and 4 octets
		for prefix := 0; prefix < 4; prefix++ { // move the character across the 75-octet boundary
			for _, n := range []int{1, 30, 74, 75, 200} {
				content := "DESCRIPTION:" + strings.Repeat("x", prefix) + strings.Repeat(unit, n)
				folded := fold(content)
				if !strings.HasSuffix(folded, "\r\n") {
					t.Fatalf("no CRLF after %q", folded)
				}
				for i, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
					if len(l) > 75 {
						t.Errorf("line of %d octets", len(l))
					}
					if !utf8.ValidString(l) {
						t.Errorf("a character split across lines: %q", l)
					}
					if i > 0 && !strings.HasPrefix(l, " ") {
						t.Errorf("continuation without a leading space: %q", l)
					}
				}
				if got := strings.ReplaceAll(strings.TrimSuffix(folded, "\r\n"), "\r\n ", ""); got != content {
					t.Errorf("unfolding gave %q, want %q", got, content)
				}
			}
		}
	}
}

func TestInvite(t *testing.T) {
	e := event()
	ics := string(e.ICS())
	for _, l := range strings.Split(ics, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("a bare CR or LF in %q: lines must end with CRLF", l)
		}
	}
	c := parse(t, ics)
	cal, ev := c["VCALENDAR"], c["VEVENT"]
	for _, name := range []string{"PRODID", "VERSION", "CALSCALE", "METHOD"} {
		if _, ok := cal.get(name); !ok {
			t.Errorf("VCALENDAR lacks %s", name)
		}
	}
	for _, name := range []string{"UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS", "ORGANIZER", "ATTENDEE"} {
		if _, ok := ev.get(name); !ok {
			t.Errorf("VEVENT lacks %s", name)
		}
	}
	want := map[string]string{
		"VERSION": "2.0", "METHOD": "REQUEST", "UID": "cycle-7@scrutiny", "SEQUENCE": "0", "STATUS": "CONFIRMED",
		"DTSTART": "20270715T170000Z", "DTEND": "20270715T190000Z", "DTSTAMP": "20270601T083000Z",
		"SUMMARY": `Wales LSIP meeting\; cases\, actions`, "LOCATION": `CPS Cymru\, Cardiff`,
		"URL": "https://meet.example.org/lsip?id=7&x=1", "ORGANIZER": "mailto:cath@example.org",
	}
	for name, v := range want {
		p, _ := cal.get(name)
		if q, ok := ev.get(name); ok {
			p = q
		}
		if p.value != v {
			t.Errorf("%s = %q, want %q", name, p.value, v)
		}
	}
	desc, _ := ev.get("DESCRIPTION")
	if got, want := unescape(desc.value), strings.ReplaceAll(e.Description, "\r\n", "\n"); got != want {
		t.Errorf("description does not survive the round trip:\n got %q\nwant %q", got, want)
	}
	if org, _ := ev.get("ORGANIZER"); org.params["CN"] != "Cath Coordinator" {
		t.Errorf("organizer CN %q", org.params["CN"])
	}
	attendees := ev.all("ATTENDEE")
	if len(attendees) != 2 {
		t.Fatalf("%d attendees", len(attendees))
	}
	for _, a := range attendees {
		for k, v := range map[string]string{"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"} {
			if a.params[k] != v {
				t.Errorf("attendee %s %s=%q", a.value, k, a.params[k])
			}
		}
	}
	if attendees[1].params["CN"] != "Bea 'B' Smith" || attendees[1].value != "mailto:bea@example.org" {
		t.Errorf("second attendee %+v", attendees[1])
	}
}

func TestRescheduleKeepsUIDAndRaisesSequence(t *testing.T) {
	first := parse(t, string(event().ICS()))["VEVENT"]
	e := event()
	e.Sequence = 1
	e.Start, e.End = e.Start.Add(7*24*time.Hour), e.End.Add(7*24*time.Hour)
	moved := parse(t, string(e.ICS()))["VEVENT"]
	uid1, _ := first.get("UID")
	uid2, _ := moved.get("UID")
	if uid1.value != uid2.value {
		t.Errorf("UID changed on reschedule: %q then %q", uid1.value, uid2.value)
	}
	s1, _ := first.get("SEQUENCE")
	s2, _ := moved.get("SEQUENCE")
	n1, _ := strconv.Atoi(s1.value)
	n2, _ := strconv.Atoi(s2.value)
	if n2 <= n1 {
		t.Errorf("SEQUENCE %d then %d: a reschedule must raise it", n1, n2)
	}
	if start, _ := moved.get("DTSTART"); start.value != "20270722T170000Z" {
		t.Errorf("moved DTSTART %s", start.value)
	}
}

func TestCancel(t *testing.T) {
	e := event()
	e.Method, e.Sequence = "cancel", 2
	c := parse(t, string(e.ICS()))
	if m, _ := c["VCALENDAR"].get("METHOD"); m.value != "CANCEL" {
		t.Errorf("METHOD %s", m.value)
	}
	if s, _ := c["VEVENT"].get("STATUS"); s.value != "CANCELLED" {
		t.Errorf("STATUS %s", s.value)
	}
	if uid, _ := c["VEVENT"].get("UID"); uid.value != "cycle-7@scrutiny" {
		t.Errorf("UID %s", uid.value)
	}
}

func TestHostileValuesCannotAddProperties(t *testing.T) {
	e := event()
	e.Organizer = Person{"Cath\r\nATTENDEE:mailto:x@evil.example", "cath@example.org\r\nX-EVIL:1"}
	e.URL = "https://example.org/\nX-EVIL:2"
	e.Attendees = []Person{{"No email", ""}, {"Aled", "aled@example.org"}}
	ev := parse(t, string(e.ICS()))["VEVENT"]
	if _, ok := ev.get("X-EVIL"); ok {
		t.Error("a line break in a value started a new property")
	}
	if n := len(ev.all("ATTENDEE")); n != 1 {
		t.Errorf("%d attendees, want 1 (the one without an email is left out)", n)
	}
	e.Organizer = Person{}
	if _, ok := parse(t, string(e.ICS()))["VEVENT"].get("ORGANIZER"); ok {
		t.Error("an ORGANIZER without an address was written")
	}
}
