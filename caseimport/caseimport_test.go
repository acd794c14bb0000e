package caseimport_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/testenv"
)

func TestSampleFileImportsAndReimportUpdates(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	data, err := os.ReadFile("../testdata/sample-cases.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := caseimport.Import(ctx, st, "sample-cases.csv", data, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 12 || res.Inserted != 12 || res.Updated != 0 {
		t.Fatalf("first import: %+v", res)
	}
	again, err := caseimport.Import(ctx, st, "sample-cases.csv", data, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted != 0 || again.Updated != 12 {
		t.Errorf("re-import: %+v, want 12 updated", again)
	}
	var cases, imports, audits int
	st.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM imports), (SELECT count(*) FROM audit_log WHERE action = 'import_cases')`).Scan(&cases, &imports, &audits)
	if cases != 12 || imports != 2 || audits != 2 {
		t.Errorf("cases %d, imports %d, audit entries %d", cases, imports, audits)
	}
	var strands []string
	st.Pool.QueryRow(ctx, `SELECT array_agg(strand ORDER BY strand) FROM case_strands cs JOIN cases c ON c.id = cs.case_id WHERE c.reference = 'WAL-VA-26-0003'`).Scan(&strands)
	if strings.Join(strands, ",") != "domestic_abuse,stalking_harassment" {
		t.Errorf("two-strand case has strands %v", strands)
	}
}

// The acceptance case: five different problems in one file, all reported,
// nothing imported.
func TestEveryProblemReportedAndNothingImported(t *testing.T) {
	st := testenv.DB(t)
	csv := strings.Join([]string{
		// no outcome column
		"area,reference,urn,category,strands,principal_offence,finalised_date,summary",
		"Wales,WAL-1,U1,hate_crime,race,Assault,2026-02-30,A neighbour shouted racist abuse.",
		"Wales,WAL-2,U2,hate_crime,astrology,Assault,2026-02-01,A neighbour shouted abuse.",
		"Wales,WAL-2,U3,hate_crime,race,Assault,2026-02-01,A neighbour shouted abuse.",
		"Wales,WAL-4,U4,hate_crime,race,Assault,2026-02-01,Contact the victim on jo.bloggs@example.com for details.",
	}, "\n")
	_, err := caseimport.Import(context.Background(), st, "extract.csv", []byte(csv), "tester")
	var problems caseimport.Errors
	if !errors.As(err, &problems) {
		t.Fatalf("got %v, want caseimport.Errors", err)
	}
	want := []caseimport.Problem{
		{Row: 1, Column: "outcome"},
		{Row: 2, Column: "finalised_date"},
		{Row: 3, Column: "strands"},
		{Row: 4, Column: "reference"},
		{Row: 5, Column: "summary"},
	}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(problems), len(want), problems)
	}
	for i, w := range want {
		if problems[i].Row != w.Row || problems[i].Column != w.Column {
			t.Errorf("problem %d = %v, want row %d column %s", i, problems[i], w.Row, w.Column)
		}
	}
	if strings.Contains(err.Error(), "jo.bloggs") {
		t.Error("the error message repeats the personal data it refused")
	}
	if !strings.Contains(problems[3].Reason, "row 3") {
		t.Errorf("duplicate reference should name the first row: %q", problems[3].Reason)
	}
	var n int
	st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM cases`).Scan(&n)
	if n != 0 {
		t.Errorf("%d cases imported from a file with problems", n)
	}
}

func TestXLSXWithExcelDates(t *testing.T) {
	st := testenv.DB(t)
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	header := []any{"Area", "Reference", "URN", "Category", "Strands", "Principal_Offence", "Finalised_Date", "Outcome", "Summary", "Youth"}
	f.SetSheetRow(sheet, "A1", &header)
	row := []any{"north-east", "NE-HC-1", "U9", "Hate crime", "Disability | Race", "Harassment", time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), "Conviction after trial", "A disabled man was harassed by neighbours.", "Y"}
	f.SetSheetRow(sheet, "A2", &row)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := caseimport.Import(context.Background(), st, "extract.xlsx", buf.Bytes(), "tester")
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 1 {
		t.Fatalf("%+v", res)
	}
	var finalised time.Time
	var youth bool
	st.Pool.QueryRow(context.Background(), `SELECT finalised_on, youth FROM cases WHERE reference = 'NE-HC-1'`).Scan(&finalised, &youth)
	if finalised.Format(time.DateOnly) != "2026-03-15" || !youth {
		t.Errorf("finalised %v youth %v", finalised, youth)
	}
}

func TestUnknownFileType(t *testing.T) {
	_, err := caseimport.Parse("cases.pdf", strings.NewReader("x"), time.Now())
	if err == nil || !strings.Contains(err.Error(), ".csv or .xlsx") {
		t.Errorf("got %v", err)
	}
}

func TestPersonalData(t *testing.T) {
	for _, s := range []string{
		"Write to someone@example.org", "call 07700 900123", "call +44 7700 900123", "ring 020 7946 0018",
		"lives near SW1A 1AA", "seen in M1 1AE", "DOB 01/02/1990", "date of birth: 3 March 1985", "born on 12/12/2001",
	} {
		if caseimport.PersonalData(s) == "" {
			t.Errorf("not flagged: %q", s)
		}
	}
	for _, s := range []string{
		"Section 4A Public Order Act 1986", "ABH", "s.47 OAPA 1861", "the victim was 34", "finalised in 2026",
		"Racially aggravated harassment (s.31 Crime and Disorder Act 1998)", "An uplift under s.66 Sentencing Act 2020 was applied.",
	} {
		if kind := caseimport.PersonalData(s); kind != "" {
			t.Errorf("%q flagged as %s", s, kind)
		}
	}
}
