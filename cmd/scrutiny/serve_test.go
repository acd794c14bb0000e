package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The HTTP server bounds what a client may hold: headers past
// MaxHeaderBytes are refused, a body trickled slower than ReadTimeout is
// cut off, and an idle connection is closed after IdleTimeout. The limits
// are shortened here so that the test is quick; serveHTTP must apply them.
func TestServerBoundsSlowAndLargeClients(t *testing.T) {
	saved := httpLimits
	t.Cleanup(func() { httpLimits = saved })
	httpLimits.ReadTimeout, httpLimits.IdleTimeout = 500*time.Millisecond, 500*time.Millisecond

	bodyErr := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		bodyErr <- err
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveHTTP(ctx, addr, h, time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	var conn net.Conn
	for range 50 {
		if conn, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	// Headers over the limit.
	big := "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2*httpLimits.MaxHeaderBytes) + "\r\n\r\n"
	conn.Write([]byte(big))
	status, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.Contains(status, "431") {
		t.Errorf("headers of %d bytes: %q, want 431", len(big), status)
	}

	// A body that never finishes arriving.
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc"))
	select {
	case err := <-bodyErr:
		if err == nil {
			t.Error("a body cut short after ReadTimeout was read without error")
		}
	case <-time.After(5 * time.Second):
		t.Error("a trickled body was still being read 5 s later")
	}

	// A kept-alive connection left idle after a request is closed.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	br := bufio.NewReader(idle)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("an idle connection: %v, want it closed by the server", err)
	}
}
