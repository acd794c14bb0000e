package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/workbook"
)

type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (a apiClient) do(method, path string, body any) (int, map[string]any) {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, r)
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (a apiClient) upload(path string, data []byte) (int, map[string]any) {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "pack.xlsx")
	fw.Write(data)
	mw.Close()
	resp, err := http.Post(a.base+path, mw.FormDataContentType(), &buf)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// fillPack completes every case of a returned pack, optionally typing an
// invalid rating over one drop-down.
func fillPack(t *testing.T, data []byte, badRating bool) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(workbook.IdentitySheet)
	first := true
	for _, r := range rows[4:] {
		if len(r) < 3 || r[0] == "" {
			continue
		}
		switch {
		case strings.HasPrefix(r[1], "ratings."):
			v := "Yes"
			if badRating && first {
				v, first = "Excellent", false
			}
			f.SetCellValue(workbook.FormSheet, r[2], v)
		case r[1] == "overall":
			f.SetCellValue(workbook.FormSheet, r[2], "Concerns identified")
		case r[1] == "concerns":
			f.SetCellValue(workbook.FormSheet, r[2], "Hostility not flagged at charge")
		}
	}
	var buf bytes.Buffer
	f.Write(&buf)
	return buf.Bytes()
}

// TestAPIJourney drives a cycle through the HTTP API as the people would:
// a coordinator starts and approves it, members answer through their
// personal links (RSVP, a returned workbook with a mistake, then corrected),
// and the status is read from the workflow and, once it ends, PostgreSQL.
func TestAPIJourney(t *testing.T) {
	t.Parallel()
	sys := newStack(t, true)
	st, catcher, f, signer := sys.st, sys.catcher, sys.f, sys.signer
	api := struct{ URL string }{sys.url}
	now := time.Now().UTC()

	ctx := context.Background()
	coordID, _ := st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: "coordinator", PanelIDs: []int64{f.panelID}})
	chairID, _ := st.CreateUser(ctx, store.User{Name: "Rhiannon Chair", Email: "chair@example.org", Role: "chair", PanelIDs: []int64{f.panelID}})
	otherID, _ := st.CreateUser(ctx, store.User{Name: "Other Coordinator", Email: "other@example.org", Role: "coordinator"})
	coordTok, _ := st.IssueToken(ctx, coordID, "test")
	chairTok, _ := st.IssueToken(ctx, chairID, "test")
	otherTok, _ := st.IssueToken(ctx, otherID, "test")
	coord := apiClient{t, api.URL, coordTok}
	chair := apiClient{t, api.URL, chairTok}

	meetingAt := now.Add(40 * time.Second).Truncate(time.Second)
	body := map[string]any{
		"panel_id": f.panelID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"quotas":  map[string]int{"race": 2},
		"meeting": map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Cardiff office"},
		"timing": map[string]any{"conflict_check_before": "30s", "packs_before": "25s", "reviews_due_before": "5s",
			"revoke_after": "10s", "reminders": []string{}, "approval_nudge_every": "PT1H"},
	}
	if code, p := (apiClient{t, api.URL, ""}).do("POST", "/api/v1/cycles", body); code != http.StatusUnauthorized {
		t.Fatalf("anonymous start: %d %v", code, p)
	}
	if code, _ := (apiClient{t, api.URL, otherTok}).do("POST", "/api/v1/cycles", body); code != http.StatusForbidden {
		t.Fatalf("a coordinator of another panel started a cycle: %d", code)
	}
	code, started := coord.do("POST", "/api/v1/cycles", body)
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, started)
	}
	cycleID := int64(started["cycle_id"].(float64))
	code, dup := coord.do("POST", "/api/v1/cycles", body)
	if code != http.StatusConflict || !strings.Contains(fmt.Sprint(dup["existing"]), strconv.FormatInt(cycleID, 10)) {
		t.Fatalf("duplicate start: %d %v", code, dup)
	}
	bad := map[string]any{"panel_id": f.panelID, "window_start": "2026-13-01", "window_end": "2026-01-01", "quotas": map[string]int{"astrology": 1}, "surprise": true}
	if code, p := coord.do("POST", "/api/v1/cycles", bad); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(p["errors"]), "surprise") {
		t.Fatalf("unknown field: %d %v", code, p)
	}

	cyclePath := fmt.Sprintf("/api/v1/cycles/%d", cycleID)
	waitFor(t, func() bool {
		_, s := coord.do("GET", cyclePath, nil)
		return s["stage"] == string(domain.StageCoordinatorCheck)
	})
	if code, p := coord.do("POST", cyclePath+"/approve", nil); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, p)
	}
	if code, p := coord.do("POST", cyclePath+"/approve", nil); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(p["detail"]), "already approved") {
		t.Fatalf("second approval: %d %v", code, p)
	}
	if code, _ := chair.do("POST", cyclePath+"/cancel", map[string]any{"reason": "x"}); code != http.StatusForbidden {
		t.Errorf("a chair cancelled the cycle: %d", code)
	}

	bea := apiClient{t, api.URL, ""}
	beaPath := "/api/v1/m/" + signer.Token(links.Claims{MemberID: f.bea, CycleID: cycleID, Expires: now.Add(time.Hour)})
	aledPath := "/api/v1/m/" + signer.Token(links.Claims{MemberID: f.aled, CycleID: cycleID, Expires: now.Add(time.Hour)})
	if code, p := bea.do("POST", beaPath+"/rsvp", map[string]any{"response": "apologies"}); code != http.StatusOK {
		t.Fatalf("rsvp: %d %v", code, p)
	}
	if code, _ := bea.do("GET", "/api/v1/m/forged-token", nil); code != http.StatusUnauthorized {
		t.Errorf("forged link: %d", code)
	}

	mctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if _, err := catcher.Wait(mctx, 2, func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Your review pack") }); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(api.URL + beaPath + "/pack")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("pack download: %v %v", resp.Status, err)
	}
	pack, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	code, res := bea.upload(beaPath+"/upload", fillPack(t, pack, true))
	problems := fmt.Sprint(res["problems"])
	if code != http.StatusUnprocessableEntity || !strings.Contains(problems, "Excellent") || !strings.Contains(problems, "Review form") {
		t.Fatalf("workbook with a mistake: %d %v", code, res)
	}
	if code, res := bea.upload(aledPath+"/upload", fillPack(t, pack, false)); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(res["title"]), "not your pack") {
		t.Fatalf("someone else's workbook: %d %v", code, res)
	}
	code, res = bea.upload(beaPath+"/upload", fillPack(t, pack, false))
	if code != http.StatusOK || len(res["saved"].([]any)) != 2 {
		t.Fatalf("corrected workbook: %d %v", code, res)
	}
	var audited int
	testenv.SQL(t, st).QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'pack_downloaded' AND actor = $1`, fmt.Sprintf("member:%d", f.bea)).Scan(&audited)
	if audited != 1 {
		t.Errorf("pack downloads audited: %d", audited)
	}

	waitFor(t, func() bool { _, s := coord.do("GET", cyclePath, nil); return s["stage"] == string(domain.StageMeeting) })
	_, s := coord.do("GET", cyclePath, nil)
	for _, cc := range s["cases"].([]any) {
		cs := cc.(map[string]any)
		if cs["status"] != "approved" {
			continue
		}
		if code, p := chair.do("POST", cyclePath+"/findings", map[string]any{"case_id": cs["case_id"], "category": "concerns", "rationale": "Hostility not flagged"}); code != http.StatusOK {
			t.Fatalf("finding: %d %v", code, p)
		}
	}
	if code, p := chair.do("POST", cyclePath+"/findings", map[string]any{"case_id": 999999, "category": "concerns"}); code != http.StatusUnprocessableEntity {
		t.Errorf("finding on a case not in the cycle: %d %v", code, p)
	}
	if code, p := chair.do("POST", cyclePath+"/close-meeting", nil); code != http.StatusOK {
		t.Fatalf("close meeting: %d %v", code, p)
	}
	if code, _ := coord.do("POST", cyclePath+"/approve-minutes", nil); code != http.StatusForbidden {
		t.Errorf("a coordinator approved the minutes: %d", code)
	}
	if code, p := chair.do("POST", cyclePath+"/approve-minutes", nil); code != http.StatusOK {
		t.Fatalf("approve minutes: %d %v", code, p)
	}
	waitFor(t, func() bool { _, s := coord.do("GET", cyclePath, nil); return s["stage"] == string(domain.StageClosed) })
	// Finished: the status now comes from PostgreSQL and still tells the story.
	_, final := coord.do("GET", cyclePath, nil)
	if final["minutes_issued"] != true || len(final["findings"].([]any)) != 2 || final["seed"].(float64) == 0 {
		t.Errorf("status after the cycle ended: %v", final)
	}
	if code, _ := bea.do("GET", beaPath, nil); code != http.StatusForbidden {
		t.Errorf("member link still works after access was revoked: %d", code)
	}
	resp, _ = http.Get(api.URL + cyclePath + "/minutes")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("minutes without a token: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in time")
}
