package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// BenchmarkManagerActionList measures the server's own work for the two
// loads `scrutiny bench` puts on the action board (issue 13): a manager's
// overdue actions as JSON and as the board page, a page of 50 of about
// 2,000 in the bench's action log of 100,000, each request handled in-process so that a CPU profile
// (go test -bench ManagerActionList -cpuprofile) shows the handler alone.
func BenchmarkManagerActionList(b *testing.B) {
	st := testenv.DB(b)
	db := testenv.SQL(b, st)
	ctx := context.Background()
	area := domain.Areas[0].Code
	var areaID int16
	var panelID int64
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Bench LSIP', 'both' FROM areas WHERE code = $1 RETURNING id, area_id`, area).Scan(&panelID, &areaID); err != nil {
		b.Fatal(err)
	}
	if err := st.GenerateBenchActions(ctx, panelID, 100_000); err != nil {
		b.Fatal(err)
	}
	manager := store.User{Name: "Morgan", Email: "m@example.org", Role: domain.StaffManager, AreaID: &areaID}
	var err error
	if manager.ID, err = st.CreateUser(ctx, manager); err != nil {
		b.Fatal(err)
	}
	token, err := st.IssueToken(ctx, manager.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	cookie, _, err := st.OpenSession(ctx, manager, time.Hour, store.Device{UserAgent: "bench", Address: "127.0.0.1"}, false)
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Deps{Store: st}).Handler()
	for _, tc := range []struct {
		name, path, header, value string
	}{
		{"api", "/api/v1/actions?overdue=true&area=" + area, "Authorization", "Bearer " + token},
		{"board", "/actions?overdue=true&area=" + area, "Cookie", "scrutiny_session=" + cookie},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, tc.path, nil)
				req.Header.Set(tc.header, tc.value)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", tc.path, rec.Code, rec.Body)
				}
			}
		})
	}
}
