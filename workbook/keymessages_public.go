package workbook

// KeyMessagesGroup is the key messages for one audience, as a page shows
// them: what went well and what can be better.
type KeyMessagesGroup struct {
	Audience     string // such as "Police"
	GoodPractice []string
	Learning     []string
}

// KeyMessageGroups groups the key messages' learning points by who they
// are for, in the order BuildKeyMessages writes them and with the same
// redaction, so the HTML page and Easy Read layout say what the workbook
// says and never quote a case reference.
func KeyMessageGroups(k KeyMessages) []KeyMessagesGroup {
	redact := redactor(k.LearningPoints)
	var groups []KeyMessagesGroup
	for _, tag := range tagsInOrder(k.LearningPoints) {
		g := KeyMessagesGroup{Audience: audienceLabel(tag)}
		for _, l := range k.LearningPoints {
			switch {
			case l.Tag != tag:
			case l.GoodPractice:
				g.GoodPractice = append(g.GoodPractice, redact(l.Text))
			default:
				g.Learning = append(g.Learning, redact(l.Text))
			}
		}
		groups = append(groups, g)
	}
	return groups
}
