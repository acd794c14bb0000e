package config_test

import (
	"os"
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
