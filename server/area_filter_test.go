package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestAreaFiltersTakeCodeOrID: the action board, its export and the case
// search take an Area by its code as well as by its numeric ID, with the
// same answer; anything else is a 400 naming the filter. Each answer fits
// the schema the OpenAPI document declares for it.
func TestAreaFiltersTakeCodeOrID(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := t.Context()
	areas := map[string]int16{}
	for _, code := range []string{"wales", "north-east"} {
		var panel int64
		var area int16
		if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, $1, 'both' FROM areas WHERE code = $1 RETURNING id, area_id`, code).Scan(&panel, &area); err != nil {
			t.Fatal(err)
		}
		areas[code] = area
		if _, err := db.Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status)
			VALUES ($1, $2, $3, 'Owner', 'owner@example.org', 'Manager', 'manager@example.org', current_date + 5, 'open')`, panel, area, "Action in "+code); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			VALUES ($1, $2, 'hate_crime', 'Assault', '2026-02-01', 'conviction_plea', 'A summary')`, area, "REF-"+code); err != nil {
			t.Fatal(err)
		}
	}
	admin, err := st.CreateUser(ctx, store.User{Name: "Ada", Email: "ada@example.org", Role: domain.StaffAdmin})
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.IssueToken(ctx, admin, "test")
	if err != nil {
		t.Fatal(err)
	}
	unreachable, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer unreachable.Close()
	s := New(Deps{Store: st, Temporal: unreachable})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	paths := s.OpenAPI()["paths"].(map[string]any)
	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1"+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	// listed names what a JSON list answer holds, checked against its
	// documented schema.
	listed := func(path, field string) string {
		code, body := get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		var v any
		json.Unmarshal(body, &v)
		route, _, _ := strings.Cut(path, "?")
		schema := paths[route].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		if err := validate(schema, v, "response"); err != nil {
			t.Errorf("GET %s does not fit its documented schema: %v", path, err)
		}
		var page struct{ Items []map[string]any }
		json.Unmarshal(body, &page)
		var names []string
		for _, it := range page.Items {
			names = append(names, fmt.Sprint(it[field]))
		}
		return strings.Join(names, "|")
	}

	for _, area := range []string{"wales", fmt.Sprint(areas["wales"]), "Wales"} {
		if got := listed("/actions?area="+area, "description"); got != "Action in wales" {
			t.Errorf("actions in area %s: %q", area, got)
		}
		if got := listed("/cases?area="+area, "reference"); got != "REF-wales" {
			t.Errorf("cases in area %s: %q", area, got)
		}
		if code, body := get("/actions/export?area=" + area); code != http.StatusOK {
			t.Errorf("export of area %s: %d %s", area, code, body)
		}
	}
	if got := listed("/actions", "description"); !strings.Contains(got, "wales") || !strings.Contains(got, "north-east") {
		t.Errorf("unfiltered actions: %q", got)
	}
	for _, path := range []string{"/actions?area=narnia", "/cases?area=narnia", "/actions?area=0", "/actions/export?area=-3"} {
		code, body := get(path)
		var p Problem
		json.Unmarshal(body, &p)
		if code != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "area" || !strings.Contains(p.Errors[0].Message, "code") {
			t.Errorf("GET %s: %d %s; want a 400 naming area", path, code, body)
		}
	}
}
