package cycleflow

import (
	"context"

	"github.com/lsip/scrutiny/pack"
)

// CurrentPack builds a member's pack as it stands now, for download.
//
// Deprecated: the server is moving to pack.Build; delete this file once it
// has.
func CurrentPack(ctx context.Context, a *Activities, cycleID, memberID int64, link string) ([]byte, error) {
	p, err := pack.Build(ctx, a.Store, pack.Request{CycleID: cycleID, MemberID: memberID, Link: link})
	return p.Workbook, err
}

// PackFilename is the name a member's pack is sent and downloaded under.
//
// Deprecated: use pack.Filename; delete this file once the server does.
func PackFilename(memberName string) string { return pack.Filename(memberName) }
