package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/totp"
)

// journey drives one browser through a person's pages. Every page it
// lands on is checked with axe-core and pictured, in order, as
// screenshots/journey-<name>-<nn>-<label>.png.
type journey struct {
	t    *testing.T
	ctx  context.Context
	axe  string
	name string
	base string // the site's address, for paths
	n    int    // pages pictured so far
}

func newJourney(t *testing.T, name, base string) *journey {
	ctx, axe := browser(t)
	return &journey{t: t, ctx: ctx, axe: axe, name: name, base: base}
}

// desktop is staff at a desk; phone is a member or an action owner, who
// usually answer on one.
func (j *journey) desktop() { j.do(chromedp.EmulateViewport(1280, 900)) }
func (j *journey) phone()   { j.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)) }

func (j *journey) do(actions ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, actions...); err != nil {
		j.t.Fatalf("journey %s: %v", j.name, err)
	}
}

// eval runs JavaScript on the page and returns its value.
func eval[T any](j *journey, expr string) T {
	j.t.Helper()
	v, err := chromedp.Run(j.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		j.t.Fatalf("journey %s: %s: %v", j.name, expr, err)
	}
	return v
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// open goes to a path on the site, or to an address from an email, and
// checks the page it lands on.
func (j *journey) open(target, label string) {
	j.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = j.base + target
	}
	j.do(chromedp.Navigate(target))
	j.landed(label)
}

// submit presses a button that leaves the page, as a form's does, waits
// for the page that answers, and checks it.
func (j *journey) submit(button, label string) {
	j.t.Helper()
	eval[bool](j, `window.__journeyLeaving = true`)
	j.do(chromedp.Click(chromedp.CSS(button)))
	j.waitUntil("the next page after "+button, `window.__journeyLeaving === undefined && document.readyState === "complete"`)
	j.landed(label)
}

// landed checks the page the browser is on with axe-core and pictures it.
func (j *journey) landed(label string) {
	j.t.Helper()
	j.waitUntil("the page to load", `document.readyState === "complete" && !!document.querySelector("h1")`)
	j.n++
	page := fmt.Sprintf("journey %s, page %d (%s)", j.name, j.n, label)
	checkAccessibility(j.t, j.ctx, j.axe, page)
	screenshot(j.t, j.ctx, fmt.Sprintf("journey-%s-%02d-%s.png", j.name, j.n, label))
}

// waitUntil polls a JavaScript condition for up to 30 seconds.
func (j *journey) waitUntil(what, cond string) {
	j.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
	}
	loc, _ := chromedp.Run(j.ctx, chromedp.Location())
	j.t.Fatalf("journey %s: waited in vain for %s (at %s)", j.name, what, loc)
}

// fill types into a field, replacing what was there.
func (j *journey) fill(field, value string) {
	j.t.Helper()
	eval[bool](j, fmt.Sprintf(`(document.querySelector(%s).value = "") === ""`, jsString(field)))
	j.do(chromedp.SendKeys(chromedp.CSS(field), value))
}

// setValue sets a field's value directly: for a drop-down by its value.
func setValue(field, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(field), value)
}

// setUpload chooses the file a file field uploads.
func setUpload(field, path string) chromedp.Action[chromedp.Void] {
	return chromedp.SetUploadFiles(chromedp.CSS(field), []string{path})
}

// tick clicks a radio button or a check box.
func (j *journey) tick(box string) {
	j.t.Helper()
	j.do(chromedp.Click(chromedp.CSS(box)))
}

// pick chooses the option of a drop-down whose words are text.
func (j *journey) pick(list, text string) {
	j.t.Helper()
	ok := eval[bool](j, fmt.Sprintf(`(() => { const s = document.querySelector(%s);
		const o = Array.from(s.options).find(o => o.text.trim() === %s);
		if (!o) return false; s.value = o.value; return true; })()`, jsString(list), jsString(text)))
	if !ok {
		j.t.Fatalf("journey %s: %s offers no %q", j.name, list, text)
	}
}

// text is the words of the first element that matches sel.
func (j *journey) text(sel string) string {
	j.t.Helper()
	return eval[string](j, fmt.Sprintf(`(document.querySelector(%s) || {innerText: ""}).innerText`, jsString(sel)))
}

// count is how many elements match sel.
func (j *journey) count(sel string) int {
	j.t.Helper()
	return eval[int](j, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// path is the address bar's path and query.
func (j *journey) path() string {
	return eval[string](j, `location.pathname + location.search`)
}

// signIn signs a member of staff in on the sign-in page (where signing
// out leaves the browser), with a code from their app when they have one.
func (j *journey) signIn(email, password string, app *authenticator) {
	j.t.Helper()
	if !strings.HasPrefix(j.path(), "/login") {
		j.open("/login", "sign-in")
	}
	j.fill("#email", email)
	j.fill("#password", password)
	if app == nil {
		j.submit("main form button[type=submit]", "signed-in")
		return
	}
	j.submit("main form button[type=submit]", "code")
	j.fill("#code", app.code(j.t))
	j.submit("main form button[type=submit]", "signed-in")
}

// signOut presses the header's sign-out button.
func (j *journey) signOut() {
	j.t.Helper()
	j.submit(`header form[action="/logout"] button`, "signed-out")
}

// authenticator is a person's phone app. It never gives a code for a step
// it gave before, as the server refuses a replayed step: within a used
// step it gives the next step's code, which the server accepts as one
// step of clock drift.
type authenticator struct {
	secret string
	last   int64 // the last step a code was given for
}

func (a *authenticator) code(t *testing.T) string {
	t.Helper()
	step := time.Now().Unix() / int64(totp.Step/time.Second)
	if step <= a.last {
		step = a.last + 1
	}
	if ahead := step - time.Now().Unix()/int64(totp.Step/time.Second); ahead > 1 {
		time.Sleep(time.Duration(ahead-1) * totp.Step)
	}
	a.last = step
	code, err := totp.Code(a.secret, time.Unix(step*int64(totp.Step/time.Second), 0))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// mailTo waits for the email to an address whose subject starts so.
func mailTo(t *testing.T, catcher *mailcatcher.Catcher, to, subject string) *mailcatcher.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	found, err := catcher.Wait(ctx, 1, func(m *mailcatcher.Message) bool {
		return slices.Contains(m.EnvelopeTo, to) && strings.HasPrefix(m.Subject, subject)
	})
	if err != nil {
		t.Fatalf("no email to %s about %q: %v", to, subject, err)
	}
	return found[0]
}

// linkWith is the first web address in text whose path holds part.
func linkWith(t *testing.T, text, part string) string {
	t.Helper()
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, "http") && strings.Contains(f, part) {
			return strings.TrimRight(f, ".,)")
		}
	}
	t.Fatalf("no link with %q in:\n%s", part, text)
	return ""
}

// accountLink finds the sign-in link the scrutiny command prints.
var accountLink = regexp.MustCompile(`https?://\S+/account/\S+`)

// scrutinyCommand is the scrutiny command built as an operator installs
// it, for the test to run.
func scrutinyCommand(t *testing.T) string {
	t.Helper()
	bin, err := builtCommand()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// commandDir holds the scrutiny command once it is built; TestMain
// removes it.
var commandDir string

// builtCommand builds the scrutiny command once for all the journeys that
// run it: the build is the slowest part of their set-up, and journeys
// running side by side would otherwise each build it at the same time.
var builtCommand = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "scrutiny-e2e-")
	if err != nil {
		return "", err
	}
	commandDir = dir
	bin := filepath.Join(dir, "scrutiny")
	build := exec.Command("go", "build", "-o", bin, "github.com/lsip/scrutiny/cmd/scrutiny")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/scrutiny: %w\n%s", err, out)
	}
	return bin, nil
})

// TestMain runs the journeys, then removes the scrutiny command they built.
func TestMain(m *testing.M) {
	code := m.Run()
	if commandDir != "" {
		os.RemoveAll(commandDir)
	}
	os.Exit(code)
}

// runCommand runs the scrutiny command with env added to the test's
// environment, and returns what it printed.
func runCommand(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scrutiny %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
