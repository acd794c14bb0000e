package workbook

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lsip/scrutiny/uktime"
)

// KeyMessages is the public summary of a meeting: what was learned and
// what was done well, for whom, and no detail of any case.
type KeyMessages struct {
	PanelName      string
	AreaName       string
	Meeting        time.Time
	CasesReviewed  int
	LearningPoints []LearningPoint
}

// KeyMessagesSheet is the key messages workbook's only sheet.
const KeyMessagesSheet = "Key messages"

// BuildKeyMessages writes the public key messages: the panel, the Area, the
// month of the meeting, how many cases were reviewed (through
// SuppressSmall) and the learning points and good practice grouped by who
// they are for. No case reference, offence, outcome or other case detail
// is written; should a learning point's text quote a case reference, the
// reference is replaced by "a case".
func BuildKeyMessages(k KeyMessages) ([]byte, error) {
	f, st, err := newBook(KeyMessagesSheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := newWriter(f, KeyMessagesSheet)
	w.widths(30, 90)
	w.line(st.title, "Key messages: "+k.PanelName)
	w.row++
	for _, kv := range [][2]string{
		{"Area", k.AreaName},
		{"Meeting", k.Meeting.In(uktime.London).Format("January 2006")},
		{"Cases reviewed", SuppressSmall(k.CasesReviewed)},
	} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.long("A", "B", "Local scrutiny and involvement panels are members of the community who look at a random selection of finished hate crime "+
		"and violence against women and girls cases, to help the Crown Prosecution Service learn and improve. "+
		"To protect the people involved, these messages say nothing about any single case, and numbers under 5 are shown as \"fewer than 5\".", st.wrap)
	w.row++
	for _, g := range KeyMessageGroups(k) {
		w.line(st.heading, "For the "+strings.ToLower(g.Audience), "")
		for _, t := range g.GoodPractice {
			w.set("A", "Good practice", st.label)
			w.long("B", "B", t, st.wrap)
		}
		for _, t := range g.Learning {
			w.set("A", "Learning", st.label)
			w.long("B", "B", t, st.wrap)
		}
		w.row++
	}
	if w.err != nil {
		return nil, w.err
	}
	title := "Key messages: " + k.PanelName + ", " + k.Meeting.In(uktime.London).Format("January 2006")
	if err := printSetup(f, KeyMessagesSheet, printing{title: title, columns: 2}); err != nil {
		return nil, err
	}
	return save(f)
}

// tagsInOrder lists the tags that have learning points: the known
// audiences in their order, then any others, so none is dropped.
func tagsInOrder(points []LearningPoint) []string {
	var tags []string
	for _, a := range audiences {
		tags = append(tags, a.key)
	}
	for _, l := range points {
		if !slices.Contains(tags, l.Tag) {
			tags = append(tags, l.Tag)
		}
	}
	return slices.DeleteFunc(tags, func(tag string) bool {
		return !slices.ContainsFunc(points, func(l LearningPoint) bool { return l.Tag == tag })
	})
}

// redactor returns a function that replaces, ignoring case, every case
// reference of points found in a text by "a case".
func redactor(points []LearningPoint) func(string) string {
	var refs []string
	for _, l := range points {
		if r := strings.TrimSpace(l.CaseReference); r != "" && !slices.Contains(refs, regexp.QuoteMeta(r)) {
			refs = append(refs, regexp.QuoteMeta(r))
		}
	}
	if len(refs) == 0 {
		return func(s string) string { return s }
	}
	// Longest first, so that "X-10" is not left as "a case0" by "X-1".
	slices.SortFunc(refs, func(a, b string) int { return len(b) - len(a) })
	re := regexp.MustCompile(`(?i)` + strings.Join(refs, "|"))
	return func(s string) string { return re.ReplaceAllLiteralString(s, "a case") }
}
