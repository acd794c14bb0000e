package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/bench"
)

// TestLoadCountsACutShortAnswerAsFailed: the load generator drops a
// success's body unread into memory, but still reads it to its end, so an
// answer whose connection ends before its promised length is a failure,
// not a 2xx.
func TestLoadCountsACutShortAnswerAsFailed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/whole" {
			w.Write([]byte(`{"items": []}`))
			return
		}
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte(`{"items": [`))
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path     string
		ok, fail int
	}{{"/whole", 4, 0}, {"/cut", 0, 4}} {
		res := bench.GenerateLoad(context.Background(), []bench.Target{{Method: "GET", URL: srv.URL + tc.path}}, 40, 100*time.Millisecond)
		if res.OK != tc.ok || res.Failed != tc.fail {
			t.Errorf("%s: %d answered 2xx, %d failed (%s); want %d and %d", tc.path, res.OK, res.Failed, res.FirstFailure, tc.ok, tc.fail)
		}
		if tc.fail > 0 && !strings.Contains(res.FirstFailure, "reading the answer") {
			t.Errorf("%s: the failure says %q, not that the answer was cut short", tc.path, res.FirstFailure)
		}
	}
}
