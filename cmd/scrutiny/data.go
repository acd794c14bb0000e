package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/demodata"
	"github.com/lsip/scrutiny/store"
)

func runImport(ctx context.Context, args []string) error {
	fs := newFlags("import", "import cases [-by NAME] FILE.csv|FILE.xlsx", envDatabase)
	by := fs.String("by", currentUser(), "who is importing, for the audit log")
	if len(args) == 0 || args[0] != "cases" {
		fs.Usage()
		return errUsage
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	st, err := storeFromEnv(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := caseimport.Import(ctx, st, filepath.Base(path), data, *by)
	var problems caseimport.Errors
	if errors.As(err, &problems) {
		fmt.Fprintf(os.Stderr, "%s: %d problem(s); nothing was imported:\n", path, len(problems))
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "  "+p.String())
		}
		return errors.New("import refused")
	}
	if err != nil {
		return err
	}
	fmt.Printf("imported %d rows from %s: %d new cases, %d updated (import %d)\n", res.Rows, path, res.Inserted, res.Updated, res.ImportID)
	return nil
}

func runDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo", "demo [-cases N] [-seed S]", envDatabase)
	cases := fs.Int("cases", 20000, "closed cases to generate")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := storeFromEnv(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := demodata.Load(ctx, st, demodata.Options{Seed: *seed, Cases: *cases, Now: time.Now()})
	if err != nil {
		return err
	}
	fmt.Printf("loaded %d Areas, %d panels, %d members, %d cases\n", sum.Areas, sum.Panels, sum.Members, sum.Cases)
	return nil
}

// storeFromEnv opens and migrates the database named by DATABASE_URL, for
// the commands that need nothing else.
func storeFromEnv(ctx context.Context) (*store.Store, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		return nil, errors.New("set DATABASE_URL")
	}
	return openStore(ctx, cfg)
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
