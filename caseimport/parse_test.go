package caseimport_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/domain"
)

func TestParseReadsEveryColumn(t *testing.T) {
	// A byte order mark, headings in any case, spacing and order, labels
	// instead of codes, a UK date and the flag spellings extracts use.
	columns := []string{"Summary", "URN", "Reference", "AREA", "Category", "strands", "Outcome", "principal_offence", "finalised_date",
		"uplift_applied", "victim_personal_statement", "special_measures", "appeal_pending", "vrr_pending", "codefendant_outstanding",
		"Complainant Anonymity", "youth"}
	file := "\uFEFF" + caseCSV(t, columns, map[string]string{
		"Summary": "The complainant was followed home repeatedly by a former partner. He pleaded guilty.", "URN": "13YH0000009",
		"Reference": "YH/VA/0009", "AREA": "Yorkshire and Humberside", "Category": "Violence against women and girls",
		"strands": "Stalking and harassment | domestic-abuse; stalking_harassment", "Outcome": "Conviction after guilty plea",
		"principal_offence": "Stalking (s.2A Protection from Harassment Act 1997)", "finalised_date": "4/11/2025",
		"uplift_applied": "N", "victim_personal_statement": "TRUE", "special_measures": "1", "appeal_pending": "",
		"vrr_pending": "false", "codefendant_outstanding": "0", "Complainant Anonymity": "Yes", "youth": "no",
	})
	recs, err := caseimport.Parse("extract.csv", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	r := recs[0]
	if r.AreaCode != "yorkshire-humberside" || r.Reference != "YH/VA/0009" || r.URN != "13YH0000009" || r.Category != domain.VAWG ||
		!slices.Equal(r.Strands, []string{"stalking_harassment", "domestic_abuse"}) || r.Outcome != domain.ConvictionPlea ||
		r.PrincipalOffence != "Stalking (s.2A Protection from Harassment Act 1997)" ||
		!r.FinalisedOn.Equal(time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("record: %+v", r)
	}
	if r.UpliftApplied || !r.VictimPersonalStatement || r.CommunityImpactStatement || !r.SpecialMeasures || r.AppealPending ||
		r.VRRPending || r.CodefendantOutstanding || !r.ComplainantAnonymity || r.Youth {
		t.Errorf("flags: %+v", r)
	}
}

func TestParseRefusesOtherFileTypes(t *testing.T) {
	_, err := caseimport.Parse("cases.xls", strings.NewReader("x"))
	var problems caseimport.Errors
	if !errors.As(err, &problems) || len(problems) != 1 || problems[0].Row != 0 {
		t.Fatalf("got %v, want one problem with the file as a whole", err)
	}
	if !strings.Contains(err.Error(), ".csv") || !strings.Contains(err.Error(), ".xlsx") {
		t.Errorf("the message does not name the accepted types: %v", err)
	}
}

func TestParseRefusesAFileThatIsNotAWorkbook(t *testing.T) {
	_, err := caseimport.Parse("cases.xlsx", strings.NewReader("area,reference\n"))
	var problems caseimport.Errors
	if !errors.As(err, &problems) || !strings.Contains(problems[0].Reason, "Excel workbook") {
		t.Fatalf("got %v", err)
	}
}

func TestColumnProblems(t *testing.T) {
	cols := append(slices.Clone(caseimport.Columns), "Comments", "area")
	cols = slices.DeleteFunc(cols, func(c string) bool { return c == "urn" || c == "youth" })
	problems := problemsOf(t, caseCSV(t, cols, with("Comments", "")))
	// youth may be left out: blank means no. The repeated area column
	// is reported once, and the unknown heading is named.
	wantProblems(t, problems,
		caseimport.Problem{Row: 1, Column: "area"},
		caseimport.Problem{Row: 1, Column: "urn"},
		caseimport.Problem{Row: 1, Column: "Comments"},
	)
	if problems[1].Reason != "required column is missing" {
		t.Errorf("missing column reason: %q", problems[1].Reason)
	}
}

func TestMissingHeaderRowRepeatsNoCaseData(t *testing.T) {
	file := caseCSV(t, caseimport.Columns, with())
	file = file[strings.Index(file, "\n")+1:] // drop the header
	problems := problemsOf(t, file)
	wantProblems(t, problems, caseimport.Problem{Row: 1})
	if msg := problems.Error(); strings.Contains(msg, validCase["urn"]) || strings.Contains(msg, "shop worker") {
		t.Errorf("the message repeats case data: %s", msg)
	}
}

func TestEmptyFiles(t *testing.T) {
	wantProblems(t, problemsOf(t, ""), caseimport.Problem{Row: 1})
	wantProblems(t, problemsOf(t, strings.Join(caseimport.Columns, ",")+"\n"), caseimport.Problem{Row: 1})
}

func TestCellProblems(t *testing.T) {
	long := strings.Repeat("The defendant shouted abuse. ", 140)
	problems := problemsOf(t, caseCSV(t, caseimport.Columns,
		with("reference", "A1", "area", "Atlantis"),
		with("reference", "WAL-T-0003", "category", "burglary", "strands", "race, religion"),
		with("reference", "WAL-T-0004", "category", "vawg", "strands", "race"),
		with("reference", "WAL-T-0005", "outcome", "guilty", "youth", "maybe"),
		with("reference", "WAL-T-0006", "urn", "", "summary", ""),
		with("reference", "WAL-T-0007", "summary", long),
		with("reference", "WAL-T-0008", "principal_offence", "Harassment of the occupant of SW1A 1AA"),
	))
	wantProblems(t, problems,
		caseimport.Problem{Row: 2, Column: "area"},
		caseimport.Problem{Row: 2, Column: "reference"},
		caseimport.Problem{Row: 3, Column: "category"},
		caseimport.Problem{Row: 3, Column: "strands"},
		caseimport.Problem{Row: 4, Column: "strands"},
		caseimport.Problem{Row: 5, Column: "outcome"},
		caseimport.Problem{Row: 5, Column: "youth"},
		caseimport.Problem{Row: 6, Column: "urn"},
		caseimport.Problem{Row: 6, Column: "summary"},
		caseimport.Problem{Row: 7, Column: "summary"},
		caseimport.Problem{Row: 8, Column: "principal_offence"},
	)
	for i, want := range map[int]string{
		0:  `"Atlantis" is not a CPS Area`,
		3:  `separate strands with ";" or "|"`,
		4:  `none of the strands belongs to the category "Violence against women and girls"`,
		5:  `conviction_plea, conviction_trial, acquittal, discontinued, dismissed, other`,
		6:  `"maybe" is not yes or no`,
		9:  `the limit is 4000`,
		10: `looks like it contains a postcode`,
	} {
		if !strings.Contains(problems[i].Reason, want) {
			t.Errorf("problem %d is %q; want it to say %q", i, problems[i].Reason, want)
		}
	}
	if strings.Contains(problems.Error(), "SW1A") || strings.Contains(problems.Error(), "shouted") {
		t.Error("the message repeats an offence or summary text")
	}
}

func TestDates(t *testing.T) {
	soon := time.Now().AddDate(0, 0, 2).Format("02/01/2006")
	for _, tc := range []struct{ value, reason string }{
		{"31/02/2026", `"31/02/2026" is not a real date`},
		{"07/14/2026", `"07/14/2026" is not a real date (DD/MM/YYYY dates are read day first)`},
		{"2026-13-01", `"2026-13-01" is not a real date`},
		{"14 July 2026", `"14 July 2026" is not a date; use YYYY-MM-DD or DD/MM/YYYY`},
		{"46096", `"46096" is not a date`}, // serial numbers only from workbooks
		{soon, "is in the future"},
		{"2099-01-01", `"2099-01-01" is in the future`},
		{"01/01/1905", "is before 1986"},
	} {
		problems := problemsOf(t, caseCSV(t, caseimport.Columns, with("finalised_date", tc.value)))
		wantProblems(t, problems, caseimport.Problem{Row: 2, Column: "finalised_date"})
		if !strings.Contains(problems[0].Reason, tc.reason) {
			t.Errorf("%s: reason %q, want %q", tc.value, problems[0].Reason, tc.reason)
		}
	}
	for _, ok := range []string{"2026-07-14", "14/07/2026", "1/3/2026", time.Now().Format("2006-01-02")} {
		if _, err := caseimport.Parse("x.csv", strings.NewReader(caseCSV(t, caseimport.Columns, with("finalised_date", ok)))); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}

func TestDuplicateReferenceNamesBothRows(t *testing.T) {
	problems := problemsOf(t, caseCSV(t, caseimport.Columns,
		with("reference", "WAL-T-0001"),
		with("reference", "LN-T-0001", "area", "london-north"),
		with("reference", "LN-T-0001", "area", "London North"),
		with("reference", "wal-t-0001", "area", "cps wales"),
		with("reference", "LN-T-0001", "area", "London South"), // another Area may reuse it
	))
	wantProblems(t, problems,
		caseimport.Problem{Row: 4, Column: "reference"},
		caseimport.Problem{Row: 5, Column: "reference"},
	)
	if !strings.Contains(problems[0].Reason, "row 3") || !strings.Contains(problems[1].Reason, "row 2") {
		t.Errorf("the first use is not named: %v", problems)
	}
}

// Row numbers are those a spreadsheet shows: blank lines count, and a value
// spread over several lines is still one row.
func TestRowNumbersMatchTheSpreadsheet(t *testing.T) {
	// The columns up to the summary: a file without the optional theme
	// columns, which end the list, so the rows below can be written out.
	cols := caseimport.Columns[:slices.Index(caseimport.Columns, "summary")+1]
	header := strings.Join(cols, ",")
	good := func(ref string) string {
		return caseCSV(t, cols, with("reference", ref, "summary", "A shop worker was abused.\nThe defendant pleaded guilty."))[len(header)+1:]
	}
	bad := func(ref string) string {
		return caseCSV(t, cols, with("reference", ref, "outcome", "unknown"))[len(header)+1:]
	}
	file := header + "\n" +
		good("WAL-T-0002") + // row 2, over two lines
		"\n" + // row 3 blank
		bad("WAL-T-0004") + // row 4
		`Wales,WAL-T-0005,U5,hate_crime,race,Assault,2026-01-05,acquittal,,,,,,,,,,The defendant said "go home" twice.` + "\n" + // row 5: bare quote
		good("WAL-T-0006") +
		bad("WAL-T-0007") + // row 7
		"Wales,WAL-T-0008,U8,hate_crime,race,Assault,2026-01-05,acquittal,,,,,,,,,,The victim, a carer, was abused.\n" // row 8: unquoted comma
	problems := problemsOf(t, file)
	wantProblems(t, problems,
		caseimport.Problem{Row: 4, Column: "outcome"},
		caseimport.Problem{Row: 5},
		caseimport.Problem{Row: 7, Column: "outcome"},
		caseimport.Problem{Row: 8},
	)
	if !strings.Contains(problems[1].Reason, "line 6 of the file is not valid CSV") {
		t.Errorf("malformed line: %q", problems[1].Reason)
	}
	if !strings.Contains(problems[3].Reason, "column S, which has no heading") || !strings.Contains(problems[3].Reason, "double quotes") {
		t.Errorf("unquoted comma: %q", problems[3].Reason)
	}
	if strings.Contains(problems.Error(), "go home") || strings.Contains(problems.Error(), "carer") {
		t.Error("the message repeats summary text")
	}
}

func TestValuesThatMayBeCaseDataAreNotRepeated(t *testing.T) {
	// Summary text that slipped into the outcome column, and a phone number
	// in the area column.
	problems := problemsOf(t, caseCSV(t, caseimport.Columns,
		with("outcome", "the complainant was abused by her neighbour over several months"),
		with("reference", "WAL-T-0002", "area", "07700 900123"),
	))
	wantProblems(t, problems,
		caseimport.Problem{Row: 2, Column: "outcome"},
		caseimport.Problem{Row: 3, Column: "area"},
	)
	msg := problems.Error()
	if strings.Contains(msg, "neighbour") || strings.Contains(msg, "900123") {
		t.Errorf("the message repeats a value that may be case data:\n%s", msg)
	}
}

func TestProblemRendering(t *testing.T) {
	p := caseimport.Problem{Row: 7, Column: "finalised_date", Reason: `"31/02/2026" is not a real date`}
	if got := p.String(); got != `row 7, column "finalised_date": "31/02/2026" is not a real date` {
		t.Errorf("String() = %s", got)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"row":7,"column":"finalised_date","reason":"\"31/02/2026\" is not a real date"}` {
		t.Errorf("JSON: %s", raw)
	}
	errs := caseimport.Errors{{Row: 2, Reason: "a"}, p}
	if got := errs.Error(); got != "2 problems in the file:\nrow 2: a\n"+p.String() {
		t.Errorf("Error() = %q", got)
	}
}
