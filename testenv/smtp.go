package testenv

import (
	"net"
	"strconv"
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
	c, err := mailcatcher.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := c.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	m, err := mailer.New(mailer.Config{Host: host, Port: port, TLS: "none", From: "LSIP scrutiny <scrutiny@localhost>"})
	if err != nil {
		t.Fatal(err)
	}
	return c, m
}
