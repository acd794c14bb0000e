// Package calendar writes RFC 5545 meeting invites. A reschedule sends the
// same UID with a higher SEQUENCE, so calendars move the meeting instead of
// adding a second one; a cancellation sends METHOD:CANCEL.
package calendar

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Person is an organiser or attendee.
type Person struct {
	Name  string
	Email string
}

// Event is one meeting.
type Event struct {
	UID         string
	Sequence    int
	Method      string // REQUEST or CANCEL
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	URL         string
	Organizer   Person
	Attendees   []Person
	Stamp       time.Time
}

// utc is the form of a UTC DATE-TIME. Times are written in UTC, which
// every calendar converts to the reader's zone; that avoids shipping a
// VTIMEZONE whose daylight-saving rules could go stale.
const utc = "20060102T150405Z"

// ICS renders the invite as a VCALENDAR object with CRLF line endings and
// lines folded at 75 octets.
func (e Event) ICS() []byte {
	method := e.Method
	if method == "" {
		method = "REQUEST"
	}
	status := "CONFIRMED"
	if method == "CANCEL" {
		status = "CANCELLED"
	}
	var b bytes.Buffer
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("PRODID:-//LSIP scrutiny//EN")
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
	if e.URL != "" {
		line("URL:" + e.URL)
	}
	line("STATUS:" + status)
	line(fmt.Sprintf("ORGANIZER;CN=%s:mailto:%s", param(e.Organizer.Name), e.Organizer.Email))
	for _, a := range e.Attendees {
		line(fmt.Sprintf("ATTENDEE;CN=%s;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s", param(a.Name), a.Email))
	}
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.Bytes()
}

// escape applies RFC 5545 TEXT escaping.
func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)
	return r.Replace(s)
}

// param quotes a parameter value; DQUOTE itself cannot appear in one.
func param(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, "'") + `"`
}

// fold splits a content line into 75-octet pieces, continuing each with a
// space, never inside a UTF-8 sequence, and ends it with CRLF.
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
