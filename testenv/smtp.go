package testenv

import (
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/mailer"
)

// SMTP starts a real SMTP server on loopback for the test and returns it
// with a mailer pointed at it. Addresses for which reject returns true are
// refused with a permanent 550, as a bounce.
func SMTP(t testing.TB, reject func(rcpt string) bool) (*mailcatcher.Catcher, *mailer.Sender) {
	t.Helper()
	return SMTPWith(t, mailcatcher.Options{Reject: reject})
}

// SMTPWith is SMTP with the server's every option, for tests of how a
// relay's refusals are told apart.
func SMTPWith(t testing.TB, opts mailcatcher.Options) (*mailcatcher.Catcher, *mailer.Sender) {
	t.Helper()
	c := startCatcher(t, opts)
	return c.Catcher, senderTo(t, c.addr)
}

// SMTPCounted is SMTPWith reached through a loopback relay that counts
// the connections the mailer opens, so a test can tell whether a batch of
// messages went over one connection.
func SMTPCounted(t testing.TB, opts mailcatcher.Options) (*mailcatcher.Catcher, *mailer.Sender, *atomic.Int64) {
	t.Helper()
	c := startCatcher(t, opts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var connections atomic.Int64
	go relay(l, c.addr, &connections)
	return c.Catcher, senderTo(t, l.Addr().String()), &connections
}

// catcher is a started mail catcher and the address it listens on.
type catcher struct {
	*mailcatcher.Catcher
	addr string
}

func startCatcher(t testing.TB, opts mailcatcher.Options) catcher {
	t.Helper()
	c, err := mailcatcher.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := c.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return catcher{c, addr}
}

// senderTo is a mailer for the plain SMTP server at addr.
func senderTo(t testing.TB, addr string) *mailer.Sender {
	t.Helper()
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	m, err := mailer.New(mailer.Config{Host: host, Port: port, TLS: "none", From: "LSIP scrutiny <scrutiny@localhost>"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// relay accepts connections on l until it is closed, counts each and
// joins it to the server at target.
func relay(l net.Listener, target string, connections *atomic.Int64) {
	for {
		client, err := l.Accept()
		if err != nil {
			return
		}
		connections.Add(1)
		server, err := net.Dial("tcp", target)
		if err != nil {
			client.Close()
			continue
		}
		go pipe(client, server)
		go pipe(server, client)
	}
}

// pipe copies from one end to the other and closes both when either
// side is done, so the other copy ends too.
func pipe(from, to net.Conn) {
	io.Copy(to, from)
	from.Close()
	to.Close()
}
