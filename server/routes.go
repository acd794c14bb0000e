package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/workbook"
)

// Who may call a route.
const (
	authStaff  = "staff"  // an API token; Roles says which roles
	authMember = "member" // a member's personal link
	authPublic = "public"
)

// route is one API endpoint. The table of routes is the single source for
// the router, the role check, the OpenAPI document and the access tests.
type route struct {
	Method  string
	Path    string // OpenAPI style: /cycles/{id}
	Auth    string
	Roles   []domain.StaffRole // for staff routes; admins may always
	Summary string
	Handler gin.HandlerFunc
	// Request is a value of the body type (nil when there is none) and
	// Example a JSON example of it.
	Request any
	Example string
	// Docs is the rest of what the OpenAPI document says of the route.
	Docs docs
}

var (
	adminOnly       = []domain.StaffRole{}
	coordinatorOnly = []domain.StaffRole{domain.StaffCoordinator}
	chairOnly       = []domain.StaffRole{domain.StaffChair}
	meetingRoles    = []domain.StaffRole{domain.StaffCoordinator, domain.StaffChair}
	staffRoles      = []domain.StaffRole{domain.StaffCoordinator, domain.StaffChair, domain.StaffManager}
	actionOwners    = []domain.StaffRole{domain.StaffCoordinator, domain.StaffManager}
	importers       = []domain.StaffRole{domain.StaffCoordinator, domain.StaffManager}
	managerOnly     = []domain.StaffRole{domain.StaffManager}
)

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET", "/openapi.json", authPublic, nil, "This API's OpenAPI 3 description", s.openAPI, nil, "", docs{Response: map[string]any{}}},
		{"GET", "/panels", authStaff, staffRoles, "List the panels you can see", s.listPanels, nil, "", docs{Query: pageParams, Response: listPage[domain.Panel]{}}},
		{"POST", "/panels", authStaff, adminOnly, "Create a panel (admins)", s.createPanel, panelRequest{},
			`{"area": "wales", "name": "Wales Local Scrutiny and Involvement Panel", "covers": "both", "strands": ["race", "disability", "domestic_abuse"]}`, docs{Response: domain.Panel{}, Status: http.StatusCreated, Problems: []int{http.StatusConflict}}},
		{"GET", "/panels/{id}/members", authStaff, staffRoles, "List a panel's members", s.listMembers, nil, "", docs{Query: pageParams, Response: listPage[domain.Member]{}}},
		{"POST", "/panels/{id}/members", authStaff, coordinatorOnly, "Add a member to a panel", s.addMember, memberRequest{},
			`{"name": "Aled Jones", "email": "aled@example.org", "role": "member", "language": "cy"}`, docs{Response: domain.Member{}, Status: http.StatusCreated, Problems: []int{http.StatusConflict}}},
		{"PATCH", "/members/{id}", authStaff, coordinatorOnly, "Change a member: name, role, language; correct an email (clears a bounce and sends the held mail again); active (false tells every running cycle)", s.updateMember, memberPatch{},
			`{"email": "aled.jones@example.org"}`, docs{Response: domain.Member{}, Problems: []int{http.StatusConflict}}},
		{"POST", "/cases/import", authStaff, importers, "Import closed cases from a CSV or XLSX extract (multipart field 'file')", s.importCases, nil, "", docs{Response: caseimport.Result{}, Status: http.StatusCreated, Problems: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge}, Refused: importRefused{}}},
		{"GET", "/cases", authStaff, staffRoles, "Search closed cases (anonymised fields only)", s.searchCases, nil, "", docs{Query: caseParams, Response: listPage[domain.CaseListing]{}}},
		{"GET", "/cycles", authStaff, staffRoles, "List review cycles", s.listCycles, nil, "", docs{Query: pageParams, Response: listPage[domain.CycleListing]{}}},
		{"POST", "/cycles", authStaff, coordinatorOnly, "Start a review cycle", s.startCycle, startCycleBody{},
			`{"panel_id": 20, "window_start": "2026-07-01", "window_end": "2026-09-30", "quotas": {"race": 2, "domestic_abuse": 2}, "reserves_per_stratum": 1,
			  "meeting": {"start": "2027-01-12T18:00:00Z", "end": "2027-01-12T20:00:00Z", "location": "Cardiff office", "online_link": ""},
			  "timing": {"conflict_check_before": "21d", "packs_before": "P14D", "reminders": ["7d", "3d", "PT36H"]}}`, docs{Response: cycle.CycleStatus{}, Status: http.StatusCreated, Problems: []int{http.StatusConflict}}},
		{"GET", "/cycles/{id}", authStaff, staffRoles, "A cycle's status", s.cycleStatus, nil, "", docs{Response: cycle.CycleStatus{}, Problems: statusProblems}},
		{"POST", "/cycles/{id}/approve", authStaff, coordinatorOnly, "Approve the selection", cycleUpdate(s, cycle.UpdateApproveSelection, func(c *gin.Context, r *cycle.ApproveSelectionRequest) { r.By = currentUser(c).Email }), nil, "", cycleUpdateDocs},
		{"POST", "/cycles/{id}/replace", authStaff, coordinatorOnly, "Withdraw a case (a reserve or a fresh draw takes its place)",
			cycleUpdate(s, cycle.UpdateReplaceCase, func(c *gin.Context, r *cycle.ReplaceRequest) { r.By = currentUser(c).Email }),
			cycle.ReplaceRequest{}, `{"case_id": 1234, "reason": "Appeal lodged", "redraw": false}`, cycleUpdateDocs},
		{"POST", "/cycles/{id}/schedule", authStaff, coordinatorOnly, "Set or change the meeting; every date and reminder moves with it",
			cycleUpdate(s, cycle.UpdateScheduleMeeting, func(*gin.Context, *cycle.Meeting) {}),
			cycle.Meeting{}, `{"start": "2027-01-19T18:00:00Z", "end": "2027-01-19T20:00:00Z", "location": "", "online_link": "https://meet.example/lsip"}`, cycleUpdateDocs},
		{"POST", "/cycles/{id}/members/{member}/leave", authStaff, coordinatorOnly, "A member leaves: access ends, open reviews are excused", s.memberLeft, nil, "", docs{Response: memberLeftAnswer{}, Problems: []int{http.StatusConflict}}},
		{"POST", "/cycles/{id}/attendance", authStaff, meetingRoles, "Record attendance",
			cycleUpdate(s, cycle.UpdateRecordAttendance, func(c *gin.Context, at *cycle.Attendance) { at.By = currentUser(c).Email }),
			cycle.Attendance{}, `{"status": {"101": "present", "102": "apologies"}}`, cycleUpdateDocs},
		{"POST", "/cycles/{id}/findings", authStaff, meetingRoles, "Record the panel's finding on a case",
			cycleUpdate(s, cycle.UpdateRecordFinding, func(c *gin.Context, f *cycle.Finding) { f.RecordedBy = currentUser(c).Email }),
			cycle.Finding{}, `{"case_id": 1234, "category": "concerns", "rationale": "Hostility was evidenced but no uplift was sought."}`, cycleUpdateDocs},
		{"GET", "/cycles/{id}/cases/{case}/reviews-summary", authStaff, meetingRoles, "The members' submitted reviews of an approved case added up: ratings per question, suggested findings, comments by panel role, never by name (audited)", s.reviewsSummaryAPI, nil, "", docs{Response: reviewsSummary{}}},
		{"POST", "/cycles/{id}/learning-points", authStaff, meetingRoles, "Add a learning point or good practice",
			cycleUpdate(s, cycle.UpdateAddLearningPoint, func(c *gin.Context, lp *cycle.LearningPoint) { lp.By = currentUser(c).Email }),
			cycle.LearningPoint{}, `{"case_id": 1234, "text": "Record hostility evidence at charge.", "tag": "prosecution", "good_practice": false}`, cycleUpdateDocs},
		{"POST", "/cycles/{id}/actions", authStaff, meetingRoles, "Agree an action",
			cycleUpdate(s, cycle.UpdateAddAction, func(c *gin.Context, ac *cycle.AgreedAction) { ac.By = currentUser(c).Email }),
			cycle.AgreedAction{}, `{"description": "Brief hate crime lawyers on s.66 uplifts", "kind": "recommendation", "audience": "prosecution",
			  "owner_name": "Area hate crime lead", "owner_email": "lead@example.org", "manager_name": "DCCP", "manager_email": "dccp@example.org", "due": "2027-04-30T00:00:00Z"}`, cycleUpdateDocs},
		{"POST", "/cycles/{id}/close-meeting", authStaff, meetingRoles, "Close the meeting's record and draft the minutes", cycleUpdate[noBody](s, cycle.UpdateCloseMeeting, nil), nil, "", cycleUpdateDocs},
		{"POST", "/cycles/{id}/approve-minutes", authStaff, chairOnly, "Approve and issue the minutes",
			cycleUpdate(s, cycle.UpdateApproveMinutes, func(c *gin.Context, r *cycle.ApproveMinutesRequest) { r.ApprovedBy = currentUser(c).Email }), nil, "", cycleUpdateDocs},
		{"POST", "/cycles/{id}/cancel", authStaff, coordinatorOnly, "Cancel the cycle",
			cycleUpdate(s, cycle.UpdateCancel, func(c *gin.Context, r *cycle.CancelRequest) { r.By = currentUser(c).Email }),
			cycle.CancelRequest{}, `{"reason": "The chair is unavailable; a new cycle will be started."}`, cycleUpdateDocs},
		{"GET", "/cycles/{id}/draw", authStaff, staffRoles, "The published draw: seed, quotas, eligible cases as pseudonymous ordinals, and what was drawn (docs/selection.md)", s.cycleDraw, nil, "", docs{Response: selection.Record{}}},
		{"GET", "/cycles/{id}/minutes", authStaff, staffRoles, "Download the minutes", s.cycleFile(domain.FileMinutes), nil, "", downloadDocs},
		{"GET", "/cycles/{id}/key-messages", authStaff, staffRoles, "Download the public key messages", s.cycleFile(domain.FileKeyMessages), nil, "", downloadDocs},
		{"GET", "/actions", authStaff, staffRoles, "The action board", s.listActions, nil, "", docs{Query: actionParams, Response: actionPage{}}},
		{"GET", "/actions/export", authStaff, staffRoles, "Export the filtered action log as Excel", s.exportActions, nil, "", docs{Query: actionParams, File: workbook.ContentType}},
		{"GET", "/actions/{id}", authStaff, staffRoles, "An action with its timeline", s.actionDetail, nil, "", docs{Response: action.ActionState{}}},
		{"POST", "/actions/{id}/notes", authStaff, actionOwners, "Add a progress note", s.actionUpdate(action.UpdateProgressNote), action.ActionUpdate{}, `{"note": "Briefing drafted"}`, actionUpdateDocs},
		{"POST", "/actions/{id}/respond", authStaff, managerOnly, "Record the organisation's response", s.actionUpdate(action.UpdateRespond), action.ActionUpdate{},
			`{"response": "partially_accepted", "rationale": "Training agreed; a new form is not."}`, actionUpdateDocs},
		{"POST", "/actions/{id}/complete", authStaff, actionOwners, "Complete the action with a written response", s.actionUpdate(action.UpdateCompleteAction), action.ActionUpdate{},
			`{"note": "All lawyers briefed in March", "evidence": "Attendance list on the team site"}`, actionUpdateDocs},
		{"POST", "/actions/{id}/reassign", authStaff, managerOnly, "Reassign the owner", s.actionUpdate(action.UpdateReassignOwner), action.ActionUpdate{},
			`{"name": "New Owner", "email": "new.owner@example.org"}`, actionUpdateDocs},
		{"POST", "/actions/{id}/extension", authStaff, actionOwners, "Ask for more time", s.actionUpdate(action.UpdateRequestExtension), action.ActionUpdate{},
			`{"due": "2027-06-30T00:00:00Z", "note": "Waiting for national guidance"}`, actionUpdateDocs},
		{"POST", "/actions/{id}/extension/decision", authStaff, managerOnly, "Approve or decline an extension", s.actionUpdate(action.UpdateDecideExtension), action.ActionUpdate{},
			`{"approve": true, "note": "Agreed"}`, actionUpdateDocs},
		{"POST", "/actions/{id}/cancel", authStaff, managerOnly, "Cancel the action", s.actionUpdate(action.UpdateCancelAction), action.ActionUpdate{},
			`{"note": "Superseded by national guidance"}`, actionUpdateDocs},
		{"GET", "/reports/governance", authStaff, managerOnly, "The governance report workbook (?from=&to=)", s.governanceReport, nil, "", docs{Query: reportParams, File: workbook.ContentType}},
		{"GET", "/m/{token}", authMember, nil, "A member's page for their cycle", s.memberHome, nil, "", docs{Response: memberPage{}}},
		{"GET", "/m/{token}/cases/{case}", authMember, nil, "One case of the member's pack (audited)", s.memberCaseDetail, nil, "", docs{Response: caseView{}}},
		{"GET", "/m/{token}/pack", authMember, nil, "Download the member's current pack (audited)", s.memberPack, nil, "", downloadDocs},
		{"PUT", "/m/{token}/reviews/{case}", authMember, nil, "Save a draft or submit a review", s.memberSaveReview, reviewRequest{},
			`{"answers": {"ratings": {"charging": "yes"}, "comments": {}, "overall": "", "good_practice": "", "concerns": "", "questions": "", "learning": ""}, "final": false}`, docs{Response: cycle.StoredReview{}, Problems: updateProblems}},
		{"POST", "/m/{token}/upload", authMember, nil, "Return the completed workbook (multipart field 'file')", s.memberUpload, nil, "", docs{Response: uploadAnswer{}, Problems: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}, Refused: uploadAnswer{}}},
		{"POST", "/m/{token}/conflicts", authMember, nil, "Declare a conflict of interest", s.memberConflict, conflictBody{}, `{"case_id": 1234, "note": "I know the family"}`, docs{Response: conflictDeclared{}, Problems: updateProblems}},
		{"POST", "/m/{token}/identifying", authMember, nil, "Report that a case reveals identifying detail", s.memberIdentifying, identifyingBody{},
			`{"case_id": 1234, "detail": "The summary names the street."}`, docs{Response: identifyingReported{}, Problems: updateProblems}},
		{"POST", "/m/{token}/rsvp", authMember, nil, "Say whether you will attend", s.memberRSVP, rsvpBody{}, `{"response": "attending"}`, docs{Response: rsvpBody{}}},
	}
}

// ginPath turns /cycles/{id} into /cycles/:id.
func ginPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") {
			parts[i] = ":" + strings.Trim(part, "{}")
		}
	}
	return strings.Join(parts, "/")
}

// requireRole refuses staff whose role the route does not allow, before the
// handler looks at scope (panel or Area): the role says what a user may
// do, their scope where.
func requireRole(roles []domain.StaffRole) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		if u.Role != domain.StaffAdmin && !slices.Contains(roles, u.Role) {
			forbidden(c)
			return
		}
		c.Next()
	}
}

func (s *Server) routes() {
	s.communityPageRoutes()
	s.keyMessagesPageRoutes()
	api := s.engine.Group("/api/v1")
	for _, r := range s.apiRoutes() {
		var chain []gin.HandlerFunc
		switch r.Auth {
		case authStaff:
			chain = append(chain, s.requireStaff, requireRole(r.Roles))
		case authMember:
			chain = append(chain, s.requireMember)
		}
		api.Handle(r.Method, ginPath(r.Path), append(chain, r.Handler)...)
	}
	s.engine.NoRoute(func(c *gin.Context) {
		writeProblem(c, Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "There is nothing at this address."})
	})
}
