package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

func TestReadyzNeedsPostgresAndTemporal(t *testing.T) {
	st := testenv.DB(t)
	ts := temporalenv.Start(t)
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: ts.Client()}).Handler())
	defer srv.Close()

	if code, body := get(t, srv.URL+"/readyz"); code != http.StatusOK || body["status"] != "ready" {
		t.Fatalf("readyz = %d %v", code, body)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz = %d", code)
	}

	// A client whose server is gone: not ready, and the check says which.
	dead, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	down := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: dead}).Handler())
	defer down.Close()
	code, body := get(t, down.URL+"/readyz")
	checks, _ := body["checks"].(map[string]any)
	if code != http.StatusServiceUnavailable || checks["temporal"] != "unavailable" || checks["postgres"] != "ok" {
		t.Fatalf("readyz without Temporal = %d %v", code, body)
	}
}

func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}
