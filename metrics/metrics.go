// Package metrics holds what scrutiny reports to Prometheus: one registry,
// served at /metrics on METRICS_ADDR by the server, the worker and dev.
//
// What it holds, and what each means:
//
//   - scrutiny_http_request_duration_seconds (histogram; route, method,
//     code): how long the server took to answer, by gin's route template
//     ("unmatched" for no route), so that a member's link never becomes a
//     label.
//   - scrutiny_emails_total (counter; result): outbox deliveries. sent,
//     held (the member's address bounced before) and bounced (the relay
//     refused the recipient for good) count rows settled; failed counts
//     attempts that failed and will be retried.
//   - scrutiny_reviews_received_total (counter; final): review saves the
//     server accepted, from the review page, the API or a returned
//     workbook; final is true for a submission, false for a draft.
//   - scrutiny_actions_open and scrutiny_actions_overdue (gauges; area):
//     actions open or in progress, and those of them past their due date,
//     read from PostgreSQL at each scrape (actions.go).
//   - temporal_* : the Temporal SDK's own metrics (temporal.go).
//   - go_* and process_*: the Go runtime and the process.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is the process's one registry: everything this package
// defines, the runtime's and the Temporal SDK's metrics.
var Registry = prometheus.NewRegistry()

// Unmatched is the route label of a request no route matched.
const Unmatched = "unmatched"

// Email results, the values of scrutiny_emails_total's result label.
const (
	EmailSent    = "sent"
	EmailFailed  = "failed"
	EmailHeld    = "held"
	EmailBounced = "bounced"
)

var (
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "scrutiny_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route template, method and status code.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method", "code"})
	emails = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "scrutiny_emails_total",
		Help: "Outbox deliveries: rows sent, held or bounced, and attempts failed (retried).",
	}, []string{"result"})
	reviews = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "scrutiny_reviews_received_total",
		Help: "Review saves accepted from members; final=true for submissions, false for drafts.",
	}, []string{"final"})
)

func init() {
	Registry.MustRegister(httpDuration, emails, reviews, actions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series starts at zero, so a rate is defined from the first
	// scrape and an alert on "none sent" can fire.
	for _, r := range []string{EmailSent, EmailFailed, EmailHeld, EmailBounced} {
		emails.WithLabelValues(r)
	}
	for _, final := range []bool{true, false} {
		reviews.WithLabelValues(strconv.FormatBool(final))
	}
}

// Handler serves the registry in Prometheus's text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

// ObserveHTTP records one answered request. route is the route template,
// or Unmatched; never the path, which for a member's page is their link.
func ObserveHTTP(route, method string, code int, took time.Duration) {
	httpDuration.WithLabelValues(route, knownMethod(method), strconv.Itoa(code)).Observe(took.Seconds())
}

// knownMethod keeps the method label to the methods HTTP defines, so a
// client sending made-up methods cannot make series without end.
func knownMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// CountEmail counts one outbox delivery outcome: EmailSent, EmailHeld or
// EmailBounced for a row settled, EmailFailed for an attempt to retry.
func CountEmail(result string) {
	emails.WithLabelValues(result).Inc()
}

// CountReview counts one review save the server accepted: a submission
// when final, otherwise a draft.
func CountReview(final bool) {
	reviews.WithLabelValues(strconv.FormatBool(final)).Inc()
}
