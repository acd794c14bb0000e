package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/pack"
	"github.com/lsip/scrutiny/workbook"
)

const (
	rowOnePack    = "packs: one member's workbook for 10 cases (pack.Build)"
	rowPanelPacks = "packs: 15 members' packs built and handed to SMTP, in all"
)

// runPacks draws and approves a 10-case selection for the local panel,
// then times pack.Build (what the PreparePack activity and the download
// both call) for one member, and the whole panel's packs built and sent as
// attachments, in one batch, through the mailer to the SMTP server.
func runPacks(ctx context.Context, e *env) ([]Row, error) {
	stack, err := e.dataset(ctx)
	if err != nil {
		return nil, err
	}
	cycleID, err := e.newCycle(ctx, stack.Store, e.local, localQuarterFrom, localQuarterTo, domain.CycleQuotas{PerStrand: localQuotas}, domain.ThemeFilter{}, false)
	if err != nil {
		return nil, err
	}
	defer stack.Store.CancelCycle(context.WithoutCancel(ctx), cycleID, "benchmark run")
	if _, err := (&cycleflow.Activities{Store: stack.Store}).SelectCases(ctx, cycleflow.SelectInput{CycleID: cycleID, Seed: drawSeed}); err != nil {
		return nil, err
	}
	if _, err := stack.Store.ApproveSelection(ctx, cycleID); err != nil {
		return nil, err
	}
	build := func(m domain.Member) (pack.Pack, error) {
		p, err := pack.Build(ctx, stack.Store, pack.Request{CycleID: cycleID, MemberID: m.ID, Link: stack.BaseURL + "/m/bench",
			Deadline: time.Now().AddDate(0, 0, 14)})
		if err == nil && len(p.CaseIDs) != 10 {
			err = fmt.Errorf("the pack holds %d cases, not 10", len(p.CaseIDs))
		}
		return p, err
	}
	var rows []Row
	one, err := samples(ctx, e.o.Runs, nil, func(int) error {
		_, err := build(e.local.members[0])
		return err
	})
	if err != nil {
		return rows, fmt.Errorf("one pack: %w", err)
	}
	rows = append(rows, timed(rowOnePack, one, 15*time.Millisecond))

	sent := 0
	panelRuns, err := samples(ctx, e.o.Runs, nil, func(run int) error {
		n, err := sendPanelPacks(ctx, stack.Mailer, e.local.members, run, build)
		sent += n
		return err
	})
	if err != nil {
		return rows, fmt.Errorf("panel packs: %w", err)
	}
	r := timed(rowPanelPacks, panelRuns, time.Second)
	r.Note = fmt.Sprintf("%d packs of %d members built and sent; each run's packs go to the SMTP server as one batch over one connection "+
		"(mailer.Sender.SendBatch, what the DeliverMailBatch activity uses)", sent, len(e.local.members))
	return append(rows, r), nil
}

// sendPanelPacks builds every member's pack and sends them all as one
// batch, returning how many were sent.
func sendPanelPacks(ctx context.Context, m *mailer.Sender, members []domain.Member, run int, build func(domain.Member) (pack.Pack, error)) (int, error) {
	batch := make([]mailer.Message, 0, len(members))
	for _, member := range members {
		p, err := build(member)
		if err != nil {
			return 0, err
		}
		batch = append(batch, mailer.Message{MessageID: fmt.Sprintf("bench-pack-%d-%d@scrutiny", run, member.ID), To: member.Email, ToName: member.Name,
			Subject: "Your review pack", Text: "Benchmark pack.",
			Attachments: []mailer.Attachment{{Filename: p.Filename, ContentType: workbook.ContentType, Data: p.Workbook}}})
	}
	if err := errors.Join(m.SendBatch(ctx, batch)...); err != nil {
		return 0, err
	}
	return len(batch), nil
}
