package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestIdempotencyKeyNamesTheUpdate: the same key (a header from an API
// client, or the hidden field every staff form carries) gives the same
// update ID, so a retried request is one update; different keys or
// workflows give different IDs, and no key leaves Temporal to choose.
func TestIdempotencyKeyNamesTheUpdate(t *testing.T) {
	idOf := func(req *http.Request) string {
		var got string
		r := gin.New()
		r.Use(idempotencyKey)
		r.POST("/x", func(c *gin.Context) { got = updateID(c.Request.Context(), "cycle-1", "add-action") })
		r.ServeHTTP(httptest.NewRecorder(), req)
		return got
	}
	header := func(key string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader("{}"))
		req.Header.Set("Idempotency-Key", key)
		return req
	}
	form := func(key string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(url.Values{"idempotency_key": {key}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	a, again, b := idOf(header("k1")), idOf(header("k1")), idOf(header("k2"))
	if a == "" || a != again || a == b {
		t.Errorf("header keys: %q %q %q", a, again, b)
	}
	if f1, f2 := idOf(form("k1")), idOf(form("k1")); f1 == "" || f1 != f2 {
		t.Errorf("form keys: %q %q", f1, f2)
	}
	if none := updateID(context.Background(), "cycle-1", "add-action"); none != "" {
		t.Errorf("no key gave %q", none)
	}
	if updateID(context.WithValue(context.Background(), idempotencyKeyCtx{}, "k1"), "cycle-2", "add-action") == a {
		t.Error("the same key on another workflow gave the same ID")
	}
}
