package devtemporal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/devstack/freeport"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
)

// waitForSignal blocks until it is signalled, as a cycle waits for people.
func waitForSignal(ctx workflow.Context) (string, error) {
	var v string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &v)
	return v, nil
}

// TestStateSurvivesRestart is what `dev` promises: stop the server, start
// it again on the same file, and a workflow started before carries on.
func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	opts := Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: freeAddr(t), Namespace: "default", LogFile: filepath.Join(dir, "temporal.log")}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, opts.FrontendAddress)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "survivor", TaskQueue: "q"}, waitForSignal)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	srv, err = Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c = dial(t, opts.FrontendAddress)
	defer c.Close()
	w := worker.New(c, "q", worker.Options{})
	w.RegisterWorkflow(waitForSignal)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := c.SignalWorkflow(ctx, "survivor", run.GetRunID(), "go", "after restart"); err != nil {
		t.Fatalf("signal the workflow started before the restart: %v", err)
	}
	var got string
	if err := c.GetWorkflow(ctx, "survivor", run.GetRunID()).Get(ctx, &got); err != nil || got != "after restart" {
		t.Fatalf("result %q, %v", got, err)
	}
}

func dial(t *testing.T, addr string) client.Client {
	t.Helper()
	var c client.Client
	var err error
	for range 50 {
		if c, err = client.Dial(client.Options{HostPort: addr, Namespace: "default", DataConverter: payloadcrypttest.DataConverter()}); err == nil {
			return c
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal(err)
	return nil
}

func freeAddr(t *testing.T) string {
	addr, err := freeport.Address()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestWriteAheadLog: the SQLite file runs in write-ahead-log mode (its
// -wal file exists while the server runs), not the rollback journal that
// syncs the disk on every commit.
func TestWriteAheadLog(t *testing.T) {
	dir := t.TempDir()
	srv, err := Start(Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: freeAddr(t), Namespace: "default", LogFile: filepath.Join(dir, "temporal.log")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c := dial(t, srv.HostPort())
	defer c.Close()
	if _, err := os.Stat(filepath.Join(dir, "temporal.db-wal")); err != nil {
		t.Errorf("no write-ahead log beside the database: %v", err)
	}
}
