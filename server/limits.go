package server

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// Request rates, per client address and per member link, that no person
// reaches but that bound what guessing passwords or links, or hammering
// the member pages, can cost. Sign-in failures are also counted in
// PostgreSQL per account and address (store.SignInWait), across restarts
// and instances; these buckets are in this process's memory and count
// every request, failed or not.
var (
	signInRate      = bucketRate{every: 2 * time.Second, burst: 30}         // POST /login, per address
	accountLinkRate = bucketRate{every: 2 * time.Second, burst: 30}         // /account/:token, per address
	memberAddrRate  = bucketRate{every: 250 * time.Millisecond, burst: 240} // /m/* and /o/*, per address
	memberLinkRate  = bucketRate{every: 500 * time.Millisecond, burst: 120} // /m/* and /o/*, per link
)

// maxKeys bounds each limiter's memory: idle entries are dropped, and past
// this many one is dropped to make room.
const maxKeys = 50_000

// bucketRate is a token bucket's refill interval and size.
type bucketRate struct {
	every time.Duration
	burst int
}

// rateLimits are the server's limiters, one per kind of request.
type rateLimits struct {
	signIn, accountLink, memberAddr, memberLink *keyedLimiter
}

func newRateLimits() *rateLimits {
	return &rateLimits{signIn: newKeyedLimiter(signInRate), accountLink: newKeyedLimiter(accountLinkRate),
		memberAddr: newKeyedLimiter(memberAddrRate), memberLink: newKeyedLimiter(memberLinkRate)}
}

// keyedLimiter is a token bucket per key (a client address, or a link).
type keyedLimiter struct {
	rate      bucketRate
	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyedLimiter(r bucketRate) *keyedLimiter {
	return &keyedLimiter{rate: r, buckets: map[string]*bucket{}}
}

// allow takes a token from key's bucket, or says how long until one is
// free.
func (k *keyedLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.lastSweep) > time.Minute || len(k.buckets) >= maxKeys {
		k.sweep(now)
	}
	b := k.buckets[key]
	if b == nil {
		if len(k.buckets) >= maxKeys {
			for other := range k.buckets { // all are busy: forget any one
				delete(k.buckets, other)
				break
			}
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(k.rate.every), k.rate.burst)}
		k.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// sweep drops the buckets idle long enough to have filled again:
// forgetting them changes nothing.
func (k *keyedLimiter) sweep(now time.Time) {
	full := k.rate.every * time.Duration(k.rate.burst)
	for key, b := range k.buckets {
		if now.Sub(b.seen) >= full {
			delete(k.buckets, key)
		}
	}
	k.lastSweep = now
}

// addressKey is the bucket key of a client address: an IPv6 address by
// its /64, which one household or host is usually given whole.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// limitRates refuses, with 429 and Retry-After, a request over its
// address's or link's rate. It runs before the body is read. The address
// is gin's ClientIP, which believes X-Forwarded-For only from
// TRUSTED_PROXIES.
func (s *Server) limitRates(c *gin.Context) {
	route, now := c.FullPath(), time.Now()
	addr := addressKey(c.ClientIP())
	type check struct {
		lim *keyedLimiter
		key string
	}
	var checks []check
	switch {
	case route == "/login" && c.Request.Method == http.MethodPost:
		checks = []check{{s.rates.signIn, addr}}
	case strings.HasPrefix(route, "/account/"):
		checks = []check{{s.rates.accountLink, addr}}
	case strings.HasPrefix(route, "/m/:token") || strings.HasPrefix(route, "/api/v1/m/:token") || strings.HasPrefix(route, "/o/:token"):
		// Members' and action owners' personal links alike.
		checks = []check{{s.rates.memberAddr, addr}, {s.rates.memberLink, c.Param("token")}}
	}
	for _, ch := range checks {
		if ok, wait := ch.lim.allow(ch.key, now); !ok {
			tooManyRequests(c, wait)
			return
		}
	}
	c.Next()
}

// tooManyRequests answers 429, as problem+json to the API and as a page
// to a browser, saying how long to wait.
func tooManyRequests(c *gin.Context, wait time.Duration) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	c.Header("Retry-After", strconv.Itoa(secs))
	when := "a second"
	if secs > 1 {
		when = fmt.Sprintf("%d seconds", secs)
	}
	p := Problem{Status: http.StatusTooManyRequests, Title: "Too many requests",
		Detail: fmt.Sprintf("Too many requests came from your network or link in a short time. Nothing was changed. Please wait %s and try again.", when)}
	respondLimit(c, p)
}

// respondLimit writes a refusal by a limit in the caller's format.
func respondLimit(c *gin.Context, p Problem) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		writeProblem(c, p)
		return
	}
	back, label := "/", "Go to the home page"
	switch route := c.FullPath(); {
	case strings.HasPrefix(route, "/m/:token"):
		back, label = "/m/"+c.Param("token"), "Back to your cases"
	case strings.HasPrefix(route, "/o/:token"):
		back, label = "/o/"+c.Param("token"), "Back to the action"
	case route == "/login" || route == "/cases/import" || strings.HasPrefix(route, "/account/"):
		back, label = c.Request.URL.Path, "Back"
	}
	errorPage(c, p, back, label)
	c.Abort()
}
