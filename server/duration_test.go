package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestParseDuration: plain units and ISO 8601 read alike; years, months,
// signs, fractions, bare numbers and empty parts are refused.
func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{
		"14d": 14 * day, "36h": 36 * time.Hour, "30m": 30 * time.Minute, "90s": 90 * time.Second, "2w": 14 * day,
		"1d12h": 36 * time.Hour, "0s": 0, " 7d ": 7 * day,
		"P14D": 14 * day, "PT36H": 36 * time.Hour, "P1DT12H": 36 * time.Hour, "PT30M": 30 * time.Minute, "PT90S": 90 * time.Second, "P2W": 14 * day,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "14", "1209600000000000", "14 days", "-1d", "1.5h", "P", "PT", "P1Y", "P1M", "P1DT", "d", "99999999999999999999d", "1h30"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v; want an error", in, d)
		}
	}
}

// TestDurationJSON: a Duration is written in plain units, largest first,
// and reads back to the same length.
func TestDurationJSON(t *testing.T) {
	for d, want := range map[time.Duration]string{
		21 * 24 * time.Hour: `"21d"`, 36 * time.Hour: `"1d12h"`, 90 * time.Second: `"1m30s"`, 0: `"0s"`, time.Hour: `"1h"`,
	} {
		b, err := json.Marshal(Duration(d))
		if err != nil || string(b) != want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", d, b, err, want)
		}
		var back Duration
		if err := json.Unmarshal(b, &back); err != nil || time.Duration(back) != d {
			t.Errorf("%s read back as %v, %v", b, time.Duration(back), err)
		}
	}
}

// TestDurationNumbersRefusedByField: a start request whose timing is in
// nanoseconds, as before, or in an unknown unit, is refused with a 400
// naming the field and saying what it takes; plain units decode into the
// workflow's timing.
func TestDurationNumbersRefusedByField(t *testing.T) {
	for body, field := range map[string]string{
		`{"timing": {"packs_before": 1209600000000000}}`: "timing.packs_before",
		`{"timing": {"revoke_after": "a fortnight"}}`:    "timing.revoke_after",
		`{"timing": {"reminders": ["7d", 86400]}}`:       "timing.reminders",
	} {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest("POST", "/api/v1/cycles", strings.NewReader(body))
		var req startCycleBody
		if decodeJSON(c, &req) {
			t.Errorf("%s was accepted", body)
			continue
		}
		var p Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != field || !strings.Contains(p.Errors[0].Message, `"14d"`) {
			t.Errorf("%s: %d %+v; want a 400 naming %s", body, rec.Code, p, field)
		}
	}

	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("POST", "/api/v1/cycles", strings.NewReader(
		`{"panel_id": 3, "timing": {"conflict_check_before": "P21D", "packs_before": "14d", "reminders": ["7d", "PT36H"], "approval_nudge_every": "1d12h"}}`))
	var req startCycleBody
	if !decodeJSON(c, &req) {
		t.Fatalf("plain units refused: %s", rec.Body)
	}
	timing := req.Timing.timing()
	day := 24 * time.Hour
	if req.Request.PanelID != 3 || timing.ConflictCheckBefore != 21*day || timing.PacksBefore != 14*day || timing.RevokeAfter != 0 ||
		len(timing.Reminders) != 2 || timing.Reminders[1] != 36*time.Hour || timing.ApprovalNudgeEvery != 36*time.Hour {
		t.Errorf("decoded %+v, timing %+v", req.Request, timing)
	}
	if (*timingRequest)(nil).timing() != nil {
		t.Error("an absent timing is not left to the defaults")
	}
}
