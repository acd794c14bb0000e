package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
)

// saveReview saves a draft or a final review of one case, from the review
// page, the API or a returned workbook (source says which). It is the one
// way a member's review is saved. The store is the source of truth: the
// save is one transaction that checks the cycle still takes reviews, and
// the cycle's status counts reviews from the store. A cycle started before
// direct saves still saves through its member's review workflow, which
// counts them.
func (s *Server) saveReview(ctx context.Context, m memberAccess, caseID int64, answers reviewform.Answers, final bool, source string) (cycle.StoredReview, *Problem) {
	stored := cycle.StoredReview{CaseID: caseID}
	body, err := json.Marshal(answers)
	if err != nil {
		p := serverProblem
		return stored, &p
	}
	saved, err := s.deps.Store.SaveMemberReview(ctx, store.MemberReviewSave{
		ReviewKey: store.ReviewKey{CycleID: m.CycleID, MemberID: m.MemberID, CaseID: caseID},
		Answers:   body, Final: final, Source: source, Now: time.Now(),
	})
	var refused *store.ReviewRefused
	switch {
	case err == nil:
		stored.Status, stored.Version, stored.Late, stored.UpdatedAt = string(saved.Status), saved.Version, saved.Late, saved.UpdatedAt
		countReview(final, nil)
		return stored, nil
	case errors.Is(err, store.ErrReviewsByWorkflow):
		return s.saveReviewByWorkflow(ctx, m, cycle.ReviewSubmission{CaseID: caseID, Answers: answers, Final: final, Source: source})
	case errors.As(err, &refused), errors.Is(err, store.ErrNotInPack):
		return stored, &Problem{Status: http.StatusUnprocessableEntity, Title: "This cannot be done", Detail: err.Error()}
	case errors.Is(err, store.ErrNotFound):
		return stored, &Problem{Status: http.StatusNotFound, Title: "Not found",
			Detail: "Your review cycle could not be found, so nothing was saved. Please contact your panel coordinator."}
	}
	slog.ErrorContext(ctx, "save review", "cycle", m.CycleID, "member", m.MemberID, "case", caseID, "error", err)
	p := serverProblem
	return stored, &p
}

// saveReviewByWorkflow sends the save to the member's review workflow, as
// every save went before reviews were saved directly.
func (s *Server) saveReviewByWorkflow(ctx context.Context, m memberAccess, sub cycle.ReviewSubmission) (cycle.StoredReview, *Problem) {
	var stored cycle.StoredReview
	wf, p := s.reviewWorkflowID(ctx, m)
	if p == nil {
		p = s.runUpdate(ctx, wf, cycle.UpdateSaveReview, sub, &stored)
	}
	countReview(sub.Final, p)
	return stored, p
}
