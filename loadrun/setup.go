package loadrun

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// cycleRun is one panel's cycle as the run drives it.
type cycleRun struct {
	index     int
	panelID   int64
	panelName string
	// coordinator and chair are the panel's staff: their emails, names
	// and API tokens.
	coordinator, chair staff
	members            []*member
	cycleID            int64
	workflowID         string
	// submitted counts the reviews the API answered 200 for, per member.
	submitted map[int64]int
	// counted is the sum of submitted reviews the cycle's status showed.
	counted int
}

// staff is a coordinator's or chair's account.
type staff struct {
	name, email, token string
}

// member is one panel member and, once their pack arrives, their link.
type member struct {
	id    int64
	email string
	token string // the personal link's token, from the pack email
	// address is the member's own network address, sent as
	// X-Forwarded-For.
	address string
}

// setup writes the panels, members and cases in one transaction (refused
// if the database already has panels), then the staff accounts.
func (r *run) setup(ctx context.Context) error {
	now := time.Now().UTC()
	panels := make([]store.DemoPanel, r.o.Cycles)
	var cases []domain.CaseRecord
	strands := []string{"race", "religion", "disability"}
	for i := range panels {
		area := domain.Areas[i%len(domain.Areas)]
		p := store.DemoPanel{AreaCode: area.Code, Name: panelName(i), Covers: "hate_crime", Strands: strands}
		for j := range r.o.Members {
			p.Members = append(p.Members, store.DemoMember{Name: fmt.Sprintf("Member %d of panel %d", j+1, i+1),
				Email: memberEmail(i, j), Language: "en", Role: domain.RoleMember, SignedOn: &now})
		}
		panels[i] = p
		n := 0
		for _, strand := range strands {
			for range casesPerCycle[strand] {
				n++
				cases = append(cases, domain.CaseRecord{AreaCode: area.Code, Reference: fmt.Sprintf("LOAD-%04d-%02d", i+1, n),
					URN: fmt.Sprintf("LOADURN%04d%02d", i+1, n), Category: domain.HateCrime, Strands: []string{strand},
					PrincipalOffence: "Racially or religiously aggravated harassment", FinalisedOn: now.AddDate(0, -1, 0),
					Outcome: domain.ConvictionPlea, Summary: fmt.Sprintf("Synthetic load case %d of panel %d.", n, i+1)})
			}
		}
	}
	if _, err := r.s.Store.LoadDemo(ctx, panels, cases); err != nil {
		if errors.Is(err, store.ErrHasPanels) {
			return errors.New("the database already has panels: a load run needs a fresh database of its own")
		}
		return err
	}
	ids, err := r.panelIDs(ctx)
	if err != nil {
		return err
	}
	for i := range r.o.Cycles {
		c := &cycleRun{index: i, panelName: panelName(i), submitted: map[int64]int{}}
		if c.panelID = ids[c.panelName]; c.panelID == 0 {
			return fmt.Errorf("panel %q was not written", c.panelName)
		}
		if c.coordinator, err = r.staffAccount(ctx, c, domain.StaffCoordinator); err != nil {
			return err
		}
		if c.chair, err = r.staffAccount(ctx, c, domain.StaffChair); err != nil {
			return err
		}
		members, _, err := r.s.Store.MembersOf(ctx, c.panelID, r.o.Members+1, 0)
		if err != nil {
			return err
		}
		for _, m := range members {
			c.members = append(c.members, &member{id: m.ID, email: m.Email,
				address: fmt.Sprintf("10.%d.%d.%d", m.ID>>16&255, m.ID>>8&255, m.ID&255)})
		}
		r.cycles = append(r.cycles, c)
	}
	return nil
}

// panelIDs maps each panel's name to its ID.
func (r *run) panelIDs(ctx context.Context) (map[string]int64, error) {
	admin := store.ScopeOf(store.User{Role: domain.StaffAdmin})
	panels, _, err := r.s.Store.PanelsIn(ctx, admin, 0, 0)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, p := range panels {
		ids[p.Name] = p.ID
	}
	return ids, nil
}

// staffAccount makes the panel's coordinator or chair, with an API token.
func (r *run) staffAccount(ctx context.Context, c *cycleRun, role domain.StaffRole) (staff, error) {
	s := staff{name: fmt.Sprintf("Load %s %d", role, c.index+1), email: fmt.Sprintf("%s-%04d@load.example.org", role, c.index+1)}
	id, err := r.s.Store.CreateUser(ctx, store.User{Name: s.name, Email: s.email, Role: role, PanelIDs: []int64{c.panelID}})
	if err != nil {
		return s, fmt.Errorf("%s of %s: %w", role, c.panelName, err)
	}
	if s.token, err = r.s.Store.IssueToken(ctx, id, "load"); err != nil {
		return s, fmt.Errorf("token of %s: %w", s.email, err)
	}
	return s, nil
}

func panelName(i int) string { return fmt.Sprintf("Load panel %04d", i+1) }

func memberEmail(panel, j int) string {
	return fmt.Sprintf("member-%04d-%02d@load.example.org", panel+1, j+1)
}
