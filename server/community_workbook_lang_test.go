package server_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// TestCommunityWorkbookLanguages: the update's workbook is in the language
// asked for, and an Area whose panels write in both languages gets a
// Welsh sheet, then an English one.
func TestCommunityWorkbookLanguages(t *testing.T) {
	e := startCoordEnv(t, false)
	e.seedCommunity()
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	sheets := func(query string) []string {
		t.Helper()
		code, _, body := coord.get("/community/wales/update.xlsx?" + communityPeriod + query)
		if code != 200 {
			t.Fatalf("workbook%s: %d\n%s", query, code, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return f.GetSheetList()
	}
	cy, en := workbook.CommunitySheetIn(i18n.Welsh), workbook.CommunitySheetIn(i18n.English)
	if got := sheets(""); !slices.Equal(got, []string{en}) {
		t.Errorf("the workbook's sheets %q, want %q", got, en)
	}
	if got := sheets("&lang=cy"); !slices.Equal(got, []string{cy}) {
		t.Errorf("the Welsh workbook's sheets %q, want %q", got, cy)
	}
	if _, err := e.db.Exec(context.Background(), `UPDATE panels SET bilingual = true WHERE id = $1`, e.panel); err != nil {
		t.Fatal(err)
	}
	if got := sheets(""); !slices.Equal(got, []string{cy, en}) {
		t.Errorf("the bilingual Area's workbook's sheets %q, want %q", got, []string{cy, en})
	}
}
