// Package devtemporal runs a real Temporal server inside the scrutiny dev
// process, persisting to a SQLite file so that stopping and restarting `dev`
// keeps every running workflow. Production never uses it: there the worker
// and server dial an external cluster at TEMPORAL_ADDRESS.
//
// It is its own package because go.temporal.io/server is large to build;
// only the dev command and the end-to-end tests import it.
package devtemporal

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"

	"github.com/lsip/scrutiny/devstack/freeport"
)

// Options configures the dev server.
type Options struct {
	// DatabaseFile is the SQLite file holding all Temporal state. Its folder
	// must exist; the file and schema are created on first start.
	DatabaseFile string
	// FrontendAddress is where clients connect, for example 127.0.0.1:7233.
	FrontendAddress string
	// Namespace is registered on start if missing.
	Namespace string
	// LogFile receives the server's own log (warnings and errors), which
	// would otherwise drown the dev command's output.
	LogFile string
}

// Server is a running in-process Temporal server.
type Server struct {
	server   temporal.Server
	hostPort string
}

// Start creates the schema when the file is new, registers the namespace
// and starts all four Temporal services on loopback.
func Start(opts Options) (*Server, error) {
	host, portText, err := net.SplitHostPort(opts.FrontendAddress)
	if err != nil {
		return nil, fmt.Errorf("temporal frontend address %q: %w", opts.FrontendAddress, err)
	}
	frontendPort, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("temporal frontend port %q: %w", portText, err)
	}
	// Every attribute but mode becomes a PRAGMA under its own name (an
	// unknown one is silently ignored, as "_journal_mode" once was, which
	// left every write syncing a rollback journal on one connection).
	// Write-ahead logging with normal syncing makes a commit an append,
	// lets readers run beside the one writer on a few connections, and
	// busy_timeout makes a writer wait its turn rather than fail.
	sqlCfg := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      opts.DatabaseFile,
		ConnectAttributes: map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "normal", "busy_timeout": "10000"},
		MaxConns:          4,
		MaxIdleConns:      4,
	}
	if _, err := os.Stat(opts.DatabaseFile); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(opts.DatabaseFile), 0o700); err != nil {
			return nil, err
		}
		if err := sqlite.SetupSchema(sqlCfg); err != nil {
			return nil, fmt.Errorf("create Temporal schema in %s: %w", opts.DatabaseFile, err)
		}
	}
	const clusterName = "active"
	ns, err := sqlite.NewNamespaceConfig(clusterName, opts.Namespace, false, nil)
	if err != nil {
		return nil, err
	}
	if err := sqlite.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("register namespace %s: %w", opts.Namespace, err)
	}

	services := map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		grpcPort := frontendPort
		if name != "frontend" {
			if grpcPort, err = freeport.Port(host); err != nil {
				return nil, err
			}
		}
		membershipPort, err := freeport.Port(host)
		if err != nil {
			return nil, err
		}
		services[name] = config.Service{RPC: config.RPC{GRPCPort: grpcPort, MembershipPort: membershipPort, BindOnIP: host}}
	}
	metricsPort, err := freeport.Port(host)
	if err != nil {
		return nil, err
	}

	cfg := &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host},
			Metrics: &metrics.Config{Prometheus: &metrics.PrometheusConfig{
				ListenAddress: net.JoinHostPort(host, strconv.Itoa(metricsPort)), HandlerPath: "/metrics",
			}},
		},
		Persistence: config.Persistence{
			DefaultStore:     "sqlite",
			VisibilityStore:  "sqlite",
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{"sqlite": {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
				Enabled: true, InitialFailoverVersion: 1, RPCAddress: opts.FrontendAddress,
			}},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		// The server's internal workers (schedules, batch jobs) dial this.
		PublicClient: config.PublicClient{HostPort: opts.FrontendAddress},
	}

	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: "warn", OutputFile: opts.LogFile}))
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(DynamicConfig),
	)
	if err != nil {
		return nil, fmt.Errorf("configure Temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start Temporal server (log: %s): %w", opts.LogFile, err)
	}
	return &Server{server: srv, hostPort: opts.FrontendAddress}, nil
}

// DynamicConfig tunes a Temporal server that runs inside one process on
// a small machine, as this one and the tests' (testenv/temporalenv) do.
var DynamicConfig = dynamicconfig.StaticClient{
	// A dev server has one user; refresh search attributes eagerly so a
	// freshly started cycle shows up at once.
	dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): []dynamicconfig.ConstrainedValue{{Value: true}},
	// One partition per task queue: the default four spread one worker's
	// few pollers over four queues, so a task often lands where no poller
	// waits and is matched only after it is forwarded, which under load
	// made every workflow and activity task wait its turn twice.
	dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  []dynamicconfig.ConstrainedValue{{Value: 1}},
	dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): []dynamicconfig.ConstrainedValue{{Value: 1}},
}

// HostPort is the frontend address clients dial.
func (s *Server) HostPort() string { return s.hostPort }

// Stop shuts every service down.
func (s *Server) Stop() error { return s.server.Stop() }
