package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"go.temporal.io/api/serviceerror"
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
	envTLS       = "TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME  mTLS to Temporal; TEMPORAL_API_KEY for Temporal Cloud"
	envWorker    = "WORKER_MAX_ACTIVITIES, WORKER_MAX_WORKFLOW_TASKS  concurrency; SHUTDOWN_TIMEOUT how long a stop waits for activities in flight"
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

// temporalOptions are the options of every Temporal client this process
// makes (server or worker): the address and namespace, TLS and the API key
// when configured, and the payload codec of PAYLOAD_KEYS, so that
// everything the process puts into workflow history is sealed, and what it
// reads back is opened.
func temporalOptions(cfg config.Config) (client.Options, error) {
	codec, err := payloadcrypt.FromConfig(cfg.PayloadKeys)
	if err != nil {
		return client.Options{}, err
	}
	tlsConfig, err := temporalTLS(cfg)
	if err != nil {
		return client.Options{}, err
	}
	o := client.Options{
		HostPort:          cfg.TemporalAddress,
		Namespace:         cfg.TemporalNamespace,
		DataConverter:     codec.DataConverter(),
		ConnectionOptions: client.ConnectionOptions{TLS: tlsConfig},
	}
	if cfg.TemporalAPIKey != "" {
		o.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
	}
	return temporalClientOptions(o), nil
}

// temporalTLS is the TLS configuration of the connection to Temporal, or
// nil for plain gRPC. TLS is on when a client certificate, a CA, a server
// name or an API key (Temporal Cloud takes API keys only over TLS) is
// configured. Without TEMPORAL_TLS_CA the frontend's certificate is checked
// against the system's CAs. Each file's problem names its variable.
func temporalTLS(cfg config.Config) (*tls.Config, error) {
	if cfg.TemporalTLSCert == "" && cfg.TemporalTLSCA == "" && cfg.TemporalTLSServerName == "" && cfg.TemporalAPIKey == "" {
		return nil, nil
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.TemporalTLSServerName}
	if cfg.TemporalTLSCert != "" {
		certPEM, err := readPEM("TEMPORAL_TLS_CERT", cfg.TemporalTLSCert)
		if err != nil {
			return nil, err
		}
		keyPEM, err := readPEM("TEMPORAL_TLS_KEY", cfg.TemporalTLSKey)
		if err != nil {
			return nil, err
		}
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: %w", err)
		}
		t.Certificates = []tls.Certificate{cert}
	}
	if cfg.TemporalTLSCA != "" {
		caPEM, err := readPEM("TEMPORAL_TLS_CA", cfg.TemporalTLSCA)
		if err != nil {
			return nil, err
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA: %s holds no PEM certificate", cfg.TemporalTLSCA)
		}
	}
	return t, nil
}

// readPEM reads the PEM file named by the variable, and reports a missing
// file or one holding no PEM block under the variable's name.
func readPEM(variable, path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("%s is not set", variable)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", variable, err)
	}
	if block, _ := pem.Decode(body); block == nil {
		return nil, fmt.Errorf("%s: %s is not a PEM file", variable, path)
	}
	return body, nil
}

// dialTemporal connects to Temporal once, failing when it does not answer.
func dialTemporal(ctx context.Context, cfg config.Config) (client.Client, error) {
	opts, err := temporalOptions(cfg)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// lazyTemporal returns a client that connects on its first call and
// reconnects by itself, so that the server starts while Temporal is down;
// /readyz reports whether it answers.
func lazyTemporal(_ context.Context, cfg config.Config) (client.Client, error) {
	opts, err := temporalOptions(cfg)
	if err != nil {
		return nil, err
	}
	return client.NewLazyClient(opts)
}

// dialRetryMax caps the wait between a worker's attempts to reach Temporal.
const dialRetryMax = 30 * time.Second

// dialTemporalRetrying dials until Temporal answers or ctx ends, logging
// each failure and waiting twice as long after each, up to dialRetryMax,
// so that a worker started before Temporal waits for it rather than exits.
// What retrying would not mend fails at once: a configuration problem (a
// certificate file, the payload keys) or an answer refusing the
// credentials.
func dialTemporalRetrying(ctx context.Context, cfg config.Config) (client.Client, error) {
	opts, err := temporalOptions(cfg)
	if err != nil {
		return nil, err
	}
	wait := time.Second
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil || !temporalUnreachable(err) {
			return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
		}
		logger.Warn("Temporal unreachable; retrying", "address", cfg.TemporalAddress, "retry_in", wait.String(), "error", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, dialRetryMax)
	}
}

// temporalUnreachable reports whether err says Temporal could not be
// reached, or did not answer in time, rather than that it answered no.
func temporalUnreachable(err error) bool {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	return errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded)
}

// newSigner makes the signer of members' personal links from the
// configured key.
func newSigner(cfg config.Config) (*links.Signer, error) {
	var previous [][]byte
	for _, k := range cfg.LinkSigningKeysPrevious {
		previous = append(previous, []byte(k))
	}
	signer, err := links.NewSigner([]byte(cfg.LinkSigningKey), previous...)
	if err != nil {
		return nil, fmt.Errorf("LINK_SIGNING_KEY: %w", err)
	}
	return signer, nil
}

// workerDeps builds what the worker needs: for the activities the store,
// the SMTP sender and the link signer; for itself its concurrency and how
// long a stop waits for activities in flight (SHUTDOWN_TIMEOUT).
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
	return worker.Deps{Store: st, Mailer: m, Links: signer, PublicURL: cfg.PublicURL, AttachPacks: cfg.PackDelivery == "attach",
		Limits: worker.Limits{MaxActivities: cfg.WorkerActivities, MaxWorkflowTasks: cfg.WorkerWorkflowTasks, StopTimeout: cfg.ShutdownTimeout}}, nil
}

// connect checks the production settings and opens what the server and the
// worker both need: the migrated store and, through dial, a Temporal client
// that seals payloads. The caller closes the store and the client.
func connect(ctx context.Context, cfg config.Config, dial func(context.Context, config.Config) (client.Client, error)) (*store.Store, client.Client, error) {
	if err := cfg.RequireProduction(); err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	tc, err := dial(ctx, cfg)
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
	fs := newFlags("server", "server [-http ADDR]", envDatabase, envTemporal, envTLS, envHTTP, envLinks)
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
	// The server needs Temporal only to answer requests: it starts while
	// Temporal is down, /readyz answers 503 until Temporal does, and the
	// client reconnects by itself.
	st, tc, err := connect(ctx, cfg, lazyTemporal)
	if err != nil {
		return err
	}
	defer st.Close()
	defer tc.Close()
	logger.Info("serving", "address", cfg.HTTPAddress)
	return serveHTTP(ctx, cfg.HTTPAddress, server.New(server.Deps{Store: st, Temporal: tc, Config: cfg, Links: signer}).Handler(), cfg.ShutdownTimeout)
}

func runWorker(ctx context.Context, args []string) error {
	fs := newFlags("worker", "worker", envDatabase, envTemporal, envTLS, envWorker, envSMTP, envLinks)
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
	st, tc, err := connect(ctx, cfg, dialTemporalRetrying)
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
	logger.Info("worker running", "task_queue", cfg.TaskQueue, "max_activities", cfg.WorkerActivities, "max_workflow_tasks", cfg.WorkerWorkflowTasks)
	<-ctx.Done()
	// Stop waits up to SHUTDOWN_TIMEOUT for the activities in flight to
	// finish and report their results before it returns.
	logger.Info("worker stopping", "wait_for_activities", cfg.ShutdownTimeout.String())
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
