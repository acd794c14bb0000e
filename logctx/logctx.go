// Package logctx carries what a log line is about in a context: the HTTP
// request's ID, and the workflow, cycle or action being worked on. Its
// Handler adds them to every record logged with that context
// (slog.InfoContext and the like), so the lines of one request, or one
// cycle, can be found together without each call site naming them.
//
// Only identifiers go in: never tokens, names, email addresses or bodies.
package logctx

import (
	"context"
	"log/slog"
)

// Key names one identifier a context may carry; it is also the attribute's
// name in the log line.
type Key string

// The identifiers a log line can be about.
const (
	RequestID  Key = "request_id"
	WorkflowID Key = "workflow_id"
	CycleID    Key = "cycle_id"
	ActionID   Key = "action_id"
)

// keys are the identifiers Handler looks for, in the order they are logged.
var keys = []Key{RequestID, WorkflowID, CycleID, ActionID}

// contextKey keeps the values apart from other packages' context values.
type contextKey Key

// With returns ctx carrying value as k; an empty value adds nothing.
func With(ctx context.Context, k Key, value string) context.Context {
	if value == "" {
		return ctx
	}
	return context.WithValue(ctx, contextKey(k), value)
}

// Value is the identifier k that ctx carries, or "".
func Value(ctx context.Context, k Key) string {
	v, _ := ctx.Value(contextKey(k)).(string)
	return v
}

// Handler adds the identifiers a record's context carries to the record,
// then passes it to the handler it wraps.
type Handler struct {
	slog.Handler
}

// NewHandler wraps h.
func NewHandler(h slog.Handler) Handler { return Handler{h} }

// Handle adds the context's identifiers and hands the record on.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		for _, k := range keys {
			if v := Value(ctx, k); v != "" {
				r.AddAttrs(slog.String(string(k), v))
			}
		}
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the handler with attrs.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the handler with the group.
func (h Handler) WithGroup(name string) slog.Handler {
	return Handler{h.Handler.WithGroup(name)}
}
