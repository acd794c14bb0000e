package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// AreaActionCounts are one Area's actions still to be done (open or in
// progress) and how many of those are past their due date.
type AreaActionCounts struct {
	Area    string // the Area's code, as in domain.Areas
	Open    int
	Overdue int
}

// ActionCountsByArea counts every Area's outstanding and overdue actions,
// Areas without any included, for the metrics scraped from each process.
// It is one grouped query on the actions_board index, cheap enough to run
// at every scrape.
func (q *Queries) ActionCountsByArea(ctx context.Context) ([]AreaActionCounts, error) {
	return queryAll(ctx, q.db, "action counts", pgx.RowToStructByPos[AreaActionCounts],
		`SELECT ar.code, count(ac.id), count(ac.id) FILTER (WHERE ac.due_on < current_date)
		FROM areas ar LEFT JOIN actions ac ON ac.area_id = ar.id AND ac.status = ANY($1)
		GROUP BY ar.code ORDER BY ar.code`, OutstandingActions)
}
