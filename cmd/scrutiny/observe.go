package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/logctx"
	"github.com/lsip/scrutiny/metrics"
)

// logger is the process's logger. Until observe runs (before the
// configuration is read) it writes text to stderr.
var logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

// temporalObservers are what observe set up for the Temporal clients this
// process dials (temporalClientOptions): the SDK's metrics handler, and
// with OTEL_TRACING its tracing interceptor.
var temporalObservers struct {
	metrics      client.MetricsHandler
	interceptors []interceptor.ClientInterceptor
}

// observe sets up what the server and the worker report about themselves:
//   - the process's logger, from LOG_FORMAT and LOG_LEVEL, also made slog's
//     default so that every package logs the same way, and adding the
//     request, workflow, cycle and action IDs a record's context carries
//     (logctx);
//   - Prometheus metrics at /metrics on METRICS_ADDR, when it is set
//     (package metrics lists them);
//   - with OTEL_TRACING, OpenTelemetry traces exported by OTLP over gRPC
//     as the standard OTEL_EXPORTER_OTLP_* variables say.
//
// The returned function stops the metrics listener and flushes the traces.
func observe(ctx context.Context, cfg config.Config) (stop func(), err error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	logger = slog.New(logctx.NewHandler(h))
	slog.SetDefault(logger)

	if temporalObservers.metrics, err = metrics.TemporalHandler(); err != nil {
		return nil, fmt.Errorf("Temporal SDK metrics: %w", err)
	}
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	if cfg.MetricsAddress != "" {
		stopMetrics, err := serveMetrics(cfg.MetricsAddress)
		if err != nil {
			return nil, err
		}
		stops = append(stops, stopMetrics)
	}
	if cfg.Tracing {
		stopTracing, err := startTracing(ctx)
		if err != nil {
			stopAll()
			return nil, err
		}
		stops = append(stops, stopTracing)
	}
	return stopAll, nil
}

// serveMetrics serves /metrics on addr, apart from the public router, so
// it can be kept to the private network. It listens before returning, so
// a taken address stops the process at once.
func serveMetrics(addr string) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "address", addr, "error", err)
		}
	}()
	logger.Info("serving metrics", "address", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // a scrape cut short is of no consequence
		<-done
	}, nil
}

// startTracing exports spans by OTLP over gRPC, to the collector the
// OTEL_EXPORTER_OTLP_* variables name (by default localhost:4317), and
// propagates W3C trace context. The server's otelgin middleware
// (server.Server.observers) and the Temporal clients' interceptor read
// the global provider set here. stop flushes what is buffered.
func startTracing(ctx context.Context) (stop func(), err error) {
	exporter, err := otlptracegrpc.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTEL_TRACING: %w", err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter))
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	tracing, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{})
	if err != nil {
		return nil, fmt.Errorf("OTEL_TRACING: Temporal interceptor: %w", err)
	}
	temporalObservers.interceptors = []interceptor.ClientInterceptor{tracing}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := provider.Shutdown(ctx); err != nil {
			logger.Warn("flushing traces", "error", err)
		}
	}, nil
}

// temporalClientOptions are the observability parts of every Temporal
// client this process dials: its logger (slog, through observe's handler;
// the SDK adds the workflow and run IDs and the activity type to the lines
// of workflows and activities), the SDK's metrics, and with OTEL_TRACING
// the tracing interceptor, which the workers built on the client use too.
func temporalClientOptions(o client.Options) client.Options {
	o.Logger = sdklog.NewStructuredLogger(logger.With("component", "temporal-client"))
	o.MetricsHandler = temporalObservers.metrics
	o.Interceptors = append(o.Interceptors, temporalObservers.interceptors...)
	return o
}
