package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestDecodeJSONRefusals(t *testing.T) {
	type body struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	for _, tc := range []struct {
		name, in    string
		contentType string
		status      int
		mention     string
	}{
		{"unknown field", `{"name": "x", "colour": "red"}`, "application/json", http.StatusBadRequest, `"field":"colour"`},
		{"wrong type", `{"n": "seven"}`, "application/json", http.StatusBadRequest, `"field":"n"`},
		{"not JSON", `{"name": `, "application/json", http.StatusBadRequest, "not valid JSON."},
		{"empty", ``, "application/json", http.StatusBadRequest, "body is empty"},
		{"a form sent by mistake", `name=x`, "application/x-www-form-urlencoded", http.StatusBadRequest, "sent as application/x-www-form-urlencoded. Send a JSON object with Content-Type: application/json"},
		{"too large", `{"name": "` + strings.Repeat("x", maxBodyBytes) + `"}`, "application/json", http.StatusRequestEntityTooLarge, "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest("POST", "/x", strings.NewReader(tc.in))
			c.Request.Header.Set("Content-Type", tc.contentType)
			var b body
			if decodeJSON(c, &b) {
				t.Fatal("accepted")
			}
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.Body.String(), tc.mention) {
				t.Errorf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
		})
	}
}

func TestInternalErrorLeaksNothing(t *testing.T) {
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("GET", "/x", nil)
	internalError(c, &secretError{})
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "SELECT") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("internal error body: %s", rec.Body.String())
	}
}

type secretError struct{}

func (*secretError) Error() string {
	return `ERROR: column "urn" in SELECT urn FROM case_urns (SQLSTATE 42703)`
}

// A page whose template fails is never sent half-rendered under the
// status the handler meant: the reader gets the error page and a 500.
func TestFailedPageRendersTheErrorPage(t *testing.T) {
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("GET", "/x", nil)
	render(c, http.StatusOK, "no-such-page.html", page{Title: "Never shown"})
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), serverProblem.Title) || strings.Contains(rec.Body.String(), "Never shown") {
		t.Errorf("%d %s", rec.Code, rec.Body.String())
	}
}
