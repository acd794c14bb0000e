package server

import "testing"

// TestLocalPathRefusesOtherSites: after sign-in only a path on this site
// is followed; the shapes browsers read as another site fall back.
func TestLocalPathRefusesOtherSites(t *testing.T) {
	for next, want := range map[string]string{
		"/cycles/12?done=1":      "/cycles/12?done=1",
		"/actions":               "/actions",
		"//evil.example":         "/fallback",
		`/\evil.example`:         "/fallback",
		"/\tevil.example":        "/fallback",
		"https://evil.example/":  "/fallback",
		"evil.example":           "/fallback",
		"":                       "/fallback",
		"/%5Cevil.example":       "/%5Cevil.example",
		"/ok\r\nSet-Cookie: x=1": "/fallback",
	} {
		if got := localPath(next, "/fallback"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", next, got, want)
		}
	}
}
