package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// Target is one request of a load, sent in turn with the others.
type Target struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
}

// LoadResult is what a load measured. Latency runs from the moment a
// request was due, not from when it went out, so a server that falls
// behind shows in the figures instead of slowing the load down (the
// "coordinated omission" of closed-loop generators such as wrk).
type LoadResult struct {
	Sent, OK, Failed int
	// Dropped requests were due while maxInFlight were still waiting;
	// they count as failed.
	Dropped            int
	P50, P95, P99, Max time.Duration
	FirstFailure       string `json:",omitempty"`
}

// maxInFlight bounds the requests waiting at once.
const maxInFlight = 4000

// GenerateLoad sends the targets in turn at rate requests a second for d,
// open loop: each request goes out when it is due, whether or not earlier
// ones have been answered.
func GenerateLoad(ctx context.Context, targets []Target, rate int, d time.Duration) LoadResult {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = maxInFlight, maxInFlight
	hc := &http.Client{Transport: t, Timeout: 30 * time.Second}
	n := int(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	var (
		mu        sync.Mutex
		res       LoadResult
		latencies = make([]time.Duration, 0, n)
		wg        sync.WaitGroup
		slots     = make(chan struct{}, maxInFlight)
	)
	record := func(lat time.Duration, failure string) {
		mu.Lock()
		defer mu.Unlock()
		latencies = append(latencies, lat)
		if failure == "" {
			res.OK++
			return
		}
		res.Failed++
		if res.FirstFailure == "" {
			res.FirstFailure = failure
		}
	}
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-ctx.Done():
				wg.Wait()
				return res
			case <-time.After(wait):
			}
		}
		res.Sent++
		select {
		case slots <- struct{}{}:
		default:
			mu.Lock()
			res.Dropped++
			res.Failed++
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			failure := send(ctx, hc, targets[i%len(targets)])
			record(time.Since(due), failure)
		})
	}
	wg.Wait()
	res.P50, res.P95, res.P99 = percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99)
	res.Max = percentile(latencies, 100)
	return res
}

// send makes one request and reads its answer, returning why it failed,
// or "" for a 2xx answer read to its end: an answer cut short is a
// failure. A success's body is dropped as it is read; a failure's is kept
// for the message.
func send(ctx context.Context, hc *http.Client, tg Target) string {
	req, err := http.NewRequestWithContext(ctx, tg.Method, tg.URL, bytes.NewReader(tg.Body))
	if err != nil {
		return err.Error()
	}
	for k, v := range tg.Header {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%s %s: %d %s", tg.Method, tg.URL, resp.StatusCode, tail(string(body)))
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Sprintf("%s %s: reading the answer: %v", tg.Method, tg.URL, err)
	}
	return ""
}

// LoadMain is `scrutiny bench load`, the load generator the suite runs as
// a process of its own so that the load does not share the server's
// process: it reads the targets (a JSON array) from -targets, sends them
// at -rate for -duration and prints the LoadResult as JSON.
func LoadMain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	path := fs.String("targets", "", "JSON file of the requests to send in turn")
	rate := fs.Int("rate", 100, "requests a second")
	d := fs.Duration("duration", 10*time.Second, "how long to send")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*path)
	if err != nil {
		return err
	}
	var targets []Target
	if err := json.Unmarshal(data, &targets); err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	if len(targets) == 0 || *rate <= 0 {
		return fmt.Errorf("need targets and a positive rate")
	}
	return json.NewEncoder(stdout).Encode(GenerateLoad(ctx, targets, *rate, *d))
}
