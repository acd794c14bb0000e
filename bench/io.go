package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/lsip/scrutiny/domain"
)

const (
	rowImport = "import: case CSV through `scrutiny import cases`, a process of its own"
	rowExport = "export: whole action log streamed by `scrutiny server`, a process of its own"
	rowReport = "report: governance report over the whole case pool and action log"
)

// childRuns bounds the runs of the scenarios that start a process each.
func (e *env) childRuns() int { return min(e.o.Runs, 3) }

// runImportExport times the case import and the action-log export, each
// in a process of its own whose peak RSS the kernel reports, and the
// governance report through the suite's server.
func runImportExport(ctx context.Context, e *env) ([]Row, error) {
	stack, err := e.dataset(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.actions(ctx); err != nil {
		return nil, err
	}
	var rows []Row
	if e.o.Binary == "" {
		rows = append(rows, notRun(rowImport), notRun(rowExport))
	} else {
		r, err := e.measureImport(ctx, stack)
		if err != nil {
			return rows, fmt.Errorf("import: %w", err)
		}
		rows = append(rows, r)
		if r, err = e.measureExport(ctx, stack); err != nil {
			return rows, fmt.Errorf("export: %w", err)
		}
		rows = append(rows, r)
	}
	to := time.Now().UTC().Format(time.DateOnly)
	ds, err := samples(ctx, e.o.Runs, nil, func(int) error {
		return e.get(ctx, stack.BaseURL+"/api/v1/reports/governance?from=2021-01-01&to="+to, e.adminToken, nil)
	})
	if err != nil {
		return rows, fmt.Errorf("governance report: %w", err)
	}
	r := timed(rowReport, ds, 2*time.Second)
	r.Note = fmt.Sprintf("GET /api/v1/reports/governance from 2021-01-01 to today as an admin (national figures and every Area's) over %d cases and %d actions", e.o.Scale.Cases, e.o.Scale.Actions)
	return append(rows, r), nil
}

// measureImport writes a fresh file of the scale's import rows for each
// run and imports it with the binary.
func (e *env) measureImport(ctx context.Context, stack *Stack) (Row, error) {
	dir, err := os.MkdirTemp("", "scrutiny-bench-import-")
	if err != nil {
		return Row{}, err
	}
	defer os.RemoveAll(dir)
	var peak int64
	var files []string
	ds, err := samples(ctx, e.childRuns(), func(run int) error {
		path := filepath.Join(dir, fmt.Sprintf("cases-%d.csv", run))
		files = append(files, path)
		return writeImportFile(path, run, e.o.Scale.ImportRows)
	}, func(run int) error {
		_, rss, err := runChild(e.o.Binary, []string{"DATABASE_URL=" + stack.DatabaseURL, "MIGRATE_DATABASE_URL=", "LOG_LEVEL=warn"},
			"import", "cases", "-by", "bench", files[run])
		peak = max(peak, rss)
		return err
	})
	if err != nil {
		return Row{}, err
	}
	r := timed(rowImport, ds, 10*time.Second)
	r.Budget = "median ≤ 10 s, peak RSS < 300 MB"
	r.Value = "peak RSS " + mb(peak)
	r.Status = verdict(r.Status == Met && peak < 300<<20)
	r.Note = fmt.Sprintf("%d rows a file, a new file each run; peak RSS %s (largest of the runs), the process's start and migration check included", e.o.Scale.ImportRows, mb(peak))
	return r, nil
}

// writeImportFile writes n anonymised cases in the documented CSV layout,
// each reference new to the run.
func writeImportFile(path string, run, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"area", "reference", "urn", "category", "strands", "principal_offence", "finalised_date", "outcome",
		"uplift_applied", "victim_personal_statement", "special_measures", "youth_victim", "online_offending", "summary"})
	yes := func(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }
	for i := range n {
		s := domain.Strands[i%len(domain.Strands)]
		w.Write([]string{domain.Areas[i%len(domain.Areas)].Name, fmt.Sprintf("IMP-%d-%06d", run, i), fmt.Sprintf("BENCHURN%d%06d", run, i),
			string(s.Category), s.Code, "Synthetic offence for the import benchmark", time.Date(2025, 1+time.Month(i%12), 1+i%28, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
			"conviction_plea", yes(i%3 == 0), yes(i%2 == 0), yes(i%5 == 0), yes(i%10 == 3), yes(i%7 == 2),
			"The defendant pleaded guilty at the first hearing. A victim personal statement was read in court. Synthetic benchmark row."})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// measureExport starts `scrutiny server` on the dataset and downloads the
// whole action log from it, then stops it and reads its peak RSS.
func (e *env) measureExport(ctx context.Context, stack *Stack) (Row, error) {
	env, base, err := serverEnv(stack.DatabaseURL)
	if err != nil {
		return Row{}, err
	}
	c, err := startChild(e.o.Binary, env, "server")
	if err != nil {
		return Row{}, err
	}
	if err := c.awaitOK(ctx, base+"/healthz", time.Minute); err != nil {
		c.stop()
		return Row{}, err
	}
	// Most of an idle server's RSS is the binary's code and data paged in
	// from its file (about 90 of 110 MB), not the heap: noted beside the
	// peak, it shows what the export adds.
	idle, err := c.rss()
	if err != nil {
		c.stop()
		return Row{}, err
	}
	var size int64
	ds, err := samples(ctx, e.childRuns(), nil, func(int) error {
		return e.get(ctx, base+"/api/v1/actions/export", e.adminToken, &size)
	})
	peak, stopErr := c.stop()
	if err != nil {
		return Row{}, err
	}
	if stopErr != nil {
		return Row{}, stopErr
	}
	r := timed(rowExport, ds, 3*time.Second)
	r.Budget = "median ≤ 3 s, peak RSS < 150 MB"
	r.Value = "peak RSS " + mb(peak)
	r.Status = verdict(r.Status == Met && peak < 150<<20)
	r.Note = fmt.Sprintf("GET /api/v1/actions/export as an admin, every one of the %d actions, a %s workbook; peak RSS %s of the server process over its whole life, %s before the first request", e.o.Scale.Actions, mb(size), mb(peak), mb(idle))
	return r, nil
}

// get fetches url with the staff token and reads the whole answer,
// failing on anything but 200; size, if set, receives its length.
func (e *env) get(ctx context.Context, url, token string, size *int64) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	if size != nil {
		*size = n
	}
	return nil
}

// notRun is a row the suite could not measure without the binary.
func notRun(name string) Row {
	return Row{Name: name, Status: NotRun, Note: "needs the scrutiny binary (run `scrutiny bench`)"}
}
