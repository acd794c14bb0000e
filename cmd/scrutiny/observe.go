package main

import (
	"context"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/lsip/scrutiny/config"
)

// logger is the process's logger. Until observe runs (before the
// configuration is read) it writes text to stderr.
var logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

// observe sets up what the server and the worker report about themselves,
// from LOG_FORMAT and LOG_LEVEL: the process's logger, also made slog's
// default so that every package logs the same way. The returned function
// flushes and stops what observe started.
func observe(_ context.Context, cfg config.Config) (stop func(), err error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	logger = slog.New(h)
	slog.SetDefault(logger)
	return func() {}, nil
}

// temporalClientOptions are the observability parts of every Temporal
// client this process dials: its logger.
func temporalClientOptions(o client.Options) client.Options {
	o.Logger = sdklog.NewStructuredLogger(logger.With("component", "temporal-client"))
	return o
}
