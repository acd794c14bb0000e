package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// seq is the references from to to, as a JSON list's items.
func seq(from, to int) string {
	items := make([]string, 0, to-from+1)
	for i := from; i <= to; i++ {
		items = append(items, strconv.Itoa(i))
	}
	return strings.Join(items, ",")
}

// A published draw that repeats passes; one whose selection was changed
// fails, naming the difference.
func TestDrawVerify(t *testing.T) {
	// The draw pinned by TestDrawResultsAreUnchanged in package selection.
	const published = `{"cycle_id": 7, "seed": "20261202", "national": false, "reserves_per_stratum": 2, "strata": [
		{"strand": "race", "quota": 3, "eligible": [%s], "selected": [39, 33, 20], "reserves": [30, 24], "shortfall": 0},
		{"strand": "disability", "quota": 2, "eligible": [%s], "selected": [%s], "reserves": [41, 47], "shortfall": 0}]}`
	var out bytes.Buffer
	good := strings.NewReader(fmt.Sprintf(published, seq(1, 50), seq(40, 80), "79, 56"))
	if err := verifyDraw(good, &out); err != nil || !strings.Contains(out.String(), "matches: seed 20261202, 2 strata and 0 redraws") {
		t.Fatalf("a true draw: %v\n%s", err, out.String())
	}
	out.Reset()
	bad := strings.NewReader(fmt.Sprintf(published, seq(1, 50), seq(40, 80), "79, 57"))
	if err := verifyDraw(bad, &out); !errors.Is(err, errDrawDiffers) || !strings.Contains(out.String(), "disability selected") {
		t.Fatalf("a changed draw: %v\n%s", err, out.String())
	}
}
