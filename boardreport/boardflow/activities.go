package boardflow

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// Activities carries the dependencies of the Board report's activities.
type Activities struct {
	Store *store.Store
}

// QueueBoardReport builds the report for the period, stores the workbook
// and queues an email with it attached to each configured Board
// recipient, returning the outbox IDs. Each email is keyed by the period
// and the address: a retry that finds them all queued builds nothing.
func (a *Activities) QueueBoardReport(ctx context.Context, p boardreport.Period) ([]int64, error) {
	settings, err := a.Store.BoardReport(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, temporal.NewNonRetryableApplicationError("the Board report has no recipients: an admin sets them on /admin/board", "NotConfigured", err)
	}
	if err != nil {
		return nil, err
	}
	from, to, err := p.Dates()
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError("the period is not two dates", "BadPeriod", err)
	}
	key := func(addr string) string { return fmt.Sprintf("board-report/%s/%s/%s", p.From, p.To, addr) }
	if ids, done, err := a.queued(ctx, settings.Recipients, key); err != nil || done {
		return ids, err
	}
	data, err := boardreport.Build(ctx, a.Store, from, to)
	if err != nil {
		return nil, err
	}
	period := uktime.Date(from) + " to " + uktime.Date(to)
	subject := "Local scrutiny panels: report to the Board, " + period
	body := "Dear Board member,\n\nAttached is the six-monthly report of the Local Scrutiny and Involvement Panels for " + period +
		": the governance figures, the progress of actions and the comparison of the Areas, with charts.\n\n" +
		"It says nothing about any single case, and figures under 5 are shown as \"fewer than 5\".\n\n(This is an automatic message from scrutiny.)\n"
	var ids []int64
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		fileID, err := tx.SaveFile(ctx, store.File{Kind: domain.FileReport, Filename: boardreport.Filename(from, to), ContentType: workbook.ContentType, Content: data})
		if err != nil {
			return err
		}
		for _, addr := range settings.Recipients {
			ref, err := outbox.Queue(ctx, tx, store.Mail{Key: key(addr), ToAddress: addr, Subject: subject, BodyText: body, AttachmentFileID: &fileID})
			if err != nil {
				return err
			}
			ids = append(ids, ref.OutboxID)
		}
		return nil
	})
	return ids, err
}

// queued returns the outbox IDs of the emails already queued under the
// keys of recipients, and whether every one of them is.
func (a *Activities) queued(ctx context.Context, recipients []string, key func(string) string) ([]int64, bool, error) {
	var ids []int64
	for _, addr := range recipients {
		id, err := a.Store.OutboxIDByKey(ctx, key(addr))
		if errors.Is(err, store.ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		ids = append(ids, id)
	}
	return ids, true, nil
}
