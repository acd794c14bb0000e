package server

import (
	"net/http"
	"strings"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/workbook"
)

// docs is what a route's OpenAPI operation says beyond its method, path,
// roles and request body: the query parameters its handler reads, its
// success answer and the problems particular to it. The problems every
// route of its kind can give (401 and 403 for a credential, 404 for a
// path with an ID, 400 for a body or query, 413 for a body, 500) are
// added by operationOf.
type docs struct {
	Query []param
	// Response is a value of the success body's type; File instead names
	// the media type of a download. Status is the success status when it
	// is not 200.
	Response any
	File     string
	Status   int
	// Problems are the further problem statuses the handler writes.
	Problems []int
	// Refused is the JSON body (not a problem) of a 422 that lists what
	// to correct, for the routes that answer so.
	Refused any
}

// param is a query parameter: Type is a JSON Schema type, or "date" for a
// YYYY-MM-DD string.
type param struct {
	Name, Type, Description string
	Required                bool
	Enum                    []string
}

// The query parameters the handlers read.
var (
	pageParams = []param{
		{Name: "page", Type: "integer", Description: "The page, from 1."},
		{Name: "per_page", Type: "integer", Description: "Items per page, from 1 to 200; 50 when absent."},
	}
	areaParamDoc = param{Name: "area", Type: "string",
		Description: `An Area, by its code (such as "wales" or "london-north") or its numeric ID.`}
	actionParams = append([]param{areaParamDoc,
		{Name: "panel", Type: "integer", Description: "A panel's ID."},
		{Name: "owner", Type: "string", Description: "Part of the owner's name or email, in any case."},
		{Name: "status", Type: "string", Description: "The action's status.", Enum: enumOf(actionStatuses)},
		{Name: "overdue", Type: "boolean", Description: "true: only actions past their due date and still outstanding."},
		{Name: "due_within", Type: "integer", Description: "Only actions due within this many days from today."},
	}, pageParams...)
	caseParams = append([]param{areaParamDoc,
		{Name: "strand", Type: "string", Description: `A strand's code, such as "race" or "domestic_abuse".`},
		{Name: "finalised_from", Type: "date", Description: "Cases finalised on or after this date."},
		{Name: "finalised_to", Type: "date", Description: "Cases finalised on or before this date."},
		{Name: "q", Type: "string", Description: "Text within the case reference or the principal offence, in any case."},
	}, pageParams...)
	reportParams = []param{
		{Name: "from", Type: "date", Description: "The first day of the period.", Required: true},
		{Name: "to", Type: "date", Description: "The last day of the period.", Required: true},
	}
)

// enumOf lists named string values for an enum.
func enumOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Problems a route's docs add: what workflow updates give (a refusal 422,
// a finished workflow 409, a timeout 503), and a cycle status that did
// not answer (503).
var (
	updateProblems = []int{http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable}
	statusProblems = []int{http.StatusServiceUnavailable}
)

// actionUpdateDocs is what every action update route answers.
var actionUpdateDocs = docs{Response: action.ActionState{}, Problems: updateProblems}

// downloadDocs is a workbook download.
var downloadDocs = docs{File: workbook.ContentType}

// cycleUpdated is the answer to a cycle update: the update's own result
// (an approved selection, a replacement, a new ID, or null) and the cycle
// as it now stands.
type cycleUpdated struct {
	Result any               `json:"result"`
	Cycle  cycle.CycleStatus `json:"cycle"`
}

// cycleUpdateDocs is what every cycle update route answers.
var cycleUpdateDocs = docs{Response: cycleUpdated{}, Problems: updateProblems}

// problemTitles describe each problem status in the document.
var problemTitles = map[int]string{
	http.StatusBadRequest:            "A field or filter is not valid; errors names each",
	http.StatusUnauthorized:          "No valid credential was given",
	http.StatusForbidden:             "The credential does not allow this",
	http.StatusNotFound:              "Nothing of this ID within your scope",
	http.StatusConflict:              "This clashes with what exists, or has finished",
	http.StatusRequestEntityTooLarge: "The body or file is too large",
	http.StatusUnprocessableEntity:   "Well formed, but cannot be done now; detail says why",
	http.StatusInternalServerError:   "A failure on our side, logged",
	http.StatusServiceUnavailable:    "The workflow did not answer in time; nothing was lost, try again",
}

// operationID names an operation by its method and path: "get_cycles_id".
func operationID(r route) string {
	return strings.ToLower(r.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(r.Path)
}

// tagOf groups an operation by the first part of its path.
func tagOf(r route) string {
	switch first := strings.Split(r.Path, "/")[1]; first {
	case "m":
		return "member"
	case "openapi.json":
		return "meta"
	default:
		return first
	}
}

// tagDescriptions describe each group of operations.
var tagDescriptions = map[string]string{
	"panels":  "Panels and their members.",
	"members": "Changing a panel member.",
	"cases":   "Closed cases: import and search (anonymised).",
	"cycles":  "Review cycles, from selection to issued minutes.",
	"actions": "Agreed actions and their responses.",
	"reports": "Governance reporting.",
	"member":  "A panel member's own pages, through their personal link.",
	"meta":    "This description.",
}

// pathParamDoc describes a path parameter by its name.
func pathParamDoc(name string) map[string]any {
	p := map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64"}}
	switch name {
	case "token":
		p["schema"] = map[string]any{"type": "string"}
		p["description"] = "The member's personal link token, from their email. It is the credential: keep it secret."
	case "case":
		p["description"] = "A case's ID."
	case "member":
		p["description"] = "A panel member's ID."
	default:
		p["description"] = "The ID."
	}
	return p
}

// queryParamDoc describes a query parameter.
func queryParamDoc(p param) map[string]any {
	schema := map[string]any{"type": p.Type}
	if p.Type == "date" {
		schema = map[string]any{"type": "string", "format": "date"}
	}
	if p.Enum != nil {
		schema["enum"] = p.Enum
	}
	return map[string]any{"name": p.Name, "in": "query", "required": p.Required, "description": p.Description, "schema": schema}
}

// roleNames lists who may call a staff route: admins always.
func roleNames(roles []domain.StaffRole) string {
	names := []string{string(domain.StaffAdmin)}
	for _, role := range roles {
		names = append(names, string(role))
	}
	return strings.Join(names, ", ")
}

// memberLeftAnswer is the answer to a member leaving: how many running
// cycles were told.
type memberLeftAnswer struct {
	MemberID   int64 `json:"member_id"`
	Left       bool  `json:"left"`
	CyclesTold int   `json:"cycles_told"`
}

// importRefused is a case import refused for its problems, each by row
// and column; nothing was imported.
type importRefused struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail"`
	Problems caseimport.Errors `json:"problems"`
}

// uploadAnswer is the answer to a returned pack: the reviews saved, and
// each problem by sheet and cell (with 422 when there is any).
type uploadAnswer struct {
	Saved    []cycle.StoredReview `json:"saved"`
	Problems []workbook.Problem   `json:"problems"`
}

// conflictDeclared echoes a declared conflict of interest.
type conflictDeclared struct {
	Declared conflictBody `json:"declared"`
}

// identifyingReported names the case reported as identifying.
type identifyingReported struct {
	Reported int64 `json:"reported"`
}
