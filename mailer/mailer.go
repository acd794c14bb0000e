// Package mailer sends one email over SMTP with go-mail. It knows nothing of
// the outbox or of who the mail is for: callers (the outbox activity) decide
// what to send and record the result.
package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// Send delivers one message, dialling a fresh connection. A permanent
// refusal of the recipient is returned wrapped in ErrRejected. Anything
// else, including a relay that refuses our sender or the message, is a
// sending fault: it says nothing about the recipient's address, so it is
// returned as a plain error for the caller to retry, and an operator to
// see, until the relay is fixed.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := mail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mailer: From %q: %w", s.cfg.From, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return fmt.Errorf("%w: address %q: %v", ErrRejected, m.To, err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return fmt.Errorf("mailer: Reply-To %q: %w", m.ReplyTo, err)
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
			return err
		}
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return err
		}
	}

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
		return fmt.Errorf("mailer: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var sendErr *mail.SendError
		if errors.As(err, &sendErr) && sendErr.Reason == mail.ErrSMTPRcptTo && sendErr.ErrorCode() >= 500 && !sendErr.IsTemp() {
			return fmt.Errorf("%w: %v", ErrRejected, err)
		}
		return fmt.Errorf("mailer: send to %s: %w", m.To, err)
	}
	return nil
}
