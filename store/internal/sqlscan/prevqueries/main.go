// Command prevqueries writes store/testdata/previous-release-queries.sql:
// every SQL statement of package store as it was at a git revision (the
// release now running in production), for
// store.TestUpgradePreviousReleaseQueries to prepare against the current
// schema. Run it from the repository's root at each release:
//
//	go run ./store/internal/sqlscan/prevqueries -rev <release commit or tag>
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strconv"
	"strings"

	"github.com/lsip/scrutiny/store/internal/sqlscan"
)

func main() {
	rev := flag.String("rev", "", "git revision (commit or tag) of the release whose statements are wanted")
	out := flag.String("o", "store/testdata/previous-release-queries.sql", "file to write")
	flag.Parse()
	if *rev == "" {
		fmt.Fprintln(os.Stderr, "prevqueries: -rev is required, such as -rev v1.4.0")
		os.Exit(2)
	}
	if err := run(*rev, *out); err != nil {
		fmt.Fprintln(os.Stderr, "prevqueries:", err)
		os.Exit(1)
	}
}

func run(rev, out string) error {
	commit, err := git("rev-parse", "--short", rev+"^{commit}")
	if err != nil {
		return err
	}
	commit = strings.TrimSpace(commit)
	list, err := git("ls-tree", "--name-only", commit, "store/")
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	var migrations []int
	for _, name := range strings.Fields(list) {
		if name == "store/migrations" {
			if migrations, err = migrationVersions(commit); err != nil {
				return err
			}
			continue
		}
		if path.Ext(name) != ".go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := git("show", commit+":"+name)
		if err != nil {
			return err
		}
		files[name] = []byte(src)
	}
	if len(files) == 0 {
		return fmt.Errorf("no Go files under store/ at %s", commit)
	}
	res, err := sqlscan.Extract(files)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := sqlscan.Write(&buf, commit, migrations, res); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d statements from %s, %d left out (built at run time)\n", out, len(res.Statements), commit, len(res.Skipped))
	return nil
}

// migrationVersions are the versions of the migrations at commit, from
// their NNNN_name.sql file names.
func migrationVersions(commit string) ([]int, error) {
	list, err := git("ls-tree", "--name-only", commit, "store/migrations/")
	if err != nil {
		return nil, err
	}
	var versions []int
	for _, name := range strings.Fields(list) {
		prefix, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || path.Ext(name) != ".sql" {
			return nil, fmt.Errorf("migration %s at %s is not named NNNN_name.sql", name, commit)
		}
		versions = append(versions, v)
	}
	if len(versions) == 0 {
		return nil, fmt.Errorf("no migrations under store/migrations at %s", commit)
	}
	return versions, nil
}

// git runs a git command in the current directory and returns its output.
func git(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(b), nil
}
