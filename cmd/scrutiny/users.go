package main

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// runUsers manages staff accounts from the command line. Its one job is
// the first admin of a fresh installation: everyone after that is invited
// from the administration pages.
func runUsers(ctx context.Context, args []string) error {
	fs := newFlags("users", "users create -admin EMAIL [-name NAME] [-valid 24h]", envDatabase, envPublicURL)
	admin := fs.String("admin", "", "email address of the admin to create")
	name := fs.String("name", "", "the admin's name as others will see it (default: from the email address)")
	valid := fs.Duration("valid", 24*time.Hour, "how long the sign-in link works")
	if len(args) == 0 || args[0] != "create" {
		fs.Usage()
		return errUsage
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(*admin)
	if err != nil || *admin == "" || fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("%w: -admin needs one email address", errUsage)
	}
	if *valid <= 0 || *valid > 7*24*time.Hour {
		return fmt.Errorf("%w: -valid must be more than 0 and at most 168h", errUsage)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if cfg.PublicURL == "" {
		return errors.New("set PUBLIC_URL to the address people use to reach scrutiny, so the sign-in link works")
	}
	st, err := storeFromEnv(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *name == "" {
		*name = nameFromEmail(addr.Address)
	}
	id, err := st.CreateUser(ctx, store.User{Name: *name, Email: addr.Address, Role: domain.StaffAdmin})
	if _, clash := store.IsUniqueViolation(err); clash {
		return fmt.Errorf("an account for %s already exists; sign in, or reset its password from the sign-in page", addr.Address)
	}
	if err != nil {
		return err
	}
	token, err := st.IssueAccountLink(ctx, id, store.LinkFirstSignIn, *valid, "command line ("+currentUser()+")")
	if err != nil {
		return err
	}
	fmt.Printf("Created admin %s <%s>.\nOpen this link to choose a password and sign in. It works once, until %s:\n\n  %s/account/%s\n\n",
		*name, addr.Address, time.Now().Add(*valid).UTC().Format("2 January 2006 15:04 MST"), cfg.PublicURL, token)
	return nil
}

// nameFromEmail turns "ada.lovelace@cps.example" into "Ada Lovelace".
func nameFromEmail(email string) string {
	local, _, _ := strings.Cut(email, "@")
	words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
