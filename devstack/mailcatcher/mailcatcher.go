// Package mailcatcher is a real SMTP server that keeps every message it
// receives instead of delivering it. The dev command runs one so a person can
// read outgoing mail in a browser; integration tests run one and assert on the
// MIME that arrives, attachments included.
package mailcatcher

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Options configures a Catcher.
type Options struct {
	// Dir, if set, keeps each message as <id>.eml so caught mail survives a
	// restart of the dev command.
	Dir string
	// Reject refuses RCPT TO for the addresses it returns true for, with a
	// permanent 550, as a real server does for an unknown mailbox. Tests use
	// it to make mail bounce.
	Reject func(rcpt string) bool
	// MaxMessageBytes limits a message; 0 means 25 MiB.
	MaxMessageBytes int64
}

// Catcher receives and keeps mail.
type Catcher struct {
	opts     Options
	server   *smtp.Server
	mu       sync.Mutex
	messages []*Message
	arrived  chan struct{} // closed and replaced whenever a message arrives
}

// New returns a Catcher, loading any messages already kept in opts.Dir.
func New(opts Options) (*Catcher, error) {
	if opts.MaxMessageBytes == 0 {
		opts.MaxMessageBytes = 25 << 20
	}
	c := &Catcher{opts: opts, arrived: make(chan struct{})}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
			return nil, err
		}
		if err := c.load(); err != nil {
			return nil, err
		}
	}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{c: c}, nil }))
	s.Domain = "mailcatcher.local"
	s.MaxMessageBytes = opts.MaxMessageBytes
	s.MaxRecipients = 100
	s.ReadTimeout = time.Minute
	s.WriteTimeout = time.Minute
	s.AllowInsecureAuth = true
	c.server = s
	return c, nil
}

// Start listens on addr (host:port; port 0 picks one) and serves in the
// background. It returns the address it listens on.
func (c *Catcher) Start(addr string) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	go c.server.Serve(l)
	return l.Addr().String(), nil
}

// Close stops the SMTP server.
func (c *Catcher) Close() error { return c.server.Close() }

// Messages returns every message, oldest first.
func (c *Catcher) Messages() []*Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Message(nil), c.messages...)
}

// Message returns the message with id.
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

// Clear forgets every message, on disk too.
func (c *Catcher) Clear() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.Dir != "" {
		for _, m := range c.messages {
			if err := os.Remove(filepath.Join(c.opts.Dir, m.ID+".eml")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	c.messages = nil
	return nil
}

// Wait blocks until at least n messages matching match (all, if nil) have
// arrived, and returns them. Tests use it instead of sleeping. When ctx ends
// first it returns what arrived and an error saying how many of n did.
func (c *Catcher) Wait(ctx context.Context, n int, match func(*Message) bool) ([]*Message, error) {
	for {
		c.mu.Lock()
		var found []*Message
		for _, m := range c.messages {
			if match == nil || match(m) {
				found = append(found, m)
			}
		}
		arrived := c.arrived
		c.mu.Unlock()
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

func (c *Catcher) add(m *Message) error {
	if c.opts.Dir != "" {
		if err := os.WriteFile(filepath.Join(c.opts.Dir, m.ID+".eml"), envelopeHeader(m), 0o600); err != nil {
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

// Envelope data rides in X-Catcher-* lines ahead of the message, so a kept
// file reloads with the envelope it arrived with.
func envelopeHeader(m *Message) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "X-Catcher-Received: %s\r\n", m.ReceivedAt.Format(time.RFC3339Nano))
	fmt.Fprintf(&b, "X-Catcher-From: %s\r\n", m.EnvelopeFrom)
	fmt.Fprintf(&b, "X-Catcher-To: %s\r\n", strings.Join(m.EnvelopeTo, ", "))
	b.Write(m.Raw)
	return b.Bytes()
}

func (c *Catcher) load() error {
	entries, err := os.ReadDir(c.opts.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(c.opts.Dir, e.Name()))
		if err != nil {
			return err
		}
		m := &Message{ID: strings.TrimSuffix(e.Name(), ".eml")}
		for {
			line, rest, ok := bytes.Cut(data, []byte("\r\n"))
			if !ok || !bytes.HasPrefix(line, []byte("X-Catcher-")) {
				break
			}
			key, value, _ := strings.Cut(string(line), ": ")
			switch key {
			case "X-Catcher-Received":
				m.ReceivedAt, _ = time.Parse(time.RFC3339Nano, value)
			case "X-Catcher-From":
				m.EnvelopeFrom = value
			case "X-Catcher-To":
				m.EnvelopeTo = strings.Split(value, ", ")
			}
			data = rest
		}
		if err := m.parse(data); err != nil {
			return fmt.Errorf("mailcatcher: %s: %w", e.Name(), err)
		}
		c.messages = append(c.messages, m)
	}
	sort.Slice(c.messages, func(i, j int) bool { return c.messages[i].ReceivedAt.Before(c.messages[j].ReceivedAt) })
	return nil
}

// session is one SMTP conversation.
type session struct {
	c    *Catcher
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.c.opts.Reject != nil && s.c.opts.Reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable: " + to}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := &Message{ID: newID(), ReceivedAt: time.Now(), EnvelopeFrom: s.from, EnvelopeTo: append([]string(nil), s.to...)}
	if err := m.parse(raw); err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message could not be parsed: " + err.Error()}
	}
	return s.c.add(m)
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}
