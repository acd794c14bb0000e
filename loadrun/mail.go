package loadrun

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
)

// inbox indexes the SMTP server's messages by recipient as they arrive,
// so that hundreds of cycles can each wait for their own mail without
// every waiter scanning every message.
type inbox struct {
	c       *mailcatcher.Catcher
	mu      sync.Mutex
	seen    int
	byTo    map[string][]*mailcatcher.Message
	changed chan struct{} // closed and replaced when messages arrive
}

func newInbox(c *mailcatcher.Catcher) *inbox {
	return &inbox{c: c, byTo: map[string][]*mailcatcher.Message{}, changed: make(chan struct{})}
}

// follow indexes new messages until ctx ends.
func (b *inbox) follow(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		b.refresh()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (b *inbox) refresh() {
	all := b.c.Messages()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(all) <= b.seen {
		return
	}
	for _, m := range all[b.seen:] {
		for _, to := range m.EnvelopeTo {
			to = strings.ToLower(to)
			b.byTo[to] = append(b.byTo[to], m)
		}
	}
	b.seen = len(all)
	close(b.changed)
	b.changed = make(chan struct{})
}

// wait returns the first n messages to the address whose subject starts
// with prefix, once they have arrived.
func (b *inbox) wait(ctx context.Context, to, prefix string, n int) ([]*mailcatcher.Message, error) {
	for {
		b.mu.Lock()
		var found []*mailcatcher.Message
		for _, m := range b.byTo[strings.ToLower(to)] {
			if strings.HasPrefix(m.Subject, prefix) {
				found = append(found, m)
			}
		}
		changed := b.changed
		b.mu.Unlock()
		if len(found) >= n {
			return found[:n], nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %q to %s: %d of %d arrived: %w", prefix, to, len(found), n, ctx.Err())
		case <-changed:
		}
	}
}

// outboxMessageID reads the outbox row a message was sent for from its
// Message-ID, which outboxflow makes stable per row:
// <outbox-ID.HASH@scrutiny>.
var outboxMessageID = regexp.MustCompile(`^<?outbox-(\d+)\.`)

// accountMail compares the outbox with what reached the SMTP server once
// nothing is left to send: each row sent exactly once, none still waiting,
// bounced or held, and no message that is not a row's.
func (r *run) accountMail(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// The cycles' workflows end only once their mail has gone, so this
	// waits only for mail of the last moments.
	if err := waitUntil(ctx, "the outbox to empty", 500*time.Millisecond, func() (bool, error) {
		ledger, err := r.s.Store.OutboxLedger(ctx)
		if err != nil {
			return false, err
		}
		for _, e := range ledger {
			if e.Status == domain.MailPending {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		r.rep.problem("%v", err)
	}
	ledger, err := r.s.Store.OutboxLedger(ctx)
	if err != nil {
		return err
	}
	received := map[int64]int{}
	messages := r.s.Mail.Messages()
	for _, m := range messages {
		match := outboxMessageID.FindStringSubmatch(m.Header.Get("Message-Id"))
		if match == nil {
			r.rep.Stray++
			continue
		}
		id, _ := strconv.ParseInt(match[1], 10, 64)
		received[id]++
	}
	rep := r.rep
	rep.Emails, rep.EmailsReceived = len(ledger), len(messages)
	for _, e := range ledger {
		n := received[e.ID]
		delete(received, e.ID)
		rep.Resends += e.Resends
		switch {
		case e.Status != domain.MailSent:
			rep.Missing++
			rep.problem("email %d (%s) is %s, not sent", e.ID, e.Key, e.Status)
		case n == 0:
			rep.Missing++
			rep.problem("email %d (%s) is marked sent but never reached the SMTP server", e.ID, e.Key)
		case n > 1:
			rep.Duplicates += n - 1
			rep.problem("email %d (%s) reached the SMTP server %d times", e.ID, e.Key, n)
		}
	}
	for id, n := range received {
		rep.Stray += n
		rep.problem("%d message(s) with Message-ID of outbox row %d, which does not exist", n, id)
	}
	if rep.Stray > 0 {
		rep.problem("%d message(s) reached the SMTP server that no outbox row accounts for", rep.Stray)
	}
	return nil
}
