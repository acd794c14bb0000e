package boardreport_test

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/store"
)

// TestSpecRunsTwiceAYear: the schedule fires at 08:00 UK time on the
// chosen day of the chosen month and of the month six months later.
func TestSpecRunsTwiceAYear(t *testing.T) {
	spec := boardreport.Spec(store.BoardReportSettings{DayOfMonth: 15, FirstMonth: 4})
	cal := spec.Calendars[0]
	if len(cal.Month) != 2 || cal.Month[0].Start != 4 || cal.Month[1].Start != 10 || cal.DayOfMonth[0].Start != 15 || cal.Hour[0].Start != 8 || spec.TimeZoneName != "Europe/London" {
		t.Errorf("spec %+v", spec)
	}
	if p := boardreport.PeriodBefore(time.Date(2027, 10, 15, 7, 0, 0, 0, time.UTC)); p.From != "2027-04-15" || p.To != "2027-10-14" {
		t.Errorf("period %+v", p)
	}
}
