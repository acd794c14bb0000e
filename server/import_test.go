package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestImportOnlyIntoOwnAreas: a coordinator imports cases for their
// panels' Area and a manager for theirs; a file with a case for any other
// Area is refused whole with 403, naming the area column and the Area.
func TestImportOnlyIntoOwnAreas(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var panel int64
	var neArea int16
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM areas WHERE code = 'north-east'`).Scan(&neArea); err != nil {
		t.Fatal(err)
	}
	token := func(u store.User) string {
		id, err := st.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := st.IssueToken(ctx, id, "t")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	coordinator := token(store.User{Name: "C", Email: "c@example.org", Role: "coordinator", PanelIDs: []int64{panel}})
	manager := token(store.User{Name: "M", Email: "m@example.org", Role: "manager", AreaID: &neArea})
	admin := token(store.User{Name: "A", Email: "a@example.org", Role: "admin"})
	lazy, _ := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: lazy}).Handler())
	defer srv.Close()

	const header = "area,reference,urn,category,strands,principal_offence,finalised_date,outcome,summary\n"
	row := func(area, ref string) string {
		return area + "," + ref + ",62SA" + ref + ",hate_crime,race,Harassment,2026-03-02,conviction_plea,A summary.\n"
	}
	upload := func(bearer, csv string) (int, string, map[string]any) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		part, _ := w.CreateFormFile("file", "extract.csv")
		part.Write([]byte(csv))
		w.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/cases/import", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, resp.Header.Get("Content-Type"), out
	}

	mixed := header + row("Wales", "W0001") + row("North East", "N0001")
	for _, tc := range []struct {
		who, bearer, csv, refused string
	}{
		{"coordinator", coordinator, mixed, "North East"},
		{"manager", manager, mixed, "Wales"},
	} {
		code, ctype, body := upload(tc.bearer, tc.csv)
		errs, _ := json.Marshal(body["errors"])
		if code != http.StatusForbidden || ctype != "application/problem+json" ||
			!strings.Contains(string(errs), `"field":"area"`) || !strings.Contains(string(errs), tc.refused) {
			t.Errorf("%s importing another Area's cases: %d %s %v", tc.who, code, ctype, body)
		}
	}
	var n int
	db.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&n)
	if n != 0 {
		t.Fatalf("a refused import wrote %d cases", n)
	}
	if code, _, body := upload(coordinator, header+row("Wales", "W0001")); code != http.StatusCreated {
		t.Errorf("coordinator importing their Area's cases: %d %v", code, body)
	}
	if code, _, body := upload(manager, header+row("North East", "N0001")); code != http.StatusCreated {
		t.Errorf("manager importing their Area's cases: %d %v", code, body)
	}
	if code, _, body := upload(admin, mixed); code != http.StatusCreated {
		t.Errorf("admin importing any Area's cases: %d %v", code, body)
	}
}
