package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
)

// testPKI is a CA, a certificate it issued for the Temporal frontend (named
// temporal.test) and one for scrutiny as a client, each written to PEM
// files as an operator would mount them.
type testPKI struct {
	ca                             *x509.Certificate
	caFile, certFile, keyFile      string
	serverCert                     tls.Certificate
	otherKeyFile, garbled, missing string
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey := newKey(t)
	caTemplate := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scrutiny test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(serial int64, name string, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		key := newKey(t)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage},
			KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, key
	}
	serverDER, serverKey := issue(2, "temporal.test", x509.ExtKeyUsageServerAuth)
	clientDER, clientKey := issue(3, "scrutiny-worker", x509.ExtKeyUsageClientAuth)

	p := testPKI{ca: ca, caFile: filepath.Join(dir, "ca.pem"), certFile: filepath.Join(dir, "client.pem"), keyFile: filepath.Join(dir, "client-key.pem"),
		otherKeyFile: filepath.Join(dir, "other-key.pem"), garbled: filepath.Join(dir, "garbled.pem"), missing: filepath.Join(dir, "missing.pem")}
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	writePEM(t, p.certFile, "CERTIFICATE", clientDER)
	writePEM(t, p.keyFile, "PRIVATE KEY", marshalKey(t, clientKey))
	writePEM(t, p.otherKeyFile, "PRIVATE KEY", marshalKey(t, newKey(t)))
	if err := os.WriteFile(p.garbled, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.serverCert = tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey}
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func marshalKey(t *testing.T, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Without any TLS setting the connection is plain gRPC, as to the dev
// stack; an API key alone turns TLS on, checked against the system's CAs.
func TestTemporalTLSOnlyWhenConfigured(t *testing.T) {
	off, err := temporalTLS(config.Config{})
	if err != nil || off != nil {
		t.Errorf("no TLS settings: %v, %v; want no TLS", off, err)
	}
	withKey, err := temporalTLS(config.Config{TemporalAPIKey: "key"})
	if err != nil || withKey == nil {
		t.Fatalf("TEMPORAL_API_KEY alone: %v, %v; want TLS on", withKey, err)
	}
	if withKey.RootCAs != nil || len(withKey.Certificates) != 0 || withKey.MinVersion != tls.VersionTLS12 {
		t.Errorf("TEMPORAL_API_KEY alone: %+v; want the system's CAs, no client certificate, TLS 1.2 at least", withKey)
	}
}

// The certificate files become a TLS configuration that presents the
// client certificate, trusts the given CA and expects the given name.
func TestTemporalTLSFromFiles(t *testing.T) {
	p := newTestPKI(t)
	got, err := temporalTLS(config.Config{TemporalTLSCert: p.certFile, TemporalTLSKey: p.keyFile, TemporalTLSCA: p.caFile, TemporalTLSServerName: "temporal.test"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ServerName != "temporal.test" || got.MinVersion != tls.VersionTLS12 {
		t.Errorf("server name %q, minimum version %x; want temporal.test, TLS 1.2", got.ServerName, got.MinVersion)
	}
	if len(got.Certificates) != 1 {
		t.Fatalf("%d client certificates, want 1", len(got.Certificates))
	}
	leaf, err := x509.ParseCertificate(got.Certificates[0].Certificate[0])
	if err != nil || leaf.Subject.CommonName != "scrutiny-worker" {
		t.Errorf("client certificate %v, %v; want scrutiny-worker's", leaf, err)
	}
	server, err := x509.ParseCertificate(p.serverCert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Verify(x509.VerifyOptions{Roots: got.RootCAs, DNSName: "temporal.test"}); err != nil {
		t.Errorf("the frontend's certificate does not verify against TEMPORAL_TLS_CA: %v", err)
	}
}

// A missing, garbled or mismatched file is refused with the name of the
// variable that points at it.
func TestTemporalTLSBadFilesNameTheVariable(t *testing.T) {
	p := newTestPKI(t)
	good := config.Config{TemporalTLSCert: p.certFile, TemporalTLSKey: p.keyFile, TemporalTLSCA: p.caFile}
	cases := []struct {
		name   string
		change func(*config.Config)
		want   string
	}{
		{"missing certificate", func(c *config.Config) { c.TemporalTLSCert = p.missing }, "TEMPORAL_TLS_CERT: "},
		{"garbled certificate", func(c *config.Config) { c.TemporalTLSCert = p.garbled }, "TEMPORAL_TLS_CERT: "},
		{"missing key", func(c *config.Config) { c.TemporalTLSKey = p.missing }, "TEMPORAL_TLS_KEY: "},
		{"garbled key", func(c *config.Config) { c.TemporalTLSKey = p.garbled }, "TEMPORAL_TLS_KEY: "},
		{"key of another certificate", func(c *config.Config) { c.TemporalTLSKey = p.otherKeyFile }, "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: "},
		{"missing CA", func(c *config.Config) { c.TemporalTLSCA = p.missing }, "TEMPORAL_TLS_CA: "},
		{"garbled CA", func(c *config.Config) { c.TemporalTLSCA = p.garbled }, "TEMPORAL_TLS_CA: "},
		{"key file as CA", func(c *config.Config) { c.TemporalTLSCA = p.keyFile }, "TEMPORAL_TLS_CA: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			_, err := temporalTLS(cfg)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want one starting %q", err, tc.want)
			}
			// The server and the worker refuse to start on it.
			cfg.PayloadKeys = payloadcrypttest.Keys
			if _, err := temporalOptions(cfg); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("temporalOptions: %v, want an error starting %q", err, tc.want)
			}
		})
	}
}

// The client dialled with the production settings connects over TLS to a
// gRPC endpoint that requires a client certificate issued by the CA: it
// presents scrutiny's certificate, accepts the frontend's only under
// TEMPORAL_TLS_SERVER_NAME, and sends the API key as a bearer token.
func TestTemporalTLSClientPresentsCertificateAndAPIKey(t *testing.T) {
	p := newTestPKI(t)
	addr, calls := startTLSEndpoint(t, p, status.Error(codes.Unimplemented, "unknown method"))
	cfg := config.Config{TemporalAddress: addr, TemporalNamespace: "default", PayloadKeys: payloadcrypttest.Keys,
		TemporalTLSCert: p.certFile, TemporalTLSKey: p.keyFile, TemporalTLSCA: p.caFile, TemporalTLSServerName: "temporal.test",
		TemporalAPIKey: "cloud-api-key"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		t.Fatalf("dial over mTLS: %v", err)
	}
	tc.Close()
	select {
	case s := <-calls:
		if s.commonName != "scrutiny-worker" {
			t.Errorf("the endpoint saw client certificate %q, want scrutiny-worker", s.commonName)
		}
		if s.authorization != "Bearer cloud-api-key" {
			t.Errorf("the endpoint saw authorization %q, want the API key as a bearer token", s.authorization)
		}
	default:
		t.Fatal("the dial made no call to the endpoint")
	}

	// The frontend's certificate names temporal.test, not the address
	// dialled: without TEMPORAL_TLS_SERVER_NAME the client refuses it.
	cfg.TemporalTLSServerName = ""
	shortCtx, cancelShort := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelShort()
	tc, err = dialTemporal(shortCtx, cfg)
	if err == nil {
		tc.Close()
		t.Fatal("dialled a frontend whose certificate does not name the address, without TEMPORAL_TLS_SERVER_NAME")
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("refused with %v, want the certificate named", err)
	}
}

// endpointCall is what a test endpoint saw of one call.
type endpointCall struct{ commonName, authorization string }

// startTLSEndpoint serves gRPC over TLS on a loopback port, requiring a
// client certificate issued by p's CA, and answers every call with answer,
// recording who called with what. Unimplemented "unknown method" is how a
// frontend without GetSystemInfo answers, which the SDK accepts as a
// successful dial.
func startTLSEndpoint(t *testing.T, p testPKI, answer error) (string, <-chan endpointCall) {
	t.Helper()
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(p.ca)
	calls := make(chan endpointCall, 64)
	srv := grpc.NewServer(
		grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{p.serverCert}, ClientCAs: clientCAs,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})),
		grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
			var call endpointCall
			if pr, ok := peer.FromContext(stream.Context()); ok {
				if info, ok := pr.AuthInfo.(credentials.TLSInfo); ok && len(info.State.PeerCertificates) > 0 {
					call.commonName = info.State.PeerCertificates[0].Subject.CommonName
				}
			}
			if md, ok := metadata.FromIncomingContext(stream.Context()); ok {
				call.authorization = strings.Join(md.Get("authorization"), ",")
			}
			select {
			case calls <- call:
			default:
			}
			return answer
		}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(srv.Stop)
	return l.Addr().String(), calls
}

// A worker keeps dialling while Temporal is unreachable, but an answer
// refusing its credentials ends the start at once: retrying would not
// mend it.
func TestTemporalTLSRefusedCredentialsEndWorkerDial(t *testing.T) {
	p := newTestPKI(t)
	addr, calls := startTLSEndpoint(t, p, status.Error(codes.Unauthenticated, "API key revoked"))
	cfg := config.Config{TemporalAddress: addr, TemporalNamespace: "default", PayloadKeys: payloadcrypttest.Keys,
		TemporalTLSCert: p.certFile, TemporalTLSKey: p.keyFile, TemporalTLSCA: p.caFile, TemporalTLSServerName: "temporal.test",
		TemporalAPIKey: "revoked-key"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan error, 1)
	go func() {
		tc, err := dialTemporalRetrying(ctx, cfg)
		if err == nil {
			tc.Close()
		}
		result <- err
	}()
	select {
	case err := <-result:
		if err == nil || !strings.Contains(err.Error(), "API key revoked") {
			t.Errorf("dial with refused credentials: %v, want the refusal", err)
		}
		if ctx.Err() != nil {
			t.Error("the dial ended only with its context")
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the worker's dial was still retrying refused credentials after two minutes")
	}
	if len(calls) == 0 {
		t.Error("the endpoint saw no call")
	}
}
