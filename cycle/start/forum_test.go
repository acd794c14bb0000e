package start

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/uktime"
)

// TestCheckForum: a forum's cycle starts without quotas or a window, its
// window the day of the meeting, and carries its agenda; an agenda item
// without a title and quotas given to a forum are refused by field; a
// panel's cycle still needs quotas.
func TestCheckForum(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	forum, err := st.CreatePanel(ctx, domain.NewPanel{AreaCode: "wales", Name: "Community Accountability Forum", Covers: "both", Kind: domain.PanelForum}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	panel, err := st.CreatePanel(ctx, domain.NewPanel{AreaCode: "wales", Name: "Wales LSIP", Covers: "hate_crime", Strands: []string{"race"}}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	by := store.User{Name: "Cath", Email: "cath@example.org", Role: domain.StaffAdmin}
	at := time.Now().Add(30 * uktime.Day).Truncate(time.Hour)
	meeting := cycle.Meeting{Start: at, End: at.Add(2 * time.Hour), Location: "Cardiff library"}
	agenda := []cycle.AgendaItem{{Title: "Hate crime reporting in schools", Lead: "Youth officer", Minutes: 30}}

	in, r := Check(ctx, st, by, Request{PanelID: forum.ID, Meeting: meeting, Agenda: agenda})
	if r != nil {
		t.Fatalf("forum refused: %+v", r)
	}
	day := uktime.CalendarDay(at)
	if !in.Forum || !slices.Equal(in.Agenda, agenda) || !in.WindowStart.Equal(day) || !in.WindowEnd.Equal(day) || len(in.Quotas) != 0 {
		t.Errorf("forum input: %+v", in)
	}

	_, r = Check(ctx, st, by, Request{PanelID: forum.ID, Meeting: meeting, Quotas: map[string]int{"race": 2},
		Agenda: append(agenda, cycle.AgendaItem{Title: " ", Minutes: 999})})
	if r == nil {
		t.Fatal("a forum with quotas and a bad agenda item was accepted")
	}
	var fields []string
	for _, f := range r.Fields {
		fields = append(fields, f.Field)
	}
	if want := []string{"quotas", "agenda[1].minutes", "agenda[1].title"}; !slices.Equal(fields, want) {
		t.Errorf("refused fields %v, want %v", fields, want)
	}

	_, r = Check(ctx, st, by, Request{PanelID: panel.ID, Meeting: meeting, WindowStart: "2026-07-01", WindowEnd: "2026-09-30"})
	if r == nil || !slices.ContainsFunc(r.Fields, func(f Field) bool { return f.Field == "quotas" }) {
		t.Errorf("a panel's cycle without quotas: %+v", r)
	}
}
