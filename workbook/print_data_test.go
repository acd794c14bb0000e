package workbook

import (
	"fmt"
	"strings"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
)

// The representative data the print test renders: long free text wherever
// people type it, and as many rows as a busy Area has. Every long text ends
// with a marker word, so the test can tell that the whole of it printed.

// prose is about n characters of ordinary sentences ending in marker.
func prose(n int, marker string) string {
	sentences := []string{
		"The panel noted that the victim was kept informed at every stage of the case.",
		"Members asked why the hostility evidence was not put before the court at sentence.",
		"The review found the charging decision was sound and properly recorded.",
		"A community impact statement would have helped the court understand the wider harm.",
		"Special measures were applied for early and the witness gave evidence by video link.",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(sentences[i%len(sentences)])
		b.WriteString(" ")
	}
	return b.String() + marker + "."
}

// marker is the word that ends a long text of kind what, number i.
func marker(what string, i int) string { return fmt.Sprintf("END%s%03d", strings.ToUpper(what), i) }

func printPack() Pack {
	p := pack()
	for i := range p.Cases {
		p.Cases[i].Summary = prose(1800, marker("summary", i))
	}
	p.MattersArising = nil
	for i := range 6 {
		p.MattersArising = append(p.MattersArising, ActionItem{Reference: fmt.Sprintf("A-%d", 40+i), Description: prose(260, marker("agreed", i)),
			Owner: "Area hate crime lead", Status: string(domain.ActionInProgress), Response: prose(180, marker("response", i)), Due: meeting})
	}
	return p
}

// printMinutesCases is how many cases the print test's minutes review.
const printMinutesCases = 12

func printMinutes() Minutes {
	m := minutes("Issued 3 March 2027, approved by the chair")
	form := reviewform.Default()
	m.Cases = nil
	for i := range printMinutesCases {
		counts := map[string]map[string]int{}
		for _, q := range form.Questions {
			counts[q.Key] = map[string]int{"yes": 3, "partly": 1, "no": 1}
		}
		m.Cases = append(m.Cases, MinutesCase{
			Reference: fmt.Sprintf("WAL-HC-26-%04d", i+1), Strands: "Race, Religion", Offence: "Racially or religiously aggravated harassment",
			Outcome: "Conviction after trial", Finding: "Concerns identified", Rationale: prose(700, marker("rationale", i)),
			RatingCounts: counts, Submitted: 5, NotSubmitted: 1, Excused: 1,
			GoodPractice: []string{"A panel member: " + prose(250, ""), "The panel chair: " + prose(200, marker("good", i))},
			Concerns:     []string{"A panel member: " + prose(300, ""), "A community member: " + prose(250, marker("concern", i))},
		})
	}
	m.LearningPoints = nil
	m.Actions = nil
	for i := range 15 {
		m.LearningPoints = append(m.LearningPoints, LearningPoint{CaseReference: m.Cases[i%len(m.Cases)].Reference,
			Text: prose(300, marker("learning", i)), Tag: audiences[i%len(audiences)].key, GoodPractice: i%4 == 0})
		m.Actions = append(m.Actions, ActionRow{Reference: fmt.Sprintf("A-%d", 100+i), Description: prose(280, marker("action", i)),
			Owner: "Area hate crime lead", Manager: "Deputy Chief Crown Prosecutor", Audience: audiences[i%len(audiences)].key, Due: meeting.AddDate(0, 2, 0)})
	}
	return m
}

func printKeyMessages() KeyMessages {
	m := printMinutes()
	return KeyMessages{PanelName: m.PanelName, AreaName: m.AreaName, Meeting: meeting, CasesReviewed: len(m.Cases), LearningPoints: m.LearningPoints}
}

// printActions is how many actions the print test's export holds.
const printActions = 300

func printActionRows() []domain.ActionRow {
	statuses := []domain.ActionStatus{domain.ActionOpen, domain.ActionInProgress, domain.ActionCompleted}
	rows := make([]domain.ActionRow, printActions)
	for i := range rows {
		rows[i] = domain.ActionRow{ID: int64(i + 1), Panel: "North East hate crime panel", Area: "North East", Description: prose(220, marker("export", i)),
			Kind: "practice_change", Audience: audiences[i%len(audiences)].key, OwnerName: "Area hate crime lead", ManagerName: "Deputy Chief Crown Prosecutor",
			Due: meeting.AddDate(0, 0, i), Status: statuses[i%len(statuses)], Response: "agreed_in_part", Overdue: i%7 == 0}
	}
	return rows
}

func printFigures() []domain.Figures {
	median := 41.5
	var sets []domain.Figures
	for i, name := range []string{"England and Wales", "North East", "Wales"} {
		sets = append(sets, domain.Figures{Name: name, Cycles: 4,
			CasesByStrand: map[string]map[string]int{"race": {"conviction_plea": 12, "acquittal": 3}, "domestic_abuse": {"conviction_trial": 7}},
			Findings:      map[string]int{"concerns": 5}, ActionsRaised: 20, ActionsClosed: 11, ActionsOpen: 9, ActionsOverdue: 2, MedianDaysToClose: &median,
			LearningByTag: map[string][]string{"prosecution": {prose(400, marker("board", i))}, "police": {prose(300, "")}}})
	}
	return sets
}

// printAuditEntries is how many entries the print test's audit export holds.
const printAuditEntries = 200

func printAudit() []domain.AuditEntry {
	entries := make([]domain.AuditEntry, printAuditEntries)
	for i := range entries {
		entries[i] = domain.AuditEntry{ID: int64(i + 1), At: meeting.Add(time.Duration(i) * time.Hour), Actor: "Ada Admin", Action: "member_updated",
			SubjectType: "member", SubjectID: fmt.Sprint(i + 1), Detail: fmt.Sprintf(`{"fields": ["email", "language"], "note": %q}`, marker("audit", i))}
	}
	return entries
}
