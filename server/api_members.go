package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/pack"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// memberCase is a case on a member's page: before release only the
// non-identifying teaser, after release the review status too.
type memberCase struct {
	CaseID       int64               `json:"case_id"`
	Reference    string              `json:"reference"`
	Strands      string              `json:"strands"`
	StrandCodes  []string            `json:"-"` // for the page, in the member's language
	Offence      string              `json:"offence"`
	Outcome      string              `json:"outcome"`
	OutcomeCode  domain.Outcome      `json:"-"` // for the page, in the member's language
	Finalised    string              `json:"finalised"`
	FinalisedOn  time.Time           `json:"-"` // for the page, in the member's language
	ReviewStatus domain.ReviewStatus `json:"review_status,omitempty"`
	Conflicted   bool                `json:"conflicted"`
}

// memberPage is what GET /api/v1/m/{token} returns.
type memberPage struct {
	Name      string       `json:"name"`
	Panel     string       `json:"panel"`
	Stage     domain.Stage `json:"stage"`
	Meeting   string       `json:"meeting"`
	Deadline  string       `json:"deadline"`
	Released  bool         `json:"packs_released"`
	Response  string       `json:"meeting_response,omitempty"`
	Cases     []memberCase `json:"cases"`
	CycleID   int64        `json:"cycle_id"`
	MemberID  int64        `json:"member_id"`
	FormItems any          `json:"form"`
	// MeetingAt and DeadlineAt are Meeting and Deadline as times, for
	// the page to write in the member's language.
	MeetingAt  time.Time `json:"-"`
	DeadlineAt time.Time `json:"-"`
}

func (s *Server) memberHome(c *gin.Context) {
	p, err := s.memberPageData(c.Request.Context(), currentMember(c))
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// memberPageData is what a member's page shows, for the API and the page.
func (s *Server) memberPageData(ctx context.Context, m memberAccess) (memberPage, error) {
	mc, err := s.deps.Store.MemberCycle(ctx, m.CycleID, m.MemberID)
	if err != nil {
		return memberPage{}, err
	}
	cases, err := s.deps.Store.PackCases(ctx, m.CycleID, m.MemberID)
	if err != nil {
		return memberPage{}, err
	}
	p := memberPage{Name: m.Name, Panel: mc.Panel, Stage: mc.Stage, Meeting: uktime.Time(mc.Meeting), Deadline: uktime.Time(mc.ReviewsDue),
		Released: mc.Released, Response: mc.Response, Cases: make([]memberCase, len(cases)), CycleID: m.CycleID, MemberID: m.MemberID,
		FormItems: reviewform.Default(), MeetingAt: mc.Meeting, DeadlineAt: mc.ReviewsDue}
	for i, x := range cases {
		p.Cases[i] = memberCase{CaseID: x.CaseID, Reference: x.Reference, Strands: x.Strands, StrandCodes: x.StrandCodes, Offence: x.Offence,
			Outcome: domain.OutcomeLabel(x.Outcome), OutcomeCode: x.Outcome,
			Finalised: x.Finalised, FinalisedOn: x.FinalisedOn, ReviewStatus: x.ReviewStatus, Conflicted: x.Conflicted}
	}
	return p, nil
}

// memberCaseDetail shows one case of the member's pack, with its summary.
// Each view is audited.
func (s *Server) memberCaseDetail(c *gin.Context) {
	v, err := s.memberCase(c.Request.Context(), currentMember(c), c.Param("case"))
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "That case in your pack")
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// caseView is one case of a member's pack with their answers so far.
type caseView struct {
	CaseID       int64               `json:"case_id"`
	Reference    string              `json:"reference"`
	Summary      string              `json:"summary"`
	ReviewStatus domain.ReviewStatus `json:"review_status"`
	Answers      reviewform.Answers  `json:"answers"`
}

// memberCase loads a case of the member's pack and audits the view. A
// case not in the pack is store.ErrNotFound.
func (s *Server) memberCase(ctx context.Context, m memberAccess, caseParam string) (caseView, error) {
	caseID, err := strconv.ParseInt(caseParam, 10, 64)
	if err != nil {
		return caseView{}, fmt.Errorf("case %q: %w", caseParam, store.ErrNotFound)
	}
	r, err := s.deps.Store.CaseReview(ctx, m.CycleID, m.MemberID, caseID)
	if err != nil {
		return caseView{}, err
	}
	if err := s.deps.Store.Audit(ctx, fmt.Sprintf("member:%d", m.MemberID), "case_viewed", "case", strconv.FormatInt(caseID, 10), map[string]any{"cycle_id": m.CycleID}); err != nil {
		return caseView{}, err
	}
	v := caseView{CaseID: r.CaseID, Reference: r.Reference, Summary: r.Summary, ReviewStatus: r.ReviewStatus}
	if len(r.Answers) > 0 {
		if err := json.Unmarshal(r.Answers, &v.Answers); err != nil {
			return v, fmt.Errorf("answers of case %d: %w", caseID, err)
		}
	}
	return v, nil
}

// memberPack downloads the member's pack as it stands now, so a case pulled
// or conflicted since release is not in it. Each download is audited.
func (s *Server) memberPack(c *gin.Context) {
	m := currentMember(c)
	ctx := c.Request.Context()
	released, err := s.deps.Store.PackReleased(ctx, m.CycleID, m.MemberID)
	if err != nil {
		internalError(c, err)
		return
	}
	if !released {
		notFound(c, "Your pack (packs have not been released yet)")
		return
	}
	p, err := pack.Build(ctx, s.deps.Store, pack.Request{CycleID: m.CycleID, MemberID: m.MemberID, Link: s.deps.Config.PublicURL + "/m/" + c.Param("token")})
	if err != nil {
		internalError(c, err)
		return
	}
	if err := s.deps.Store.Audit(ctx, fmt.Sprintf("member:%d", m.MemberID), "pack_downloaded", "cycle", strconv.FormatInt(m.CycleID, 10), nil); err != nil {
		internalError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+p.Filename+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, workbook.ContentType, p.Workbook)
}

// reviewRequest is a save or submission of one case's review.
type reviewRequest struct {
	Answers reviewform.Answers `json:"answers"`
	Final   bool               `json:"final"`
}

func (s *Server) memberSaveReview(c *gin.Context) {
	m := currentMember(c)
	caseID, err := strconv.ParseInt(c.Param("case"), 10, 64)
	if err != nil {
		notFound(c, "That case")
		return
	}
	var req reviewRequest
	if !decodeJSON(c, &req) {
		return
	}
	if problems := reviewform.Default().Validate(req.Answers, req.Final); len(problems) > 0 {
		fields := make([]FieldError, len(problems))
		for i, p := range problems {
			fields[i] = FieldError{Field: "answers." + p.Field, Message: p.Message}
		}
		writeProblem(c, Problem{Status: http.StatusUnprocessableEntity, Title: "Some answers need attention", Errors: fields})
		return
	}
	stored, p := s.saveReview(c.Request.Context(), m, caseID, req.Answers, req.Final, "web")
	if p != nil {
		writeProblem(c, *p)
		return
	}
	c.JSON(http.StatusOK, stored)
}

// cycleWorkflowID is the ID of the member's cycle's workflow. Without one
// nothing can be sent, so a cycle that cannot be found, or has no workflow
// ID, is refused with a problem rather than sent to an empty ID.
func (s *Server) cycleWorkflowID(ctx context.Context, m memberAccess) (string, *Problem) {
	wf, err := s.deps.Store.CycleWorkflowID(ctx, m.CycleID)
	switch {
	case errors.Is(err, store.ErrNotFound), err == nil && wf == "":
		return "", &Problem{Status: http.StatusNotFound, Title: "Not found",
			Detail: "Your review cycle could not be found, so nothing was sent. Please contact your panel coordinator."}
	case err != nil:
		slog.Error("cycle workflow", "cycle", m.CycleID, "error", err)
		p := serverProblem
		return "", &p
	}
	return wf, nil
}

// reviewWorkflowID is the ID of the member's review workflow in their
// cycle, refused as cycleWorkflowID is.
func (s *Server) reviewWorkflowID(ctx context.Context, m memberAccess) (string, *Problem) {
	wf, p := s.cycleWorkflowID(ctx, m)
	if p != nil {
		return "", p
	}
	return cycle.MemberReviewWorkflowID(wf, m.MemberID), nil
}

// cycleUpdateFor sends an update to the member's cycle's workflow.
func (s *Server) cycleUpdateFor(ctx context.Context, m memberAccess, name string, arg any) *Problem {
	wf, p := s.cycleWorkflowID(ctx, m)
	if p != nil {
		return p
	}
	return s.runUpdate(ctx, wf, name, arg, nil)
}

// maxUploadBytes bounds a returned workbook.
const maxUploadBytes = 10 << 20

// memberUpload accepts a completed pack. It must be this member's pack for
// this cycle (the hidden identity sheet says so); every problem is reported
// with its sheet and cell; reviews without problems are submitted.
func (s *Server) memberUpload(c *gin.Context) {
	m := currentMember(c)
	file, _, err := c.Request.FormFile("file")
	if err != nil {
		badRequest(c, "Attach the completed workbook as the form field 'file'.", FieldError{Field: "file", Message: "is required"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxUploadBytes+1))
	if err != nil {
		badRequest(c, "The file could not be read.")
		return
	}
	if len(data) > maxUploadBytes {
		writeProblem(c, Problem{Status: http.StatusRequestEntityTooLarge, Title: "The file is too large", Detail: "A review pack is well under 10 MB; please check you chose the right file."})
		return
	}
	saved, problems, p := s.acceptUpload(c.Request.Context(), m, data)
	if p != nil {
		writeProblem(c, *p)
		return
	}
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, uploadAnswer{Saved: saved, Problems: problems})
}

// acceptUpload reads a returned pack. It must be this member's pack for
// this cycle (the hidden identity sheet says so); reviews without problems
// are submitted, and every problem comes back with its sheet and cell.
func (s *Server) acceptUpload(ctx context.Context, m memberAccess, data []byte) ([]cycle.StoredReview, []workbook.Problem, *Problem) {
	form := reviewform.Default()
	returned, err := workbook.ParsePack(data, form)
	if err != nil {
		return nil, nil, &Problem{Status: http.StatusUnprocessableEntity, Title: "This is not a review pack", Detail: err.Error()}
	}
	if len(returned.Problems) == 0 && (returned.MemberID != m.MemberID || returned.CycleID != m.CycleID) {
		return nil, nil, &Problem{Status: http.StatusUnprocessableEntity, Title: "This is not your pack",
			Detail: "This workbook belongs to another member or another review cycle. Please upload the pack that was sent to you."}
	}
	bad := map[int64]bool{}
	for _, p := range returned.Problems {
		bad[p.CaseID] = true
	}
	saved := []cycle.StoredReview{}
	if bad[0] {
		return saved, returned.Problems, nil
	}
	for caseID, answers := range returned.Reviews {
		if bad[caseID] {
			continue
		}
		stored, p := s.saveReview(ctx, m, caseID, answers, true, "workbook")
		if p != nil {
			return saved, returned.Problems, p
		}
		saved = append(saved, stored)
	}
	return saved, returned.Problems, nil
}

type conflictBody struct {
	CaseID int64  `json:"case_id"`
	Note   string `json:"note"`
}

func (s *Server) memberConflict(c *gin.Context) {
	m := currentMember(c)
	var body conflictBody
	if !decodeJSON(c, &body) {
		return
	}
	if p := s.cycleUpdateFor(c.Request.Context(), m, cycle.UpdateDeclareConflict, cycle.ConflictRequest{MemberID: m.MemberID, CaseID: body.CaseID, Note: body.Note}); p != nil {
		writeProblem(c, *p)
		return
	}
	c.JSON(http.StatusOK, conflictDeclared{Declared: body})
}

type identifyingBody struct {
	CaseID int64  `json:"case_id"`
	Detail string `json:"detail"`
}

func (s *Server) memberIdentifying(c *gin.Context) {
	m := currentMember(c)
	var body identifyingBody
	if !decodeJSON(c, &body) {
		return
	}
	if p := s.cycleUpdateFor(c.Request.Context(), m, cycle.UpdateReportIdentifying, cycle.IdentifyingRequest{MemberID: m.MemberID, CaseID: body.CaseID, Detail: body.Detail}); p != nil {
		writeProblem(c, *p)
		return
	}
	c.JSON(http.StatusOK, identifyingReported{Reported: body.CaseID})
}

// meetingResponses are a member's answers to a meeting invitation.
var meetingResponses = []string{"attending", "apologies"}

type rsvpBody struct {
	Response string `json:"response"`
}

// memberRSVP records whether the member will attend the meeting.
func (s *Server) memberRSVP(c *gin.Context) {
	m := currentMember(c)
	var body rsvpBody
	if !decodeJSON(c, &body) {
		return
	}
	if !slices.Contains(meetingResponses, body.Response) {
		badRequest(c, "Say whether you are attending.", FieldError{Field: "response", Message: "must be attending or apologies"})
		return
	}
	err := s.deps.Store.RespondToMeeting(c.Request.Context(), m.CycleID, m.MemberID, body.Response)
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "A scheduled meeting")
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, body)
}
