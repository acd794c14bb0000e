// Package mailcatcher is a real SMTP server that keeps every message it
// receives instead of delivering it. The dev command runs one so a person can
// read outgoing mail in a browser; integration tests run one and assert on the
// MIME that arrives, attachments included.
package mailcatcher

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Options configures a Catcher. The zero value catches everything and keeps
// it in memory only.
type Options struct {
	// Dir, if set, keeps each message there as <id>.eml so caught mail
	// survives a restart of the dev command: New loads what it finds.
	Dir string
	// Reject refuses RCPT TO for the addresses it returns true for, with a
	// permanent 550 5.1.1, as a real server does for an unknown mailbox.
	// Tests use it to make mail bounce.
	Reject func(rcpt string) bool
	// RefuseSender refuses MAIL FROM for the senders it returns true for,
	// with a permanent 550 5.7.1, as a relay does that will not send for
	// an address. Tests use it to tell a sending fault from a bounce.
	RefuseSender func(from string) bool
	// MaxMessageBytes limits the size of one message; 0 means 25 MiB.
	MaxMessageBytes int64
}

// Catcher receives and keeps mail. Its methods are safe for concurrent use.
type Catcher struct {
	opts   Options
	server *smtp.Server

	mu       sync.Mutex
	messages []*Message    // oldest first
	arrived  chan struct{} // closed and replaced whenever a message arrives
}

// New returns a Catcher holding the messages already kept in opts.Dir, if
// any. It does not listen until Start.
func New(opts Options) (*Catcher, error) {
	if opts.MaxMessageBytes == 0 {
		opts.MaxMessageBytes = 25 << 20
	}
	c := &Catcher{opts: opts, arrived: make(chan struct{})}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("mailcatcher: %w", err)
		}
		kept, err := load(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("mailcatcher: %w", err)
		}
		c.messages = kept
	}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{catcher: c}, nil }))
	s.Domain = "mailcatcher.localhost"
	s.MaxMessageBytes = opts.MaxMessageBytes
	s.MaxRecipients = 100
	s.ReadTimeout = time.Minute
	s.WriteTimeout = time.Minute
	// Mail arrives in the clear, so AUTH must be allowed without TLS for a
	// client configured with a user name to get through.
	s.AllowInsecureAuth = true
	c.server = s
	return c, nil
}

// Start listens for SMTP on addr (host:port; port 0 picks a free one) and
// serves in the background until Close. It returns the address it listens
// on, so a caller that asked for port 0 learns which port it got.
func (c *Catcher) Start(addr string) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("mailcatcher: %w", err)
	}
	go c.server.Serve(l) // returns when Close closes l
	return l.Addr().String(), nil
}

// Close stops listening and drops any SMTP conversations in progress.
// Caught messages stay readable.
func (c *Catcher) Close() error { return c.server.Close() }

// Messages returns every message caught, oldest first.
func (c *Catcher) Messages() []*Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Message(nil), c.messages...)
}

// Message returns the message with the given ID.
func (c *Catcher) Message(id string) (*Message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.messages {
		if m.ID == id {
			return m, true
		}
	}
	return nil, false
}

// Clear forgets every message, deleting the kept copies in Dir too.
func (c *Catcher) Clear() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.Dir != "" {
		for _, m := range c.messages {
			if err := remove(c.opts.Dir, m.ID); err != nil {
				return fmt.Errorf("mailcatcher: %w", err)
			}
		}
	}
	c.messages = nil
	return nil
}

// Wait blocks until at least n messages for which match returns true (all
// messages, if match is nil) have been caught, and returns them, oldest
// first. Tests use it instead of sleeping. If ctx ends first, it returns the
// matching messages caught so far with an error saying how many of n
// arrived.
func (c *Catcher) Wait(ctx context.Context, n int, match func(*Message) bool) ([]*Message, error) {
	for {
		// match runs unlocked, so it may call the Catcher; the snapshot stays
		// valid because messages are only ever appended, or all dropped.
		c.mu.Lock()
		all, arrived := c.messages, c.arrived
		c.mu.Unlock()
		var found []*Message
		for _, m := range all {
			if match == nil || match(m) {
				found = append(found, m)
			}
		}
		if len(found) >= n {
			return found, nil
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return found, fmt.Errorf("mailcatcher: %d of %d expected messages arrived: %w", len(found), n, ctx.Err())
		}
	}
}

// add keeps m, on disk first so that a message the client saw accepted is
// never only in memory, then wakes any Wait.
func (c *Catcher) add(m *Message) error {
	if c.opts.Dir != "" {
		if err := save(c.opts.Dir, m); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages = append(c.messages, m)
	close(c.arrived)
	c.arrived = make(chan struct{})
	return nil
}
