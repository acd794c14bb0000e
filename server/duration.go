package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lsip/scrutiny/uktime"
)

// Duration is a length of time as the API reads and writes it: in plain
// units ("14d", "36h", "30m", "90s", or several together as "1d12h") or in
// ISO 8601 ("P14D", "PT36H", "P1DT12H", "P2W"). A JSON number is refused:
// time.Duration's nanoseconds are unreadable and a bare number's unit is a
// guess. The workflows' own types keep time.Duration, whose JSON is in
// their recorded histories; the API converts at its edge.
type Duration time.Duration

// durationType is Duration's type, which the OpenAPI schema and the
// request decoder recognise.
var durationType = reflect.TypeFor[Duration]()

// durationMustBe says what a duration field takes, beside the field.
const durationMustBe = `must be a duration in plain units, such as "14d", "36h", "30m" or "90s", or in ISO 8601, such as "P14D" or "PT36H"`

var (
	plainDuration = regexp.MustCompile(`^(?:\d+[wdhms])+$`)
	plainPart     = regexp.MustCompile(`(\d+)([wdhms])`)
	isoDuration   = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)
)

// unitOf is each plain unit's length. A day is 24 hours; the workflows
// count whole days as UK calendar days where that matters.
var unitOf = map[string]time.Duration{"w": 7 * uktime.Day, "d": uktime.Day, "h": time.Hour, "m": time.Minute, "s": time.Second}

// ParseDuration reads a duration in plain units or ISO 8601. Years and
// months are refused: they have no fixed length.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var parts [][2]string // number, unit
	switch {
	case plainDuration.MatchString(s):
		for _, m := range plainPart.FindAllStringSubmatch(s, -1) {
			parts = append(parts, [2]string{m[1], m[2]})
		}
	case s != "P" && !strings.HasSuffix(s, "T") && isoDuration.MatchString(s):
		m := isoDuration.FindStringSubmatch(s)
		for i, unit := range []string{"w", "d", "h", "m", "s"} {
			if m[i+1] != "" {
				parts = append(parts, [2]string{m[i+1], unit})
			}
		}
	default:
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	var d time.Duration
	for _, p := range parts {
		n, err := strconv.ParseInt(p[0], 10, 64)
		unit := unitOf[p[1]]
		if err != nil || n > int64(maxDuration/unit) || d+time.Duration(n)*unit < d {
			return 0, fmt.Errorf("%q is too long", s)
		}
		d += time.Duration(n) * unit
	}
	return d, nil
}

// maxDuration bounds what ParseDuration accepts, far beyond any real
// offset, so sums cannot overflow.
const maxDuration = 100 * 366 * uktime.Day

// FormatDuration writes d in plain units, largest first: "14d", "1d12h",
// "30m", "0s". A part of a second is rounded away.
func FormatDuration(d time.Duration) string {
	if d < time.Second && d > -time.Second {
		return "0s"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteString("-")
		d = -d
	}
	for _, unit := range []string{"d", "h", "m", "s"} {
		if n := d / unitOf[unit]; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + unit)
			d -= n * unitOf[unit]
		}
	}
	return b.String()
}

// MarshalJSON writes the duration in plain units.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(FormatDuration(time.Duration(d)))
}

// UnmarshalJSON reads a string in plain units or ISO 8601. Anything else
// is a json.UnmarshalTypeError, which the decoder completes with the
// field's path, so the problem names the field.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: durationType}
	}
	v, err := ParseDuration(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: durationType}
	}
	*d = Duration(v)
	return nil
}

// durationSchema is Duration in the OpenAPI document.
func durationSchema() map[string]any {
	return map[string]any{"type": "string", "example": "14d",
		"pattern":     `^((\d+[wdhms])+|P(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$`,
		"description": `A duration in plain units ("14d", "36h", "30m", "90s", "1d12h") or ISO 8601 ("P14D", "PT36H"). Numbers are refused.`}
}
