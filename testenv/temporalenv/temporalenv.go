// Package temporalenv starts a real Temporal server in the test process,
// through go.temporal.io/server's temporaltest package. It is separate from
// testenv because linking the server makes a test binary slow to build;
// only the end-to-end tests import it.
//
// Every client it hands out, and so every worker built on one, seals
// payloads with the test key of payloadcrypttest, as production clients do
// with PAYLOAD_KEYS: tests run against encrypted histories.
package temporalenv

import (
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporal"
	"go.temporal.io/server/temporaltest"

	"github.com/lsip/scrutiny/devstack/devtemporal"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
)

// Server is a running in-process Temporal server with a fresh namespace.
type Server struct {
	ts *temporaltest.TestServer
}

// Start runs a server for the life of the test.
func Start(t testing.TB) *Server {
	t.Helper()
	tt, ok := t.(*testing.T)
	if !ok {
		t.Fatal("temporalenv.Start needs a *testing.T")
	}
	return &Server{ts: temporaltest.NewServer(temporaltest.WithT(tt),
		temporaltest.WithBaseClientOptions(client.Options{DataConverter: payloadcrypttest.DataConverter()}),
		// Tuned as the dev server is, for one process on a small machine.
		temporaltest.WithBaseServerOptions(temporal.WithDynamicConfigClient(devtemporal.DynamicConfig)))}
}

// Client returns a client on the test namespace; the server closes it.
func (s *Server) Client() client.Client { return s.ts.GetDefaultClient() }

// NewClient returns an additional client, for example to play a second
// process; the server closes it.
func (s *Server) NewClient() client.Client {
	return s.ts.NewClientWithOptions(client.Options{DataConverter: payloadcrypttest.DataConverter()})
}

// RawClient returns a client without the payload codec: what someone
// reading Temporal's history directly would see. The server closes it.
func (s *Server) RawClient() client.Client { return s.ts.NewClientWithOptions(client.Options{}) }

// HostPort is the frontend address.
func (s *Server) HostPort() string { return s.ts.GetFrontendHostPort() }

// Namespace is the namespace the clients use.
func (s *Server) Namespace() string { return s.ts.GetDefaultNamespace() }
