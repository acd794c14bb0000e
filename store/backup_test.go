package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestBackupAndRestore backs up a database holding a panel, its members, a
// case, a cycle with a submitted review, an agreed action and audit
// entries with pg_dump, restores it into a new database with pg_restore,
// and checks the copy: the same rows, the audit log still append-only, and
// the app role still able to work in it. The commands are the ones
// docs/operations.md ("Backup and restore") gives operators:
//
//	pg_dump --format=custom --file=scrutiny.dump --dbname=$OWNER_URL
//	createdb --owner=<schema owner> scrutiny_restored
//	pg_restore --exit-on-error --dbname=$RESTORED_OWNER_URL scrutiny.dump
//	GRANT CONNECT, TEMPORARY ON DATABASE scrutiny_restored TO scrutiny_app
//
// Owners and privileges are restored as dumped (no --no-owner, no
// --no-privileges), so the tables stay owned by the schema owner and the
// app role keeps exactly its grants; the database-level grant is not in a
// dump of one database, hence the last line.
func TestBackupAndRestore(t *testing.T) {
	pgDump, pgRestore := postgresTools(t)
	st := testenv.DB(t)
	ctx := context.Background()
	seed := seedBackup(t, st)
	source := testenv.SQL(t, st)

	file := filepath.Join(t.TempDir(), "scrutiny.dump")
	runTool(t, pgDump, "--format=custom", "--file="+file, "--dbname="+testenv.URL(t, st))
	restoredURL, restoredName := newDatabase(t, testenv.URL(t, st))
	runTool(t, pgRestore, "--exit-on-error", "--dbname="+restoredURL, file)
	restored, err := pgx.Connect(ctx, restoredURL)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close(ctx)
	if _, err := restored.Exec(ctx, `GRANT CONNECT, TEMPORARY ON DATABASE `+pgx.Identifier{restoredName}.Sanitize()+` TO `+store.AppRole); err != nil {
		t.Fatal(err)
	}

	// Every table holds as many rows as before, and the rows that matter
	// hold the same values.
	tables := tableCounts(t, source)
	if tables["audit_log"] != 3 || tables["reviews"] != 1 || tables["actions"] != 1 {
		t.Fatalf("the seeded database holds %v; the seed did not write what the test checks", tables)
	}
	if got := tableCounts(t, restored); !maps.Equal(tables, got) {
		t.Errorf("row counts differ after the restore:\nbefore %v\nafter  %v", tables, got)
	}
	for _, q := range []string{
		`SELECT string_agg(format('%s|%s|%s|%s', id, actor, action, detail), E'\n' ORDER BY id) FROM audit_log`,
		`SELECT format('%s|%s|%s|%s', status, version, answers, submitted_at) FROM reviews`,
		`SELECT format('%s|%s|%s|%s', description, owner_email, due_on, status) FROM actions`,
		`SELECT string_agg(format('%s|%s|%s', id, name, email), ',' ORDER BY id) FROM members`,
		`SELECT format('%s|%s|%s', workflow_id, stage, schedule) FROM cycles`,
		`SELECT string_agg(urn, ',') FROM case_urns`,
		`SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations`,
	} {
		var before, after string
		if err := source.QueryRow(ctx, q).Scan(&before); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if err := restored.QueryRow(ctx, q).Scan(&after); err != nil {
			t.Fatalf("%s on the restored copy: %v", q, err)
		}
		if before != after {
			t.Errorf("%s\nbefore: %s\nafter:  %s", q, before, after)
		}
	}

	// The audit log's triggers came back: even the owner cannot change it.
	for _, stmt := range []string{`UPDATE audit_log SET actor = 'someone else'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := restored.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s on the restored copy as the owner: %v, want the append-only refusal", stmt, err)
		}
	}

	// The app role works in the copy with its own privileges: it reads and
	// writes through the store, sequences carry on after the restored rows,
	// and it still may not touch the audit log nor migrate.
	appURL, err := store.AppRoleURL(restoredURL)
	if err != nil {
		t.Fatal(err)
	}
	app, err := store.Open(ctx, appURL)
	if err != nil {
		t.Fatalf("the app role cannot open the restored copy: %v", err)
	}
	defer app.Close()
	if done, err := app.Migrate(ctx); err != nil || len(done) != 0 {
		t.Errorf("migrate on the restored copy as the app role applied %v, %v; want nothing pending", done, err)
	}
	c, err := app.Cycle(ctx, seed.cycle)
	if err != nil || c.PanelName != seed.panelName {
		t.Errorf("the restored cycle through the store: %+v, %v", c, err)
	}
	if err := app.Audit(ctx, "restore-check@example.org", "backup_restored", "database", restoredName, nil); err != nil {
		t.Errorf("the app role cannot append to the restored audit log: %v", err)
	}
	entries, total, err := app.AuditLog(ctx, store.ScopeOf(store.User{Role: domain.StaffAdmin}), store.AuditFilter{})
	if err != nil || total != tables["audit_log"]+1 || entries[0].Action != "backup_restored" {
		t.Errorf("the restored audit log through the store: %d entries, %v", total, err)
	}
	member, err := app.AddMember(ctx, seed.panel, domain.NewMember{Name: "After Restore", Email: "after@example.org", Role: domain.RoleMember, Language: "en"})
	if err != nil || member.ID <= seed.lastMember {
		t.Errorf("adding a member after the restore: ID %d (last before %d), %v", member.ID, seed.lastMember, err)
	}
	appConn, err := pgx.Connect(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer appConn.Close(ctx)
	for _, stmt := range []string{`UPDATE audit_log SET actor = 'someone else'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`, `DROP TRIGGER audit_log_no_change ON audit_log`} {
		if _, err := appConn.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "42501") {
			t.Errorf("%s on the restored copy as the app role: %v, want a refusal for want of privilege", stmt, err)
		}
	}
}

// backupSeed is what seedBackup wrote and the checks look for.
type backupSeed struct {
	panel, cycle, lastMember int64
	panelName                string
}

// seedBackup writes, through the store, a panel, two members, a case, a
// cycle that drew it, a submitted review, an agreed action and an audit
// entry (creating the panel and importing the case audit too).
func seedBackup(t *testing.T, st *store.Store) backupSeed {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	panel, err := st.CreatePanel(ctx, domain.NewPanel{AreaCode: "wales", Name: "Backup Panel", Covers: "both", Strands: []string{"race"}}, "admin@example.org")
	must(err)
	var members []domain.Member
	for _, name := range []string{"Aled", "Bethan"} {
		m, err := st.AddMember(ctx, panel.ID, domain.NewMember{Name: name, Email: strings.ToLower(name) + "@example.org", Role: domain.RoleMember, Language: "cy"})
		must(err)
		members = append(members, m)
	}
	_, _, _, err = st.ImportCases(ctx, "cases.csv", strings.Repeat("ab", 32), "admin@example.org", []domain.CaseRecord{{
		AreaCode: "wales", Reference: "W-0001", URN: "62AB1234567", Category: domain.HateCrime, Strands: []string{"race"},
		PrincipalOffence: "Racially aggravated harassment", FinalisedOn: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC),
		Outcome: domain.ConvictionPlea, Summary: "A neighbour dispute with racist abuse.",
	}})
	must(err)
	var caseID int64
	must(testenv.SQL(t, st).QueryRow(ctx, `SELECT id FROM cases WHERE reference = 'W-0001'`).Scan(&caseID))

	schedule, err := json.Marshal(map[string]time.Time{"reviews_due": time.Date(2027, 1, 11, 18, 0, 0, 0, time.UTC)})
	must(err)
	cycleID, _, err := st.CreateCycle(ctx, store.NewCycle{WorkflowID: "cycle-" + strconv.FormatInt(panel.ID, 10) + "-2026-07-01-2026-09-30", PanelID: panel.ID,
		WindowStart: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), WindowEnd: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC),
		Quotas: domain.CycleQuotas{PerStrand: map[string]int{"race": 1}}, Schedule: schedule,
		StartedBy: "coordinator@example.org", CoordinatorName: "Cerys", CoordinatorEmail: "coordinator@example.org"})
	must(err)
	must(st.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordDraw(ctx, cycleID, 42, []store.DrawnStratum{{Strand: "race", Quota: 1, Eligible: 1, EligibleIDs: []int64{caseID}, Selected: []int64{caseID}}}, nil)
	}))
	must(st.OpenReviews(ctx, cycleID, members[0].ID, []int64{caseID}, "v1"))
	_, err = st.SaveReview(ctx, store.ReviewKey{CycleID: cycleID, MemberID: members[0].ID, CaseID: caseID},
		store.ReviewSave{Status: domain.ReviewSubmitted, Answers: []byte(`{"overall": "handled_well", "good_practice": "Early special measures."}`), Final: true, Source: "web"})
	must(err)
	must(st.InTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.AddAgreedAction(ctx, store.AgreedAction{CycleID: cycleID, CaseID: caseID, Kind: "recommendation", Audience: "prosecution",
			Description: "Remind prosecutors to seek the uplift.", OwnerName: "Dafydd", OwnerEmail: "dafydd@example.org",
			ManagerName: "Eleri", ManagerEmail: "eleri@example.org", Due: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), RequestKey: "backup-test-action"})
		return err
	}))
	must(st.Audit(ctx, "cerys@example.org", "finding_recorded", "cycle", strconv.FormatInt(cycleID, 10), map[string]any{"case_id": caseID}))
	return backupSeed{panel: panel.ID, cycle: cycleID, lastMember: members[len(members)-1].ID, panelName: panel.Name}
}

// postgresTools finds pg_dump and pg_restore: the newest under
// /usr/lib/postgresql/*/bin (Debian keeps each version there; a newer
// pg_dump reads older servers, never the reverse), else on PATH. Without
// them the test skips, and fails under CI.
func postgresTools(t *testing.T) (pgDump, pgRestore string) {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return majorOf(b) - majorOf(a) })
	for _, dir := range dirs {
		d, r := filepath.Join(dir, "pg_dump"), filepath.Join(dir, "pg_restore")
		if isExecutable(d) && isExecutable(r) {
			return d, r
		}
	}
	d, errD := exec.LookPath("pg_dump")
	r, errR := exec.LookPath("pg_restore")
	if errD == nil && errR == nil {
		return d, r
	}
	if os.Getenv("CI") != "" {
		t.Fatal("pg_dump and pg_restore are required under CI (apt-get install postgresql-client)")
	}
	t.Skip("skipping: pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
	return "", ""
}

// majorOf is N for /usr/lib/postgresql/N/bin.
func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

// runTool runs a PostgreSQL client program and fails the test with its
// output if it fails.
func runTool(t *testing.T, tool string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(tool), args[0], err, out.String())
	}
}

// newDatabase creates an empty database beside the one at ownerURL, owned
// by the same role, dropped when the test ends; it returns its URL as that
// owner, and its name.
func newDatabase(t *testing.T, ownerURL string) (string, string) {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	name := "scrutiny_restore_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, testenv.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), testenv.AdminURL())
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String(), name
}

// tableCounts counts the rows of every table in the public schema.
func tableCounts(t *testing.T, db testenv.RawSQL) map[string]int {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, name := range names {
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{name}.Sanitize()).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		counts[name] = n
	}
	return counts
}
