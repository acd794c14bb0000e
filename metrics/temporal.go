package metrics

import (
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// temporalHandler is made once: its exporter registers with Registry, and
// a second registration would fail.
var temporalHandler = sync.OnceValues(newTemporalHandler)

// TemporalHandler is the client.MetricsHandler every Temporal client of
// the process is given (client.Options.MetricsHandler), so the SDK's own
// metrics (temporal_request_total, temporal_workflow_task_execution_latency_seconds,
// temporal_activity_execution_failed_total, temporal_worker_task_slots_available
// and the rest) appear in /metrics beside scrutiny's. The clients of one
// process share it; the SDK tags each metric with its namespace, task
// queue and worker type.
//
// The SDK's Prometheus reporter (contrib/tally) is not served by the Go
// module proxy, so the SDK reports through its OpenTelemetry handler
// instead, read by OpenTelemetry's Prometheus exporter into Registry.
func TemporalHandler() (client.MetricsHandler, error) { return temporalHandler() }

func newTemporalHandler() (client.MetricsHandler, error) {
	exporter, err := otelprom.New(otelprom.WithRegisterer(Registry), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo(),
		// The SDK's timers are in seconds: Prometheus's default buckets
		// suit them, where OpenTelemetry's (up to 10 000) suit milliseconds.
		otelprom.WithAggregationSelector(func(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
			if k == sdkmetric.InstrumentKindHistogram {
				return sdkmetric.AggregationExplicitBucketHistogram{Boundaries: prometheus.DefBuckets}
			}
			return sdkmetric.DefaultAggregationSelector(k)
		}))
	if err != nil {
		return nil, err
	}
	meter := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter)).Meter("temporal-sdk-go")
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                meter,
		UseMonotonicCounters: true,
		// The default panics; a metric the SDK cannot record is not worth
		// stopping a workflow for.
		OnError: func(err error) { slog.Warn("metrics: Temporal SDK metric", "error", err) },
	}), nil
}
