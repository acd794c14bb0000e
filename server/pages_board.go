package server

import (
	"errors"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// boardPageRoutes are the admin's pages of the six-monthly Board report:
// its recipients and day (which set up its Temporal Schedule), and the
// report for any period, on demand.
func (s *Server) boardPageRoutes() {
	admin := s.engine.Group("/admin", s.requireSession, requireRole(adminOnly))
	admin.GET("/board", s.boardPage)
	admin.POST("/board", s.boardSubmit)
	admin.GET("/board/report.xlsx", s.boardDownload)
}

// boardForm is the Board report page's data, as stored or as typed.
type boardForm struct {
	Recipients, Day, Month string
	Months                 []boardMonth
	Set                    bool   // whether the schedule is set up
	From, To               string // the on-demand period
}

// boardMonth is a choice of the months the report runs in: the first
// month's number and both months' names.
type boardMonth struct{ Value, Label string }

// boardMonths are the choices: a first month from January to June, and
// six months later.
var boardMonths = []boardMonth{{"1", "January and July"}, {"2", "February and August"}, {"3", "March and September"},
	{"4", "April and October"}, {"5", "May and November"}, {"6", "June and December"}}

func (s *Server) boardPage(c *gin.Context) {
	p := boardreport.PeriodBefore(time.Now())
	f := boardForm{Day: "1", Month: "4", Months: boardMonths, From: p.From, To: p.To}
	switch set, err := s.deps.Store.BoardReport(c.Request.Context()); {
	case err == nil:
		f.Recipients, f.Day, f.Month, f.Set = strings.Join(set.Recipients, "\n"), strconv.Itoa(set.DayOfMonth), strconv.Itoa(set.FirstMonth), true
	case !errors.Is(err, store.ErrNotFound):
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "admin_board.html", s.staffPage(c, page{Title: "Board report", Flash: c.Query("done"), Page: f}))
}

// boardSubmit saves the recipients and day, and creates or updates the
// schedule to match; the change is audited. Each wrong field is named.
func (s *Server) boardSubmit(c *gin.Context) {
	f := boardForm{Recipients: c.PostForm("recipients"), Day: c.PostForm("day"), Month: c.PostForm("month"), Months: boardMonths}
	set, errs := boardSettings(f)
	if len(errs) > 0 {
		p := boardreport.PeriodBefore(time.Now())
		f.From, f.To = p.From, p.To
		render(c, http.StatusUnprocessableEntity, "admin_board.html", s.staffPage(c, page{Title: "Board report", Page: f, Errors: errs, FieldErrors: adminFieldMap(errs)}))
		return
	}
	ctx := c.Request.Context()
	set.UpdatedBy = currentUser(c).Email
	err := s.deps.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveBoardReport(ctx, set); err != nil {
			return err
		}
		return tx.Audit(ctx, set.UpdatedBy, "board_report_set", "schedule", boardreport.ScheduleID,
			map[string]any{"recipients": len(set.Recipients), "day": set.DayOfMonth, "first_month": set.FirstMonth})
	})
	if err == nil {
		err = boardreport.EnsureSchedule(ctx, s.deps.Temporal, s.deps.Config.TaskQueue, set)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	adminDone(c, "/admin/board", "The Board report is set up: it runs on day "+f.Day+" of "+boardMonths[set.FirstMonth-1].Label+".")
}

// boardSettings reads the form, naming each field that is wrong.
func boardSettings(f boardForm) (store.BoardReportSettings, []FieldError) {
	var set store.BoardReportSettings
	var errs []FieldError
	for _, line := range strings.FieldsFunc(f.Recipients, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		addr := strings.TrimSpace(line)
		if addr == "" {
			continue
		}
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			errs = append(errs, FieldError{Field: "recipients", Message: "Recipients: \"" + addr + "\" is not an email address"})
			continue
		}
		set.Recipients = append(set.Recipients, addr)
	}
	if len(set.Recipients) == 0 && len(errs) == 0 {
		errs = append(errs, FieldError{Field: "recipients", Message: "Recipients: enter at least one email address, one a line"})
	}
	day, err := strconv.Atoi(strings.TrimSpace(f.Day))
	if err != nil || day < 1 || day > 28 {
		errs = append(errs, FieldError{Field: "day", Message: "Day of the month must be a number from 1 to 28"})
	}
	month, err := strconv.Atoi(f.Month)
	if err != nil || month < 1 || month > 6 {
		errs = append(errs, FieldError{Field: "month", Message: "Choose the months the report runs in"})
	}
	set.DayOfMonth, set.FirstMonth = day, month
	return set, errs
}

// boardDownload builds the Board's report for any period, exactly as the
// schedule does, and sends it; the read is audited like any report.
func (s *Server) boardDownload(c *gin.Context) {
	from, to, fields := reportPeriod(c.Query)
	if len(fields) > 0 {
		errs := make([]FieldError, len(fields))
		for i, f := range fields {
			errs[i] = FieldError{Field: f.Field, Message: map[string]string{"from": "From", "to": "To"}[f.Field] + " " + f.Message}
		}
		render(c, http.StatusUnprocessableEntity, "admin_board.html", s.staffPage(c, page{Title: "Board report",
			Page: boardForm{Day: "1", Month: "4", Months: boardMonths, From: c.Query("from"), To: c.Query("to")}, Errors: errs, FieldErrors: adminFieldMap(errs)}))
		return
	}
	err := s.recordRead(c, "report_produced", "report", "board", nil)
	var data []byte
	if err == nil {
		data, err = boardreport.Build(c.Request.Context(), s.deps.Store, from, to)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+boardreport.Filename(from, to)+`"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}
