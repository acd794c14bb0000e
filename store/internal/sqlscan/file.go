package sqlscan

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// entryMark begins each statement in a statements file, followed by the
// statement's position; the statement runs to the next mark.
const entryMark = "-- statement: "

// Write writes a statements file: a header naming the revision the
// statements come from, the migration versions that revision had, and
// what was left out, then each statement after its mark.
func Write(w io.Writer, revision string, migrations []int, r Result) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "-- The SQL statements of package store at revision %s, as the previous\n", revision)
	fmt.Fprintf(b, "-- release runs them. store.TestUpgradePreviousReleaseQueries prepares each\n")
	fmt.Fprintf(b, "-- against the current schema, so a migration that would break the previous\n")
	fmt.Fprintf(b, "-- release while it still runs fails the tests. Made by\n")
	fmt.Fprintf(b, "--   go run ./store/internal/sqlscan/prevqueries -rev %s\n", revision)
	fmt.Fprintf(b, "-- (see \"Upgrades\" in docs/operations.md); do not edit by hand.\n")
	fmt.Fprintf(b, "-- revision: %s\n", revision)
	fmt.Fprintf(b, "-- migrations:")
	for _, v := range migrations {
		fmt.Fprintf(b, " %d", v)
	}
	fmt.Fprintln(b)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(b, "-- Built at run time in ways the extractor cannot follow, so not checked:\n")
		for _, pos := range r.Skipped {
			fmt.Fprintf(b, "--   %s\n", pos)
		}
	}
	for _, s := range r.Statements {
		fmt.Fprintf(b, "\n%s%s\n%s\n", entryMark, s.Pos, s.SQL)
	}
	return b.Flush()
}

// File is what a statements file holds.
type File struct {
	Revision   string
	Migrations []int // the schema versions of the revision
	Statements []Statement
}

// Read reads a statements file written by Write.
func Read(r io.Reader) (File, error) {
	var f File
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	var cur *Statement
	var body []string
	flush := func() {
		if cur != nil {
			cur.SQL = strings.TrimSpace(strings.Join(body, "\n"))
			f.Statements = append(f.Statements, *cur)
		}
		cur, body = nil, nil
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, entryMark):
			flush()
			cur = &Statement{Pos: strings.TrimPrefix(line, entryMark)}
		case cur != nil:
			body = append(body, line)
		case strings.HasPrefix(line, "-- revision: "):
			f.Revision = strings.TrimPrefix(line, "-- revision: ")
		case strings.HasPrefix(line, "-- migrations:"):
			for _, v := range strings.Fields(strings.TrimPrefix(line, "-- migrations:")) {
				n, err := strconv.Atoi(v)
				if err != nil {
					return f, fmt.Errorf("migration version %q: %w", v, err)
				}
				f.Migrations = append(f.Migrations, n)
			}
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return f, err
	}
	if f.Revision == "" || len(f.Migrations) == 0 {
		return f, fmt.Errorf("the header lacks its \"-- revision:\" or \"-- migrations:\" line")
	}
	for _, s := range f.Statements {
		if s.SQL == "" {
			return f, fmt.Errorf("statement at %s is empty", s.Pos)
		}
	}
	return f, nil
}
