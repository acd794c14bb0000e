package cycleflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/pack"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// PackRecipients lists, by name, the members who receive a pack: active,
// still on the panel, and having accepted the confidentiality agreement on
// their personal page (or signed it on paper before members accepted
// online). A member who has not accepted gets no pack. A member whose mail
// bounced is still listed: their mail is held and the coordinator told.
func (a *Activities) PackRecipients(ctx context.Context, cycleID int64) ([]PackRecipient, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	members, err := a.Store.ActiveMembers(ctx, c.PanelID, true)
	if err != nil {
		return nil, err
	}
	out := make([]PackRecipient, 0, len(members))
	for _, m := range members {
		out = append(out, PackRecipient{MemberID: m.ID, Name: m.Name})
	}
	return out, nil
}

// PreparePack builds the member's workbook without their conflicted cases,
// stores it, opens their reviews and queues the email, all in one
// transaction; a retry finds what the first attempt stored.
func (a *Activities) PreparePack(ctx context.Context, in PackInput) (Pack, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return Pack{}, err
	}
	return a.preparePack(ctx, c, in)
}

// PreparePacks prepares every recipient's pack in one activity, one member
// after another, each as PreparePack does it (its own transaction, found
// again by a retry), and returns them in the recipients' order. One
// activity instead of one per member spares the cycle's workflow a dozen
// activity tasks and their history writes, each taking the workflow's lock
// on the history service. It records no heartbeat: a retry loses no
// member's work, since each stored pack is found again, and a heartbeat
// would be one more write to the same workflow.
func (a *Activities) PreparePacks(ctx context.Context, in PacksInput) ([]Pack, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return nil, err
	}
	packs := make([]Pack, len(in.MemberIDs))
	for i, memberID := range in.MemberIDs {
		if packs[i], err = a.preparePack(ctx, c, PackInput{CycleID: in.CycleID, MemberID: memberID, Deadline: in.Deadline, Expires: in.Expires}); err != nil {
			return nil, fmt.Errorf("pack for member %d: %w", memberID, err)
		}
	}
	return packs, nil
}

// preparePack is PreparePack for cycle c, loaded once by the caller.
func (a *Activities) preparePack(ctx context.Context, c cycleInfo, in PackInput) (Pack, error) {
	key := fmt.Sprintf("pack/%d/%d", in.CycleID, in.MemberID)
	stored, err := a.Store.StoredPack(ctx, in.CycleID, in.MemberID, key)
	if err == nil {
		return Pack{FileID: stored.FileID, Mail: outbox.Ref{OutboxID: stored.OutboxID, MemberID: in.MemberID}, CaseIDs: stored.CaseIDs}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return Pack{}, err
	}
	m, err := a.Store.PanelMember(ctx, in.MemberID)
	if err != nil {
		return Pack{}, err
	}
	link := a.memberLink(m, c.ID, in.Expires)
	built, err := pack.Build(ctx, a.Store, pack.Request{CycleID: c.ID, MemberID: m.ID, Link: link, Deadline: in.Deadline})
	if err != nil {
		return Pack{}, err
	}
	subject, body, err := a.renderFor(ctx, m.ID, "pack", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Cases": len(built.CaseIDs), "Meeting": c.Meeting(),
		"Deadline": in.Deadline, "Link": link, "Attached": a.AttachPacks, "Coordinator": c.CoordinatorName})
	if err != nil {
		return Pack{}, err
	}
	out := Pack{CaseIDs: built.CaseIDs}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		cycleID, memberID := c.ID, m.ID
		fileID, err := tx.SaveFile(ctx, store.File{Kind: domain.FilePack, CycleID: &cycleID, MemberID: &memberID,
			Filename: built.Filename, ContentType: workbook.ContentType, Content: built.Workbook})
		if err != nil {
			return err
		}
		out.FileID = fileID
		if err := tx.OpenReviews(ctx, c.ID, m.ID, built.CaseIDs, reviewform.Default().Version); err != nil {
			return err
		}
		var attachment *int64
		if a.AttachPacks {
			attachment = &fileID
		}
		if out.Mail, err = c.queue(ctx, tx, key, m, subject, body, attachment, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, "system", "pack_generated", "file", strconv.FormatInt(fileID, 10), map[string]any{"member_id": m.ID, "cycle_id": c.ID, "cases": len(built.CaseIDs)})
	})
	return out, err
}
