package digest

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

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
	rows, err := a.Store.Pool.Query(ctx, `SELECT id FROM users WHERE role = 'manager' AND active ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// QueueDigest builds a manager's weekly digest with the export of their
// Area's outstanding actions attached. With nothing outstanding it queues
// nothing and returns a zero reference.
func (a *Activities) QueueDigest(ctx context.Context, managerID int64, week string) (outbox.Ref, error) {
	key := fmt.Sprintf("digest/%d/%s", managerID, week)
	var existing outbox.Ref
	if err := a.Store.Pool.QueryRow(ctx, `SELECT id FROM outbox WHERE message_key = $1`, key).Scan(&existing.OutboxID); err == nil {
		return existing, nil // a retry: the digest is already queued
	}
	var name, email, area string
	var areaID int16
	if err := a.Store.Pool.QueryRow(ctx, `SELECT u.name, u.email, u.area_id, ar.name FROM users u JOIN areas ar ON ar.id = u.area_id WHERE u.id = $1`,
		managerID).Scan(&name, &email, &areaID, &area); err != nil {
		return outbox.Ref{}, err
	}
	log, err := workbook.NewActionLog()
	if err != nil {
		return outbox.Ref{}, err
	}
	var outstanding, overdue int
	var lines []string
	err = a.Store.EachAction(ctx, store.ActionFilter{ScopeAreaID: &areaID}, func(r domain.ActionRow) error {
		if r.Status != "open" && r.Status != "in_progress" {
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
	data, err := log.Close()
	if err != nil || outstanding == 0 {
		return outbox.Ref{}, err
	}
	subject := fmt.Sprintf("Weekly actions digest for %s: %d outstanding, %d overdue", area, outstanding, overdue)
	body := fmt.Sprintf("Dear %s,\n\n%s has %d outstanding panel actions, %d of them overdue.\n", name, area, outstanding, overdue)
	if overdue > 0 {
		body += "\nOverdue:\n" + strings.Join(lines, "\n") + "\n"
	}
	body += fmt.Sprintf("\nThe attached workbook lists them all. The action board: %s/actions?area=%d\n\n(This is an automatic message from scrutiny.)\n", a.PublicURL, areaID)
	var ref outbox.Ref
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		fileID, err := tx.SaveFile(ctx, store.File{Kind: "export", Filename: fmt.Sprintf("actions-%s-%s.xlsx", area, week), ContentType: workbook.ContentType, Content: data})
		if err != nil {
			return err
		}
		ref, err = outbox.Queue(ctx, tx, store.Mail{Key: key, ToAddress: email, ToName: name, Subject: subject, BodyText: body, AttachmentFileID: &fileID})
		return err
	})
	return ref, err
}
