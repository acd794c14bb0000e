package mailtext_test

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/mailtext"
)

// TestAWelshMemberGetsTheForumInvitationInWelsh: the forum invitation is a
// catalogue message like the other member emails, so a Welsh speaker gets
// it in Welsh, agenda and dates included, and a bilingual panel gets it in
// Welsh then English.
func TestAWelshMemberGetsTheForumInvitationInWelsh(t *testing.T) {
	data := memberEmails()["forum_invite"][0]
	data["Lang"] = "cy"
	subject, body, err := mailtext.Render("forum_invite", data)
	if err != nil {
		t.Fatal(err)
	}
	all := subject + "\n" + body
	if subject != "Gwahoddiad i gyfarfod: Wales LSIP, Dydd Llun 2 Mawrth 2026, 18:00 GMT" || i18n.Missing(all) ||
		!strings.Contains(body, "1. Welcome (dan arweiniad Chair), 10 munud") || strings.Contains(all, "Dear") || strings.Contains(all, "Meeting") {
		t.Errorf("Welsh forum invitation:\n%s", all)
	}
	data["Bilingual"] = true
	subject, body, err = mailtext.Render("forum_invite", data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "Gwahoddiad i gyfarfod: ") || !strings.Contains(subject, " / Meeting invitation: Wales LSIP") ||
		!strings.Contains(body, "1. Welcome (led by Chair), 10 minutes") {
		t.Errorf("bilingual forum invitation:\n%s\n%s", subject, body)
	}
}

// TestTheTeaserNamesStrandsAndOutcomesInTheMembersLanguage: the teaser
// carries codes, and each language's catalogue names them.
func TestTheTeaserNamesStrandsAndOutcomesInTheMembersLanguage(t *testing.T) {
	want := map[string]string{
		"en": "LSIP-1: Race, Disability; Assault; Conviction after guilty plea; finalised May 2025",
		"cy": "LSIP-1: Hil, Anabledd; Assault; Euogfarn ar ôl ple euog; wedi'i gwblhau Mai 2025",
	}
	for lang, line := range want {
		data := memberEmails()["teaser"][0]
		data["Lang"] = lang
		_, body, err := mailtext.Render("teaser", data)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, line) {
			t.Errorf("%s teaser lacks %q:\n%s", lang, line, body)
		}
	}
}
