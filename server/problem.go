package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Problem is an RFC 9457 problem detail. Errors names each field that is
// wrong, so a form can put the message beside the field.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// Existing names the resource that a conflicting request clashed with.
	Existing string `json:"existing,omitempty"`
}

// FieldError is one invalid field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

const problemType = "https://scrutiny.example/problems/"

// writeProblem sends p as application/problem+json.
func writeProblem(c *gin.Context, p Problem) {
	if p.Type == "" {
		p.Type = problemType + strings.ReplaceAll(strings.ToLower(http.StatusText(p.Status)), " ", "-")
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	// The route pattern, not the path: a member's or an owner's path is
	// their link, and problems are copied into tickets and logs.
	p.Instance = c.FullPath()
	if p.Status == http.StatusServiceUnavailable {
		// A client, or a person, may try again shortly.
		c.Header("Retry-After", "5")
	}
	body, _ := json.Marshal(p)
	c.Data(p.Status, "application/problem+json", body)
	c.Abort()
}

func badRequest(c *gin.Context, detail string, fields ...FieldError) {
	writeProblem(c, Problem{Status: http.StatusBadRequest, Title: "The request is not valid", Detail: detail, Errors: fields})
}

func notFound(c *gin.Context, what string) {
	writeProblem(c, Problem{Status: http.StatusNotFound, Title: "Not found", Detail: what + " was not found"})
}

// internalError logs err and answers with a generic problem: SQL, stack
// traces and internal names never reach the caller.
func internalError(c *gin.Context, err error) {
	slog.ErrorContext(c.Request.Context(), "request failed", "route", routeOf(c), "error", err)
	writeProblem(c, serverProblem)
}

// serverProblem is the answer to a failure on our side, whose cause is
// logged and never shown.
var serverProblem = Problem{Status: http.StatusInternalServerError, Title: "Something went wrong on our side",
	Detail: "The error has been logged. Please try again, and contact the system administrator if it keeps happening."}

// maxBodyBytes bounds JSON request bodies; uploads have their own limit.
const maxBodyBytes = 1 << 20

// decodeJSON reads the body strictly into v: unknown fields are refused, an
// oversized body gets 413, and a type mismatch names the field. It writes
// the problem itself and returns false on any error.
func decodeJSON(c *gin.Context, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeProblem(c, Problem{Status: http.StatusRequestEntityTooLarge, Title: "The request body is too large",
			Detail: fmt.Sprintf("Send at most %d bytes.", maxBodyBytes)})
		return false
	}
	if err != nil {
		badRequest(c, "The request body could not be read.")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr) && typeErr.Type == durationType:
			badRequest(c, "A duration is not in plain units.", FieldError{Field: typeErr.Field, Message: durationMustBe})
		case errors.As(err, &typeErr):
			badRequest(c, "A field has the wrong type.", FieldError{Field: typeErr.Field, Message: "must be " + jsonKind(typeErr.Type.Kind().String())})
		case errors.Is(err, io.EOF):
			badRequest(c, "The request body is empty: send a JSON object with Content-Type: application/json.")
		case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
			badRequest(c, notJSON(c.ContentType()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			badRequest(c, "The request has a field this endpoint does not accept.", FieldError{Field: field, Message: "is not a known field"})
		default:
			badRequest(c, "The request body is not valid: "+err.Error())
		}
		return false
	}
	if dec.More() {
		badRequest(c, "The request body must hold a single JSON object.")
		return false
	}
	return true
}

// notJSON says that a body is not valid JSON and, when the client labelled
// it as something else (curl's -d sends a form's type), says what to send:
// the label is the likelier mistake than the JSON.
func notJSON(contentType string) string {
	if contentType == "" || contentType == "application/json" || strings.HasSuffix(contentType, "+json") {
		return "The request body is not valid JSON."
	}
	return fmt.Sprintf("The request body is not valid JSON: it was sent as %s. Send a JSON object with Content-Type: application/json.", contentType)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return "a number"
}
