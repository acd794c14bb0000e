package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/config"
)

// TestSecurityHeadersOnEveryResponse: pages, API answers, problems and
// probes all carry the headers; HSTS only over HTTPS.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	for _, publicURL := range []string{"http://localhost:8080", "https://scrutiny.example"} {
		s := New(Deps{Config: config.Config{PublicURL: publicURL}})
		for _, path := range []string{"/healthz", "/login", "/api/v1/panels", "/no-such-page", "/static/no-such-file.css"} {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			h := rec.Header()
			if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s %s (%d): headers %v", publicURL, path, rec.Code, h)
			}
			if hsts := h.Get("Strict-Transport-Security"); (hsts != "") != strings.HasPrefix(publicURL, "https://") {
				t.Errorf("%s %s: HSTS %q", publicURL, path, hsts)
			}
		}
	}
}

// TestPanicLogsTheRouteNotTheLink: a handler that panics answers with the
// generic problem, and the log names the route pattern, never the token
// in the member's link.
func TestPanicLogsTheRouteNotTheLink(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(old)

	s := New(Deps{})
	s.engine.GET("/m/:token/explode", func(*gin.Context) { panic("boom") })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/m/secret-token-value/explode", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(logs.String(), "secret-token-value") || !strings.Contains(logs.String(), "/m/:token/explode") {
		t.Errorf("log: %s", logs.String())
	}
}

// TestForwardedForOnlyFromTrustedProxies: a client cannot choose the
// address its sign-ins are counted against by sending X-Forwarded-For;
// only a configured proxy is believed.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	for _, c := range []struct {
		proxies []string
		want    string
	}{{nil, "192.0.2.1"}, {[]string{"192.0.2.0/24"}, "203.0.113.9"}} {
		s := New(Deps{Config: config.Config{TrustedProxies: c.proxies}})
		s.engine.GET("/whoami", func(g *gin.Context) { g.String(http.StatusOK, g.ClientIP()) })
		req := httptest.NewRequest(http.MethodGet, "/whoami", nil)
		req.RemoteAddr = "192.0.2.1:4321"
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Body.String() != c.want {
			t.Errorf("proxies %v: client address %q, want %q", c.proxies, rec.Body.String(), c.want)
		}
	}
}
