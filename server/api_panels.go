package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// paging reads page and per_page (at most 200) from the query string.
func paging(c *gin.Context) (limit, offset, page int) {
	page, _ = strconv.Atoi(c.DefaultQuery("page", "1"))
	limit, _ = strconv.Atoi(c.DefaultQuery("per_page", "50"))
	page = max(page, 1)
	limit = min(max(limit, 1), 200)
	return limit, (page - 1) * limit, page
}

// pageOf writes a page of items with its total.
func pageOf[T any](c *gin.Context, items []T, total, page, perPage int) {
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": page, "per_page": perPage})
}

// userScope is the SQL condition on a panel alias p for what the user sees.
func userScope(u store.User) (string, []any) {
	switch u.Role {
	case "admin":
		return "true", nil
	case "manager":
		return "p.area_id = $1", []any{u.AreaID}
	default:
		return "p.id = ANY($1)", []any{u.PanelIDs}
	}
}

type panelRow struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Area    string   `json:"area"`
	Covers  string   `json:"covers"`
	Strands []string `json:"strands"`
	Members int      `json:"members"`
}

func (s *Server) listPanels(c *gin.Context) {
	limit, offset, page := paging(c)
	cond, args := userScope(currentUser(c))
	var total int
	ctx := c.Request.Context()
	if err := s.deps.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM panels p WHERE `+cond, args...).Scan(&total); err != nil {
		internalError(c, err)
		return
	}
	rows, err := s.deps.Store.Pool.Query(ctx, `SELECT p.id, p.name, a.name, p.covers, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id ORDER BY strand),
			(SELECT count(*) FROM members WHERE panel_id = p.id AND active)
		FROM panels p JOIN areas a ON a.id = p.area_id WHERE `+cond+` ORDER BY a.name, p.name LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
	if err != nil {
		internalError(c, err)
		return
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (panelRow, error) {
		var p panelRow
		return p, r.Scan(&p.ID, &p.Name, &p.Area, &p.Covers, &p.Strands, &p.Members)
	})
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// panelRequest creates a panel.
type panelRequest struct {
	Area    string   `json:"area"`
	Name    string   `json:"name"`
	Covers  string   `json:"covers"`
	Strands []string `json:"strands"`
}

// createPanel adds a panel with the strands it reviews; each strand must
// belong to what the panel covers.
func (s *Server) createPanel(c *gin.Context) {
	var req panelRequest
	if !decodeJSON(c, &req) {
		return
	}
	var fields []FieldError
	area, ok := domain.AreaByName(req.Area)
	if !ok {
		fields = append(fields, FieldError{"area", "is not one of the 14 CPS Areas"})
	}
	if strings.TrimSpace(req.Name) == "" {
		fields = append(fields, FieldError{"name", "is required"})
	}
	if req.Covers != "hate_crime" && req.Covers != "vawg" && req.Covers != "both" {
		fields = append(fields, FieldError{"covers", "must be hate_crime, vawg or both"})
	}
	if len(req.Strands) == 0 {
		fields = append(fields, FieldError{"strands", "name at least one strand"})
	}
	for i, code := range req.Strands {
		st, ok := domain.StrandByCode(code)
		switch {
		case !ok:
			fields = append(fields, FieldError{fmt.Sprintf("strands[%d]", i), "is not a known strand"})
		case req.Covers != "both" && string(st.Category) != req.Covers:
			fields = append(fields, FieldError{fmt.Sprintf("strands[%d]", i), "is not a strand of what the panel covers"})
		default:
			req.Strands[i] = st.Code
		}
	}
	if len(fields) > 0 {
		badRequest(c, "Some fields need correcting.", fields...)
		return
	}
	ctx := c.Request.Context()
	var out panelRow
	err := s.deps.Store.RawTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, $2, $3 FROM areas WHERE code = $1 RETURNING id, name, covers`,
			area.Code, req.Name, req.Covers).Scan(&out.ID, &out.Name, &out.Covers); err != nil {
			return err
		}
		for _, st := range req.Strands {
			if _, err := tx.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, $2) ON CONFLICT DO NOTHING`, out.ID, st); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, currentUser(c).Name, "panel_created", "panel", strconv.FormatInt(out.ID, 10), nil)
	})
	if _, dup := store.IsUniqueViolation(err); dup {
		writeProblem(c, Problem{Status: http.StatusConflict, Title: "That panel exists", Detail: "The Area already has a panel with this name.", Errors: []FieldError{{"name", "is already used in this Area"}}})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	out.Area, out.Strands = area.Name, req.Strands
	c.JSON(http.StatusCreated, out)
}

// loadPanel checks the user may act on the panel in the path.
func (s *Server) loadPanel(c *gin.Context, param string) (scope, bool) {
	var sc scope
	id, err := strconv.ParseInt(c.Param(param), 10, 64)
	if err == nil {
		err = s.deps.Store.Pool.QueryRow(c.Request.Context(), `SELECT id, area_id FROM panels WHERE id = $1`, id).Scan(&sc.PanelID, &sc.AreaID)
	}
	if err != nil {
		notFound(c, "The panel")
		return sc, false
	}
	if !allowed(currentUser(c), sc, routeRoles(c)...) {
		forbidden(c)
		return sc, false
	}
	return sc, true
}

type memberRow struct {
	ID                      int64   `json:"id"`
	Name                    string  `json:"name"`
	Email                   string  `json:"email"`
	Role                    string  `json:"role"`
	Active                  bool    `json:"active"`
	ConfidentialitySignedOn *string `json:"confidentiality_signed_on"`
	Language                string  `json:"language"`
	Unreachable             bool    `json:"unreachable"`
}

const memberColumns = `id, name, email, role, active, to_char(confidentiality_signed_on, 'YYYY-MM-DD'), language, unreachable_since IS NOT NULL`

func scanMember(r pgx.CollectableRow) (memberRow, error) {
	var m memberRow
	return m, r.Scan(&m.ID, &m.Name, &m.Email, &m.Role, &m.Active, &m.ConfidentialitySignedOn, &m.Language, &m.Unreachable)
}

func (s *Server) listMembers(c *gin.Context) {
	sc, ok := s.loadPanel(c, "id")
	if !ok {
		return
	}
	limit, offset, page := paging(c)
	ctx := c.Request.Context()
	var total int
	s.deps.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM members WHERE panel_id = $1`, sc.PanelID).Scan(&total)
	rows, err := s.deps.Store.Pool.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE panel_id = $1 ORDER BY name LIMIT $2 OFFSET $3`, sc.PanelID, limit, offset)
	if err != nil {
		internalError(c, err)
		return
	}
	items, err := pgx.CollectRows(rows, scanMember)
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// memberRequest adds a member.
type memberRequest struct {
	Name                    string `json:"name"`
	Email                   string `json:"email"`
	Role                    string `json:"role"`
	ConfidentialitySignedOn string `json:"confidentiality_signed_on"`
	Language                string `json:"language"`
}

func (r memberRequest) problems() []FieldError {
	var f []FieldError
	if strings.TrimSpace(r.Name) == "" {
		f = append(f, FieldError{"name", "is required"})
	}
	if _, err := mail.ParseAddress(r.Email); err != nil {
		f = append(f, FieldError{"email", "is not an email address"})
	}
	if !validRole(r.Role) {
		f = append(f, FieldError{"role", "must be chair, member, adviser or staff"})
	}
	if r.ConfidentialitySignedOn != "" {
		if _, err := time.Parse(time.DateOnly, r.ConfidentialitySignedOn); err != nil {
			f = append(f, FieldError{"confidentiality_signed_on", "must be a date as YYYY-MM-DD"})
		}
	}
	if r.Language != "" && r.Language != "en" && r.Language != "cy" {
		f = append(f, FieldError{"language", "must be en or cy"})
	}
	return f
}

func validRole(role string) bool {
	for _, r := range domain.Roles {
		if string(r) == role {
			return true
		}
	}
	return false
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Server) addMember(c *gin.Context) {
	sc, ok := s.loadPanel(c, "id")
	if !ok {
		return
	}
	var req memberRequest
	if !decodeJSON(c, &req) {
		return
	}
	if p := req.problems(); len(p) > 0 {
		badRequest(c, "Some fields need correcting.", p...)
		return
	}
	if req.Language == "" {
		req.Language = "en"
	}
	row, err := s.deps.Store.Pool.Query(c.Request.Context(), `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on, language)
		VALUES ($1, $2, $3, $4, $5::date, $6) RETURNING `+memberColumns, sc.PanelID, req.Name, req.Email, req.Role, nullIfEmpty(req.ConfidentialitySignedOn), req.Language)
	var m memberRow
	if err == nil {
		m, err = pgx.CollectExactlyOneRow(row, scanMember)
	}
	if _, dup := store.IsUniqueViolation(err); dup {
		writeProblem(c, Problem{Status: http.StatusConflict, Title: "Already a member", Detail: "Someone on this panel already has that email address.",
			Errors: []FieldError{{"email", "is already used on this panel"}}})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusCreated, m)
}

// memberPatch changes a member; absent fields stay as they are.
type memberPatch struct {
	Email                   *string `json:"email"`
	Active                  *bool   `json:"active"`
	ConfidentialitySignedOn *string `json:"confidentiality_signed_on"`
	Language                *string `json:"language"`
}

// updateMember applies a change. A corrected email clears a bounce, so mail
// flows again; making a member inactive ends their access at once.
func (s *Server) updateMember(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var sc scope
	if err == nil {
		err = s.deps.Store.Pool.QueryRow(ctx, `SELECT p.id, p.area_id FROM members m JOIN panels p ON p.id = m.panel_id WHERE m.id = $1`, id).Scan(&sc.PanelID, &sc.AreaID)
	}
	if err != nil {
		notFound(c, "The member")
		return
	}
	if !allowed(currentUser(c), sc, routeRoles(c)...) {
		forbidden(c)
		return
	}
	var p memberPatch
	if !decodeJSON(c, &p) {
		return
	}
	var fields []FieldError
	if p.Email != nil {
		if _, err := mail.ParseAddress(*p.Email); err != nil {
			fields = append(fields, FieldError{"email", "is not an email address"})
		}
	}
	if p.ConfidentialitySignedOn != nil && *p.ConfidentialitySignedOn != "" {
		if _, err := time.Parse(time.DateOnly, *p.ConfidentialitySignedOn); err != nil {
			fields = append(fields, FieldError{"confidentiality_signed_on", "must be a date as YYYY-MM-DD"})
		}
	}
	if p.Language != nil && *p.Language != "en" && *p.Language != "cy" {
		fields = append(fields, FieldError{"language", "must be en or cy"})
	}
	if len(fields) > 0 {
		badRequest(c, "Some fields need correcting.", fields...)
		return
	}
	var m memberRow
	err = s.deps.Store.RawTx(ctx, func(tx pgx.Tx) error {
		row, err := tx.Query(ctx, `UPDATE members SET
				unreachable_since = CASE WHEN $2::text IS NOT NULL AND lower($2) <> lower(email) THEN NULL ELSE unreachable_since END,
				email = coalesce($2, email), active = coalesce($3, active),
				left_at = CASE WHEN $3 = false THEN coalesce(left_at, now()) WHEN $3 = true THEN NULL ELSE left_at END,
				confidentiality_signed_on = CASE WHEN $4::text IS NULL THEN confidentiality_signed_on ELSE NULLIF($4, '')::date END,
				language = coalesce($5, language)
			WHERE id = $1 RETURNING `+memberColumns, id, p.Email, p.Active, p.ConfidentialitySignedOn, p.Language)
		if err != nil {
			return err
		}
		if m, err = pgx.CollectExactlyOneRow(row, scanMember); err != nil {
			return err
		}
		return store.Audit(ctx, tx, currentUser(c).Name, "member_changed", "member", strconv.FormatInt(id, 10), nil)
	})
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// importCases takes an uploaded extract and reports the same row-and-column
// problems as the command line.
func (s *Server) importCases(c *gin.Context) {
	file, header, err := c.Request.FormFile("file")
	if err != nil {
		badRequest(c, "Attach the extract as the form field 'file'.", FieldError{"file", "is required"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, 50<<20+1))
	if err != nil || len(data) > 50<<20 {
		writeProblem(c, Problem{Status: http.StatusRequestEntityTooLarge, Title: "The file is too large", Detail: "Split the extract into files under 50 MB."})
		return
	}
	res, err := caseimport.Import(c.Request.Context(), s.deps.Store, header.Filename, data, currentUser(c).Name)
	var problems caseimport.Errors
	if errors.As(err, &problems) {
		c.JSON(http.StatusUnprocessableEntity, gin.H{"type": problemType + "import-refused", "title": "Nothing was imported",
			"status": http.StatusUnprocessableEntity, "detail": "Correct these problems and upload the file again.", "problems": problems})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusCreated, res)
}

type caseRow struct {
	ID        int64    `json:"id"`
	Area      string   `json:"area"`
	Reference string   `json:"reference"`
	Category  string   `json:"category"`
	Strands   []string `json:"strands"`
	Offence   string   `json:"principal_offence"`
	Finalised string   `json:"finalised_on"`
	Outcome   string   `json:"outcome"`
	Eligible  bool     `json:"eligible"`
}

// searchCases finds cases by Area, strand, finalised dates and reference or
// offence text. It never returns a URN.
func (s *Server) searchCases(c *gin.Context) {
	limit, offset, page := paging(c)
	u := currentUser(c)
	conds := []string{"true"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	switch u.Role {
	case "manager":
		add("c.area_id = ?", u.AreaID)
	case "coordinator", "chair":
		add("c.area_id IN (SELECT area_id FROM panels WHERE id = ANY(?))", u.PanelIDs)
	}
	var fields []FieldError
	if v := c.Query("strand"); v != "" {
		if st, ok := domain.StrandByCode(v); ok {
			add("EXISTS (SELECT 1 FROM case_strands cs WHERE cs.case_id = c.id AND cs.strand = ?)", st.Code)
		} else {
			fields = append(fields, FieldError{"strand", "is not a known strand"})
		}
	}
	if v := c.Query("area"); v != "" {
		if a, ok := domain.AreaByName(v); ok {
			add("c.area_id = (SELECT id FROM areas WHERE code = ?)", a.Code)
		} else {
			fields = append(fields, FieldError{"area", "is not a CPS Area"})
		}
	}
	for _, p := range []struct{ name, cond string }{{"finalised_from", "c.finalised_on >= ?"}, {"finalised_to", "c.finalised_on <= ?"}} {
		if v := c.Query(p.name); v != "" {
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				fields = append(fields, FieldError{p.name, "must be a date as YYYY-MM-DD"})
				continue
			}
			add(p.cond, d)
		}
	}
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		add("(c.reference ILIKE ? OR c.principal_offence ILIKE ?)", "%"+q+"%")
	}
	if len(fields) > 0 {
		badRequest(c, "Some filters are not valid.", fields...)
		return
	}
	where := strings.Join(conds, " AND ")
	ctx := c.Request.Context()
	var total int
	if err := s.deps.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM cases c WHERE `+where, args...).Scan(&total); err != nil {
		internalError(c, err)
		return
	}
	rows, err := s.deps.Store.Pool.Query(ctx, `SELECT c.id, a.name, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, to_char(c.finalised_on, 'YYYY-MM-DD'), c.outcome,
			c.withdrawn_at IS NULL AND NOT (c.appeal_pending OR c.vrr_pending OR c.codefendant_outstanding)
		FROM cases c JOIN areas a ON a.id = c.area_id WHERE `+where+` ORDER BY c.finalised_on DESC, c.id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
	if err != nil {
		internalError(c, err)
		return
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (caseRow, error) {
		var x caseRow
		return x, r.Scan(&x.ID, &x.Area, &x.Reference, &x.Category, &x.Strands, &x.Offence, &x.Finalised, &x.Outcome, &x.Eligible)
	})
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

type cycleListRow struct {
	ID          int64     `json:"id"`
	Panel       string    `json:"panel"`
	WindowStart string    `json:"window_start"`
	WindowEnd   string    `json:"window_end"`
	Stage       string    `json:"stage"`
	Meeting     time.Time `json:"meeting"`
	NotReturned int       `json:"reviews_not_returned"`
}

func (s *Server) listCycles(c *gin.Context) {
	limit, offset, page := paging(c)
	items, total, err := s.cycleList(c, limit, offset)
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// cycleList is a page of the cycles the user can see, newest first.
func (s *Server) cycleList(c *gin.Context, limit, offset int) ([]cycleListRow, int, error) {
	cond, args := userScope(currentUser(c))
	ctx := c.Request.Context()
	var total int
	if err := s.deps.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.deps.Store.Pool.Query(ctx, `SELECT cy.id, p.name, to_char(cy.window_start, 'YYYY-MM-DD'), to_char(cy.window_end, 'YYYY-MM-DD'), cy.stage,
			coalesce(m.starts_at, 'epoch'), (SELECT count(*) FROM reviews r WHERE r.cycle_id = cy.id AND r.status IN ('outstanding', 'draft', 'not_submitted') AND NOT r.removed)
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings m ON m.cycle_id = cy.id
		WHERE `+cond+` ORDER BY cy.id DESC LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, 0, err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycleListRow, error) {
		var x cycleListRow
		return x, r.Scan(&x.ID, &x.Panel, &x.WindowStart, &x.WindowEnd, &x.Stage, &x.Meeting, &x.NotReturned)
	})
	return items, total, err
}
