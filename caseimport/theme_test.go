package caseimport_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/domain"
)

// The theme columns read codes, labels and yes/no, and may be left out.
func TestParseReadsTheThemeColumns(t *testing.T) {
	recs, err := caseimport.Parse("extract.csv", strings.NewReader(caseCSV(t, caseimport.Columns,
		with("reference", "WAL-T-0001", "victim_group", "gypsy_roma_traveller", "youth_victim", "yes", "online_offending", "no"),
		with("reference", "WAL-T-0002", "victim_group", "Gypsy, Roma and Traveller", "youth_victim", "", "online_offending", "Y"),
		with("reference", "WAL-T-0003", "victim_group", "", "youth_victim", "no", "online_offending", ""),
	)))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		group         domain.VictimGroup
		youth, online bool
	}{{domain.VictimGypsyRomaTraveller, true, false}, {domain.VictimGypsyRomaTraveller, false, true}, {"", false, false}}
	for i, w := range want {
		r := recs[i]
		if r.VictimGroup != w.group || r.YouthVictim != w.youth || r.OnlineOffending != w.online {
			t.Errorf("row %d: group %q youth victim %v online %v, want %+v", i+2, r.VictimGroup, r.YouthVictim, r.OnlineOffending, w)
		}
	}

	// A file made before the theme columns existed still imports.
	old := caseimport.Columns[:len(caseimport.Columns)-3]
	recs, err = caseimport.Parse("extract.csv", strings.NewReader(caseCSV(t, old, with())))
	if err != nil {
		t.Fatalf("a file without the theme columns: %v", err)
	}
	if recs[0].VictimGroup != "" || recs[0].YouthVictim || recs[0].OnlineOffending {
		t.Errorf("left-out theme columns read as %+v", recs[0])
	}
}

// A bad code names its row and column, and a value typed into the victim
// group column is never repeated.
func TestParseRefusesBadThemeCodes(t *testing.T) {
	problems := problemsOf(t, caseCSV(t, caseimport.Columns,
		with("reference", "WAL-T-0001"),
		with("reference", "WAL-T-0002", "victim_group", "Mrs Smith's family"),
		with("reference", "WAL-T-0003", "youth_victim", "maybe", "online_offending", "sometimes"),
	))
	wantProblems(t, problems,
		caseimport.Problem{Row: 3, Column: "victim_group"},
		caseimport.Problem{Row: 4, Column: "youth_victim"},
		caseimport.Problem{Row: 4, Column: "online_offending"},
	)
	if strings.Contains(problems.Error(), "Smith") {
		t.Errorf("the victim group's value is repeated: %v", problems)
	}
	if !strings.Contains(problems[0].Reason, "gypsy_roma_traveller") {
		t.Errorf("the reason does not list the codes: %q", problems[0].Reason)
	}
}
