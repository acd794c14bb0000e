package mailcatcher_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/mailer"
)

func send(addr string, subject string) error {
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	m, err := mailer.New(mailer.Config{Host: host, Port: port, From: "scrutiny@localhost"})
	if err != nil {
		return err
	}
	return m.Send(context.Background(), mailer.Message{To: "bea@example.org", Subject: subject, Text: "body",
		Attachments: []mailer.Attachment{{Filename: "notes.txt", ContentType: "text/plain", Data: []byte("attached words")}}})
}

func TestKeepsMailAcrossRestartAndServesIt(t *testing.T) {
	dir := t.TempDir()
	c, err := mailcatcher.New(mailcatcher.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := c.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := send(addr, "Kept across restarts"); err != nil {
		t.Fatal(err)
	}
	c.Close()

	again, err := mailcatcher.New(mailcatcher.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	msgs := again.Messages()
	if len(msgs) != 1 || msgs[0].Subject != "Kept across restarts" || msgs[0].EnvelopeTo[0] != "bea@example.org" {
		t.Fatalf("after restart: %+v", msgs)
	}

	srv := httptest.NewServer(again.Handler())
	defer srv.Close()
	body := get(t, srv.URL+"/")
	if !strings.Contains(body, "Kept across restarts") {
		t.Errorf("list page lacks the message: %s", body)
	}
	if got := get(t, srv.URL+"/messages/"+msgs[0].ID+"/attachments/0"); got != "attached words" {
		t.Errorf("attachment download = %q", got)
	}
	if resp, _ := http.Get(srv.URL + "/clear"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /clear answered %d; clearing must need a POST", resp.StatusCode)
	}
}

func TestWaitReturnsOnArrivalAndTimesOut(t *testing.T) {
	c, _ := mailcatcher.New(mailcatcher.Options{})
	addr, _ := c.Start("127.0.0.1:0")
	defer c.Close()
	sent := make(chan error, 1)
	go func() { sent <- send(addr, "one") }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if msgs, err := c.Wait(ctx, 1, nil); err != nil || len(msgs) != 1 {
		t.Fatalf("Wait = %d, %v", len(msgs), err)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := c.Wait(short, 2, nil); err == nil || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("Wait past its deadline: %v", err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
