package domain

// This file is data: the confidentiality agreement members accept on their
// personal page before they may receive a review pack. Each member's
// acceptance stores the version and the exact text they were shown, so
// changing the wording means adding a new version here and making it
// CurrentAgreement, never editing one already published.

// Agreement is one published version of the confidentiality agreement.
type Agreement struct {
	Version string
	Title   string
	// Paragraphs are the text as shown, one paragraph each.
	Paragraphs []string
}

// Text is the agreement as one plain text, as stored with an acceptance.
func (a Agreement) Text() string {
	out := a.Title
	for _, p := range a.Paragraphs {
		out += "\n\n" + p
	}
	return out
}

// CurrentAgreement is the version members are asked to accept.
var CurrentAgreement = agreement2026

var agreement2026 = Agreement{
	Version: "2026-1",
	Title:   "Confidentiality agreement for panel members",
	Paragraphs: []string{
		"As a member of a Local Scrutiny and Involvement Panel you will read anonymised summaries of real cases that the Crown Prosecution Service has finalised. Some involve hate crime or violence against women and girls, and some complainants have lifelong anonymity in law.",
		"I agree that I will keep everything I read or hear as a panel member confidential: the case summaries, the review packs, the discussion at the meeting and the minutes. I will not share, forward, copy, photograph or print them, or talk about them with anyone outside the panel.",
		"I will keep my personal link to myself and will not forward the emails that carry it. I will delete the review pack and any notes I make from it after the meeting.",
		"If I know, or am connected to, anyone who may be involved in a case, I will say so before I read it, using my personal page, and I will not review that case.",
		"If a summary could identify someone, I will report it on my personal page straight away and read no further.",
		"I understand that breaking this agreement may mean I can no longer serve on the panel, and that unlawfully identifying a complainant with lifelong anonymity is a criminal offence.",
	},
}
