//go:build !production

package main

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/lsip/scrutiny/bench"
	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/devtemporal"
	"github.com/lsip/scrutiny/devstack/freeport"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/worker"
)

// startEmbedded brings up in this process what `scrutiny load` and
// `scrutiny bench` run cycles against, over the fresh database at dbURL:
// the store (migrating it), a mail catcher, the embedded Temporal server
// on a file under dir, the worker on cfg.TaskQueue, and the HTTP server on
// a loopback port. stop shuts them down in reverse order; on error,
// whatever had started is already stopped.
func startEmbedded(ctx context.Context, cfg config.Config, dir, dbURL string, conns int) (s bench.Stack, stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	cfg.DataDir = dir
	// The one pool serves the server and the worker, so it gets more
	// connections than pgx's default of four on a small machine.
	cfg.DatabaseURL = dbURL + "&pool_max_conns=" + strconv.Itoa(conns)
	cfg.MigrateURL = "" // the run's own database: it migrates it itself
	st, err := openStore(ctx, cfg)
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, st.Close)

	catcher, err := mailcatcher.New(mailcatcher.Options{})
	if err != nil {
		return s, nil, err
	}
	smtpAddr, err := catcher.Start("127.0.0.1:0")
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, func() { catcher.Close() })
	host, port, _ := net.SplitHostPort(smtpAddr)
	cfg.SMTPHost, cfg.SMTPUsername, cfg.SMTPPassword, cfg.SMTPTLS = host, "", "", "none"
	if cfg.SMTPPort, err = strconv.Atoi(port); err != nil {
		return s, nil, err
	}

	if cfg.TemporalAddress, err = freeport.Address(); err != nil {
		return s, nil, err
	}
	ts, err := devtemporal.Start(devtemporal.Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace, LogFile: filepath.Join(dir, "temporal.log")})
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, func() { ts.Stop() })
	cfg.PayloadKeys = cmp.Or(cfg.PayloadKeys, devPayloadKeys)
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, tc.Close)

	// Members' requests reach the server through loopback, each with the
	// member's own address, so loopback is trusted as a proxy.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return s, nil, err
	}
	cfg.PublicURL = "http://" + l.Addr().String()
	cfg.TrustedProxies = []string{"127.0.0.1"}
	cfg.LinkSigningKey = cmp.Or(cfg.LinkSigningKey, devSigningKey)
	cfg.PackDelivery = "link"
	deps, err := workerDeps(cfg, st)
	if err != nil {
		l.Close()
		return s, nil, err
	}
	w := worker.New(tc, cfg.TaskQueue, deps)
	if err := w.Start(); err != nil {
		l.Close()
		return s, nil, fmt.Errorf("start worker: %w", err)
	}
	stops = append(stops, w.Stop)
	srv := &http.Server{Handler: server.New(server.Deps{Store: st, Temporal: tc, Config: cfg, Links: deps.Links}).Handler(),
		ReadHeaderTimeout: httpLimits.ReadHeaderTimeout, ReadTimeout: httpLimits.ReadTimeout, WriteTimeout: httpLimits.WriteTimeout,
		IdleTimeout: httpLimits.IdleTimeout, MaxHeaderBytes: httpLimits.MaxHeaderBytes}
	go srv.Serve(l)
	stops = append(stops, func() { srv.Close() })
	return bench.Stack{Store: st, Temporal: tc, BaseURL: cfg.PublicURL, Mail: catcher, Mailer: deps.Mailer, Links: deps.Links,
		DatabaseURL: dbURL}, stop, nil
}
