package server

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// limitsServer is a server with a real store and no reachable Temporal:
// the limits act before any handler needs it.
func limitsServer(t *testing.T) (*Server, *store.Store) {
	t.Helper()
	st := testenv.DB(t)
	unused, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unused.Close)
	signer, err := links.NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return New(Deps{Store: st, Temporal: unused, Links: signer}), st
}

// serve sends one request from addr, as the server's peer.
func serve(s *Server, method, target, addr string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = addr + ":40000"
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// Sign-ins from one address beyond the burst are refused with 429 and
// Retry-After, even when each succeeds (so the database's failure
// throttle never counts them); another address is not affected.
func TestSignInRateLimitPerAddress(t *testing.T) {
	s, st := limitsServer(t)
	id, err := st.CreateUser(context.Background(), store.User{Name: "Cara", Email: "cara@cps.example", Role: domain.StaffChair})
	if err == nil {
		err = st.SetPassword(context.Background(), id, "correct horse battery staple 42")
	}
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"email": {"cara@cps.example"}, "password": {"correct horse battery staple 42"}}.Encode()
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	// The bucket refills while passwords are checked, so the refusal comes
	// after the burst and what refilled meanwhile.
	start := time.Now()
	var w *httptest.ResponseRecorder
	n := 0
	for n = 1; n <= 2*signInRate.burst; n++ {
		w = serve(s, "POST", "/login", "198.51.100.7", strings.NewReader(form), header)
		if w.Code != http.StatusSeeOther {
			break
		}
	}
	refilled := int(time.Since(start) / signInRate.every)
	if n <= signInRate.burst || n > signInRate.burst+refilled+1 {
		t.Errorf("the first refusal was sign-in %d; want it after %d and by %d", n, signInRate.burst, signInRate.burst+refilled+1)
	}
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("sign-in %d = %d, Retry-After %q; want 429 with Retry-After", n, w.Code, w.Header().Get("Retry-After"))
	}
	if !strings.Contains(w.Body.String(), "Too many requests") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("the refusal is not a readable page: %s\n%s", w.Header().Get("Content-Type"), w.Body.String())
	}
	if w := serve(s, "POST", "/login", "198.51.100.8", strings.NewReader(form), header); w.Code != http.StatusSeeOther {
		t.Errorf("another address = %d, want 303", w.Code)
	}
	// The sign-in page itself is not limited.
	if w := serve(s, "GET", "/login", "198.51.100.7", nil, nil); w.Code != http.StatusOK {
		t.Errorf("GET /login = %d", w.Code)
	}
}

// Member links are limited per address and per link, on the pages and
// the API alike; the API answers problem+json.
func TestMemberRateLimits(t *testing.T) {
	s, _ := limitsServer(t)
	// One link from many addresses.
	for i := range memberLinkRate.burst {
		if w := serve(s, "GET", "/m/some-link", fmt.Sprintf("192.0.2.%d", i%200), nil, nil); w.Code == http.StatusTooManyRequests {
			t.Fatalf("request %d on one link refused", i+1)
		}
	}
	w := serve(s, "GET", "/api/v1/m/some-link", "203.0.113.9", nil, nil)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("past the link's burst: %d %q %q", w.Code, w.Header().Get("Retry-After"), w.Header().Get("Content-Type"))
	}
	if w := serve(s, "GET", "/m/another-link", "203.0.113.9", nil, nil); w.Code == http.StatusTooManyRequests {
		t.Error("another link was refused")
	}
	// An action owner's link is limited the same way.
	for i := range memberLinkRate.burst {
		if w := serve(s, "GET", "/o/owner-link", fmt.Sprintf("198.51.100.%d", i%200), nil, nil); w.Code == http.StatusTooManyRequests {
			t.Fatalf("request %d on one owner link refused", i+1)
		}
	}
	if w := serve(s, "GET", "/o/owner-link", "198.51.100.250", nil, nil); w.Code != http.StatusTooManyRequests {
		t.Errorf("past an owner link's burst: %d", w.Code)
	}

	// Many links from one address, IPv6 addresses counted by their /64.
	for i := range memberAddrRate.burst {
		if w := serve(s, "GET", fmt.Sprintf("/m/link-%d", i), fmt.Sprintf("[2001:db8:1:2::%x]", i+1), nil, nil); w.Code == http.StatusTooManyRequests {
			t.Fatalf("request %d from one network refused", i+1)
		}
	}
	w = serve(s, "GET", "/m/link-x", "[2001:db8:1:2:ffff::1]", nil, nil)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "Too many requests") {
		t.Fatalf("past the network's burst: %d", w.Code)
	}
}

// The limiter forgets idle entries and never holds more than maxKeys.
func TestRateLimiterMemoryIsBounded(t *testing.T) {
	k := newKeyedLimiter(bucketRate{every: time.Second, burst: 2})
	now := time.Now()
	for i := range maxKeys + 500 {
		k.allow(fmt.Sprint(i), now)
	}
	if n := len(k.buckets); n > maxKeys {
		t.Fatalf("%d entries held, more than %d", n, maxKeys)
	}
	k.allow("late", now.Add(time.Hour))
	if n := len(k.buckets); n != 1 {
		t.Errorf("%d entries after an hour idle, want only the new one", n)
	}
	if ok, _ := k.allow("late", now.Add(time.Hour)); !ok {
		t.Error("the second request of a burst of 2 was refused")
	}
	if ok, wait := k.allow("late", now.Add(time.Hour)); ok || wait <= 0 {
		t.Errorf("the third request: allowed %v, wait %v", ok, wait)
	}
}

// A large anonymous multipart POST to /login is refused with 413 after
// reading at most the cap, and no part of it reaches the disk. The body is
// made as it is read, and the temporary directory watched meanwhile:
// before the cap, 32 MB of it was held and the rest written to a file.
func TestOversizedFormIsRefusedWithoutTouchingDisk(t *testing.T) {
	s, _ := limitsServer(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, chunked := range []bool{false, true} {
		body := &watchedBody{t: t, dir: tmp, left: 40 << 20}
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			part, err := mw.CreateFormFile("email", "big.bin")
			if err == nil {
				_, err = io.Copy(part, body)
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		r := httptest.NewRequest("POST", "/login", pr)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.ContentLength = -1
		if !chunked {
			r.ContentLength = 40<<20 + 500
		}
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		pr.CloseWithError(io.ErrClosedPipe)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "too large") {
			t.Errorf("chunked %v: %d, want 413 with a readable page", chunked, w.Code)
		}
		if body.read > 2*maxBodyBytes {
			t.Errorf("chunked %v: %d bytes read before refusing", chunked, body.read)
		}
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 || body.sawFile {
			t.Errorf("chunked %v: a temporary file was written", chunked)
		}
	}
}

// watchedBody yields left bytes and notes whether any file appears in dir
// while it is read.
type watchedBody struct {
	t       *testing.T
	dir     string
	left    int
	read    int
	sawFile bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	if entries, _ := os.ReadDir(b.dir); len(entries) > 0 {
		b.sawFile = true
	}
	n := min(len(p), b.left)
	clear(p[:n])
	b.left -= n
	b.read += n
	return n, nil
}

// Every body has a cap: 413 problem+json from the API, a larger cap only
// on the upload routes, and the upload handlers' own file limit still
// applies below it.
func TestBodyCaps(t *testing.T) {
	s, _ := limitsServer(t)
	big := func(n int64) *http.Request {
		r := httptest.NewRequest("POST", "/api/v1/panels", strings.NewReader("{}"))
		r.ContentLength = n
		return r
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, big(maxBodyBytes+1))
	if w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("a JSON body over the cap = %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	for route, want := range map[string]int64{"/api/v1/cases/import": maxImportBody, "/m/:token/upload": maxPackBody, "/login": maxBodyBytes, "/api/v1/panels": maxBodyBytes} {
		if got, _ := bodyLimit(route); got != want {
			t.Errorf("cap on %s = %d, want %d", route, got, want)
		}
	}
	r := httptest.NewRequest("POST", "/api/v1/cases/import", strings.NewReader(""))
	r.ContentLength = maxImportBody + 1
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an import over its cap = %d", w.Code)
	}
}

// A download outlives the server's WriteTimeout, which still cuts off an
// ordinary response that is too slow.
func TestDownloadsOutliveTheWriteTimeout(t *testing.T) {
	s, _ := limitsServer(t)
	data := make([]byte, 1<<20)
	slow := func(attachment bool) gin.HandlerFunc {
		return func(c *gin.Context) {
			time.Sleep(300 * time.Millisecond)
			if attachment {
				c.Header("Content-Disposition", `attachment; filename="x.xlsx"`)
			}
			c.Data(http.StatusOK, "application/octet-stream", data)
		}
	}
	s.engine.GET("/test/download", slow(true))
	s.engine.GET("/test/page", slow(false))
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.WriteTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()
	get := func(path string) (int, error) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return len(b), err
	}
	if n, err := get("/test/download"); err != nil || n != len(data) {
		t.Errorf("download: %d bytes, %v", n, err)
	}
	if n, err := get("/test/page"); err == nil && n == len(data) {
		t.Error("a response slower than WriteTimeout was delivered whole")
	}
}
