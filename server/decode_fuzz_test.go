package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
)

// FuzzDecodeJSON feeds the request decoder arbitrary bodies for a real
// request type: it never panics, and it either accepts the body or answers
// 400 or 413 with a problem+json body that names what was wrong.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"description":"Brief lawyers","owner_name":"Owner","owner_email":"o@example.org","due":"2027-04-30T00:00:00Z"}`))
	f.Add([]byte(`{"description": 5}`))
	f.Add([]byte(`{"surprise": true}`))
	f.Add([]byte(`{"due": "not a time"}`))
	f.Add([]byte(`{} {}`))
	f.Add([]byte(`[`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/cycles/1/actions", bytes.NewReader(body))
		var v cycle.AgreedAction
		if decodeJSON(c, &v) {
			return
		}
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("refused with %d", rec.Code)
		}
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Title == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("refusal is not a problem: %q (%v)", rec.Body.String(), err)
		}
	})
}
