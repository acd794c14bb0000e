package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// reviewsSummary is what the members submitted on one case, added up for
// the chair and the coordinator: the meeting page shows it and the API
// returns it. Comments carry the member's panel role, never their name,
// and drafts never appear.
type reviewsSummary struct {
	CycleID   int64            `json:"cycle_id"`
	CaseID    int64            `json:"case_id"`
	Reference string           `json:"reference"`
	Offence   string           `json:"principal_offence"`
	Outcome   string           `json:"outcome"`
	Strands   []string         `json:"strands"`
	Finalised string           `json:"finalised_on"`
	Summary   string           `json:"summary"`
	Submitted int              `json:"submitted"`
	Awaited   int              `json:"awaited"`
	Questions []questionTally  `json:"questions"`
	Texts     []textAnswers    `json:"text_answers"`
	Suggested []categoryCount  `json:"suggested_findings"`
	Finding   *recordedFinding `json:"finding"`
}

// questionTally is one rated question: how many members gave each rating,
// in the form's order, and their comments on it.
type questionTally struct {
	Key      string        `json:"key"`
	Text     string        `json:"text"`
	Counts   []ratingCount `json:"counts"`
	Comments []roleComment `json:"comments"`
}

// ratingCount is how many members gave one rating.
type ratingCount struct {
	Rating string `json:"rating"`
	Label  string `json:"label"`
	Count  int    `json:"count"`
}

// textAnswers is one free-text answer of the form (good practice,
// concerns and so on) as each member wrote it.
type textAnswers struct {
	Field    string        `json:"field"`
	Label    string        `json:"label"`
	Comments []roleComment `json:"comments"`
}

// roleComment is one member's words, by role only.
type roleComment struct {
	Role      domain.Role `json:"role"`
	RoleLabel string      `json:"role_label"`
	Text      string      `json:"text"`
}

// categoryCount is how many members suggested one finding.
type categoryCount struct {
	Category string `json:"category"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
}

// recordedFinding is the panel's finding as recorded; who typed it in is
// left out, as every name is.
type recordedFinding struct {
	Category   string `json:"category"`
	Label      string `json:"label"`
	Rationale  string `json:"rationale"`
	RecordedAt string `json:"recorded_at"`
}

// summarise lays the store's aggregate out in the form's order, with the
// form's words.
func summarise(cycleID int64, m domain.MeetingReviews, form reviewform.Form) reviewsSummary {
	s := reviewsSummary{CycleID: cycleID, CaseID: m.Case.CaseID, Reference: m.Case.Reference, Offence: m.Case.PrincipalOffence,
		Outcome: m.Case.Outcome.Label(), Finalised: uktime.Date(m.Case.FinalisedOn), Summary: m.Case.Summary,
		Submitted: m.Submitted, Awaited: m.Awaited, Strands: []string{}, Questions: []questionTally{}, Texts: []textAnswers{}, Suggested: []categoryCount{}}
	for _, code := range m.Case.Strands {
		if st, ok := domain.StrandByCode(code); ok {
			s.Strands = append(s.Strands, st.Label)
		}
	}
	said := func(field string) []roleComment {
		out := []roleComment{}
		for _, cm := range m.Comments {
			if cm.Field == field {
				out = append(out, roleComment{Role: cm.Role, RoleLabel: cm.Role.Label(), Text: cm.Text})
			}
		}
		return out
	}
	for _, q := range form.Questions {
		t := questionTally{Key: q.Key, Text: q.Text, Comments: said("comments." + q.Key)}
		for _, r := range form.Ratings {
			t.Counts = append(t.Counts, ratingCount{Rating: r.Key, Label: r.Label, Count: m.Ratings[q.Key][r.Key]})
		}
		s.Questions = append(s.Questions, t)
	}
	for _, tf := range reviewform.TextFields {
		s.Texts = append(s.Texts, textAnswers{Field: tf.Field, Label: tf.Label, Comments: said(tf.Field)})
	}
	for _, cat := range form.Categories {
		s.Suggested = append(s.Suggested, categoryCount{Category: cat.Key, Label: cat.Label, Count: m.Suggested[cat.Key]})
	}
	if f := m.Finding; f != nil {
		s.Finding = &recordedFinding{Category: f.Category, Label: f.Category, Rationale: f.Rationale, RecordedAt: uktime.Time(f.RecordedAt)}
		if cat, ok := form.Category(f.Category); ok {
			s.Finding.Label = cat.Label
		}
	}
	return s
}

// meetingReviews finds the cycle in the path, within the user's scope,
// adds up the submitted reviews of the case in the path, and writes the
// viewing to the audit log, since it shows what members wrote.
func (s *Server) meetingReviews(c *gin.Context) (domain.CycleRef, reviewsSummary, *Problem) {
	cr, p := s.findCycle(c)
	if p != nil {
		return cr, reviewsSummary{}, p
	}
	notInCycle := &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "That case is not one of this cycle's approved cases"}
	caseID, err := strconv.ParseInt(c.Param("case"), 10, 64)
	if err != nil {
		return cr, reviewsSummary{}, notInCycle
	}
	ctx := c.Request.Context()
	m, err := s.deps.Store.MeetingReviews(ctx, cr.ID, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return cr, reviewsSummary{}, notInCycle
	}
	if err == nil {
		err = s.deps.Store.Audit(ctx, currentUser(c).Email, "meeting_reviews_viewed", "case", strconv.FormatInt(caseID, 10),
			map[string]any{"cycle_id": cr.ID, "submitted": m.Submitted})
	}
	if err != nil {
		slog.Error("meeting reviews", "route", routeOf(c), "error", err)
		p := serverProblem
		return cr, reviewsSummary{}, &p
	}
	return cr, summarise(cr.ID, m, reviewform.Default()), nil
}

// reviewsSummaryAPI returns the added-up reviews of one case.
func (s *Server) reviewsSummaryAPI(c *gin.Context) {
	_, sum, p := s.meetingReviews(c)
	if p != nil {
		writeProblem(c, *p)
		return
	}
	c.JSON(http.StatusOK, sum)
}
