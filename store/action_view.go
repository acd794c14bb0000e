package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ActionIn looks up an action in the scope and returns its status:
// ErrNotFound when there is none, ErrOutOfScope when its panel is not the
// user's.
func (q *Queries) ActionIn(ctx context.Context, sc Scope, id int64) (domain.ActionStatus, error) {
	w := filter{args: []any{id}}
	sc.limit(&w, "ac.panel_id", "ac.area_id")
	var status domain.ActionStatus
	var in bool
	err := q.db.QueryRow(ctx, `SELECT ac.status, `+w.test()+` FROM actions ac WHERE ac.id = $1`, w.args...).Scan(&status, &in)
	return status, visible(err, in, "look up action "+strconv.FormatInt(id, 10))
}

// ActionTimeline is an action's stored timeline, oldest first: every
// event, including those of a workflow that has finished, with the fields
// its detail holds beside the text, each as text (nil when there are none).
func (q *Queries) ActionTimeline(ctx context.Context, actionID int64) ([]domain.TimelineEntry, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("timeline of action %d", actionID), func(r pgx.CollectableRow) (domain.TimelineEntry, error) {
		var e domain.TimelineEntry
		return e, r.Scan(&e.At, &e.Actor, &e.Kind, &e.Detail, &e.Data)
	}, `SELECT at, actor, kind, coalesce(detail->>'text', ''),
			(SELECT jsonb_object_agg(key, value) FROM jsonb_each_text(detail) WHERE key <> 'text')
		FROM action_events WHERE action_id = $1 ORDER BY at, id`, actionID)
}
