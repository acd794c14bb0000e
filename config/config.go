// Package config reads scrutiny's settings from the environment. Every
// setting has a safe default for the dev stack; production sets them
// explicitly. The README lists them all.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lsip/scrutiny/payloadcrypt"
)

// Config holds every setting the commands use.
type Config struct {
	DatabaseURL       string // DATABASE_URL: the app role the server and worker work as
	MigrateURL        string // MIGRATE_DATABASE_URL: the schema owner migrations run as; empty means DatabaseURL
	TemporalAddress   string // TEMPORAL_ADDRESS
	TemporalNamespace string // TEMPORAL_NAMESPACE
	TaskQueue         string // TEMPORAL_TASK_QUEUE
	HTTPAddress       string // HTTP_ADDR
	PublicURL         string // PUBLIC_URL: base of links in emails
	SMTPHost          string // SMTP_HOST
	SMTPPort          int    // SMTP_PORT
	SMTPUsername      string // SMTP_USERNAME
	SMTPPassword      string // SMTP_PASSWORD
	SMTPTLS           string // SMTP_TLS: none, starttls or tls
	MailFrom          string // MAIL_FROM
	LinkSigningKey    string // LINK_SIGNING_KEY: HMAC key for member links
	// LinkSigningKeysPrevious are earlier signing keys, still accepted
	// for links already sent (LINK_SIGNING_KEYS_PREVIOUS).
	LinkSigningKeysPrevious []string
	PayloadKeys             string        // PAYLOAD_KEYS: keys sealing Temporal payloads, current first
	TemporalUIOrigin        string        // TEMPORAL_UI_ORIGIN: the Web UI allowed to call the codec endpoint
	PackDelivery            string        // PACK_DELIVERY: attach or link
	DigestEnabled           bool          // DIGEST_ENABLED: weekly manager digest schedule
	RetentionEnabled        bool          // RETENTION_ENABLED: daily purge schedule
	RetentionAfter          time.Duration // RETENTION_AFTER_MINUTES: how long a cycle's data is kept after its minutes
	DataDir                 string        // SCRUTINY_DATA_DIR: dev stack state
	ShutdownTimeout         time.Duration // SHUTDOWN_TIMEOUT
	TrustedProxies          []string      // TRUSTED_PROXIES: addresses whose X-Forwarded-For is believed

	TemporalTLSCert       string // TEMPORAL_TLS_CERT: client certificate file for mTLS
	TemporalTLSKey        string // TEMPORAL_TLS_KEY: its private key file
	TemporalTLSCA         string // TEMPORAL_TLS_CA: CA file the frontend's certificate is checked against
	TemporalTLSServerName string // TEMPORAL_TLS_SERVER_NAME: name expected on the frontend's certificate
	TemporalAPIKey        string // TEMPORAL_API_KEY: Temporal Cloud API key
	WorkerActivities      int    // WORKER_MAX_ACTIVITIES: activities one worker runs at once
	WorkerWorkflowTasks   int    // WORKER_MAX_WORKFLOW_TASKS: workflow tasks one worker runs at once
	LogFormat             string // LOG_FORMAT: json or text
	LogLevel              string // LOG_LEVEL: debug, info, warn or error
	MetricsAddress        string // METRICS_ADDR: where /metrics is served; empty when METRICS_ADDR is off
	Tracing               bool   // OTEL_TRACING: export OpenTelemetry traces
}

// Variable documents one environment variable. Variables is the single list
// the README, the commands' -h output and the compose-file test draw on.
type Variable struct {
	Name    string
	Default string
	Help    string
	// Secret variables may instead name a file holding the value, in
	// NAME_FILE (Docker secrets mount them under /run/secrets).
	Secret bool
}

// Variables lists every setting scrutiny reads.
var Variables = []Variable{
	{"DATABASE_URL", "", "PostgreSQL URL the server, the worker and the commands work through. Required outside dev. In production it names the role `scrutiny_app`, which the migrations create without a password (the operator sets one: `ALTER ROLE scrutiny_app PASSWORD '...'`); it reads and writes rows but cannot alter the schema, nor change, delete or truncate the audit log. dev migrates its own database as the owner, then connects as `scrutiny_app`.", true},
	{"MIGRATE_DATABASE_URL", "", "PostgreSQL URL of the schema's owner, which `scrutiny migrate` and the migrations at start-up run as. Empty: DATABASE_URL. Set it for `scrutiny migrate` only and the server and worker never hold the owner's password: at start-up, with nothing pending, they only check the schema is current.", true},
	{"TEMPORAL_ADDRESS", "127.0.0.1:7233", "Temporal frontend host:port. dev serves its own here.", false},
	{"TEMPORAL_NAMESPACE", "default", "Temporal namespace.", false},
	{"TEMPORAL_TASK_QUEUE", "scrutiny", "Task queue the worker polls.", false},
	{"HTTP_ADDR", "127.0.0.1:8080", "Address the API and pages listen on.", false},
	{"PUBLIC_URL", "http://localhost:8080", "Base of links placed in emails.", false},
	{"SMTP_HOST", "127.0.0.1", "SMTP server host. dev runs a mail catcher here.", false},
	{"SMTP_PORT", "1025", "SMTP server port.", false},
	{"SMTP_USERNAME", "", "SMTP username; empty means no authentication.", false},
	{"SMTP_PASSWORD", "", "SMTP password.", true},
	{"SMTP_TLS", "none", "none, starttls or tls.", false},
	{"MAIL_FROM", "LSIP scrutiny <scrutiny@localhost>", "From address of every email.", false},
	{"LINK_SIGNING_KEY", "", "HMAC key (32+ characters) signing the personal links of panel members and action owners. Required outside dev.", true},
	{"LINK_SIGNING_KEYS_PREVIOUS", "", "Earlier LINK_SIGNING_KEY values, separated by commas, still accepted for the links already sent with them; new links are signed with LINK_SIGNING_KEY only. To rotate the key: set the new one, move the old one here, and drop it once its links have expired (a member link lasts until its cycle's access ends; an owner link 30 days after its email or 60 days after the action is due, whichever is later).", true},
	{"PAYLOAD_KEYS", "", "AES-256 keys sealing every Temporal payload (review answers, notes, findings), as id:base64key pairs separated by commas; the first seals, all open. Generate a key with `openssl rand -base64 32`; to rotate, put the new key first and keep the old ones. Required outside dev.", true},
	{"TEMPORAL_UI_ORIGIN", "", "Origin of the Temporal Web UI (such as https://temporal.example.org) allowed to call the codec endpoint /codec from the browser. Empty: no cross-origin calls.", false},
	{"PACK_DELIVERY", "attach", "attach: the workbook rides on the email; link: the email carries only the personal link.", false},
	{"DIGEST_ENABLED", "true", "Create the weekly manager digest schedule at start-up.", false},
	{"RETENTION_ENABLED", "true", "Create the daily retention schedule at start-up, which purges a cycle's packs, review answers, email bodies and identifying-detail reports once RETENTION_AFTER_MINUTES has passed, and expired sessions. false removes the schedule.", false},
	{"RETENTION_AFTER_MINUTES", "2160h", "How long after a cycle's minutes are issued (or it is cancelled) its packs, review answers, email bodies and identifying-detail reports are kept: a duration in hours, at least 24h (2160h is 90 days). Findings, actions and the audit log are kept.", false},
	{"SCRUTINY_DATA_DIR", ".scrutiny-dev", "Where dev keeps Temporal's SQLite file, its PostgreSQL cluster and caught mail.", false},
	{"SHUTDOWN_TIMEOUT", "20s", "How long a stopping server waits for requests in flight, and a stopping worker for the activities it is running.", false},
	{"TRUSTED_PROXIES", "", "Comma-separated addresses or CIDRs of the reverse proxies in front of the server; only their X-Forwarded-For is believed when limiting sign-ins per address. Empty: the connection's own address is used.", false},
	{"TEMPORAL_TLS_CERT", "", "Client certificate file (PEM) for mutual TLS to Temporal; with TEMPORAL_TLS_KEY. Empty: no client certificate.", false},
	{"TEMPORAL_TLS_KEY", "", "Private key file (PEM) of TEMPORAL_TLS_CERT.", false},
	{"TEMPORAL_TLS_CA", "", "CA certificate file (PEM) the Temporal frontend's certificate is checked against. Empty: the system's CAs, when TLS is on.", false},
	{"TEMPORAL_TLS_SERVER_NAME", "", "Name expected on the Temporal frontend's certificate, when it differs from TEMPORAL_ADDRESS's host.", false},
	{"TEMPORAL_API_KEY", "", "Temporal Cloud API key; turns TLS on. Empty: no API key.", true},
	{"WORKER_MAX_ACTIVITIES", "100", "Activities one worker runs at once (sending mail, building packs, database writes). Scale out with more workers rather than far higher values.", false},
	{"WORKER_MAX_WORKFLOW_TASKS", "100", "Workflow tasks one worker runs at once.", false},
	{"LOG_FORMAT", "json", "json: one JSON object per line (for log collectors); text: key=value lines for reading by eye.", false},
	{"LOG_LEVEL", "info", "debug, info, warn or error.", false},
	{"METRICS_ADDR", "127.0.0.1:9464", "Where the server and the worker serve Prometheus metrics at /metrics, apart from the public HTTP address. off: no metrics endpoint.", false},
	{"OTEL_TRACING", "false", "true: export OpenTelemetry traces of HTTP requests and Temporal calls to the collector named by the standard OTEL_EXPORTER_OTLP_* variables.", false},
}

// FromEnv reads the environment, applying defaults, and reports every bad
// value at once.
func FromEnv() (Config, error) {
	var problems []string
	env := func(key string) string {
		v, err := lookup(key)
		if err != nil {
			problems = append(problems, err.Error())
		}
		return v
	}
	c := Config{
		DatabaseURL:       env("DATABASE_URL"),
		MigrateURL:        env("MIGRATE_DATABASE_URL"),
		TemporalAddress:   env("TEMPORAL_ADDRESS"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE"),
		TaskQueue:         env("TEMPORAL_TASK_QUEUE"),
		HTTPAddress:       env("HTTP_ADDR"),
		PublicURL:         strings.TrimRight(env("PUBLIC_URL"), "/"),
		SMTPHost:          env("SMTP_HOST"),
		SMTPUsername:      env("SMTP_USERNAME"),
		SMTPPassword:      env("SMTP_PASSWORD"),
		SMTPTLS:           env("SMTP_TLS"),
		MailFrom:          env("MAIL_FROM"),
		LinkSigningKey:    env("LINK_SIGNING_KEY"),
		PayloadKeys:       env("PAYLOAD_KEYS"),
		TemporalUIOrigin:  strings.TrimRight(env("TEMPORAL_UI_ORIGIN"), "/"),
		PackDelivery:      env("PACK_DELIVERY"),
		DataDir:           env("SCRUTINY_DATA_DIR"),

		TemporalTLSCert:       env("TEMPORAL_TLS_CERT"),
		TemporalTLSKey:        env("TEMPORAL_TLS_KEY"),
		TemporalTLSCA:         env("TEMPORAL_TLS_CA"),
		TemporalTLSServerName: env("TEMPORAL_TLS_SERVER_NAME"),
		TemporalAPIKey:        env("TEMPORAL_API_KEY"),
		LogFormat:             env("LOG_FORMAT"),
		LogLevel:              env("LOG_LEVEL"),
		MetricsAddress:        env("METRICS_ADDR"),
	}
	// An empty setting means the default, as for every variable, so
	// turning metrics off takes a word.
	if c.MetricsAddress == "off" {
		c.MetricsAddress = ""
	}
	for _, k := range strings.Split(env("LINK_SIGNING_KEYS_PREVIOUS"), ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if len(k) < 32 {
			problems = append(problems, "LINK_SIGNING_KEYS_PREVIOUS must list keys of at least 32 characters, separated by commas")
			break
		}
		c.LinkSigningKeysPrevious = append(c.LinkSigningKeysPrevious, k)
	}
	for _, p := range strings.Split(env("TRUSTED_PROXIES"), ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			problems = append(problems, "TRUSTED_PROXIES must list IP addresses or CIDRs, such as 10.0.0.0/8")
			break
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	var err error
	if c.SMTPPort, err = strconv.Atoi(env("SMTP_PORT")); err != nil || c.SMTPPort <= 0 || c.SMTPPort > 65535 {
		problems = append(problems, "SMTP_PORT must be a port number")
	}
	if c.DigestEnabled, err = strconv.ParseBool(env("DIGEST_ENABLED")); err != nil {
		problems = append(problems, "DIGEST_ENABLED must be true or false")
	}
	if c.RetentionEnabled, err = strconv.ParseBool(env("RETENTION_ENABLED")); err != nil {
		problems = append(problems, "RETENTION_ENABLED must be true or false")
	}
	if c.RetentionAfter, err = time.ParseDuration(env("RETENTION_AFTER_MINUTES")); err != nil || c.RetentionAfter < 24*time.Hour {
		problems = append(problems, "RETENTION_AFTER_MINUTES must be a duration of at least 24h, such as 2160h for 90 days")
	}
	if c.WorkerActivities, err = strconv.Atoi(env("WORKER_MAX_ACTIVITIES")); err != nil || c.WorkerActivities < 1 {
		problems = append(problems, "WORKER_MAX_ACTIVITIES must be a whole number of at least 1")
	}
	if c.WorkerWorkflowTasks, err = strconv.Atoi(env("WORKER_MAX_WORKFLOW_TASKS")); err != nil || c.WorkerWorkflowTasks < 2 {
		// The SDK needs two workflow task slots: one for sticky, one for
		// the normal queue.
		problems = append(problems, "WORKER_MAX_WORKFLOW_TASKS must be a whole number of at least 2")
	}
	if c.Tracing, err = strconv.ParseBool(env("OTEL_TRACING")); err != nil {
		problems = append(problems, "OTEL_TRACING must be true or false")
	}
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		problems = append(problems, "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		problems = append(problems, "LOG_FORMAT must be json or text")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, "LOG_LEVEL must be debug, info, warn or error")
	}
	if c.ShutdownTimeout, err = time.ParseDuration(env("SHUTDOWN_TIMEOUT")); err != nil {
		problems = append(problems, "SHUTDOWN_TIMEOUT must be a duration such as 20s")
	}
	if c.PayloadKeys != "" {
		if _, err := payloadcrypt.ParseKeys(c.PayloadKeys); err != nil {
			problems = append(problems, "PAYLOAD_KEYS: "+err.Error())
		}
	}
	if c.TemporalUIOrigin != "" && !origin(c.TemporalUIOrigin) {
		problems = append(problems, "TEMPORAL_UI_ORIGIN must be a scheme and host, such as https://temporal.example.org")
	}
	switch c.SMTPTLS {
	case "none", "starttls", "tls":
	default:
		problems = append(problems, "SMTP_TLS must be none, starttls or tls")
	}
	switch c.PackDelivery {
	case "attach", "link":
	default:
		problems = append(problems, "PACK_DELIVERY must be attach or link")
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// MigrationURL is where migrations run: MIGRATE_DATABASE_URL, else
// DATABASE_URL.
func (c Config) MigrationURL() string {
	if c.MigrateURL != "" {
		return c.MigrateURL
	}
	return c.DatabaseURL
}

// RequireProduction reports the settings that have no safe default outside
// the dev stack.
func (c Config) RequireProduction() error {
	var missing []string
	if c.DatabaseURL == "" {
		missing = append(missing, "DATABASE_URL")
	}
	if len(c.LinkSigningKey) < 32 {
		missing = append(missing, "LINK_SIGNING_KEY (at least 32 characters)")
	}
	if c.PayloadKeys == "" {
		missing = append(missing, "PAYLOAD_KEYS")
	}
	if len(missing) > 0 {
		return fmt.Errorf("set %s", strings.Join(missing, " and "))
	}
	if placeholder(c.LinkSigningKey) {
		return errors.New("LINK_SIGNING_KEY is a placeholder or too predictable; generate one, for example with `openssl rand -base64 48`")
	}
	keys, err := payloadcrypt.ParseKeys(c.PayloadKeys)
	if err != nil {
		return fmt.Errorf("PAYLOAD_KEYS: %w", err)
	}
	for _, k := range keys {
		if placeholderKey(k.Secret) {
			return fmt.Errorf("PAYLOAD_KEYS: key %q is a placeholder or too predictable; generate one, for example with `openssl rand -base64 32`", k.ID)
		}
	}
	return nil
}

// placeholderKey reports whether a payload key's bytes are a sample or
// test key (readable words such as the dev stack's) or have too few
// different bytes to be random.
func placeholderKey(secret []byte) bool {
	folded := strings.ToLower(string(secret))
	for _, word := range placeholderWords {
		if strings.Contains(folded, word) {
			return true
		}
	}
	distinct := map[byte]bool{}
	for _, b := range secret {
		distinct[b] = true
	}
	return len(distinct) < 16
}

// origin reports whether s is a bare web origin: http or https, a host, and
// nothing after it.
func origin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Path == "" && u.RawQuery == "" && u.User == nil
}

// placeholder reports whether a secret is one an attacker would try: the
// sample values from docker-compose.yml and the README, words such as
// "change me", or a string with too few different characters to be random.
func placeholder(secret string) bool {
	folded := strings.ToLower(secret)
	for _, word := range placeholderWords {
		if strings.Contains(folded, word) {
			return true
		}
	}
	distinct := map[rune]bool{}
	for _, r := range secret {
		distinct[r] = true
	}
	return len(distinct) < 16
}

// placeholderWords appear in sample and dev secrets, never in generated ones.
var placeholderWords = []string{"change", "example", "placeholder", "secret", "password", "scrutiny", "dev-only", "test-only"}

// lookup returns the variable's value, or its documented default when unset
// or empty. A secret may come from the file NAME_FILE names instead, with
// its trailing newline removed; setting both is refused, so nobody wonders
// which one is used. Asking for a variable missing from Variables is a
// programming error.
func lookup(key string) (string, error) {
	i := slices.IndexFunc(Variables, func(v Variable) bool { return v.Name == key })
	if i < 0 {
		panic("config: undocumented variable " + key)
	}
	v := Variables[i]
	value := os.Getenv(key)
	if file := os.Getenv(key + "_FILE"); v.Secret && file != "" {
		if value != "" {
			return "", fmt.Errorf("set %s or %s_FILE, not both", key, key)
		}
		body, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", key, err)
		}
		value = strings.TrimRight(string(body), "\r\n")
	}
	if value == "" {
		return v.Default, nil
	}
	return value, nil
}
