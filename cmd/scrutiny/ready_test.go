//go:build !production

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"

	"github.com/lsip/scrutiny/devstack/devtemporal"
	"github.com/lsip/scrutiny/devstack/freeport"
	"github.com/lsip/scrutiny/testenv"
)

// readiness is what /readyz answered.
type readiness struct {
	code   int
	checks map[string]string
}

// TestServerReadyOnlyOnceTemporalAnswers starts `scrutiny server` with
// TEMPORAL_ADDRESS pointing where nothing listens: it starts anyway and
// /readyz answers 503, naming Temporal unavailable. Then a Temporal server
// starts on that address, and /readyz turns 200 without the server being
// restarted.
func TestServerReadyOnlyOnceTemporalAnswers(t *testing.T) {
	st := testenv.DB(t)
	var temporalAddr, httpAddr, metricsAddr string
	for _, addr := range []*string{&temporalAddr, &httpAddr, &metricsAddr} {
		a, err := freeport.Address()
		if err != nil {
			t.Fatal(err)
		}
		*addr = a
	}
	for k, v := range map[string]string{
		"DATABASE_URL": testenv.URL(t, st), "MIGRATE_DATABASE_URL": "", "TEMPORAL_ADDRESS": temporalAddr, "TEMPORAL_NAMESPACE": "default",
		"HTTP_ADDR": httpAddr, "METRICS_ADDR": metricsAddr, "LINK_SIGNING_KEY": randomBase64(t, 48), "PAYLOAD_KEYS": "ready:" + randomBase64(t, 32),
		"TEMPORAL_TLS_CERT": "", "TEMPORAL_TLS_KEY": "", "TEMPORAL_TLS_CA": "", "TEMPORAL_TLS_SERVER_NAME": "", "TEMPORAL_API_KEY": "",
	} {
		t.Setenv(k, v)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var serverErr error
	stopped := make(chan struct{})
	go func() { serverErr = runServer(ctx, nil); close(stopped) }()
	t.Cleanup(func() {
		cancel()
		<-stopped
		if serverErr != nil {
			t.Errorf("server stopped with %v", serverErr)
		}
	})
	serverDone := func() error {
		select {
		case <-stopped:
			return fmt.Errorf("the server stopped: %v", serverErr)
		default:
			return nil
		}
	}

	url := "http://" + httpAddr + "/readyz"
	down := pollReady(t, serverDone, url, func(r readiness) bool { return r.code != 0 })
	if down.code != http.StatusServiceUnavailable || down.checks["temporal"] != "unavailable" || down.checks["postgres"] != "ok" {
		t.Fatalf("/readyz with Temporal down: %d %v, want 503 with temporal unavailable and postgres ok", down.code, down.checks)
	}

	dir := t.TempDir()
	ts, err := devtemporal.Start(devtemporal.Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: temporalAddr,
		Namespace: "default", LogFile: filepath.Join(dir, "temporal.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Stop() })

	up := pollReady(t, serverDone, url, func(r readiness) bool { return r.code == http.StatusOK })
	if up.checks["temporal"] != "ok" || up.checks["postgres"] != "ok" {
		t.Errorf("/readyz once Temporal is up: %v, want both ok", up.checks)
	}
}

// TestWorkerDialRetriesUntilTemporalReady: a worker started before
// Temporal logs that it is unreachable and keeps trying, and connects once
// a Temporal server starts on TEMPORAL_ADDRESS.
func TestWorkerDialRetriesUntilTemporalReady(t *testing.T) {
	temporalAddr, err := freeport.Address()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	saved := logger
	logger = slog.New(slog.NewTextHandler(logs, nil))
	t.Cleanup(func() { logger = saved })

	cfg := config.Config{TemporalAddress: temporalAddr, TemporalNamespace: "default", PayloadKeys: "ready:" + randomBase64(t, 32)}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	type dialed struct {
		tc  client.Client
		err error
	}
	result := make(chan dialed, 1)
	go func() {
		tc, err := dialTemporalRetrying(ctx, cfg)
		result <- dialed{tc, err}
	}()
	for !strings.Contains(logs.String(), "Temporal unreachable; retrying") {
		select {
		case r := <-result:
			t.Fatalf("the dial ended before Temporal started: %v", r.err)
		case <-ctx.Done():
			t.Fatal("no retry was logged")
		case <-time.After(100 * time.Millisecond):
		}
	}

	dir := t.TempDir()
	ts, err := devtemporal.Start(devtemporal.Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: temporalAddr,
		Namespace: "default", LogFile: filepath.Join(dir, "temporal.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Stop() })
	r := <-result
	if r.err != nil {
		t.Fatalf("the dial gave up: %v", r.err)
	}
	defer r.tc.Close()
	if _, err := r.tc.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		t.Errorf("connected client: %v", err)
	}
}

// syncBuffer is a buffer one goroutine logs to while another reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pollReady asks url until until holds of the answer, failing the test if
// stopped reports the server gone or two minutes pass first. Before the
// server listens the code is 0.
func pollReady(t *testing.T, stopped func() error, url string, until func(readiness) bool) readiness {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var last readiness
	for time.Now().Before(deadline) {
		if err := stopped(); err != nil {
			t.Fatal(err)
		}
		last = getReadiness(url)
		if until(last) {
			return last
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("/readyz still answered %d %v after two minutes", last.code, last.checks)
	return last
}

func getReadiness(url string) readiness {
	resp, err := http.Get(url)
	if err != nil {
		return readiness{}
	}
	defer resp.Body.Close()
	var body struct {
		Checks map[string]string `json:"checks"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	return readiness{code: resp.StatusCode, checks: body.Checks}
}

// randomBase64 is n random bytes in base64: a secret the production
// checks accept.
func randomBase64(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}
