package caseimport_test

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/caseimport"
)

// validCase is one row that passes every check; tests override columns to
// make the row they need.
var validCase = map[string]string{
	"area":                       "Wales",
	"reference":                  "WAL-T-0001",
	"urn":                        "62SA0000001",
	"category":                   "hate_crime",
	"strands":                    "race",
	"principal_offence":          "Racially aggravated harassment (s.31 Crime and Disorder Act 1998)",
	"finalised_date":             "2026-03-02",
	"outcome":                    "conviction_plea",
	"uplift_applied":             "yes",
	"victim_personal_statement":  "yes",
	"community_impact_statement": "no",
	"special_measures":           "no",
	"appeal_pending":             "no",
	"vrr_pending":                "no",
	"codefendant_outstanding":    "no",
	"complainant_anonymity":      "no",
	"youth":                      "no",
	"summary":                    "A shop worker was racially abused by a customer. The defendant pleaded guilty and the sentence was uplifted.",
}

// caseCSV writes a CSV file with the given columns and one row per map of
// overrides to validCase.
func caseCSV(t *testing.T, columns []string, rows ...map[string]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(columns)
	for _, over := range rows {
		rec := make([]string, len(columns))
		for i, col := range columns {
			v, ok := over[col]
			if !ok {
				v = validCase[col]
			}
			rec[i] = v
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// problemsOf parses a CSV file that must be refused and returns its problems.
func problemsOf(t *testing.T, file string) caseimport.Errors {
	t.Helper()
	_, err := caseimport.Parse("extract.csv", strings.NewReader(file))
	var problems caseimport.Errors
	if !errors.As(err, &problems) {
		t.Fatalf("Parse returned %v, want caseimport.Errors", err)
	}
	return problems
}

// wantProblems checks problems are exactly these rows and columns, in order.
func wantProblems(t *testing.T, got caseimport.Errors, want ...caseimport.Problem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Row != w.Row || got[i].Column != w.Column {
			t.Errorf("problem %d is %v; want row %d, column %q", i, got[i], w.Row, w.Column)
		}
		if got[i].Reason == "" {
			t.Errorf("problem %d has no reason", i)
		}
	}
}

// with returns validCase's columns overridden by the pairs given.
func with(pairs ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}
