package config_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/store"
)

// docker-compose.yml is checked here without a Docker engine, through the
// compose-spec loader Docker Compose itself uses: a schema error, a bad
// reference or a dependency cycle fails here rather than on an operator's
// machine, and so does an unpinned image, a published port that should not
// be, a missing health check or start condition, or a secret written into
// the file.

// composeSecrets are the variables .env must set; compose refuses to start
// without any of them.
var composeSecrets = []string{"POSTGRES_PASSWORD", "SCRUTINY_APP_PASSWORD", "TEMPORAL_DB_PASSWORD", "LINK_SIGNING_KEY", "PAYLOAD_KEYS"}

// scrutinyServices run the image the Dockerfile builds, with these commands.
var scrutinyServices = map[string]string{"migrate": "migrate", "server": "server", "worker": "worker"}

// composeFile is docker-compose.yml's path and content.
func composeFile(t *testing.T) (root string, body []byte) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	body, err = os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return root, body
}

func composeDetails(t *testing.T, env types.Mapping) types.ConfigDetails {
	root, body := composeFile(t)
	return types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: "docker-compose.yml", Content: body}},
		Environment: env,
	}
}

func loadCompose(t *testing.T, env types.Mapping) (*types.Project, error) {
	t.Helper()
	return loader.LoadWithContext(context.Background(), composeDetails(t, env),
		func(o *loader.Options) { o.SetProjectName("scrutiny", true) })
}

// sampleSecrets makes a fresh .env: random values, as an operator following
// .env.example would, each distinct so the test can tell where it went.
func sampleSecrets(t *testing.T) types.Mapping {
	t.Helper()
	random := func(n int) []byte {
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	return types.Mapping{
		"POSTGRES_PASSWORD":     hex.EncodeToString(random(24)),
		"SCRUTINY_APP_PASSWORD": hex.EncodeToString(random(24)),
		"TEMPORAL_DB_PASSWORD":  hex.EncodeToString(random(24)),
		"LINK_SIGNING_KEY":      base64.StdEncoding.EncodeToString(random(48)),
		"PAYLOAD_KEYS":          "k1:" + base64.StdEncoding.EncodeToString(random(32)),
	}
}

// project loads the file with a filled-in .env.
func project(t *testing.T) (*types.Project, types.Mapping) {
	t.Helper()
	dotenv := sampleSecrets(t)
	p, err := loadCompose(t, dotenv)
	if err != nil {
		t.Fatalf("compose loader: %v", err)
	}
	return p, dotenv
}

func envOf(svc types.ServiceConfig, key string) string {
	if v := svc.Environment[key]; v != nil {
		return *v
	}
	return ""
}

func TestComposeRefusesToStartWithoutEachSecret(t *testing.T) {
	for _, missing := range composeSecrets {
		unset, empty := sampleSecrets(t), sampleSecrets(t)
		delete(unset, missing)
		empty[missing] = "" // as .env.example leaves it
		for _, dotenv := range []types.Mapping{unset, empty} {
			if _, err := loadCompose(t, dotenv); err == nil || !strings.Contains(err.Error(), missing) {
				t.Errorf("compose without %s: %v, want a refusal naming it", missing, err)
			}
		}
	}
}

func TestComposeServices(t *testing.T) {
	p, _ := project(t)
	want := []string{"postgres", "temporal-db", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui", "mailpit", "migrate", "app-role", "server", "worker"}
	if got := slices.Sorted(maps.Keys(p.Services)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("services %v, want %v", got, want)
	}
	for name, command := range scrutinyServices {
		svc := p.Services[name]
		if svc.Build == nil || svc.Build.Context != p.WorkingDir {
			t.Errorf("%s does not build scrutiny from the Dockerfile at the root", name)
		}
		if !slices.Equal([]string(svc.Command), []string{command}) {
			t.Errorf("%s runs %v, want [%s]", name, svc.Command, command)
		}
	}
	if _, err := os.Stat(filepath.Join(p.WorkingDir, "Dockerfile")); err != nil {
		t.Errorf("the scrutiny services build from a Dockerfile that is missing: %v", err)
	}
	for name, svc := range p.Services {
		// --scale worker=N needs no fixed name (the worker publishes no
		// port either: TestComposePublishesOnlyScrutinyToTheWorld).
		if svc.ContainerName != "" {
			t.Errorf("%s has container_name %q: it cannot scale, and two projects on one host would clash", name, svc.ContainerName)
		}
		// Files the services mount from deploy/ must exist.
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("%s mounts %s: %v", name, v.Source, err)
				}
			}
		}
	}
}

// versionTag is a release number (v1.29, 17.6-bookworm, 1.32.2), never
// latest or a branch name.
var versionTag = regexp.MustCompile(`^v?\d+(\.\d+)+(-[a-z0-9]+)?$`)

func TestComposeImagesArePinned(t *testing.T) {
	p, _ := project(t)
	for name, svc := range p.Services {
		repo, tag, ok := strings.Cut(svc.Image, ":")
		if _, built := scrutinyServices[name]; built {
			if svc.Image != "scrutiny:local" {
				t.Errorf("%s: image %q, want scrutiny:local when SCRUTINY_IMAGE is unset", name, svc.Image)
			}
			continue
		}
		if !ok || !versionTag.MatchString(tag) {
			t.Errorf("%s: image %q is not pinned to a version", name, svc.Image)
		}
		if strings.HasPrefix(repo, "temporalio/") && repo != "temporalio/ui" && tag != temporalServerVersion(t) {
			t.Errorf("%s: %s, want the release go.mod's go.temporal.io/server names (%s), which dev and the tests run", name, svc.Image, temporalServerVersion(t))
		}
		if repo == "temporalio/auto-setup" {
			t.Errorf("%s: temporalio/auto-setup is for development only", name)
		}
	}
}

// temporalServerVersion is go.mod's go.temporal.io/server version, without
// its v.
func temporalServerVersion(t *testing.T) string {
	t.Helper()
	body, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server v(\S+)`).FindSubmatch(body)
	if m == nil {
		t.Fatal("go.mod names no go.temporal.io/server")
	}
	return string(m[1])
}

func TestComposePublishesOnlyScrutinyToTheWorld(t *testing.T) {
	p, _ := project(t)
	type binding struct {
		hostIP    string
		published string
		target    uint32
	}
	want := map[string][]binding{
		"server":      {{"0.0.0.0", "8080", 8080}},
		"temporal-ui": {{"127.0.0.1", "8233", 8080}},
		"mailpit":     {{"127.0.0.1", "8025", 8025}},
	}
	for name, svc := range p.Services {
		var got []binding
		for _, port := range svc.Ports {
			got = append(got, binding{port.HostIP, port.Published, port.Target})
		}
		if !slices.Equal(got, want[name]) {
			t.Errorf("%s publishes %v, want %v (the Temporal frontend, the databases and metrics stay on the compose network)", name, got, want[name])
		}
	}
	// The Web UI's address is a variable, for an operator who puts an
	// authenticating proxy in front of it.
	dotenv := sampleSecrets(t)
	dotenv["TEMPORAL_UI_BIND"] = "10.1.2.3"
	moved, err := loadCompose(t, dotenv)
	if err != nil {
		t.Fatal(err)
	}
	if ports := moved.Services["temporal-ui"].Ports; len(ports) != 1 || ports[0].HostIP != "10.1.2.3" {
		t.Errorf("TEMPORAL_UI_BIND=10.1.2.3: the UI publishes %v", ports)
	}
}

func TestComposeHealthChecksGateTheStartOrder(t *testing.T) {
	p, _ := project(t)
	for _, name := range []string{"postgres", "temporal-db", "temporal", "server"} {
		hc := p.Services[name].HealthCheck
		if hc == nil || hc.Disable || len(hc.Test) < 2 {
			t.Errorf("%s has no health check", name)
		}
	}
	if hc := p.Services["server"].HealthCheck; hc != nil && !slices.Equal([]string(hc.Test), []string{"CMD", "/usr/local/bin/scrutiny", "probe", "http://127.0.0.1:8080/readyz"}) {
		t.Errorf("server health check %v, want scrutiny probe of /readyz (the image has no shell)", hc.Test)
	}

	const (
		healthy   = types.ServiceConditionHealthy
		completed = types.ServiceConditionCompletedSuccessfully
	)
	scrutinyDeps := map[string]string{"postgres": healthy, "migrate": completed, "app-role": completed, "temporal": healthy, "temporal-namespace": completed}
	want := map[string]map[string]string{
		"temporal-schema":    {"temporal-db": healthy},
		"temporal":           {"temporal-db": healthy, "temporal-schema": completed},
		"temporal-namespace": {"temporal": healthy},
		"temporal-ui":        {"temporal": healthy},
		"migrate":            {"postgres": healthy},
		"app-role":           {"migrate": completed},
		"server":             scrutinyDeps,
		"worker":             scrutinyDeps,
	}
	for name, svc := range p.Services {
		got := map[string]string{}
		for dep, d := range svc.DependsOn {
			got[dep] = d.Condition
		}
		if !maps.Equal(got, want[name]) {
			t.Errorf("%s depends on %v, want %v", name, got, want[name])
		}
	}
	for _, name := range []string{"temporal-schema", "temporal-namespace", "migrate", "app-role"} {
		if r := p.Services[name].Restart; r != "no" {
			t.Errorf("one-shot %s restarts %q, want \"no\"", name, r)
		}
	}
	for _, name := range []string{"postgres", "temporal-db"} {
		if vols := p.Services[name].Volumes; len(vols) != 1 || vols[0].Type != types.VolumeTypeVolume || vols[0].Target != "/var/lib/postgresql/data" {
			t.Errorf("%s keeps its data in %v, want a named volume", name, vols)
		}
	}
}

// secretName is a variable whose value is a secret: one config.Variables
// marks Secret, or a database password of the images beside scrutiny.
var secretName = regexp.MustCompile(`(PASSWORD|PWD|SECRET|KEYS?)$`)

// fromDotEnv is an interpolation that takes its value from .env and has no
// literal fallback: ${X}, ${X:?why}, ${X?why}, or ${X:-} (empty if unset).
var fromDotEnv = regexp.MustCompile(`^\$\{[A-Z0-9_]+(:?\?[^}]*|:?-)?\}$`)

func isSecret(name string) bool {
	for _, v := range config.Variables {
		if v.Name == name {
			return v.Secret
		}
	}
	return secretName.MatchString(name)
}

// TestComposeWritesNoSecret reads the file as text, before any
// interpolation: every secret variable's value, and the password of every
// URL, is an interpolation from .env, never a literal.
func TestComposeWritesNoSecret(t *testing.T) {
	_, body := composeFile(t)
	assignment := regexp.MustCompile(`^\s*(?:-\s*)?([A-Z][A-Z0-9_]*)\s*[:=]\s*(.*?)\s*$`)
	urlPassword := regexp.MustCompile(`[a-z0-9+]+://[^\s:/@]+:(\$\{[^}]*\}|[^@\s]*)@`)
	secrets := 0
	for i, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if m := assignment.FindStringSubmatch(line); m != nil && isSecret(m[1]) {
			secrets++
			value := strings.Trim(m[2], `"'`)
			if !fromDotEnv.MatchString(value) && !urlPassword.MatchString(value) {
				t.Errorf("docker-compose.yml:%d: %s is %q, want ${...} from .env with no literal fallback", i+1, m[1], value)
			}
		}
		for _, m := range urlPassword.FindAllStringSubmatch(line, -1) {
			if !fromDotEnv.MatchString(m[1]) {
				t.Errorf("docker-compose.yml:%d: a URL carries the password %q, want ${...} from .env", i+1, m[1])
			}
		}
	}
	if secrets < len(composeSecrets) {
		t.Errorf("found %d secret settings in docker-compose.yml; the scan is missing them", secrets)
	}
}

// TestComposeSecretsMeetWhereTheyAreUsed follows each .env secret to every
// service that needs it: the passwords a database is created with are the
// ones its clients sign in with, and no other value fills a secret setting.
func TestComposeSecretsMeetWhereTheyAreUsed(t *testing.T) {
	p, dotenv := project(t)
	s := p.Services
	type check struct{ what, got, want string }
	checks := []check{
		{"postgres POSTGRES_PASSWORD", envOf(s["postgres"], "POSTGRES_PASSWORD"), dotenv["POSTGRES_PASSWORD"]},
		{"app-role PGPASSWORD", envOf(s["app-role"], "PGPASSWORD"), dotenv["POSTGRES_PASSWORD"]},
		{"app-role PGUSER", envOf(s["app-role"], "PGUSER"), envOf(s["postgres"], "POSTGRES_USER")},
		{"app-role SCRUTINY_APP_PASSWORD", envOf(s["app-role"], "SCRUTINY_APP_PASSWORD"), dotenv["SCRUTINY_APP_PASSWORD"]},
		{"temporal-db POSTGRES_PASSWORD", envOf(s["temporal-db"], "POSTGRES_PASSWORD"), dotenv["TEMPORAL_DB_PASSWORD"]},
		{"temporal-schema SQL_PASSWORD", envOf(s["temporal-schema"], "SQL_PASSWORD"), dotenv["TEMPORAL_DB_PASSWORD"]},
		{"temporal POSTGRES_PWD", envOf(s["temporal"], "POSTGRES_PWD"), dotenv["TEMPORAL_DB_PASSWORD"]},
	}
	// Each scrutiny service's database URL: who signs in, with what, where.
	database := "@postgres:5432/" + envOf(s["postgres"], "POSTGRES_DB") + "?"
	urls := map[string]check{
		"migrate": {"MIGRATE_DATABASE_URL", envOf(s["migrate"], "MIGRATE_DATABASE_URL"), envOf(s["postgres"], "POSTGRES_USER") + ":" + dotenv["POSTGRES_PASSWORD"]},
		"server":  {"DATABASE_URL", envOf(s["server"], "DATABASE_URL"), store.AppRole + ":" + dotenv["SCRUTINY_APP_PASSWORD"]},
		"worker":  {"DATABASE_URL", envOf(s["worker"], "DATABASE_URL"), store.AppRole + ":" + dotenv["SCRUTINY_APP_PASSWORD"]},
	}
	for name, u := range urls {
		if !strings.HasPrefix(u.got, "postgres://"+u.want+database) {
			t.Errorf("%s's %s is %q, want postgres://%s%s...", name, u.what, u.got, u.want, database)
		}
	}
	for _, name := range []string{"server", "worker"} {
		checks = append(checks,
			check{name + " LINK_SIGNING_KEY", envOf(s[name], "LINK_SIGNING_KEY"), dotenv["LINK_SIGNING_KEY"]},
			check{name + " PAYLOAD_KEYS", envOf(s[name], "PAYLOAD_KEYS"), dotenv["PAYLOAD_KEYS"]},
			check{name + " SMTP_PASSWORD", envOf(s[name], "SMTP_PASSWORD"), ""})
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s is %q, want %q", c.what, c.got, c.want)
		}
	}
}

// TestComposeScrutinyEnvironment runs config.FromEnv on each scrutiny
// service's environment: every variable set is one scrutiny reads, the
// server and the worker have everything production requires, and only
// migrate holds the schema owner's password.
func TestComposeScrutinyEnvironment(t *testing.T) {
	p, _ := project(t)
	known := map[string]bool{}
	for _, v := range config.Variables {
		known[v.Name] = true
		if v.Secret {
			known[v.Name+"_FILE"] = true
		}
	}
	for name := range scrutinyServices {
		svc := p.Services[name]
		for key := range svc.Environment {
			if !known[key] {
				t.Errorf("%s sets %s, which scrutiny does not read", name, key)
			}
		}
		t.Run(name, func(t *testing.T) {
			for key := range known {
				t.Setenv(key, "")
			}
			for key, value := range svc.Environment {
				if value != nil {
					t.Setenv(key, *value)
				}
			}
			cfg, err := config.FromEnv()
			if err != nil {
				t.Fatal(err)
			}
			if name == "migrate" {
				if cfg.MigrateURL == "" || cfg.DatabaseURL != "" || cfg.LinkSigningKey != "" || cfg.PayloadKeys != "" {
					t.Errorf("migrate should hold the owner's MIGRATE_DATABASE_URL and nothing else secret: %+v", cfg)
				}
				return
			}
			if err := cfg.RequireProduction(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			if cfg.MigrateURL != "" {
				t.Errorf("%s holds the schema owner's MIGRATE_DATABASE_URL", name)
			}
			if cfg.TemporalAddress != "temporal:7233" || cfg.TemporalNamespace != envOf(p.Services["temporal-namespace"], "TEMPORAL_NAMESPACE") {
				t.Errorf("%s dials Temporal at %s, namespace %s", name, cfg.TemporalAddress, cfg.TemporalNamespace)
			}
			if cfg.MetricsAddress != "0.0.0.0:9464" {
				t.Errorf("%s serves metrics on %q, want 0.0.0.0:9464 inside its container", name, cfg.MetricsAddress)
			}
		})
	}

	// The Web UI asks scrutiny's codec endpoint for payloads, and scrutiny
	// lets the UI's origin call it.
	server, ui := p.Services["server"], p.Services["temporal-ui"]
	if got, want := envOf(ui, "TEMPORAL_CODEC_ENDPOINT"), envOf(server, "PUBLIC_URL")+"/codec"; got != want {
		t.Errorf("the UI's codec endpoint is %q, want %q", got, want)
	}
	if envOf(ui, "TEMPORAL_CODEC_INCLUDE_CREDENTIALS") != "true" {
		t.Error("the UI does not send the admin's scrutiny session to the codec endpoint")
	}
	if len(ui.Ports) == 1 {
		if got, want := envOf(server, "TEMPORAL_UI_ORIGIN"), fmt.Sprintf("http://localhost:%s", ui.Ports[0].Published); got != want {
			t.Errorf("TEMPORAL_UI_ORIGIN is %q, want the UI's own %q", got, want)
		}
	}
}

// TestEnvExampleListsEveryComposeVariable: .env.example names every
// variable docker-compose.yml reads, leaves the secrets empty, and its
// values load.
func TestEnvExampleListsEveryComposeVariable(t *testing.T) {
	root, body := composeFile(t)
	example, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	listed := types.Mapping{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Z][A-Z0-9_]*)=(.*)$`).FindAllStringSubmatch(string(example), -1) {
		listed[m[1]] = m[2]
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)`).FindAllStringSubmatch(string(body), -1) {
		if _, ok := listed[m[1]]; !ok {
			t.Errorf("docker-compose.yml reads %s, which .env.example does not list", m[1])
		}
	}
	for _, name := range composeSecrets {
		if listed[name] != "" {
			t.Errorf(".env.example gives %s a value; secrets are left for the operator to generate", name)
		}
	}
	maps.Copy(listed, sampleSecrets(t))
	if _, err := loadCompose(t, listed); err != nil {
		t.Errorf("compose with .env.example's values: %v", err)
	}
}
