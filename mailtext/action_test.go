package mailtext_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/mailtext"
)

// ownerEmail stands in for the action workflow's email data: the fields
// and the English wording methods its templates use.
type ownerEmail struct {
	ActionID                                   int64
	Kind, Role, ToName, Description, OwnerName string
	ManagerName, Response, Note, Link, Type    string
	Audience, Panel, CaseRef                   string
	LearningPointID                            int64
	DaysOverdue                                int
	Due, At, LastDay                           time.Time
	Meeting                                    *time.Time
	OwnerLink                                  bool
	Lang                                       string
}

func (e ownerEmail) MailLang() string     { return e.Lang }
func (e ownerEmail) Label() string        { return "a recommendation for the police" }
func (e ownerEmail) Source() string       { return "the " + e.Panel }
func (e ownerEmail) Greeting() string     { return e.ToName }
func (e ownerEmail) Overdue() string      { return "3 days overdue" }
func (e ownerEmail) DueDate() string      { return e.Due.Format("Monday 2 January 2006") }
func (e ownerEmail) SentAt() string       { return "Monday 15 March 2027, 09:00 GMT (UK time)" }
func (e ownerEmail) LinkExpires() string  { return "the end of 8 June 2027" }
func (e ownerEmail) ResponseText() string { return strings.ReplaceAll(e.Response, "_", " ") }

// TestOwnerEmailsRenderInBothLanguages: every kind of action email, to an
// owner who prefers English and to one who prefers Welsh, renders whole,
// with no missing-key marker and no English in the Welsh one.
func TestOwnerEmailsRenderInBothLanguages(t *testing.T) {
	due := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	meeting := due.AddDate(0, -2, 0)
	for _, name := range []string{"action-agreed", "action-notice"} {
		for _, kind := range []string{"agreed", "reminder", "due", "overdue", "escalation"} {
			for _, lang := range i18n.Langs {
				e := ownerEmail{ActionID: 7, Kind: kind, Role: "owner", ToName: "Owain", Description: "Brief lawyers", OwnerName: "Owain", ManagerName: "Mari",
					Response: "accepted_in_part", Note: "", Link: "https://lsip.example/o/x", Type: "recommendation", Audience: "police", Panel: "Wales LSIP",
					CaseRef: "WAL-1", LearningPointID: 3, DaysOverdue: 3, Due: due, At: due, LastDay: due, Meeting: &meeting, OwnerLink: kind != "due", Lang: string(lang)}
				subject, body, err := mailtext.Render(name, e)
				if err != nil {
					t.Fatalf("%s %s in %s: %v", name, kind, lang, err)
				}
				all := subject + "\n" + body
				if i18n.Missing(all) || strings.Contains(all, "<no value>") || !strings.Contains(all, "https://lsip.example/o/x") {
					t.Errorf("%s %s in %s did not render whole:\n%s", name, kind, lang, all)
				}
				if lang == i18n.Welsh && (strings.Contains(all, "Dear") || strings.Contains(all, "March") || !strings.HasPrefix(body, "Annwyl Owain,")) {
					t.Errorf("Welsh %s %s:\n%s", name, kind, all)
				}
			}
		}
	}
	e := ownerEmail{ActionID: 7, Kind: "agreed", ToName: "Owain", Due: due, At: due, Panel: "Wales LSIP", Link: "https://lsip.example/a"}
	if subject, _, _ := mailtext.Render("action-agreed", e); subject != "New action for you: A-7, due on Wednesday 31 March 2027" {
		t.Errorf("English agreed subject %q", subject)
	}
}
