//go:build !production

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/demodata"
	"github.com/lsip/scrutiny/devstack/devtemporal"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/devstack/pgcluster"
	"github.com/lsip/scrutiny/digest"
	"github.com/lsip/scrutiny/retention"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/worker"
)

// devSigningKey signs member links in dev only; production must set
// LINK_SIGNING_KEY (config.RequireProduction refuses to start without it).
const devSigningKey = "scrutiny-dev-only-link-signing-key-do-not-use-in-production"

// devPayloadKeys seal Temporal payloads in dev only: one key, the base64 of
// "dev-only-scrutiny-payload-key-32". Production must set PAYLOAD_KEYS
// (config.RequireProduction refuses to start without it, and refuses this).
const devPayloadKeys = "dev:ZGV2LW9ubHktc2NydXRpbnktcGF5bG9hZC1rZXktMzI="

// localPostgres is the machine's own server, used by dev when DATABASE_URL
// is unset and it answers.
const localPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// devDatabase is the database dev creates on a server it did not start.
const devDatabase = "scrutiny_dev"

// runDev starts the whole stack in this process and stops it all on
// Ctrl-C, in reverse order, leaving no process behind.
func runDev(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	fs := newFlags("dev", "dev [-data DIR] [-http ADDR] [-mail-http ADDR] [-no-demo]",
		"DATABASE_URL         use this PostgreSQL instead of the local server or a throwaway cluster",
		"SCRUTINY_DATA_DIR    where Temporal's SQLite file, the throwaway cluster and caught mail live")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "folder for dev state")
	fs.StringVar(&cfg.HTTPAddress, "http", cfg.HTTPAddress, "address of the API and pages")
	mailHTTP := fs.String("mail-http", "127.0.0.1:8025", "address of the mail catcher's web page")
	noDemo := fs.Bool("no-demo", false, "do not load the demo dataset on first start")
	demoCases := fs.Int("demo-cases", 20000, "closed cases in the demo dataset")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	if cfg.LinkSigningKey == "" {
		cfg.LinkSigningKey = devSigningKey
	}
	if cfg.PayloadKeys == "" {
		cfg.PayloadKeys = devPayloadKeys
	}

	// stops run in reverse order on the way out.
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()
	stopObserving, err := observe(ctx, cfg)
	if err != nil {
		return err
	}
	stops = append(stops, stopObserving)

	dbURL, devOwned, stopDB, err := devPostgres(ctx, cfg)
	if err != nil {
		return err
	}
	if stopDB != nil {
		stops = append(stops, stopDB)
	}
	st, err := devStore(ctx, &cfg, dbURL, devOwned)
	if err != nil {
		return err
	}
	stops = append(stops, st.Close)

	catcher, err := mailcatcher.New(mailcatcher.Options{Dir: filepath.Join(cfg.DataDir, "mail")})
	if err != nil {
		return err
	}
	smtpAddr, err := catcher.Start(net.JoinHostPort(cfg.SMTPHost, strconv.Itoa(cfg.SMTPPort)))
	if err != nil {
		return fmt.Errorf("mail catcher: %w", err)
	}
	stops = append(stops, func() { catcher.Close() })
	mailCtx, stopMailHTTP := context.WithCancel(context.Background())
	mailDone := make(chan error, 1)
	go func() { mailDone <- serveHTTP(mailCtx, *mailHTTP, catcher.Handler(), cfg.ShutdownTimeout) }()
	stops = append(stops, func() { stopMailHTTP(); <-mailDone })

	temporalServer, err := devtemporal.Start(devtemporal.Options{
		DatabaseFile:    filepath.Join(cfg.DataDir, "temporal.db"),
		FrontendAddress: cfg.TemporalAddress,
		Namespace:       cfg.TemporalNamespace,
		LogFile:         filepath.Join(cfg.DataDir, "temporal.log"),
	})
	if err != nil {
		return err
	}
	stops = append(stops, func() { temporalServer.Stop() })
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		return err
	}
	stops = append(stops, tc.Close)

	deps, err := workerDeps(cfg, st)
	if err != nil {
		return err
	}
	w := worker.New(tc, cfg.TaskQueue, deps)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	stops = append(stops, w.Stop)
	if err := digest.EnsureSchedule(ctx, tc, cfg.TaskQueue, cfg.DigestEnabled); err != nil {
		return err
	}
	if err := retention.EnsureSchedule(ctx, tc, cfg.TaskQueue, cfg.RetentionEnabled, cfg.RetentionAfter); err != nil {
		return err
	}

	// Demo accounts, with their published password, only ever go into a
	// database dev made for itself and filled with the demo data: never
	// into one named by DATABASE_URL, and not with -no-demo.
	demo := devOwned && !*noDemo
	if demo {
		loaded, err := demodata.Loaded(ctx, st)
		if err != nil {
			return err
		}
		if !loaded {
			logger.Info("loading demo data (first start only)", "cases", *demoCases)
			sum, err := demodata.Load(ctx, st, demodata.Options{Seed: 1, Cases: *demoCases, Now: time.Now()})
			if err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			logger.Info("demo data loaded", "areas", sum.Areas, "panels", sum.Panels, "members", sum.Members, "cases", sum.Cases)
		}
	}

	var tokens []demodata.DevToken
	if demo {
		if tokens, err = demodata.DevTokens(ctx, st); err != nil {
			return fmt.Errorf("dev API tokens: %w", err)
		}
	}

	httpErr := make(chan error, 1)
	go func() {
		httpErr <- serveHTTP(ctx, cfg.HTTPAddress, server.New(server.Deps{Store: st, Temporal: tc, Config: cfg, Links: deps.Links}).Handler(), cfg.ShutdownTimeout)
	}()
	fmt.Printf(`
scrutiny dev is running. Ctrl-C stops everything.

  App and API      http://%[1]s   (health: /healthz, readiness: /readyz)
  Mail catcher     http://%[2]s   (every email sent, readable here; SMTP on %[3]s)
  Temporal         %[4]s   (namespace %[5]s, task queue %[6]s)
  PostgreSQL       %[7]s
  State            %[8]s

`, cfg.HTTPAddress, *mailHTTP, smtpAddr, cfg.TemporalAddress, cfg.TemporalNamespace, cfg.TaskQueue, redactURL(dbURL), cfg.DataDir)
	if demo {
		fmt.Printf("Demo staff (sign in to the pages with the email and password %q; for the\nAPI send \"Authorization: Bearer <token>\"):\n", demodata.DevPassword)
		for _, t := range tokens {
			fmt.Printf("  %-32s %-32s %s\n", t.Who, t.Email, t.Token)
		}
	} else {
		fmt.Println("No demo accounts here. Create the first admin with:\n  scrutiny users create -admin EMAIL")
	}
	fmt.Println()

	select {
	case err := <-httpErr:
		return err
	case <-ctx.Done():
		logger.Info("stopping")
		return <-httpErr
	}
}

// devPostgres picks the database: DATABASE_URL if set; else the local
// server if it answers (creating scrutiny_dev on it); else a throwaway
// cluster under the data folder, started from the system's binaries. owned
// says the database is one dev made for itself (not DATABASE_URL's). The
// returned stop function is non-nil only for a cluster dev started.
func devPostgres(ctx context.Context, cfg config.Config) (url string, owned bool, stop func(), err error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, false, nil, nil
	}
	if url, err := ensureDatabase(ctx, localPostgres); err == nil {
		return url, true, nil, nil
	}
	logger.Info("no PostgreSQL on 127.0.0.1:5432; starting a throwaway cluster", "dir", filepath.Join(cfg.DataDir, "postgres"))
	cluster, err := pgcluster.Start(ctx, filepath.Join(cfg.DataDir, "postgres"), 0)
	if err != nil {
		return "", false, nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cluster.Stop(ctx); err != nil {
			logger.Error("stop PostgreSQL", "error", err)
		}
	}
	if url, err = ensureDatabase(ctx, cluster.URL("postgres")); err != nil {
		stop()
		return "", false, nil, err
	}
	return url, true, stop, nil
}

// devStore migrates and opens the dev database. In a database dev made for
// itself it migrates as the owner and then works as the app role, as
// production does; if the server will not let the app role sign in (it
// has no password), it warns and stays the owner. A DATABASE_URL given is
// used as it is, with MIGRATE_DATABASE_URL if set. cfg.DatabaseURL ends as
// the URL the store uses.
func devStore(ctx context.Context, cfg *config.Config, ownerURL string, owned bool) (*store.Store, error) {
	cfg.DatabaseURL = ownerURL
	if owned {
		cfg.MigrateURL = "" // dev's own database: its owner migrates it
	}
	st, err := openStore(ctx, *cfg)
	if err != nil || !owned {
		return st, err
	}
	appURL, err := store.AppRoleURL(ownerURL)
	if err == nil {
		var app *store.Store
		if app, err = store.Open(ctx, appURL); err == nil {
			st.Close()
			cfg.DatabaseURL, cfg.MigrateURL = appURL, ownerURL
			return app, nil
		}
	}
	logger.Warn("the app role cannot connect; dev works as the database owner", "role", store.AppRole, "error", err)
	return st, nil
}

// ensureDatabase creates the dev database on the server at adminURL if it
// is missing and returns its URL, giving up after three seconds so that a
// server that does not answer is soon replaced by a throwaway one.
func ensureDatabase(ctx context.Context, adminURL string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return store.EnsureDatabase(ctx, adminURL, devDatabase)
}

func redactURL(url string) string {
	c, err := pgx.ParseConfig(url)
	if err != nil {
		return "(configured)"
	}
	return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database)
}
