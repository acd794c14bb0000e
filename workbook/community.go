package workbook

import (
	"errors"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/i18n"
)

// CommunityUpdate is the "you said, we did" update for an Area's community
// groups, as they read it: every text is ready to show, every count goes
// out through SuppressSmall, and nothing in it names a person or a case.
// The workbook and the HTML page are both built from it, in Lang: the
// language its words are in.
type CommunityUpdate struct {
	Lang          i18n.Lang
	AreaName      string
	From, To      time.Time
	Cases         Count
	CasesByStrand []Count
	Learning      []CommunityTheme
	Actions       []CommunityAction
}

// Count is a labelled figure for the public.
type Count struct {
	Label string
	N     int
}

// Shown is the figure as the public sees it: "fewer than 5" under 5.
func (c Count) Shown() string { return SuppressSmall(c.N) }

// CommunityTheme is a learning theme with what the panels said under it.
type CommunityTheme struct {
	Label        string
	GoodPractice []string
	Learning     []string
}

// CommunityAction is one action and the organisation's answer, in words:
// Status such as "Completed", Response such as "Accepted", empty when none
// is recorded yet.
type CommunityAction struct {
	Description, Status, Response, Rationale, CompletionNote string
}

// CommunitySheetIn is the community update workbook's sheet in a language.
func CommunitySheetIn(lang i18n.Lang) string { return i18n.For(lang).T("community.sheet") }

// BuildCommunityUpdate writes the update on one printable sheet per
// language, in the order given (Welsh then English for an Area whose panels
// write in both): the Area and period, the cases reviewed by strand (under
// 5 shown as "fewer than 5"), the learning by theme, and each action with
// the response. Every fixed word comes from the catalogue of the
// update's language. Every value is a text cell written by writer, so no
// typed text can become a formula.
func BuildCommunityUpdate(docs ...CommunityUpdate) ([]byte, error) {
	if len(docs) == 0 {
		return nil, errors.New("a community update workbook needs the update in at least one language")
	}
	f, st, err := newBook(CommunitySheetIn(docs[0].Lang))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for i, u := range docs {
		sheet := CommunitySheetIn(u.Lang)
		if i > 0 {
			if _, err := f.NewSheet(sheet); err != nil {
				return nil, err
			}
		}
		if err := communitySheet(f, st, sheet, u); err != nil {
			return nil, err
		}
	}
	return save(f)
}

// communitySheet writes the update on one sheet, in its language.
func communitySheet(f *excelize.File, st styles, sheet string, u CommunityUpdate) error {
	l := i18n.For(u.Lang)
	shown := func(c Count) string { return l.T("community.count", "N", c.N) }
	period := l.T("community.period", "From", u.From, "To", u.To)
	title := l.T("community.title", "Area", u.AreaName)
	w := newWriter(f, sheet)
	w.widths(30, 90)
	w.line(st.title, title)
	w.row++
	for _, kv := range [][2]string{{l.T("community.update.area"), u.AreaName}, {l.T("community.update.period"), period}, {l.T("community.heading.cases"), shown(u.Cases)}} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.long("A", "B", l.T("community.about")+" "+l.T("community.update.about_more")+" "+l.T("community.update.safe"), st.wrap)
	w.row++
	w.line(st.heading, l.T("community.heading.cases"), "")
	for _, c := range u.CasesByStrand {
		w.set("A", c.Label, st.label)
		w.set("B", shown(c), st.wrap)
		w.row++
	}
	w.row++
	w.line(st.heading, l.T("community.heading.learning"), "")
	if len(u.Learning) == 0 {
		w.long("A", "B", l.T("community.update.no_learning"), st.wrap)
	}
	for _, th := range u.Learning {
		w.line(st.label, th.Label, "")
		for _, t := range th.GoodPractice {
			w.set("A", l.T("community.good_practice"), st.wrap)
			w.long("B", "B", t, st.wrap)
		}
		for _, t := range th.Learning {
			w.set("A", l.T("community.learning"), st.wrap)
			w.long("B", "B", t, st.wrap)
		}
	}
	w.row++
	w.line(st.heading, l.T("community.heading.actions"), "")
	if len(u.Actions) == 0 {
		w.long("A", "B", l.T("community.update.no_actions"), st.wrap)
	}
	for _, a := range u.Actions {
		w.set("A", l.T("community.update.action"), st.label)
		w.long("B", "B", a.Description, st.wrap)
		for _, kv := range [][2]string{{"community.update.where", a.Status}, {"community.update.response", a.Response}, {"community.update.why", a.Rationale},
			{"community.update.what_we_did", a.CompletionNote}} {
			if kv[1] != "" {
				w.set("A", l.T(kv[0]), st.wrap)
				w.long("B", "B", kv[1], st.wrap)
			}
		}
		w.row++
	}
	if w.err != nil {
		return w.err
	}
	return printSetup(f, sheet, printing{title: title + ", " + period, columns: 2})
}
