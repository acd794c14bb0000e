package metrics

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lsip/scrutiny/store"
)

// ActionCounter reads the actions open and overdue in each Area; the
// store is one.
type ActionCounter interface {
	ActionCountsByArea(ctx context.Context) ([]store.AreaActionCounts, error)
}

// WatchActions makes src the source of scrutiny_actions_open and
// scrutiny_actions_overdue; nil stops them. Until it is called, and in a
// process that never calls it (the worker), the gauges are not reported: the server
// reports them, and every server reports the same numbers, read from
// PostgreSQL at scrape time.
func WatchActions(src ActionCounter) { actions.src.Store(&src) }

// scrapeTimeout bounds the query a scrape runs, well inside Prometheus's
// default scrape timeout of ten seconds.
const scrapeTimeout = 5 * time.Second

var actions = &actionCollector{
	open: prometheus.NewDesc("scrutiny_actions_open",
		"Actions open or in progress, by Area (read from PostgreSQL at scrape time).", []string{"area"}, nil),
	overdue: prometheus.NewDesc("scrutiny_actions_overdue",
		"Actions open or in progress past their due date, by Area (read from PostgreSQL at scrape time).", []string{"area"}, nil),
}

// actionCollector reads the action gauges when Prometheus scrapes, so they
// are never stale and nothing has to keep them up to date.
type actionCollector struct {
	src           atomic.Pointer[ActionCounter]
	open, overdue *prometheus.Desc
}

func (c *actionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.overdue
}

// Collect reports nothing when the query fails, and logs why: a missing
// series is what an alert on absent() sees, where a zero would mislead.
func (c *actionCollector) Collect(ch chan<- prometheus.Metric) {
	src := c.src.Load()
	if src == nil || *src == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := (*src).ActionCountsByArea(ctx)
	if err != nil {
		slog.Warn("metrics: counting actions", "error", err)
		return
	}
	for _, a := range counts {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(a.Open), a.Area)
		ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(a.Overdue), a.Area)
	}
}
