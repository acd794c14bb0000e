package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/payloadcrypt"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestCodecEndpoint: the Temporal Web UI's codec calls. An admin, by
// session cookie from the configured UI origin or by API token, opens
// sealed payloads to the review text, and each decode is audited with who
// and how many; a coordinator is refused with 403, an anonymous caller is
// sent to sign in, a session still to set up its second factor is refused,
// another site gets no CORS headers and is refused, a cookie request with
// a form body is refused, and a payload sealed with an unlisted key is a
// 422 naming the key. Encoding seals with the configured key.
func TestCodecEndpoint(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	const ui = "http://temporal.localhost:8233"
	s := New(Deps{Store: st, Config: config.Config{PayloadKeys: payloadcrypttest.Keys, TemporalUIOrigin: ui, PublicURL: "http://scrutiny.localhost:8080"}})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var panel int64
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	type account struct{ cookie, token string }
	signIn := func(u store.User, mustEnrol bool) account {
		t.Helper()
		id, err := st.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		u.ID = id
		cookie, _, err := st.OpenSession(ctx, u, time.Hour, store.Device{}, mustEnrol)
		if err != nil {
			t.Fatal(err)
		}
		token, err := st.IssueToken(ctx, id, "codec")
		if err != nil {
			t.Fatal(err)
		}
		return account{cookie, token}
	}
	admin := signIn(store.User{Name: "Ada Admin", Email: "ada@example.org", Role: "admin"}, false)
	coordinator := signIn(store.User{Name: "Cy", Email: "cy@example.org", Role: "coordinator", PanelIDs: []int64{panel}}, false)
	unenrolled := signIn(store.User{Name: "Una", Email: "una@example.org", Role: "admin"}, true)

	const answer = "The officer called the victim a liar on the doorstep"
	sealed, err := payloadcrypttest.DataConverter().ToPayloads(reviewform.Answers{Concerns: answer})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := protojson.Marshal(sealed)
	if strings.Contains(string(body), "officer") {
		t.Fatal("the sealed payload shows the answer")
	}

	type call struct {
		method, path, origin, contentType string
		as                                account
		bearer                            bool
		body                              string
	}
	do := func(c call) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		req.Header.Set("X-Namespace", "default")
		switch {
		case c.bearer:
			req.Header.Set("Authorization", "Bearer "+c.as.token)
		case c.as.cookie != "":
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.as.cookie})
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	decoded := func(b string) string {
		t.Helper()
		var out commonpb.Payloads
		if err := protojson.Unmarshal([]byte(b), &out); err != nil || len(out.Payloads) != 1 {
			t.Fatalf("decode answered %s (%v)", b, err)
		}
		return string(out.Payloads[0].Data)
	}
	decodes := func() (n int, detail string) {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT count(*), coalesce(string_agg(actor || ' ' || subject_id || ' ' || (detail->>'payloads'), ';'), '')
			FROM audit_log WHERE action = 'payloads_decoded'`).Scan(&n, &detail); err != nil {
			t.Fatal(err)
		}
		return n, detail
	}

	// The Web UI's preflight, then an admin's decode with their cookie.
	req, _ := http.NewRequest("OPTIONS", srv.URL+"/codec/decode", nil)
	req.Header.Set("Origin", ui)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
	pre, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pre.Body.Close()
	if pre.StatusCode != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != ui || pre.Header.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Errorf("preflight from the UI = %d %v", pre.StatusCode, pre.Header)
	}
	resp, b := do(call{method: "POST", path: "/codec/decode", origin: ui, contentType: "application/json", as: admin, body: string(body)})
	if resp.StatusCode != http.StatusOK || !strings.Contains(decoded(b), answer) || resp.Header.Get("Access-Control-Allow-Origin") != ui {
		t.Errorf("an admin's decode from the UI = %d %s %v", resp.StatusCode, b, resp.Header)
	}
	if n, detail := decodes(); n != 1 || detail != "ada@example.org default 1" {
		t.Errorf("audit after one decode: %d %q", n, detail)
	}
	// By API token, as the CLI sends it.
	resp, b = do(call{method: "POST", path: "/codec/decode", contentType: "application/json", as: admin, bearer: true, body: string(body)})
	if resp.StatusCode != http.StatusOK || !strings.Contains(decoded(b), answer) {
		t.Errorf("an admin's decode by token = %d %s", resp.StatusCode, b)
	}

	refusals := []struct {
		name   string
		c      call
		status int
	}{
		{"a coordinator's session", call{method: "POST", path: "/codec/decode", origin: ui, contentType: "application/json", as: coordinator, body: string(body)}, http.StatusForbidden},
		{"a coordinator's token", call{method: "POST", path: "/codec/decode", contentType: "application/json", as: coordinator, bearer: true, body: string(body)}, http.StatusForbidden},
		{"an admin yet to set up two-step sign-in", call{method: "POST", path: "/codec/decode", contentType: "application/json", as: unenrolled, body: string(body)}, http.StatusForbidden},
		{"another site", call{method: "POST", path: "/codec/decode", origin: "https://evil.example", contentType: "application/json", as: admin, body: string(body)}, http.StatusForbidden},
		{"a form body with the cookie", call{method: "POST", path: "/codec/decode", contentType: "application/x-www-form-urlencoded", as: admin, body: string(body)}, http.StatusUnsupportedMediaType},
		{"a bad token", call{method: "POST", path: "/codec/decode", contentType: "application/json", as: account{token: "nope"}, bearer: true, body: string(body)}, http.StatusUnauthorized},
		{"anonymous", call{method: "POST", path: "/codec/decode", contentType: "application/json", body: string(body)}, http.StatusSeeOther},
		{"not payloads", call{method: "POST", path: "/codec/decode", contentType: "application/json", as: admin, body: `{"payloads": "x"}`}, http.StatusBadRequest},
	}
	for _, r := range refusals {
		resp, b := do(r.c)
		if resp.StatusCode != r.status || strings.Contains(b, "officer") || (r.c.origin != ui && resp.Header.Get("Access-Control-Allow-Origin") != "") {
			t.Errorf("%s: %d %v %s, want %d", r.name, resp.StatusCode, resp.Header, b, r.status)
		}
		if r.status == http.StatusSeeOther && !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s went to %q, not to sign in", r.name, resp.Header.Get("Location"))
		}
	}
	if n, _ := decodes(); n != 2 {
		t.Errorf("%d decodes audited, want the admin's 2", n)
	}

	retired, err := payloadcrypt.FromConfig("retired:9vCwOKfCgumBWud/dxWPZdxA8nHksS3cHgfeXLLKqKM=")
	if err != nil {
		t.Fatal(err)
	}
	old, _ := retired.DataConverter().ToPayloads("sealed with a key no longer listed")
	oldBody, _ := protojson.Marshal(old)
	resp, b = do(call{method: "POST", path: "/codec/decode", contentType: "application/json", as: admin, bearer: true, body: string(oldBody)})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `unknown key ID \"retired\"`) {
		t.Errorf("a payload under an unlisted key = %d %s", resp.StatusCode, b)
	}

	plain, _ := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"hello"`)}}})
	resp, b = do(call{method: "POST", path: "/codec/encode", origin: ui, contentType: "application/json", as: admin, body: string(plain)})
	var enc commonpb.Payloads
	if err := protojson.Unmarshal([]byte(b), &enc); resp.StatusCode != http.StatusOK || err != nil || len(enc.Payloads) != 1 ||
		string(enc.Payloads[0].Metadata["encryption-key-id"]) != "test" || strings.Contains(string(enc.Payloads[0].Data), "hello") {
		t.Fatalf("encode = %d %s", resp.StatusCode, b)
	}
	var got string
	if err := payloadcrypttest.DataConverter().FromPayloads(&enc, &got); err != nil || got != "hello" {
		t.Errorf("what the endpoint sealed opens to %q, %v", got, err)
	}
}
