package mailcatcher

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Message is one caught email, parsed.
type Message struct {
	ID           string
	ReceivedAt   time.Time
	EnvelopeFrom string
	EnvelopeTo   []string
	Raw          []byte
	Header       mail.Header
	Subject      string
	Text         string
	HTML         string
	// Parts are every leaf MIME part, in order.
	Parts []Part
	// Attachments are the parts with a filename or an attachment
	// disposition.
	Attachments []Attachment
}

// Part is one leaf MIME part with its body decoded.
type Part struct {
	ContentType string
	Params      map[string]string
	Disposition string
	Filename    string
	Body        []byte
}

// Attachment is a file carried by a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Attachment returns the first attachment called name.
func (m *Message) Attachment(name string) (Attachment, bool) {
	for _, a := range m.Attachments {
		if a.Filename == name {
			return a, true
		}
	}
	return Attachment{}, false
}

var wordDecoder = mime.WordDecoder{}

func (m *Message) parse(raw []byte) error {
	m.Raw = raw
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	m.Header = msg.Header
	if m.Subject, err = wordDecoder.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		m.Subject = msg.Header.Get("Subject")
	}
	if err := m.walk(msg.Header, msg.Body); err != nil {
		return err
	}
	for _, p := range m.Parts {
		switch {
		case p.Filename != "" || p.Disposition == "attachment":
			m.Attachments = append(m.Attachments, Attachment{Filename: p.Filename, ContentType: p.ContentType, Data: p.Body})
		case p.ContentType == "text/plain" && m.Text == "":
			m.Text = string(p.Body)
		case p.ContentType == "text/html" && m.HTML == "":
			m.HTML = string(p.Body)
		}
	}
	return nil
}

// headerGetter is what both mail.Header and textproto.MIMEHeader offer.
type headerGetter interface{ Get(string) string }

// walk descends through multipart bodies, collecting the leaf parts.
func (m *Message) walk(h headerGetter, body io.Reader) error {
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.walk(p.Header, p); err != nil {
				return err
			}
		}
	}
	data, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	part := Part{ContentType: mediaType, Params: params, Body: data}
	if disp := h.Get("Content-Disposition"); disp != "" {
		d, dparams, err := mime.ParseMediaType(disp)
		if err == nil {
			part.Disposition = d
			part.Filename = dparams["filename"]
		}
	}
	if part.Filename == "" {
		part.Filename = params["name"]
	}
	if name, err := wordDecoder.DecodeHeader(part.Filename); err == nil {
		part.Filename = name
	}
	m.Parts = append(m.Parts, part)
	return nil
}

func decode(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, newlineStripper{r}))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	default:
		return io.ReadAll(r)
	}
}

// newlineStripper drops CR and LF, which base64 bodies are wrapped with.
type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}
