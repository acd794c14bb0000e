package cycle

import (
	"fmt"
	"slices"
	"strings"
)

// MaxAgendaItems bounds a forum's agenda.
const MaxAgendaItems = 30

// AgendaProblems says what is wrong with a forum's agenda, keyed by the
// field (agenda[0].title), so the API can name it; none for a sound one.
// Starting a forum's cycle and changing its agenda check alike.
func AgendaProblems(items []AgendaItem) map[string]string {
	problems := map[string]string{}
	if len(items) > MaxAgendaItems {
		problems["agenda"] = fmt.Sprintf("has %d items; at most %d", len(items), MaxAgendaItems)
	}
	for i, it := range items {
		field := fmt.Sprintf("agenda[%d]", i)
		switch title := strings.TrimSpace(it.Title); {
		case title == "":
			problems[field+".title"] = "give the item a title"
		case len([]rune(title)) > 200:
			problems[field+".title"] = "must be at most 200 characters"
		}
		if len([]rune(it.Lead)) > 120 {
			problems[field+".lead"] = "must be at most 120 characters"
		}
		if it.Minutes < 0 || it.Minutes > 480 {
			problems[field+".minutes"] = "must be between 0 and 480"
		}
	}
	return problems
}

// JoinProblems lists problems in field order as one readable line, for a
// refusal that cannot name fields one by one (a workflow validator's).
func JoinProblems(p map[string]string) string {
	lines := make([]string, 0, len(p))
	for field, msg := range p {
		lines = append(lines, field+": "+msg)
	}
	slices.Sort(lines)
	return strings.Join(lines, "; ")
}
