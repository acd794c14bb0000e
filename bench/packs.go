package bench

import (
	"context"
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
// both call) for one member, and the whole panel's packs built and each
// sent as an attachment through the mailer to the SMTP server.
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
		for _, m := range e.local.members {
			p, err := build(m)
			if err != nil {
				return err
			}
			if err := stack.Mailer.Send(ctx, mailer.Message{MessageID: fmt.Sprintf("bench-pack-%d-%d@scrutiny", run, m.ID), To: m.Email, ToName: m.Name,
				Subject: "Your review pack", Text: "Benchmark pack.",
				Attachments: []mailer.Attachment{{Filename: p.Filename, ContentType: workbook.ContentType, Data: p.Workbook}}}); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return rows, fmt.Errorf("panel packs: %w", err)
	}
	r := timed(rowPanelPacks, panelRuns, time.Second)
	r.Note = fmt.Sprintf("%d packs of %d members built and sent; mailer.Sender.Send dials a fresh SMTP connection for every message, "+
		"so no connection is reused within a batch: that is the limiting factor the issue's \"one SMTP connection per batch\" asks to remove", sent, len(e.local.members))
	return append(rows, r), nil
}
