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

	"golang.org/x/text/encoding/htmlindex"
)

// Message is one caught email, parsed.
type Message struct {
	ID           string
	ReceivedAt   time.Time
	EnvelopeFrom string   // MAIL FROM
	EnvelopeTo   []string // every accepted RCPT TO
	Raw          []byte   // exactly as received
	Header       mail.Header
	Subject      string // RFC 2047 words decoded
	// Text and HTML are the first text/plain and text/html parts that are
	// not attachments, converted from their declared charset to UTF-8 and
	// with lines ending in \n rather than MIME's \r\n.
	Text string
	HTML string
	// Attachments are the parts with a filename or an attachment
	// disposition, in order.
	Attachments []Attachment
	// Parts are every leaf MIME part, in order, nested multiparts
	// flattened: bodies, alternatives (such as a text/calendar invitation)
	// and attachments alike.
	Parts []Part
}

// Part is one leaf MIME part.
type Part struct {
	ContentType string            // media type, lower case, such as "text/calendar"
	Params      map[string]string // Content-Type parameters, such as "charset" and "method"
	Disposition string            // "inline", "attachment" or ""
	Filename    string
	Body        []byte // transfer encoding undone; in the charset Params declares
}

// Attachment is a file carried by a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Attachment returns the first attachment called filename.
func (m *Message) Attachment(filename string) (Attachment, bool) {
	for _, a := range m.Attachments {
		if a.Filename == filename {
			return a, true
		}
	}
	return Attachment{}, false
}

// wordDecoder decodes RFC 2047 encoded words in any charset the WHATWG
// encoding standard names, as mail programs do.
var wordDecoder = mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}}

// parse reads a raw message into a Message with its body parts, leaving
// the ID, arrival time and envelope to the caller.
func parse(raw []byte) (*Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	m := &Message{Raw: raw, Header: msg.Header}
	m.Subject = decodeWords(msg.Header.Get("Subject"))
	if err := m.walk(msg.Header, msg.Body); err != nil {
		return nil, err
	}
	for _, p := range m.Parts {
		switch {
		case p.Filename != "" || p.Disposition == "attachment":
			m.Attachments = append(m.Attachments, Attachment{Filename: p.Filename, ContentType: p.ContentType, Data: p.Body})
		case p.ContentType == "text/plain" && m.Text == "":
			m.Text = bodyText(p)
		case p.ContentType == "text/html" && m.HTML == "":
			m.HTML = bodyText(p)
		}
	}
	return m, nil
}

// header is what both mail.Header and textproto.MIMEHeader offer.
type header interface{ Get(key string) string }

// walk descends through multipart bodies, appending each leaf part to
// m.Parts.
func (m *Message) walk(h header, body io.Reader) error {
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
			// Raw, because walk undoes the transfer encoding itself, for
			// every part alike.
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := m.walk(p.Header, p); err != nil {
				return err
			}
		}
	}
	data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mediaType, err)
	}
	part := Part{ContentType: mediaType, Params: params, Body: data}
	if disp := h.Get("Content-Disposition"); disp != "" {
		// A malformed disposition loses only the filename it would give.
		if d, dparams, err := mime.ParseMediaType(disp); err == nil {
			part.Disposition = d
			part.Filename = dparams["filename"]
		}
	}
	if part.Filename == "" {
		part.Filename = params["name"] // older mailers name files here
	}
	part.Filename = decodeWords(part.Filename)
	m.Parts = append(m.Parts, part)
	return nil
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		// The decoder skips the line breaks base64 bodies are wrapped with.
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, r))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	default: // 7bit, 8bit, binary
		return io.ReadAll(r)
	}
}

// decodeWords decodes RFC 2047 encoded words, leaving s as it is if they
// are malformed or in an unknown charset: a readable approximation beats
// refusing the message.
func decodeWords(s string) string {
	decoded, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return decoded
}

// bodyText is a text part's body as UTF-8 with \n line endings. Text in
// an unknown charset is kept as it is: a readable approximation beats
// refusing the message.
func bodyText(p Part) string {
	text := p.Body
	if charset := p.Params["charset"]; charset != "" && !strings.EqualFold(charset, "utf-8") {
		if enc, err := htmlindex.Get(charset); err == nil {
			if converted, err := enc.NewDecoder().Bytes(text); err == nil {
				text = converted
			}
		}
	}
	return strings.ReplaceAll(string(text), "\r\n", "\n")
}
