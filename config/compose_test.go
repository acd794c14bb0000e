package config_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/lsip/scrutiny/config"
)

// TestDockerCompose loads docker-compose.yml with the compose-spec loader
// (the one Docker Compose itself uses), so a schema error, a bad reference or
// a dependency cycle fails here rather than on a user's machine. It also
// checks that every variable given to scrutiny is one scrutiny reads.
func TestDockerCompose(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	load := func(env types.Mapping) (*types.Project, error) {
		return loader.LoadWithContext(context.Background(), types.ConfigDetails{
			WorkingDir:  root,
			ConfigFiles: []types.ConfigFile{{Filename: "docker-compose.yml", Content: body}},
			Environment: env,
		}, func(o *loader.Options) { o.SetProjectName("scrutiny", true) })
	}
	// The secrets are not in the file: without them compose refuses to
	// start, naming the one that is missing.
	if _, err := load(types.Mapping{}); err == nil || !strings.Contains(err.Error(), "LINK_SIGNING_KEY") {
		t.Errorf("compose without secrets: %v, want a refusal naming LINK_SIGNING_KEY", err)
	}
	project, err := load(types.Mapping{"LINK_SIGNING_KEY": "from-the-dot-env-file", "PAYLOAD_KEYS": "k1:from-the-dot-env-file"})
	if err != nil {
		t.Fatalf("compose loader: %v", err)
	}

	known := map[string]bool{}
	for _, v := range config.Variables {
		known[v.Name] = true
	}
	wantCommands := map[string]string{"migrate": "migrate", "worker": "worker", "server": "server"}
	for name, command := range wantCommands {
		svc, ok := project.Services[name]
		if !ok {
			t.Errorf("service %q missing", name)
			continue
		}
		if svc.Build == nil {
			t.Errorf("service %q does not build scrutiny from the Dockerfile", name)
		}
		if !slices.Equal([]string(svc.Command), []string{command}) {
			t.Errorf("service %q runs %v, want [%s]", name, svc.Command, command)
		}
		for key := range svc.Environment {
			if !known[key] {
				t.Errorf("service %q sets %s, which scrutiny does not read", name, key)
			}
		}
		for _, required := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "LINK_SIGNING_KEY", "PAYLOAD_KEYS"} {
			if v := svc.Environment[required]; v == nil || *v == "" {
				t.Errorf("service %q lacks %s", name, required)
			}
		}
	}
	for _, dep := range []string{"postgres", "temporal", "mail"} {
		if _, ok := project.Services[dep]; !ok {
			t.Errorf("service %q missing", dep)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "Dockerfile")); err != nil {
		t.Errorf("the services build from a Dockerfile that is missing: %v", err)
	}
}
