package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// AreaSettings is a CPS Area as an admin manages it: the senior lead who
// is the last rung of the action escalation ladder, the ladder's days, and
// the managers who oversee the Area.
type AreaSettings struct {
	ID              int16
	Code, Name      string
	SeniorLeadName  string // "" when none is set
	SeniorLeadEmail string
	// ManagerDays and SeniorDays are the days after an action's due date
	// on which its manager, then the senior lead, are told; both 0 when the
	// Area keeps the usual ladder.
	ManagerDays, SeniorDays int
	Managers                []AreaManager
}

// AreaManager is an active staff account with the manager role in an Area.
type AreaManager struct {
	ID          int64
	Name, Email string
}

// AreaChange is what an admin sets on an Area, already checked: an empty
// senior lead clears it (the manager is then told instead), and zero days
// bring back the usual ladder.
type AreaChange struct {
	SeniorLeadName, SeniorLeadEmail string
	ManagerDays, SeniorDays         int
}

// AreaSettingsIn lists the Areas the scope reaches, by name, each with
// its senior lead, ladder and active managers.
func (q *Queries) AreaSettingsIn(ctx context.Context, sc Scope) ([]AreaSettings, error) {
	var w filter
	sc.limit(&w, areaOnly, "a.id")
	areas, err := queryAll(ctx, q.db, "list Area settings", scanAreaSettings, areaSettingsSQL+` WHERE `+w.sql()+` ORDER BY a.name`, w.args...)
	if err != nil {
		return nil, err
	}
	ids := make([]int16, len(areas))
	for i, a := range areas {
		ids[i] = a.ID
	}
	managers, err := q.areaManagers(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range areas {
		areas[i].Managers = managers[areas[i].ID]
	}
	return areas, nil
}

// AreaSettingsByCode looks up one Area in the scope by its code:
// ErrNotFound when there is none, ErrOutOfScope when it is not the user's.
func (q *Queries) AreaSettingsByCode(ctx context.Context, sc Scope, code string) (AreaSettings, error) {
	w := filter{args: []any{code}}
	sc.limit(&w, areaOnly, "a.id")
	var in bool
	row := q.db.QueryRow(ctx, `SELECT a.id, a.code, a.name, coalesce(a.senior_lead_name, ''), coalesce(a.senior_lead_email, ''),
			coalesce(a.escalate_manager_days, 0), coalesce(a.escalate_senior_days, 0), `+w.test()+`
		FROM areas a WHERE a.code = $1`, w.args...)
	var a AreaSettings
	err := row.Scan(&a.ID, &a.Code, &a.Name, &a.SeniorLeadName, &a.SeniorLeadEmail, &a.ManagerDays, &a.SeniorDays, &in)
	if err := visible(err, in, "look up Area "+code); err != nil {
		return AreaSettings{}, err
	}
	managers, err := q.areaManagers(ctx, []int16{a.ID})
	a.Managers = managers[a.ID]
	return a, err
}

const areaSettingsSQL = `SELECT a.id, a.code, a.name, coalesce(a.senior_lead_name, ''), coalesce(a.senior_lead_email, ''),
		coalesce(a.escalate_manager_days, 0), coalesce(a.escalate_senior_days, 0)
	FROM areas a`

func scanAreaSettings(r pgx.CollectableRow) (AreaSettings, error) {
	var a AreaSettings
	return a, r.Scan(&a.ID, &a.Code, &a.Name, &a.SeniorLeadName, &a.SeniorLeadEmail, &a.ManagerDays, &a.SeniorDays)
}

// areaManagers is the active managers of each of the Areas, by name.
func (q *Queries) areaManagers(ctx context.Context, areaIDs []int16) (map[int16][]AreaManager, error) {
	type row struct {
		area int16
		m    AreaManager
	}
	rows, err := queryAll(ctx, q.db, "list Area managers", func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.area, &x.m.ID, &x.m.Name, &x.m.Email)
	}, `SELECT area_id, id, name, email FROM users WHERE role = $1 AND active AND area_id = ANY($2) ORDER BY name, id`,
		domain.StaffManager, areaIDs)
	if err != nil {
		return nil, err
	}
	out := map[int16][]AreaManager{}
	for _, x := range rows {
		out[x.area] = append(out[x.area], x.m)
	}
	return out, nil
}

// UpdateAreaSettings sets an Area's senior lead and escalation ladder and
// audits the change, all at once. Actions already being tracked keep the
// ladder they started with; the senior lead's address is read when each
// action's tracking starts.
func (s *Store) UpdateAreaSettings(ctx context.Context, code string, ch AreaChange, actor string) error {
	nullIfZero := func(n int) *int {
		if n == 0 {
			return nil
		}
		return &n
	}
	nullIfEmpty := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE areas SET senior_lead_name = $2, senior_lead_email = $3, escalate_manager_days = $4, escalate_senior_days = $5
			WHERE code = $1`, code, nullIfEmpty(ch.SeniorLeadName), nullIfEmpty(ch.SeniorLeadEmail), nullIfZero(ch.ManagerDays), nullIfZero(ch.SeniorDays))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return tx.Audit(ctx, actor, "area_updated", "area", code, map[string]any{
			"senior_lead_set": ch.SeniorLeadEmail != "", "manager_days": ch.ManagerDays, "senior_days": ch.SeniorDays})
	})
	if err != nil {
		return fmt.Errorf("update Area %s: %w", code, err)
	}
	return nil
}
