package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// productionTags reads the build tags the Dockerfile builds the image with,
// and checks the Makefile's build-production (which .ci/run runs) uses the
// same, so that what is checked here and there is what ships.
func productionTags(t *testing.T) string {
	t.Helper()
	read := func(name string) string {
		body, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(body)
	}
	docker := regexp.MustCompile(`go build -tags (\S+)`).FindStringSubmatch(read("Dockerfile"))
	if docker == nil {
		t.Fatal("the Dockerfile's go build names no -tags")
	}
	makefile := regexp.MustCompile(`(?m)^PRODUCTION_TAGS := (\S+)$`).FindStringSubmatch(read("Makefile"))
	if makefile == nil || makefile[1] != docker[1] {
		t.Fatalf("Makefile PRODUCTION_TAGS %v, Dockerfile -tags %s: they must match", makefile, docker[1])
	}
	return docker[1]
}

// TestProductionBuildLeavesOutTheEmbeddedStack lists the packages a
// production build links: none of the Temporal server, nor of the dev
// stack, the test environments or the load run that embed it.
func TestProductionBuildLeavesOutTheEmbeddedStack(t *testing.T) {
	tags := productionTags(t)
	cmd := exec.Command("go", "list", "-deps", "-tags", tags, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var linked int
	for _, pkg := range strings.Fields(string(out)) {
		linked++
		for _, banned := range []string{"go.temporal.io/server/", "github.com/lsip/scrutiny/devstack", "github.com/lsip/scrutiny/testenv", "github.com/lsip/scrutiny/loadrun", "github.com/lsip/scrutiny/bench"} {
			if pkg == strings.TrimSuffix(banned, "/") || strings.HasPrefix(pkg, banned) {
				t.Errorf("a -tags %s build links %s", tags, pkg)
			}
		}
	}
	if linked < 50 {
		t.Fatalf("go list printed %d packages; the check saw nothing", linked)
	}
}

// TestProductionBuildHasNoDevCommands builds with the production tags and
// reads the usage: the dev-only commands (dev, load, ...) are gone, the
// commands a deployment runs are there.
func TestProductionBuildHasNoDevCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if len(devCommands()) == 0 {
		t.Skip("this test binary is itself a production build")
	}
	bin := filepath.Join(t.TempDir(), "scrutiny")
	build := exec.Command("go", "build", "-tags", productionTags(t), "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	var usage bytes.Buffer
	run := exec.Command(bin, "help")
	run.Stdout, run.Stderr = &usage, &usage
	if err := run.Run(); err != nil {
		t.Fatalf("scrutiny help: %v\n%s", err, usage.String())
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  (\S+) `).FindAllStringSubmatch(usage.String(), -1) {
		listed[m[1]] = true
	}
	for _, c := range devCommands() {
		if listed[c.name] {
			t.Errorf("a production build offers %q:\n%s", c.name, usage.String())
		}
	}
	for _, name := range []string{"server", "worker", "migrate", "probe"} {
		if !listed[name] {
			t.Errorf("a production build lacks %q:\n%s", name, usage.String())
		}
	}
}
