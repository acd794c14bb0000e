package mailtext_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/uktime"
)

// memberEmails are the emails to panel members, each with data that takes
// every branch worth seeing.
func memberEmails() map[string][]map[string]any {
	start := time.Date(2026, 3, 2, 18, 0, 0, 0, uktime.London)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"Panel": "Wales LSIP", "Name": "Aled Jones", "Coordinator": "Bethan Hughes", "Link": "https://lsip.example/m/abc"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	type agendaItem struct {
		Position    int
		Title, Lead string
		Minutes     int
	}
	return map[string][]map[string]any{
		"invite": {
			base(map[string]any{"Start": start, "End": start.Add(2 * time.Hour), "Location": "Cardiff", "OnlineLink": "https://meet.example/x", "Sequence": 0, "Cancelled": false, "Reason": "", "Deadline": (*time.Time)(nil)}),
			base(map[string]any{"Start": start, "End": start.Add(2 * time.Hour), "Location": "", "OnlineLink": "", "Sequence": 1, "Cancelled": false, "Reason": "", "Deadline": &start}),
			base(map[string]any{"Start": start, "End": start.Add(2 * time.Hour), "Sequence": 2, "Cancelled": true, "Reason": "illness", "Deadline": (*time.Time)(nil)}),
		},
		"forum_invite": {
			base(map[string]any{"Start": start, "End": start.Add(2 * time.Hour), "Location": "Cardiff", "OnlineLink": "https://meet.example/x", "Sequence": 0,
				"Agenda": []agendaItem{{1, "Welcome", "Chair", 10}, {2, "Matters arising", "", 0}}}),
			base(map[string]any{"Start": start, "End": start.Add(2 * time.Hour), "Location": "", "OnlineLink": "", "Sequence": 1, "Agenda": []agendaItem{}}),
		},
		"teaser": {base(map[string]any{"Cases": []mailtext.TeaserCase{{Reference: "LSIP-1", Strands: []string{"race", "disability"}, Offence: "Assault",
			Outcome: "conviction_plea", Finalised: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}}, "Deadline": start})},
		"pack":        {base(map[string]any{"Cases": 1, "Meeting": start, "Deadline": start, "Attached": true}), base(map[string]any{"Cases": 3, "Meeting": start, "Deadline": start, "Attached": false})},
		"reminder":    {base(map[string]any{"Outstanding": 1, "Deadline": start}), base(map[string]any{"Outstanding": 2, "Deadline": start})},
		"minutes":     {base(map[string]any{"Meeting": start, "ForCoordinator": false}), base(map[string]any{"Meeting": start, "ForCoordinator": true})},
		"member-link": {base(map[string]any{"Expires": start})},
	}
}

// TestEveryMemberEmailRendersInBothLanguages: each member email, in each
// language and each branch, renders whole: no missing-key marker, no
// missing data, a subject and a greeting in the language.
func TestEveryMemberEmailRendersInBothLanguages(t *testing.T) {
	for _, key := range i18n.Keys(i18n.English) {
		name, ok := strings.CutPrefix(key, "mail.")
		if ok && name != "bilingual_divider" && !strings.HasPrefix(name, "action-") && memberEmails()[name] == nil {
			t.Errorf("%s has no case in this test (the action emails are in action_test.go)", key)
		}
	}
	greeting := map[i18n.Lang]string{i18n.English: "Dear Aled Jones,", i18n.Welsh: "Annwyl Aled Jones,"}
	for name, cases := range memberEmails() {
		for i, data := range cases {
			for _, lang := range i18n.Langs {
				data["Lang"] = string(lang)
				subject, body, err := mailtext.Render(name, data)
				if err != nil {
					t.Fatalf("%s %d in %s: %v", name, i, lang, err)
				}
				all := subject + "\n" + body
				if subject == "" || i18n.Missing(all) || strings.Contains(all, "<no value>") || !strings.HasPrefix(body, greeting[lang]) {
					t.Errorf("%s %d in %s did not render whole:\n%s", name, i, lang, all)
				}
			}
		}
	}
}

// TestAWelshMemberGetsWelsh: the pack email to a Welsh speaker is in Welsh,
// dates included, and to everyone else in English, word for word as it
// always was.
func TestAWelshMemberGetsWelsh(t *testing.T) {
	data := memberEmails()["pack"][1]
	subject, body, err := mailtext.Render("pack", data)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Your review pack for the Wales LSIP meeting on 2 March 2026" || !strings.Contains(body, "It has 3 cases for you to review before the meeting on Monday 2 March 2026, 18:00 GMT.") {
		t.Errorf("English pack email changed:\n%s\n%s", subject, body)
	}
	data["Lang"] = "cy"
	subject, body, err = mailtext.Render("pack", data)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Eich pecyn adolygu ar gyfer cyfarfod Wales LSIP ar 2 Mawrth 2026" || !strings.Contains(body, "Dydd Llun 2 Mawrth 2026, 18:00 GMT") || strings.Contains(body, "Dear") {
		t.Errorf("Welsh pack email:\n%s\n%s", subject, body)
	}
}

// TestABilingualPanelWritesWelshThenEnglish: one email, Welsh first, then
// English, under one subject naming both.
func TestABilingualPanelWritesWelshThenEnglish(t *testing.T) {
	data := memberEmails()["reminder"][0]
	data["Lang"], data["Bilingual"] = "en", true
	subject, body, err := mailtext.Render("reminder", data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "Nodyn atgoffa: ") || !strings.Contains(subject, " / Reminder: 1 review to send") {
		t.Errorf("bilingual subject: %q", subject)
	}
	cy, en := strings.Index(body, "Annwyl Aled Jones,"), strings.Index(body, "Dear Aled Jones,")
	if cy != 0 || en < cy || !strings.Contains(body[cy:en], "----") {
		t.Errorf("bilingual body is not Welsh, a divider, then English:\n%s", body)
	}
}
