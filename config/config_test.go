package config_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
)

func TestFromEnvDefaults(t *testing.T) {
	for _, v := range config.Variables {
		t.Setenv(v.Name, "")
	}
	c, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.TemporalAddress != "127.0.0.1:7233" || c.SMTPPort != 1025 || c.PackDelivery != "attach" || !c.DigestEnabled ||
		!c.RetentionEnabled || c.RetentionAfter != 90*24*time.Hour {
		t.Errorf("defaults not applied: %+v", c)
	}
	if err := c.RequireProduction(); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "LINK_SIGNING_KEY") {
		t.Errorf("RequireProduction = %v, want both missing settings named", err)
	}
	if err := c.RequireProduction(); err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEYS") {
		t.Errorf("RequireProduction = %v, want PAYLOAD_KEYS named", err)
	}
}

func TestFromEnvReportsEveryBadValue(t *testing.T) {
	t.Setenv("SMTP_PORT", "seventy")
	t.Setenv("SMTP_TLS", "maybe")
	t.Setenv("PACK_DELIVERY", "pigeon")
	t.Setenv("RETENTION_AFTER_MINUTES", "1h")
	t.Setenv("RETENTION_ENABLED", "sometimes")
	_, err := config.FromEnv()
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, name := range []string{"SMTP_PORT", "SMTP_TLS", "PACK_DELIVERY", "RETENTION_AFTER_MINUTES", "RETENTION_ENABLED"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

// TestREADMEListsEveryVariable keeps the README's configuration table in
// step with Variables.
func TestREADMEListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Variables {
		def := ""
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		row := "| `" + v.Name + "` | " + def + " | " + v.Help + " |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md lacks the row:\n%s", row)
		}
	}
}

// TestRequireProductionRefusesPlaceholders: the sample key docker-compose.yml
// once carried (its secrets now come from .env), the dev stack's key and
// other guessable keys are long enough but refused; a random key is
// accepted.
func TestRequireProductionRefusesPlaceholders(t *testing.T) {
	for _, key := range []string{"change-me-to-a-long-random-secret-of-32-chars-or-more", "scrutiny-dev-only-link-signing-key-do-not-use-in-production",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "0123456789012345678901234567890123456789", "ChangeMe-ChangeMe-ChangeMe-ChangeMe!!"} {
		c := config.Config{DatabaseURL: "postgres://db/scrutiny", LinkSigningKey: key, PayloadKeys: randomPayloadKeys}
		if err := c.RequireProduction(); err == nil || !strings.Contains(err.Error(), "placeholder") {
			t.Errorf("RequireProduction accepted the key %q (%v)", key, err)
		}
	}
	c := config.Config{DatabaseURL: "postgres://db/scrutiny", LinkSigningKey: "kT9vQ2mZ7xLp4RwB8nYc3HsJ6dFg1VeU5aOiE0tKqMr=", PayloadKeys: randomPayloadKeys}
	if err := c.RequireProduction(); err != nil {
		t.Errorf("a random key was refused: %v", err)
	}
}

// randomPayloadKeys is a PAYLOAD_KEYS value with two random keys, the
// newer first.
const randomPayloadKeys = "2026-06:9vCwOKfCgumBWud/dxWPZdxA8nHksS3cHgfeXLLKqKM=,2025-01:2wyg+AANn2TsUM/URpA7GRvJCqum/rSugQyxlL+gYDk="

// TestPayloadKeys: PAYLOAD_KEYS is read and checked at start-up; a
// malformed value or a bad Web UI origin is named; production refuses the
// dev stack's key, the test environments' key and a key of repeated bytes,
// whether current or kept for old payloads; random keys are accepted.
func TestPayloadKeys(t *testing.T) {
	for _, bad := range []string{"nokey", "k1:not base64!", "k1:c2hvcnQ=", "bad id:" + strings.Repeat("A", 43) + "=",
		"k1:9vCwOKfCgumBWud/dxWPZdxA8nHksS3cHgfeXLLKqKM=,k1:2wyg+AANn2TsUM/URpA7GRvJCqum/rSugQyxlL+gYDk="} {
		t.Setenv("PAYLOAD_KEYS", bad)
		if _, err := config.FromEnv(); err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEYS") {
			t.Errorf("PAYLOAD_KEYS=%q: FromEnv = %v, want it named", bad, err)
		}
	}
	t.Setenv("PAYLOAD_KEYS", randomPayloadKeys)
	t.Setenv("TEMPORAL_UI_ORIGIN", "https://temporal.example.org/")
	c, err := config.FromEnv()
	if err != nil || c.PayloadKeys != randomPayloadKeys || c.TemporalUIOrigin != "https://temporal.example.org" {
		t.Errorf("FromEnv = %+v, %v", c, err)
	}
	t.Setenv("TEMPORAL_UI_ORIGIN", "https://temporal.example.org/ui?x=1")
	if _, err := config.FromEnv(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_UI_ORIGIN") {
		t.Errorf("a UI origin with a path: %v", err)
	}

	base := config.Config{DatabaseURL: "postgres://db/scrutiny", LinkSigningKey: "kT9vQ2mZ7xLp4RwB8nYc3HsJ6dFg1VeU5aOiE0tKqMr="}
	for _, keys := range []string{
		"dev:ZGV2LW9ubHktc2NydXRpbnktcGF5bG9hZC1rZXktMzI=",                          // scrutiny dev's key
		"new:9vCwOKfCgumBWud/dxWPZdxA8nHksS3cHgfeXLLKqKM=," + payloadcrypttest.Keys, // the tests' key, kept as an old one
		"zero:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	} {
		c := base
		c.PayloadKeys = keys
		if err := c.RequireProduction(); err == nil || !strings.Contains(err.Error(), "placeholder") {
			t.Errorf("RequireProduction accepted PAYLOAD_KEYS %q (%v)", keys, err)
		}
	}
	base.PayloadKeys = randomPayloadKeys
	if err := base.RequireProduction(); err != nil {
		t.Errorf("random payload keys were refused: %v", err)
	}
}

// TestSecretsFromFiles: a secret is read from the file NAME_FILE names,
// without its trailing newline, as Docker secrets mount them; a missing
// file or both ways at once are refused and named; settings that are not
// secrets ignore _FILE.
func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	keyFile := dir + "/link_key"
	if err := os.WriteFile(keyFile, []byte("kT9vQ2mZ7xLp4RwB8nYc3HsJ6dFg1VeU5aOiE0tKqMr=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LINK_SIGNING_KEY_FILE", keyFile)
	t.Setenv("HTTP_ADDR_FILE", keyFile)
	c, err := config.FromEnv()
	if err != nil || c.LinkSigningKey != "kT9vQ2mZ7xLp4RwB8nYc3HsJ6dFg1VeU5aOiE0tKqMr=" || c.HTTPAddress != "127.0.0.1:8080" {
		t.Fatalf("FromEnv = %q, %q, %v", c.LinkSigningKey, c.HTTPAddress, err)
	}
	t.Setenv("LINK_SIGNING_KEY", "kT9vQ2mZ7xLp4RwB8nYc3HsJ6dFg1VeU5aOiE0tKqMr=")
	if _, err := config.FromEnv(); err == nil || !strings.Contains(err.Error(), "LINK_SIGNING_KEY or LINK_SIGNING_KEY_FILE") {
		t.Errorf("both set: %v", err)
	}
	t.Setenv("LINK_SIGNING_KEY", "")
	t.Setenv("PAYLOAD_KEYS_FILE", dir+"/missing")
	if _, err := config.FromEnv(); err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEYS_FILE") {
		t.Errorf("missing file: %v", err)
	}
}

// TestProductionSettings: worker concurrency, log format and level,
// tracing and the Temporal TLS pair are checked and named when bad.
func TestProductionSettings(t *testing.T) {
	t.Setenv("WORKER_MAX_ACTIVITIES", "0")
	t.Setenv("WORKER_MAX_WORKFLOW_TASKS", "1")
	t.Setenv("LOG_FORMAT", "xml")
	t.Setenv("LOG_LEVEL", "loud")
	t.Setenv("OTEL_TRACING", "perhaps")
	t.Setenv("TEMPORAL_TLS_CERT", "/etc/client.pem")
	_, err := config.FromEnv()
	for _, name := range []string{"WORKER_MAX_ACTIVITIES", "WORKER_MAX_WORKFLOW_TASKS", "LOG_FORMAT", "LOG_LEVEL", "OTEL_TRACING", "TEMPORAL_TLS_KEY"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
}

// TestMetricsCanBeTurnedOff: METRICS_ADDR defaults to loopback, and off
// (an empty value means the default) turns the endpoint off.
func TestMetricsCanBeTurnedOff(t *testing.T) {
	t.Setenv("METRICS_ADDR", "")
	if c, err := config.FromEnv(); err != nil || c.MetricsAddress != "127.0.0.1:9464" {
		t.Errorf("default metrics address %q, %v", c.MetricsAddress, err)
	}
	t.Setenv("METRICS_ADDR", "off")
	if c, err := config.FromEnv(); err != nil || c.MetricsAddress != "" {
		t.Errorf("METRICS_ADDR=off gave %q, %v", c.MetricsAddress, err)
	}
}
