// Package mailer sends email over SMTP with go-mail: one message, or a
// batch over one connection. It knows nothing of the outbox or of who the
// mail is for: callers (the outbox activity) decide what to send and
// record the result.
package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wneessen/go-mail"
)

// Config is how to reach the SMTP server.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // none, starttls or tls
	From     string // "Name <address>"
}

// Attachment is one file carried by a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Message is a fully rendered email.
type Message struct {
	// MessageID is stable per outbox row, so a receiving system that sees
	// the same message twice (after a crash between SMTP acceptance and our
	// commit) can tell it is one message. Give it without angle brackets.
	MessageID string
	To        string
	ToName    string
	// ReplyTo is where replies go (the cycle's coordinator), or empty for
	// no Reply-To header.
	ReplyTo     string
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	// Calendar is an RFC 5545 object sent as a text/calendar alternative
	// (so mail clients show accept/decline) and as invite.ics.
	Calendar       []byte
	CalendarMethod string
}

// Sender delivers messages.
type Sender struct {
	cfg Config
}

// New checks the configuration and returns a Sender.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" || cfg.Port == 0 {
		return nil, errors.New("mailer: SMTP host and port are required")
	}
	if cfg.From == "" {
		return nil, errors.New("mailer: a From address is required")
	}
	return &Sender{cfg: cfg}, nil
}

// ErrRejected wraps a permanent refusal of the recipient (an SMTP 5xx to
// RCPT TO), such as an unknown mailbox: retrying cannot help, so the
// outbox marks the address bounced.
var ErrRejected = errors.New("rejected by the mail server")

// Send delivers one message over a connection of its own: a batch of one.
// A permanent refusal of the recipient is returned wrapped in ErrRejected.
// Anything else, including a relay that refuses our sender or the message,
// is a sending fault: it says nothing about the recipient's address, so it
// is returned as a plain error for the caller to retry, and an operator to
// see, until the relay is fixed.
func (s *Sender) Send(ctx context.Context, m Message) error {
	return s.SendBatch(ctx, []Message{m})[0]
}

// SendBatch delivers msgs in order over one SMTP connection, dialled once
// and closed at the end, and returns one result per message, as Send does
// for one: nil when the server accepted it, ErrRejected for a permanent
// refusal of its recipient, a plain error to retry for anything else. One
// message's failure does not stop the others; a connection that cannot be
// opened, or that breaks, fails every message it has not yet carried.
func (s *Sender) SendBatch(ctx context.Context, msgs []Message) []error {
	results := make([]error, len(msgs))
	built := make([]*mail.Msg, len(msgs))
	for i, m := range msgs {
		built[i], results[i] = s.build(m)
	}
	if !slices.Contains(results, nil) {
		return results // nothing to send: no connection
	}
	client, err := s.dial(ctx)
	if err != nil {
		failRest(results, err)
		return results
	}
	defer client.Close()
	for i, msg := range built {
		if results[i] != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			failRest(results, fmt.Errorf("mailer: %w", err))
			break
		}
		results[i] = sendOn(client, msg, msgs[i].To)
	}
	return results
}

// failRest gives err to every message without a result yet.
func failRest(results []error, err error) {
	for i := range results {
		if results[i] == nil {
			results[i] = err
		}
	}
}

// sendOn sends msg over the open connection. A refused message leaves the
// server mid-transaction, so the transaction is reset for the next one; a
// message the server accepted counts as sent even if the reset after it
// fails (a retry would send it twice).
func sendOn(client *mail.Client, msg *mail.Msg, to string) error {
	err := client.Send(msg)
	switch {
	case err == nil || msg.IsDelivered():
		return nil
	case isRecipientRefusal(err):
		return fmt.Errorf("%w: %v", ErrRejected, err)
	}
	_ = client.Reset() // best effort: a broken connection fails the next send anyway
	return fmt.Errorf("mailer: send to %s: %w", to, err)
}

// isRecipientRefusal tells a permanent refusal of the recipient (5xx to
// RCPT TO) from every other failure.
func isRecipientRefusal(err error) bool {
	var sendErr *mail.SendError
	return errors.As(err, &sendErr) && sendErr.Reason == mail.ErrSMTPRcptTo && sendErr.ErrorCode() >= 500 && !sendErr.IsTemp()
}

// build renders m as a MIME message. An address that cannot be a mailbox
// is wrapped in ErrRejected, like a refusal by the server.
func (s *Sender) build(m Message) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mailer: From %q: %w", s.cfg.From, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("%w: address %q: %v", ErrRejected, m.To, err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("mailer: Reply-To %q: %w", m.ReplyTo, err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(time.Now())
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if len(m.Calendar) > 0 {
		method := m.CalendarMethod
		if method == "" {
			method = "REQUEST"
		}
		msg.AddAlternativeString(mail.ContentType("text/calendar; method="+method), string(m.Calendar))
		if err := msg.AttachReader("invite.ics", bytes.NewReader(m.Calendar), mail.WithFileContentType("application/ics")); err != nil {
			return nil, err
		}
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// dial opens a connection to the configured server, authenticated if a
// user name is configured.
func (s *Sender) dial(ctx context.Context) (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(s.cfg.Port), mail.WithTimeout(30 * time.Second)}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	client, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	if err := client.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("mailer: connect to %s: %w", s.cfg.Host, err)
	}
	return client, nil
}
