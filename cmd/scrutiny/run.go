package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/digest"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/payloadcrypt"
	"github.com/lsip/scrutiny/retention"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/worker"
)

var (
	envDatabase  = "DATABASE_URL         PostgreSQL connection URL (required outside dev); MIGRATE_DATABASE_URL the schema owner's, for migrations (default DATABASE_URL)"
	envTemporal  = "TEMPORAL_ADDRESS     Temporal frontend host:port (default 127.0.0.1:7233); TEMPORAL_NAMESPACE (default), TEMPORAL_TASK_QUEUE (scrutiny)"
	envHTTP      = "HTTP_ADDR            listen address (default 127.0.0.1:8080); PUBLIC_URL base of links in emails"
	envSMTP      = "SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_TLS (none|starttls|tls), MAIL_FROM"
	envLinks     = "LINK_SIGNING_KEY     HMAC key (32+ characters) for members' personal links; PAYLOAD_KEYS id:base64key,... sealing Temporal payloads"
	envPublicURL = "PUBLIC_URL           the address people reach scrutiny at, the base of every link"
)

func loadConfig() (config.Config, error) { return config.FromEnv() }

// openStore applies pending migrations as the schema owner
// (cfg.MigrationURL) and returns the store connected through
// DATABASE_URL, the role the server, worker and commands work as. Without
// MIGRATE_DATABASE_URL it migrates through DATABASE_URL, which as the app
// role succeeds only when nothing is pending (store.Migrate).
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	separate := cfg.MigrationURL() != cfg.DatabaseURL
	if separate {
		owner, err := store.Open(ctx, cfg.MigrationURL())
		if err != nil {
			return nil, fmt.Errorf("MIGRATE_DATABASE_URL: %w", err)
		}
		_, err = owner.Migrate(ctx)
		owner.Close()
		if err != nil {
			return nil, err
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if !separate {
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

// dialTemporal connects to Temporal with the payload codec of
// PAYLOAD_KEYS, so that everything this process (server or worker) puts
// into workflow history is sealed, and what it reads back is opened.
func dialTemporal(ctx context.Context, cfg config.Config) (client.Client, error) {
	codec, err := payloadcrypt.FromConfig(cfg.PayloadKeys)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, temporalClientOptions(client.Options{
		HostPort:      cfg.TemporalAddress,
		Namespace:     cfg.TemporalNamespace,
		DataConverter: codec.DataConverter(),
	}))
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// newSigner makes the signer of members' personal links from the
// configured key.
func newSigner(cfg config.Config) (*links.Signer, error) {
	signer, err := links.NewSigner([]byte(cfg.LinkSigningKey))
	if err != nil {
		return nil, fmt.Errorf("LINK_SIGNING_KEY: %w", err)
	}
	return signer, nil
}

// workerDeps builds what the activities need: the store, the SMTP sender
// and the link signer.
func workerDeps(cfg config.Config, st *store.Store) (worker.Deps, error) {
	m, err := mailer.New(mailer.Config{
		Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
		TLS: cfg.SMTPTLS, From: cfg.MailFrom,
	})
	if err != nil {
		return worker.Deps{}, err
	}
	signer, err := newSigner(cfg)
	if err != nil {
		return worker.Deps{}, err
	}
	return worker.Deps{Store: st, Mailer: m, Links: signer, PublicURL: cfg.PublicURL, AttachPacks: cfg.PackDelivery == "attach"}, nil
}

// connect checks the production settings and opens what the server and the
// worker both need: the migrated store and a Temporal client that seals
// payloads. The caller closes the store and the client.
func connect(ctx context.Context, cfg config.Config) (*store.Store, client.Client, error) {
	if err := cfg.RequireProduction(); err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, tc, nil
}

// httpLimits bound what one connection may hold of the server: a slow or
// idle client cannot keep connections open for ever, nor send headers of
// any size. ReadTimeout is set for forms: the upload routes extend it for
// their files, and downloads extend the WriteTimeout once they start
// (server/limits_body.go); WriteTimeout is otherwise long enough for a page
// that waits on Temporal's 30 s deadline.
var httpLimits = struct {
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	MaxHeaderBytes                                            int
}{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       time.Minute,
	WriteTimeout:      2 * time.Minute,
	IdleTimeout:       2 * time.Minute,
	MaxHeaderBytes:    64 << 10,
}

// serveHTTP serves h on addr until ctx ends, then shuts down gracefully.
func serveHTTP(ctx context.Context, addr string, h http.Handler, timeout time.Duration) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: httpLimits.ReadHeaderTimeout, ReadTimeout: httpLimits.ReadTimeout,
		WriteTimeout: httpLimits.WriteTimeout, IdleTimeout: httpLimits.IdleTimeout, MaxHeaderBytes: httpLimits.MaxHeaderBytes}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("HTTP server on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func runServer(ctx context.Context, args []string) error {
	fs := newFlags("server", "server [-http ADDR]", envDatabase, envTemporal, envHTTP, envLinks)
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	fs.StringVar(&cfg.HTTPAddress, "http", cfg.HTTPAddress, "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := observe(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	signer, err := newSigner(cfg)
	if err != nil {
		return err
	}
	st, tc, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	defer tc.Close()
	logger.Info("serving", "address", cfg.HTTPAddress)
	return serveHTTP(ctx, cfg.HTTPAddress, server.New(server.Deps{Store: st, Temporal: tc, Config: cfg, Links: signer}).Handler(), cfg.ShutdownTimeout)
}

func runWorker(ctx context.Context, args []string) error {
	fs := newFlags("worker", "worker", envDatabase, envTemporal, envSMTP, envLinks)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	stop, err := observe(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	st, tc, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	defer tc.Close()
	deps, err := workerDeps(cfg, st)
	if err != nil {
		return err
	}
	w := worker.New(tc, cfg.TaskQueue, deps)
	if err := w.Start(); err != nil {
		return err
	}
	if err := digest.EnsureSchedule(ctx, tc, cfg.TaskQueue, cfg.DigestEnabled); err != nil {
		return err
	}
	if err := retention.EnsureSchedule(ctx, tc, cfg.TaskQueue, cfg.RetentionEnabled, cfg.RetentionAfter); err != nil {
		return err
	}
	logger.Info("worker running", "task_queue", cfg.TaskQueue)
	<-ctx.Done()
	w.Stop()
	return nil
}

func runMigrate(ctx context.Context, args []string) error {
	fs := newFlags("migrate", "migrate", envDatabase)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if cfg.MigrationURL() == "" {
		return errors.New("set MIGRATE_DATABASE_URL or DATABASE_URL")
	}
	st, err := store.Open(ctx, cfg.MigrationURL())
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Println("database is up to date")
	}
	for _, v := range applied {
		fmt.Printf("applied migration %04d\n", v)
	}
	return nil
}
