package cycleflow

import (
	"context"

	"github.com/lsip/scrutiny/mailtext"
)

// renderFor words an email to a panel member in their language, or in
// Welsh then English when their panel writes bilingually (see
// mailtext.Render). A recipient who is not a member (memberID zero, such
// as the coordinator) is written to in English.
func (a *Activities) renderFor(ctx context.Context, memberID int64, name string, data map[string]any) (subject, body string, err error) {
	if memberID != 0 {
		lang, bilingual, err := a.Store.MemberLanguage(ctx, memberID)
		if err != nil {
			return "", "", err
		}
		data["Lang"], data["Bilingual"] = lang, bilingual
	}
	return mailtext.Render(name, data)
}
