package server

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// scheduleForm is the recurring-cycle form's fields as typed.
type scheduleForm struct {
	Every, FirstMonth, Weekday, RunAt, WindowMonths string
	MeetingWeeks, MeetingAt, Hours                  string
	Location, OnlineLink, Theme, Quotas             string
}

// choice is one option of a select.
type choice struct {
	Value, Label string
}

// formField is one field of the form: a select when it has Choices.
type formField struct {
	Name, Label, Hint, Value string
	Choices                  []choice
}

// formGroup is the fields of one fieldset, or of none when Legend is
// empty.
type formGroup struct {
	Legend string
	Fields []formField
}

// groups lays the form out as typed, for a panel of kind: a forum's
// cycles review no cases, so its form asks for no window or quotas.
func (f scheduleForm) groups(kind domain.PanelKind) []formGroup {
	var cadences, months, weekdays []choice
	for _, n := range recurring.Cadences {
		cadences = append(cadences, choice{strconv.Itoa(n), cadenceLabel(n)})
	}
	for m := time.January; m <= time.December; m++ {
		months = append(months, choice{strconv.Itoa(int(m)), m.String()})
	}
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		weekdays = append(weekdays, choice{strconv.Itoa(int(d)), d.String()})
	}
	cases := []formField{
		{Name: "window_months", Label: "Months of cases to review", Hint: "Cases finalised in this many whole months before the month the cycle starts.", Value: f.WindowMonths},
		{Name: "quotas", Label: "How many cases per strand", Hint: "For example: race=2, disability=1, domestic_abuse=2", Value: f.Quotas},
	}
	weeksHint := "From 4 to 26: members need three weeks to declare conflicts and two to review."
	if kind == domain.PanelForum {
		cases, weeksHint = nil, "From 4 to 26. Set each meeting's agenda on its meeting page."
	}
	return []formGroup{
		{Legend: "When a cycle starts", Fields: []formField{
			{Name: "every_months", Label: "How often", Value: f.Every, Choices: cadences},
			{Name: "first_month", Label: "Starting in", Value: f.FirstMonth, Choices: months},
			{Name: "weekday", Label: "On the first of the month that is a", Value: f.Weekday, Choices: weekdays},
			{Name: "run_at", Label: "At, UK time (HH:MM)", Value: f.RunAt},
		}},
		{Fields: append(cases, formField{Name: "theme", Label: "Theme (optional)", Value: f.Theme})},
		{Legend: "Meeting", Fields: []formField{
			{Name: "meeting_weeks", Label: "Weeks after the cycle starts", Hint: weeksHint, Value: f.MeetingWeeks},
			{Name: "meeting_at", Label: "Start time, UK time (HH:MM)", Value: f.MeetingAt},
			{Name: "hours", Label: "Length in hours", Value: f.Hours},
			{Name: "location", Label: "Place", Hint: "Give a place, an online link or both.", Value: f.Location},
			{Name: "online_link", Label: "Online link (optional)", Value: f.OnlineLink},
		}},
	}
}

// cadenceLabel says how often a schedule of every n months runs.
func cadenceLabel(n int) string {
	switch n {
	case 1:
		return "Every month"
	case 3:
		return "Every quarter (3 months)"
	case 6:
		return "Every 6 months"
	case 12:
		return "Once a year"
	}
	return fmt.Sprintf("Every %d months", n)
}

// defaultScheduleForm is the form as first shown: quarterly from January,
// the first Monday at 09:00, reviewing the last three months, meeting six
// weeks later at 18:00 for two hours.
func defaultScheduleForm() scheduleForm {
	return scheduleForm{Every: "3", FirstMonth: "1", Weekday: "1", RunAt: "09:00", WindowMonths: "3", MeetingWeeks: "6", MeetingAt: "18:00", Hours: "2"}
}

func readScheduleForm(c *gin.Context) scheduleForm {
	p := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	return scheduleForm{Every: p("every_months"), FirstMonth: p("first_month"), Weekday: p("weekday"), RunAt: p("run_at"),
		WindowMonths: p("window_months"), MeetingWeeks: p("meeting_weeks"), MeetingAt: p("meeting_at"), Hours: p("hours"),
		Location: p("location"), OnlineLink: p("online_link"), Theme: p("theme"), Quotas: p("quotas")}
}

// formOf is the form holding a stored schedule's settings.
func formOf(cs store.CycleSchedule) scheduleForm {
	var quotas []string
	for _, ch := range slices.Sorted(maps.Keys(cs.Quotas)) {
		quotas = append(quotas, fmt.Sprintf("%s=%d", ch, cs.Quotas[ch]))
	}
	return scheduleForm{Every: strconv.Itoa(cs.EveryMonths), FirstMonth: strconv.Itoa(int(cs.FirstMonth)), Weekday: strconv.Itoa(int(cs.Weekday)),
		RunAt: clock(cs.RunAt), WindowMonths: strconv.Itoa(cs.WindowMonths), MeetingWeeks: strconv.Itoa(cs.MeetingWeeks), MeetingAt: clock(cs.MeetingAt),
		Hours: strconv.FormatFloat(float64(cs.MeetingLength)/60, 'f', -1, 64), Location: cs.Location, OnlineLink: cs.OnlineLink, Theme: cs.Theme,
		Quotas: strings.Join(quotas, ", ")}
}

// schedule reads the form into a panel's schedule, with a readable
// problem beside each field that is wrong. A forum's schedule has no
// quotas, and its window (one month, never shown) only names each run's
// cycle, so two runs in a month start one.
func (f scheduleForm) schedule(panel domain.Panel) (store.CycleSchedule, []FieldError) {
	cs := store.CycleSchedule{PanelID: panel.ID, Location: f.Location, OnlineLink: f.OnlineLink, Theme: f.Theme, Quotas: map[string]int{}}
	forum := panel.Kind == domain.PanelForum
	if forum {
		f.WindowMonths, f.Quotas = "1", ""
	}
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }
	number := func(field, value string, lo, hi int, msg string) int {
		n, err := strconv.Atoi(value)
		if err != nil || n < lo || n > hi {
			bad(field, msg)
		}
		return n
	}
	every, err := strconv.Atoi(f.Every)
	if cs.EveryMonths = every; err != nil || !slices.Contains(recurring.Cadences, every) {
		bad("every_months", "Choose how often a cycle starts")
	}
	cs.FirstMonth = time.Month(number("first_month", f.FirstMonth, 1, 12, "Choose the month of the first cycle"))
	cs.Weekday = time.Weekday(number("weekday", f.Weekday, 0, 6, "Choose the day of the week"))
	var ok bool
	if cs.RunAt, ok = minutesOf(f.RunAt); !ok {
		bad("run_at", "Give the time the cycle starts as HH:MM, for example 09:00")
	}
	cs.WindowMonths = number("window_months", f.WindowMonths, 1, 24, "Give the months of cases to review, from 1 to 24")
	cs.MeetingWeeks = number("meeting_weeks", f.MeetingWeeks, 4, 26, "Give the weeks until the meeting, from 4 to 26: members need three weeks to declare conflicts and two to review")
	if cs.MeetingAt, ok = minutesOf(f.MeetingAt); !ok {
		bad("meeting_at", "Give the meeting's start time as HH:MM, for example 18:00")
	}
	hours, err := strconv.ParseFloat(f.Hours, 64)
	if err != nil || hours < 0.25 || hours > 12 {
		bad("hours", "Give the meeting's length in hours, from 0.25 to 12, for example 2 or 1.5")
	}
	cs.MeetingLength = int(hours * 60)
	for _, part := range strings.Split(f.Quotas, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, found := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !found || err != nil {
			bad("quotas", fmt.Sprintf("%q should look like race=2", part))
			continue
		}
		cs.Quotas[strings.TrimSpace(k)] = n
	}
	if len(cs.Quotas) == 0 && f.Quotas == "" && !forum {
		bad("quotas", "Give how many cases to draw per strand, for example race=2, disability=1")
	}
	return cs, errs
}

// scheduleFieldErrors puts start.Check's problems beside the recurring
// form's fields, worded for a page.
func scheduleFieldErrors(fields []start.Field) []FieldError {
	var out []FieldError
	for _, f := range fields {
		switch {
		case strings.HasPrefix(f.Field, "quotas."):
			out = append(out, FieldError{Field: "quotas", Message: "Quotas: " + strings.TrimPrefix(f.Field, "quotas.") + " " + f.Message})
		case f.Field == "quotas":
			out = append(out, FieldError{Field: "quotas", Message: "Quotas: " + f.Message})
		case f.Field == "meeting.location":
			out = append(out, FieldError{Field: "location", Message: "Place: give a place or an online link"})
		case strings.HasPrefix(f.Field, "meeting."):
			out = append(out, FieldError{Field: "meeting_weeks", Message: "Meeting: " + f.Message})
		default:
			out = append(out, FieldError{Field: "main", Message: f.Message})
		}
	}
	return out
}

// describeSchedule says in a sentence when a schedule runs.
func describeSchedule(cs store.CycleSchedule) string {
	var months []string
	for _, m := range recurring.Months(cs) {
		months = append(months, m.String())
	}
	in := ""
	if len(months) > 1 && len(months) < 12 {
		in = ", in " + strings.Join(months[:len(months)-1], ", ") + " and " + months[len(months)-1]
	} else if len(months) == 1 {
		in = ", in " + months[0]
	}
	return fmt.Sprintf("%s%s, on the first %s of the month at %s UK time", cadenceLabel(cs.EveryMonths), in, cs.Weekday, clock(cs.RunAt))
}

// minutesOf reads HH:MM as minutes after midnight.
func minutesOf(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// clock writes minutes after midnight as HH:MM.
func clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }
