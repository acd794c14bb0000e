package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// memberCase is a case on a member's page: before release only the
// non-identifying teaser, after release the review status too.
type memberCase struct {
	CaseID       int64  `json:"case_id"`
	Reference    string `json:"reference"`
	Strands      string `json:"strands"`
	Offence      string `json:"offence"`
	Outcome      string `json:"outcome"`
	Finalised    string `json:"finalised"`
	ReviewStatus string `json:"review_status,omitempty"`
	Conflicted   bool   `json:"conflicted"`
}

// memberPage is what GET /api/v1/m/{token} returns.
type memberPage struct {
	Name      string       `json:"name"`
	Panel     string       `json:"panel"`
	Stage     string       `json:"stage"`
	Meeting   string       `json:"meeting"`
	Deadline  string       `json:"deadline"`
	Released  bool         `json:"packs_released"`
	Response  string       `json:"meeting_response,omitempty"`
	Cases     []memberCase `json:"cases"`
	CycleID   int64        `json:"cycle_id"`
	MemberID  int64        `json:"member_id"`
	FormItems any          `json:"form"`
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
	var p memberPage
	var sched []byte
	var meeting time.Time
	err := s.deps.Store.Pool.QueryRow(ctx, `SELECT p.name, cy.stage, cy.schedule, coalesce(mt.starts_at, 'epoch'),
			coalesce((SELECT response FROM meeting_responses WHERE meeting_id = mt.id AND member_id = $2), ''),
			EXISTS (SELECT 1 FROM reviews WHERE cycle_id = cy.id AND member_id = $2)
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings mt ON mt.cycle_id = cy.id WHERE cy.id = $1`, m.CycleID, m.MemberID).
		Scan(&p.Panel, &p.Stage, &sched, &meeting, &p.Response, &p.Released)
	if err != nil {
		return p, err
	}
	var schedule cycle.Schedule
	_ = jsonUnmarshal(sched, &schedule)
	p.Name, p.CycleID, p.MemberID = m.Name, m.CycleID, m.MemberID
	p.Meeting, p.Deadline = uktime.Time(meeting), uktime.Time(schedule.ReviewsDue)
	rows, err := s.deps.Store.Pool.Query(ctx, `SELECT c.id, c.reference,
			(SELECT string_agg(s.label, ', ' ORDER BY s.label) FROM case_strands cs JOIN strands s ON s.code = cs.strand WHERE cs.case_id = c.id),
			c.principal_offence, c.outcome, to_char(c.finalised_on, 'FMMonth YYYY'), coalesce(r.status, ''),
			EXISTS (SELECT 1 FROM conflicts WHERE cycle_id = cc.cycle_id AND member_id = $2 AND case_id = c.id)
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		LEFT JOIN reviews r ON r.cycle_id = cc.cycle_id AND r.case_id = c.id AND r.member_id = $2
		WHERE cc.cycle_id = $1 AND cc.status IN ('approved', 'proposed') AND cc.role <> 'reserve' AND (r.removed IS NULL OR NOT r.removed)
		ORDER BY c.reference`, m.CycleID, m.MemberID)
	if err != nil {
		return p, err
	}
	p.Cases, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (memberCase, error) {
		var x memberCase
		var outcome string
		err := r.Scan(&x.CaseID, &x.Reference, &x.Strands, &x.Offence, &outcome, &x.Finalised, &x.ReviewStatus, &x.Conflicted)
		x.Outcome = outcomeLabel(outcome)
		return x, err
	})
	p.FormItems = reviewform.Default()
	return p, err
}

// memberCaseDetail shows one case of the member's pack, with its summary.
// Each view is audited.
func (s *Server) memberCaseDetail(c *gin.Context) {
	v, err := s.memberCase(c.Request.Context(), currentMember(c), c.Param("case"))
	if errors.Is(err, pgx.ErrNoRows) {
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
	CaseID       int64              `json:"case_id"`
	Reference    string             `json:"reference"`
	Summary      string             `json:"summary"`
	ReviewStatus string             `json:"review_status"`
	Answers      reviewform.Answers `json:"answers"`
}

// memberCase loads a case of the member's pack and audits the view.
func (s *Server) memberCase(ctx context.Context, m memberAccess, caseParam string) (caseView, error) {
	v := caseView{}
	caseID, err := strconv.ParseInt(caseParam, 10, 64)
	if err != nil {
		return v, pgx.ErrNoRows
	}
	var answers []byte
	err = s.deps.Store.Pool.QueryRow(ctx, `SELECT c.id, c.reference, c.summary, r.status, r.answers FROM reviews r JOIN cases c ON c.id = r.case_id
		WHERE r.cycle_id = $1 AND r.member_id = $2 AND r.case_id = $3 AND NOT r.removed`, m.CycleID, m.MemberID, caseID).Scan(&v.CaseID, &v.Reference, &v.Summary, &v.ReviewStatus, &answers)
	if err != nil {
		return v, err
	}
	if err := store.Audit(ctx, s.deps.Store.Pool, fmt.Sprintf("member:%d", m.MemberID), "case_viewed", "case", strconv.FormatInt(caseID, 10), map[string]any{"cycle_id": m.CycleID}); err != nil {
		return v, err
	}
	err = jsonUnmarshal(answers, &v.Answers)
	return v, err
}

// memberPack downloads the member's pack as it stands now, so a case pulled
// or conflicted since release is not in it. Each download is audited.
func (s *Server) memberPack(c *gin.Context) {
	m := currentMember(c)
	ctx := c.Request.Context()
	var released bool
	s.deps.Store.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reviews WHERE cycle_id = $1 AND member_id = $2)`, m.CycleID, m.MemberID).Scan(&released)
	if !released {
		notFound(c, "Your pack (packs have not been released yet)")
		return
	}
	data, err := cycleflow.CurrentPack(ctx, &cycleflow.Activities{Store: s.deps.Store, Links: s.links}, m.CycleID, m.MemberID, s.deps.Config.PublicURL+"/m/"+c.Param("token"))
	if err != nil {
		internalError(c, err)
		return
	}
	if err := store.Audit(ctx, s.deps.Store.Pool, fmt.Sprintf("member:%d", m.MemberID), "pack_downloaded", "cycle", strconv.FormatInt(m.CycleID, 10), nil); err != nil {
		internalError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+cycleflow.PackFilename(m.Name)+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, workbook.ContentType, data)
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
	var stored cycle.StoredReview
	if s.sendUpdate(c, s.memberWorkflowID(c, m), cycle.UpdateSaveReview,
		cycle.ReviewSubmission{CaseID: caseID, Answers: req.Answers, Final: req.Final, Source: "web"}, &stored) {
		c.JSON(http.StatusOK, stored)
	}
}

func (s *Server) memberWorkflowID(c *gin.Context, m memberAccess) string {
	return cycle.MemberReviewWorkflowID(s.cycleWorkflowID(c.Request.Context(), m.CycleID), m.MemberID)
}

func (s *Server) memberCycleWorkflowID(c *gin.Context, m memberAccess) string {
	return s.cycleWorkflowID(c.Request.Context(), m.CycleID)
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
	c.JSON(status, gin.H{"saved": saved, "problems": problems})
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
	wf := cycle.MemberReviewWorkflowID(s.cycleWorkflowID(ctx, m.CycleID), m.MemberID)
	for caseID, answers := range returned.Reviews {
		if bad[caseID] {
			continue
		}
		var stored cycle.StoredReview
		if p := s.runUpdate(ctx, wf, cycle.UpdateSaveReview, cycle.ReviewSubmission{CaseID: caseID, Answers: answers, Final: true, Source: "workbook"}, &stored); p != nil {
			return saved, returned.Problems, p
		}
		saved = append(saved, stored)
	}
	return saved, returned.Problems, nil
}

func (s *Server) cycleWorkflowID(ctx context.Context, cycleID int64) string {
	var wf string
	s.deps.Store.Pool.QueryRow(ctx, `SELECT workflow_id FROM cycles WHERE id = $1`, cycleID).Scan(&wf)
	return wf
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
	if s.sendUpdate(c, s.memberCycleWorkflowID(c, m), cycle.UpdateDeclareConflict, cycle.ConflictRequest{MemberID: m.MemberID, CaseID: body.CaseID, Note: body.Note}, nil) {
		c.JSON(http.StatusOK, gin.H{"declared": body})
	}
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
	if s.sendUpdate(c, s.memberCycleWorkflowID(c, m), cycle.UpdateReportIdentifying, cycle.IdentifyingRequest{MemberID: m.MemberID, CaseID: body.CaseID, Detail: body.Detail}, nil) {
		c.JSON(http.StatusOK, gin.H{"reported": body.CaseID})
	}
}

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
	if body.Response != "attending" && body.Response != "apologies" {
		badRequest(c, "Say whether you are attending.", FieldError{Field: "response", Message: "must be attending or apologies"})
		return
	}
	tag, err := s.deps.Store.Pool.Exec(c.Request.Context(), `INSERT INTO meeting_responses (meeting_id, member_id, response)
		SELECT id, $2, $3 FROM meetings WHERE cycle_id = $1 AND status = 'scheduled'
		ON CONFLICT (meeting_id, member_id) DO UPDATE SET response = EXCLUDED.response, responded_at = now()`, m.CycleID, m.MemberID, body.Response)
	if err != nil {
		internalError(c, err)
		return
	}
	if tag.RowsAffected() == 0 {
		notFound(c, "A scheduled meeting")
		return
	}
	c.JSON(http.StatusOK, gin.H{"response": body.Response})
}
