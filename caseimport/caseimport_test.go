package caseimport_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

func readSample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/sample-cases.csv")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := testenv.SQL(t, st).QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestImportRecordsTheImportAndAudits(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	data := readSample(t)

	res, err := caseimport.Import(ctx, st, "sample-cases.csv", data, "Area coordinator")
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 12 || res.Inserted != 12 || res.Updated != 0 || res.ImportID == 0 {
		t.Fatalf("Import = %+v; want 12 rows, all inserted", res)
	}
	if n := count(t, st, `SELECT count(*) FROM cases`); n != 12 {
		t.Errorf("%d cases in the database, want 12", n)
	}

	var filename, sum, by string
	var total, inserted, updated int
	err = testenv.SQL(t, st).QueryRow(ctx, `SELECT filename, sha256, rows_total, inserted, updated, imported_by FROM imports WHERE id = $1`, res.ImportID).
		Scan(&filename, &sum, &total, &inserted, &updated, &by)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if filename != "sample-cases.csv" || sum != hex.EncodeToString(want[:]) || total != 12 || inserted != 12 || updated != 0 || by != "Area coordinator" {
		t.Errorf("imports row: %s %s %d %d %d %s", filename, sum, total, inserted, updated, by)
	}

	var actor string
	var detail map[string]any
	err = testenv.SQL(t, st).QueryRow(ctx, `SELECT actor, detail FROM audit_log WHERE action = 'import_cases' AND subject_type = 'import' AND subject_id = $1`,
		strconv.FormatInt(res.ImportID, 10)).Scan(&actor, &detail)
	if err != nil {
		t.Fatalf("audit entry for the import: %v", err)
	}
	wantDetail := map[string]any{"rows": 12.0, "inserted": 12.0, "updated": 0.0}
	if actor != "Area coordinator" || !maps.Equal(detail, wantDetail) {
		t.Errorf("audit entry: actor %q, detail %v; want counts only", actor, detail)
	}

	var strands []string
	var urn string
	var vrr, youth bool
	err = testenv.SQL(t, st).QueryRow(ctx, `SELECT array_agg(cs.strand ORDER BY cs.strand), u.urn, c.vrr_pending, c.youth
		FROM cases c JOIN case_strands cs ON cs.case_id = c.id JOIN case_urns u ON u.case_id = c.id
		WHERE c.reference = 'EE-HC-26-0011' GROUP BY c.id, u.urn`).Scan(&strands, &urn, &vrr, &youth)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(strands, ",") != "race,religion" || urn != "35EE1101126" || !vrr || !youth {
		t.Errorf("EE-HC-26-0011: strands %v, urn %q, vrr %v, youth %v", strands, urn, vrr, youth)
	}
}

func TestReimportUpdatesInPlace(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	data := readSample(t)
	if _, err := caseimport.Import(ctx, st, "sample-cases.csv", data, "tester"); err != nil {
		t.Fatal(err)
	}

	again, err := caseimport.Import(ctx, st, "sample-cases.csv", data, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if again.Rows != 12 || again.Inserted != 0 || again.Updated != 12 {
		t.Errorf("re-import = %+v; want 0 inserted, 12 updated", again)
	}

	// A corrected extract: one case now has an appeal pending.
	corrected := bytes.Replace(data,
		[]byte("Yorkshire and Humberside,YH-VA-26-0010,13YH1001026,vawg,stalking_harassment,Stalking involving fear of violence (s.4A Protection from Harassment Act 1997),2026-07-29,conviction_plea,no,yes,no,no,yes"),
		[]byte("Yorkshire and Humberside,YH-VA-26-0010,13YH1001026,vawg,stalking_harassment;domestic_abuse,Stalking involving fear of violence (s.4A Protection from Harassment Act 1997),2026-07-29,conviction_trial,no,yes,no,no,yes"), 1)
	if bytes.Equal(corrected, data) {
		t.Fatal("the sample file no longer has the row this test corrects")
	}
	if _, err := caseimport.Import(ctx, st, "sample-cases-v2.csv", corrected, "tester"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, `SELECT count(*) FROM cases`); n != 12 {
		t.Errorf("%d cases after three imports of the same references, want 12", n)
	}
	if n := count(t, st, `SELECT count(*) FROM case_strands cs JOIN cases c ON c.id = cs.case_id WHERE c.reference = 'YH-VA-26-0010'`); n != 2 {
		t.Errorf("the corrected case has %d strands, want 2", n)
	}
	if n := count(t, st, `SELECT count(*) FROM cases WHERE reference = 'YH-VA-26-0010' AND outcome = 'conviction_trial'`); n != 1 {
		t.Error("the corrected outcome was not stored")
	}
	if n := count(t, st, `SELECT count(*) FROM imports`); n != 3 {
		t.Errorf("%d imports recorded, want 3", n)
	}
	if n := count(t, st, `SELECT count(*) FROM audit_log WHERE action = 'import_cases'`); n != 3 {
		t.Errorf("%d import audit entries, want 3", n)
	}
}

// The acceptance case: five different problems in one file are all reported
// with their rows and columns, and nothing at all is written.
func TestEveryProblemReportedAndNothingImported(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	var columns []string
	for _, c := range caseimport.Columns {
		if c != "outcome" {
			columns = append(columns, c)
		}
	}
	file := caseCSV(t, columns,
		with("reference", "WAL-T-0001", "finalised_date", "31/02/2026"),
		with("reference", "WAL-T-0002", "strands", "astrology"),
		with("reference", "WAL-T-0002"),
		with("reference", "WAL-T-0004", "summary", "The complainant can be contacted at sam.jones@example.org about the case."),
		with("reference", "WAL-T-0005"),
	)
	_, err := caseimport.Import(ctx, st, "extract.csv", []byte(file), "tester")
	var problems caseimport.Errors
	if !errors.As(err, &problems) {
		t.Fatalf("Import returned %v, want caseimport.Errors", err)
	}
	wantProblems(t, problems,
		caseimport.Problem{Row: 1, Column: "outcome"},
		caseimport.Problem{Row: 2, Column: "finalised_date"},
		caseimport.Problem{Row: 3, Column: "strands"},
		caseimport.Problem{Row: 4, Column: "reference"},
		caseimport.Problem{Row: 5, Column: "summary"},
	)
	for _, want := range []string{
		`row 1, column "outcome": required column is missing`,
		`row 2, column "finalised_date": "31/02/2026" is not a real date`,
		`row 3, column "strands": "astrology" is not a known strand`,
		`row 4, column "reference": "WAL-T-0002" repeats the reference on row 3`,
		`row 5, column "summary": looks like it contains an email address`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message lacks %q:\n%s", want, err)
		}
	}
	if strings.Contains(err.Error(), "sam.jones") || strings.Contains(err.Error(), "example.org") {
		t.Error("the message repeats the email address it refused")
	}
	for _, table := range []string{"cases", "case_urns", "imports", "audit_log"} {
		if n := count(t, st, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows in %s after a refused import", n, table)
		}
	}
}

func TestImportXLSX(t *testing.T) {
	st := testenv.DB(t)
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"Area", "REFERENCE", "urn", "Category", "Strands", "Principal_Offence", "Finalised_Date", "Outcome", "Summary", "Youth", "Special_Measures"},
		// A real date cell: excelize stores time.Time as a serial number with a date format.
		{"north-east", "NE-HC-0001", 62000000001, "Hate crime", "Disability | Race", "Harassment", time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), "Conviction after trial",
			"A disabled man was harassed by neighbours over several months.", "Y", true},
		// A date typed as text, as some extracts hold it.
		{"CPS Wessex", "WX-VA-0002", "55WX0000002", "vawg", "Domestic abuse", "Assault by beating", "04/11/2025", "conviction_plea",
			"The defendant assaulted his partner at home. He pleaded guilty at the first hearing.", "", false},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	res, err := caseimport.Import(context.Background(), st, "Extract.XLSX", buf.Bytes(), "tester")
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 2 {
		t.Fatalf("Import = %+v; want 2 inserted", res)
	}
	for ref, want := range map[string]struct {
		date            string
		youth, measures bool
		strands, urn    string
	}{
		"NE-HC-0001": {"2026-03-15", true, true, "disability,race", "62000000001"},
		"WX-VA-0002": {"2025-11-04", false, false, "domestic_abuse", "55WX0000002"},
	} {
		var finalised time.Time
		var youth, measures bool
		var strands []string
		var urn string
		err := testenv.SQL(t, st).QueryRow(context.Background(), `SELECT c.finalised_on, c.youth, c.special_measures, array_agg(cs.strand ORDER BY cs.strand), u.urn
			FROM cases c JOIN case_strands cs ON cs.case_id = c.id JOIN case_urns u ON u.case_id = c.id
			WHERE c.reference = $1 GROUP BY c.id, u.urn`, ref).Scan(&finalised, &youth, &measures, &strands, &urn)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if finalised.Format(time.DateOnly) != want.date || youth != want.youth || measures != want.measures ||
			strings.Join(strands, ",") != want.strands || urn != want.urn {
			t.Errorf("%s: finalised %s, youth %v, special measures %v, strands %v, urn %q; want %+v",
				ref, finalised.Format(time.DateOnly), youth, measures, strands, urn, want)
		}
	}
}

func TestImportNeedsTheImporter(t *testing.T) {
	st := testenv.DB(t)
	if _, err := caseimport.Import(context.Background(), st, "sample-cases.csv", readSample(t), " "); err == nil {
		t.Error("Import without the importer's name succeeded")
	}
	if n := count(t, st, `SELECT count(*) FROM cases`); n != 0 {
		t.Errorf("%d cases written", n)
	}
}
