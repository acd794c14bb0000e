package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/gin-gonic/gin"
)

// securityHeaders sets, on every response (API, pages, downloads and
// errors alike), the headers that keep a member's personal link and a
// page's content where they belong: no Referer leaves a page, so a link's
// token never reaches another site; the browser never guesses a content
// type; nothing is framed; and nothing loads or runs unless a page's own,
// stricter policy allows it. Over HTTPS, browsers are told to use nothing
// else for a year.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if strings.HasPrefix(s.deps.Config.PublicURL, "https://") {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Next()
}

// routeOf is the request's route pattern, such as /m/:token/cases/:case,
// for logs: a member's or an account link's token never reaches a log.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "(no route)"
}

// recoverPanics turns a panic in a handler into the generic failure answer
// and logs it by route. gin's own recovery prints the request line, which
// for a member's page carries their personal link. http.ErrAbortHandler
// is no failure of the code but a handler cutting its response short on
// purpose (abandonDownload): it goes on to net/http, which drops the
// connection without ending the response.
func recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			slog.Error("handler panicked", "route", routeOf(c), "panic", r, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				writeProblem(c, serverProblem)
			}
			c.Abort()
		}
	}()
	c.Next()
}
