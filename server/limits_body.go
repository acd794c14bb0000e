package server

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Every request body is capped: at maxBodyBytes, enough for any form or
// JSON body, except on the routes that take a file.
const (
	// maxImportBody is a case extract (at most 50 MB) and the form around it.
	maxImportBody = 51 << 20
	// maxPackBody is a returned pack (at most maxUploadBytes) and its form.
	maxPackBody = maxUploadBytes + 1<<20
	// uploadReadTime is how long an upload may take to arrive, in place of
	// the server's ReadTimeout, which is set for forms.
	uploadReadTime = 10 * time.Minute
	// downloadWriteTime is how long a download may take to leave, in place
	// of the server's WriteTimeout, which is set for pages.
	downloadWriteTime = 10 * time.Minute
)

// bodyLimit is the cap on route's body, and whether route takes a file.
func bodyLimit(route string) (limit int64, upload bool) {
	switch route {
	case "/cases/import", "/api/v1/cases/import":
		return maxImportBody, true
	case "/m/:token/upload", "/api/v1/m/:token/upload":
		return maxPackBody, true
	}
	if strings.HasPrefix(route, "/codec/") {
		return maxCodecBytes, false
	}
	return maxBodyBytes, false
}

// limitBodies caps the request body for its route and reads a form body
// at once, within the cap and wholly in memory: a multipart form may hold
// up to the cap in memory, so no part of it is ever written to a
// temporary file, and a form over the cap is refused with 413 rather than
// reaching the handler looking empty. An upload is given uploadReadTime
// to arrive, and every response downloadWriteTime once it turns out to be
// a download.
func limitBodies(c *gin.Context) {
	limit, upload := bodyLimit(c.FullPath())
	r := c.Request
	if r.ContentLength > limit {
		bodyTooLarge(c, limit)
		return
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
	if upload {
		_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(uploadReadTime))
	}
	c.Writer = &downloadWriter{ResponseWriter: c.Writer}
	var tooBig *http.MaxBytesError
	if err := parseForm(r, limit); errors.As(err, &tooBig) {
		bodyTooLarge(c, limit)
		return
	}
	// Any other fault in a form is the handler's to report, as it was.
	c.Next()
}

// parseForm parses a form body, holding up to limit bytes in memory.
func parseForm(r *http.Request, limit int64) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return r.ParseMultipartForm(limit)
	case "application/x-www-form-urlencoded":
		return r.ParseForm()
	}
	return nil
}

// bodyTooLarge answers 413, as problem+json to the API and as a page to a
// browser.
func bodyTooLarge(c *gin.Context, limit int64) {
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	respondLimit(c, Problem{Status: http.StatusRequestEntityTooLarge, Title: "The request is too large",
		Detail: fmt.Sprintf("This address takes at most %s, files included. Nothing was saved.", size)})
}

// downloadWriter extends the write deadline of a download, once the
// handler has made the response an attachment and before its first byte
// is written: a large export to a slow connection may need longer than
// the server's WriteTimeout, which bounds every other response.
type downloadWriter struct {
	gin.ResponseWriter
	checked bool
}

func (w *downloadWriter) Write(b []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(b)
}

func (w *downloadWriter) WriteString(s string) (int, error) {
	w.extend()
	return w.ResponseWriter.WriteString(s)
}

func (w *downloadWriter) extend() {
	if w.checked {
		return
	}
	w.checked = true
	if strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
		_ = http.NewResponseController(w.ResponseWriter).SetWriteDeadline(time.Now().Add(downloadWriteTime))
	}
}
