package mailcatcher

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A kept message is its raw bytes preceded by X-Catcher-* header lines
// carrying what the raw message lacks: when it arrived and its envelope.
// The file is still a valid .eml that any mail program opens.
const (
	receivedField = "X-Catcher-Received"
	fromField     = "X-Catcher-From"
	toField       = "X-Catcher-To" // one line per recipient
)

// save writes m to dir as <id>.eml. It writes a temporary file and renames
// it, so a crash never leaves a half-written message for load to trip on.
func save(dir string, m *Message) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: %s\r\n", receivedField, m.ReceivedAt.Format(time.RFC3339Nano))
	fmt.Fprintf(&b, "%s: %s\r\n", fromField, m.EnvelopeFrom)
	for _, to := range m.EnvelopeTo {
		fmt.Fprintf(&b, "%s: %s\r\n", toField, to)
	}
	b.Write(m.Raw)
	tmp, err := os.CreateTemp(dir, m.ID+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, m.ID+".eml"))
}

// remove deletes the kept copy of message id, if there is one.
func remove(dir, id string) error {
	err := os.Remove(filepath.Join(dir, id+".eml"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// load reads every message kept in dir, oldest first.
func load(dir string) ([]*Message, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var messages []*Message
	for _, e := range entries {
		id, isMessage := strings.CutSuffix(e.Name(), ".eml")
		if !isMessage || !e.Type().IsRegular() {
			continue
		}
		name := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		m, err := unwrap(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		m.ID = id
		messages = append(messages, m)
	}
	slices.SortFunc(messages, func(a, b *Message) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return messages, nil
}

// unwrap splits a kept file into its X-Catcher-* lines and the raw message,
// and parses the message.
func unwrap(data []byte) (*Message, error) {
	var received, from string
	var to []string
	for {
		line, rest, ok := bytes.Cut(data, []byte("\r\n"))
		key, value, isField := strings.Cut(string(line), ": ")
		if !ok || !isField || !strings.HasPrefix(key, "X-Catcher-") {
			break
		}
		switch key {
		case receivedField:
			received = value
		case fromField:
			from = value
		case toField:
			to = append(to, value)
		}
		data = rest
	}
	m, err := parse(data)
	if err != nil {
		return nil, err
	}
	if m.ReceivedAt, err = time.Parse(time.RFC3339Nano, received); err != nil {
		return nil, fmt.Errorf("%s: %w", receivedField, err)
	}
	m.EnvelopeFrom, m.EnvelopeTo = from, to
	return m, nil
}
