package digest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// Activities carries the dependencies of the digest's activities.
type Activities struct {
	Store *store.Store
	// PublicURL is the base of links placed in emails.
	PublicURL string
}

// DigestRecipients lists the active managers.
func (a *Activities) DigestRecipients(ctx context.Context) ([]int64, error) {
	return a.Store.ActiveManagerIDs(ctx)
}

// QueueDigest builds a manager's weekly digest with the export of their
// Area's outstanding actions attached. With nothing outstanding it queues
// nothing and returns a zero reference.
func (a *Activities) QueueDigest(ctx context.Context, managerID int64, week string) (outbox.Ref, error) {
	key := fmt.Sprintf("digest/%d/%s", managerID, week)
	switch id, err := a.Store.OutboxIDByKey(ctx, key); {
	case err == nil:
		return outbox.Ref{OutboxID: id}, nil // a retry: the digest is already queued
	case !errors.Is(err, store.ErrNotFound):
		return outbox.Ref{}, err
	}
	m, err := a.Store.DigestRecipient(ctx, managerID)
	if err != nil {
		return outbox.Ref{}, err
	}
	var book bytes.Buffer
	log, err := workbook.NewActionLog(&book)
	if err != nil {
		return outbox.Ref{}, err
	}
	var outstanding, overdue int
	var lines []string
	areaScope := store.ScopeOf(store.User{Role: domain.StaffManager, AreaID: &m.AreaID})
	err = a.Store.EachAction(ctx, store.ActionFilter{Scope: areaScope}, func(r domain.ActionRow) error {
		if !slices.Contains(store.OutstandingActions, r.Status) {
			return nil
		}
		outstanding++
		if r.Overdue {
			overdue++
			lines = append(lines, fmt.Sprintf("  A-%d (%s), due %s, owner %s", r.ID, r.Panel, uktime.Date(r.Due), r.OwnerName))
		}
		return log.Add(r)
	})
	if err != nil {
		return outbox.Ref{}, err
	}
	if err := log.Close(); err != nil || outstanding == 0 {
		return outbox.Ref{}, err
	}
	data := book.Bytes()
	subject := fmt.Sprintf("Weekly actions digest for %s: %d outstanding, %d overdue", m.Area, outstanding, overdue)
	body := fmt.Sprintf("Dear %s,\n\n%s has %d outstanding panel actions, %d of them overdue.\n", m.Name, m.Area, outstanding, overdue)
	if overdue > 0 {
		body += "\nOverdue:\n" + strings.Join(lines, "\n") + "\n"
	}
	body += fmt.Sprintf("\nThe attached workbook lists them all. The action board: %s/actions?area=%d\n\n(This is an automatic message from scrutiny.)\n", a.PublicURL, m.AreaID)
	var ref outbox.Ref
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		fileID, err := tx.SaveFile(ctx, store.File{Kind: domain.FileExport, Filename: fmt.Sprintf("actions-%s-%s.xlsx", m.Area, week), ContentType: workbook.ContentType, Content: data})
		if err != nil {
			return err
		}
		ref, err = outbox.Queue(ctx, tx, store.Mail{Key: key, ToAddress: m.Email, ToName: m.Name, Subject: subject, BodyText: body, AttachmentFileID: &fileID})
		return err
	})
	return ref, err
}
