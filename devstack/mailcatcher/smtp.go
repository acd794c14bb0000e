package mailcatcher

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP conversation. It accepts every sender that
// Options.RefuseSender does not refuse, every recipient that
// Options.Reject does not refuse, and any credentials.
type session struct {
	catcher *Catcher
	from    string
	to      []string
}

// AuthMechanisms offers PLAIN and LOGIN so that a client configured with a
// user name and password can send; the credentials are not checked.
func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

// Auth accepts any credentials.
func (s *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error { return nil }), nil
	case sasl.Login:
		return &loginServer{}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.catcher.opts.RefuseSender != nil && s.catcher.opts.RefuseSender(from) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relaying denied for " + from}
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.catcher.opts.Reject != nil && s.catcher.opts.Reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable: " + to}
	}
	s.to = append(s.to, to)
	return nil
}

// Data keeps the message. One that is not parsable MIME is refused, so the
// code that built it finds out at once.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message could not be parsed: " + err.Error()}
	}
	m.ID = newID()
	m.ReceivedAt = time.Now()
	m.EnvelopeFrom = s.from
	m.EnvelopeTo = append([]string(nil), s.to...)
	return s.catcher.add(m)
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism, which go-sasl does
// not provide: it prompts for a user name (unless the client sent it as its
// initial response), then a password, and accepts whatever it is given.
type loginServer struct {
	answers int
}

var loginPrompts = [...]string{"Username:", "Password:"}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	if response != nil {
		l.answers++
	}
	if l.answers == len(loginPrompts) {
		return nil, true, nil
	}
	return []byte(loginPrompts[l.answers]), false, nil
}

// newID names a message so that IDs sort by arrival time and do not
// collide across restarts.
func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}
