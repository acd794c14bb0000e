package config_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/config"
)

func TestFromEnvDefaults(t *testing.T) {
	for _, v := range config.Variables {
		t.Setenv(v.Name, "")
	}
	c, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.TemporalAddress != "127.0.0.1:7233" || c.SMTPPort != 1025 || c.PackDelivery != "attach" || !c.DigestEnabled {
		t.Errorf("defaults not applied: %+v", c)
	}
	if err := c.RequireProduction(); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "LINK_SIGNING_KEY") {
		t.Errorf("RequireProduction = %v, want both missing settings named", err)
	}
}

func TestFromEnvReportsEveryBadValue(t *testing.T) {
	t.Setenv("SMTP_PORT", "seventy")
	t.Setenv("SMTP_TLS", "maybe")
	t.Setenv("PACK_DELIVERY", "pigeon")
	_, err := config.FromEnv()
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, name := range []string{"SMTP_PORT", "SMTP_TLS", "PACK_DELIVERY"} {
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

// TestRequireProductionRefusesPlaceholders: the sample key in
// docker-compose.yml, the dev stack's key and other guessable keys are
// long enough but refused; a random key is accepted.
func TestRequireProductionRefusesPlaceholders(t *testing.T) {
	compose, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`LINK_SIGNING_KEY:\s*(\S+)`).FindSubmatch(compose)
	if m == nil {
		t.Fatal("docker-compose.yml sets no LINK_SIGNING_KEY")
	}
	for _, key := range []string{string(m[1]), "scrutiny-dev-only-link-signing-key-do-not-use-in-production",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "0123456789012345678901234567890123456789", "ChangeMe-ChangeMe-ChangeMe-ChangeMe!!"} {
		c := config.Config{DatabaseURL: "postgres://db/scrutiny", LinkSigningKey: key}
		if err := c.RequireProduction(); err == nil || !strings.Contains(err.Error(), "placeholder") {
			t.Errorf("RequireProduction accepted the key %q (%v)", key, err)
		}
	}
	c := config.Config{DatabaseURL: "postgres://db/scrutiny", LinkSigningKey: "kT9vQ2mZ7xLp4RwB8nYc3HsJ6dFg1VeU5aOiE0tKqMr="}
	if err := c.RequireProduction(); err != nil {
		t.Errorf("a random key was refused: %v", err)
	}
}
