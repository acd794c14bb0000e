// Package calendar writes RFC 5545 meeting invites. A reschedule sends the
// same UID with a higher SEQUENCE, so calendars move the meeting instead of
// adding a second one; a cancellation sends METHOD:CANCEL with the same UID.
//
// Times are written in UTC ("20270215T180000Z"). Every calendar shows a UTC
// time in its reader's own zone, so a UK reader sees 18:00 in February and
// in July alike. The alternative, TZID=Europe/London with a VTIMEZONE, is
// only as good as the daylight-saving rules copied into the file: clients
// disagree on how they treat a VTIMEZONE that differs from their own zone
// database, and some ignore it. The emails and pages that accompany the
// invite state the time in UK local time with the zone named.
package calendar

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Person is an organiser or attendee.
type Person struct {
	Name  string
	Email string
}

// Event is one meeting. Stamp is when the invite was made (DTSTAMP); the
// caller sets it so that ICS is a pure function of the event.
type Event struct {
	UID         string
	Sequence    int
	Method      string // "REQUEST" (the default) or "CANCEL"
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	URL         string
	Organizer   Person
	Attendees   []Person
	Stamp       time.Time
}

// utc is the layout of a UTC DATE-TIME.
const utc = "20060102T150405Z"

// ICS renders the invite as a VCALENDAR object with CRLF line endings and
// lines folded at 75 octets. A Method of "CANCEL" (in any case) cancels the
// meeting; anything else requests it. Optional properties that are empty
// are left out, as are people without an email address.
func (e Event) ICS() []byte {
	method, status := "REQUEST", "CONFIRMED"
	if strings.EqualFold(strings.TrimSpace(e.Method), "CANCEL") {
		method, status = "CANCEL", "CANCELLED"
	}
	var b bytes.Buffer
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("PRODID:-//LSIP scrutiny//Panel meetings//EN")
	line("VERSION:2.0")
	line("CALSCALE:GREGORIAN")
	line("METHOD:" + method)
	line("BEGIN:VEVENT")
	line("UID:" + escape(e.UID))
	line(fmt.Sprintf("SEQUENCE:%d", e.Sequence))
	line("DTSTAMP:" + e.Stamp.UTC().Format(utc))
	line("DTSTART:" + e.Start.UTC().Format(utc))
	line("DTEND:" + e.End.UTC().Format(utc))
	line("SUMMARY:" + escape(e.Summary))
	if e.Description != "" {
		line("DESCRIPTION:" + escape(e.Description))
	}
	if e.Location != "" {
		line("LOCATION:" + escape(e.Location))
	}
	if u := uri(e.URL); u != "" {
		line("URL:" + u)
	}
	line("STATUS:" + status)
	if addr := uri(e.Organizer.Email); addr != "" {
		line(fmt.Sprintf("ORGANIZER;CN=%s:mailto:%s", param(e.Organizer.Name), addr))
	}
	for _, a := range e.Attendees {
		if addr := uri(a.Email); addr != "" {
			line(fmt.Sprintf("ATTENDEE;CN=%s;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s", param(a.Name), addr))
		}
	}
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.Bytes()
}

// escape applies RFC 5545 TEXT escaping: backslash, semicolon and comma are
// escaped and every line break becomes \n. Other control characters, which
// TEXT does not allow, are dropped.
func escape(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t' || !unicode.IsControl(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// param quotes a parameter value such as a CN. A quoted value cannot hold a
// double quote or a control character, so those are replaced or dropped.
func param(s string) string {
	return `"` + strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s) + `"`
}

// uri makes s safe as a URI value: a URI has no spaces or control
// characters, and one that slipped in could break the line structure.
func uri(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// fold ends a content line with CRLF, splitting it so that no physical line
// is longer than 75 octets. Each continuation starts with a space, which
// counts towards its 75, and no split falls inside a UTF-8 sequence. (Every
// value reaching here has been through escape, param or uri, which leave
// only valid UTF-8; the guard on cut keeps invalid input from looping.)
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = limit
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
