package loadrun

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// apiClient calls the JSON API. It retries what the server asks to be
// retried (429 and 503, after Retry-After) and connections that fail, each
// write carrying an Idempotency-Key so a retry is the same update.
type apiClient struct {
	base    string
	http    *http.Client
	retries atomic.Int64
}

func newAPIClient(base string, conns int) *apiClient {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = conns, conns
	return &apiClient{base: base, http: &http.Client{Transport: t, Timeout: 2 * time.Minute}}
}

// call is one request: who makes it (a staff token, or none for a member
// link, whose address goes in X-Forwarded-For) and what it sends.
type call struct {
	method, path string
	token        string // a staff API token
	address      string // a member's network address
	key          string // the Idempotency-Key of a write
	body         any
}

// maxAttempts bounds the retries of one request.
const maxAttempts = 30

// do sends c until it gets an answer that is not "try again", decodes a
// 2xx answer into out (if not nil), and returns an error naming the
// status and the problem for any other.
func (a *apiClient) do(ctx context.Context, c call, out any) error {
	var payload []byte
	if c.body != nil {
		var err error
		if payload, err = json.Marshal(c.body); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		status, body, wait, err := a.once(ctx, c, payload)
		retry := err != nil || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
		if !retry {
			if status/100 != 2 {
				return fmt.Errorf("%s %s: %d %s", c.method, c.path, status, bytes.TrimSpace(body))
			}
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("%s %s: %w", c.method, c.path, err)
			}
			return nil
		}
		if attempt == maxAttempts || ctx.Err() != nil {
			if err == nil {
				err = fmt.Errorf("%d %s", status, bytes.TrimSpace(body))
			}
			return fmt.Errorf("%s %s after %d attempts: %w", c.method, c.path, attempt, err)
		}
		a.retries.Add(1)
		if wait <= 0 {
			wait = time.Duration(attempt) * 200 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// once sends the request once and reads the whole answer, with the wait
// Retry-After asks for.
func (a *apiClient) once(ctx context.Context, c call, payload []byte) (int, []byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, c.method, a.base+c.path, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, 0, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.address != "" {
		req.Header.Set("X-Forwarded-For", c.address)
	}
	if c.key != "" {
		req.Header.Set("Idempotency-Key", c.key)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, 0, err
	}
	secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, body, time.Duration(secs) * time.Second, nil
}
