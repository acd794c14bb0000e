package payloadcrypt_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/payloadcrypt"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

// TestReviewTextNeverInHistory runs a member's real review workflow on
// the in-process Temporal with the worker and client sealing payloads, as
// every scrutiny process does, and saves a review with a distinctive
// answer. Read raw, as Temporal's database or its Web UI without the codec
// shows it, no event of the history holds the text anywhere, and every
// payload is sealed; a client without the codec cannot read the
// workflow's query. Through the codec, the workflow's query answers, and
// the history's payloads open to the very text, so it was there, sealed.
func TestReviewTextNeverInHistory(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, cy, member, kase int64
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'cycle-sealed', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'reviewing') RETURNING id`, panel).Scan(&cy))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, 'Aled', 'aled@example.org', 'member', '2026-01-01') RETURNING id`, panel).Scan(&member))
	must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		SELECT area_id, 'R-1', 'hate_crime', 'Assault', '2026-02-01', 'conviction_plea', 'A summary' FROM panels WHERE id = $1 RETURNING id`, panel).Scan(&kase))
	_, err := db.Exec(ctx, `INSERT INTO reviews (cycle_id, member_id, case_id) VALUES ($1, $2, $3)`, cy, member, kase)
	must(err)

	ts := temporalenv.Start(t)
	c := ts.Client()
	const queue = "sealed-history"
	w := worker.New(c, queue, worker.Deps{Store: st})
	must(w.Start())
	defer w.Stop()

	const answer = "Zebra-violet: the interpreter was never booked for Mrs Okafor"
	id := cycle.MemberReviewWorkflowID("cycle-sealed", member)
	now := time.Now()
	_, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, cycle.MemberReviewWorkflowName, cycle.MemberReviewInput{
		CycleID: cy, MemberID: member, CaseIDs: []int64{kase}, Deadline: now.Add(7 * 24 * time.Hour), MeetingStart: now.Add(8 * 24 * time.Hour),
	})
	must(err)
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: cycle.UpdateSaveReview, WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{cycle.ReviewSubmission{CaseID: kase, Answers: reviewform.Answers{Concerns: answer}, Source: "web"}},
	})
	must(err)
	var stored cycle.StoredReview
	must(h.Get(ctx, &stored))
	if stored.Status != string(domain.ReviewDraft) {
		t.Fatalf("the save answered %+v", stored)
	}

	q, err := c.QueryWorkflow(ctx, id, "", cycle.QueryReview)
	must(err)
	var status map[int64]domain.ReviewStatus
	if err := q.Get(&status); err != nil || status[kase] != domain.ReviewDraft {
		t.Errorf("the review's query through the codec = %v, %v", status, err)
	}
	raw := ts.RawClient()
	if q, err := raw.QueryWorkflow(ctx, id, "", cycle.QueryReview); err == nil {
		if err := q.Get(&status); err == nil {
			t.Error("a client without the codec read the query's answer")
		}
	}

	codec := payloadcrypttest.Codec()
	var payloads, sealed int
	var opened bool
	it := raw.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		must(err)
		b, err := proto.Marshal(ev)
		must(err)
		if bytes.Contains(b, []byte("Zebra-violet")) || bytes.Contains(b, []byte("Okafor")) {
			t.Errorf("event %d (%s) holds the answer in clear", ev.GetEventId(), ev.GetEventType())
		}
		must(proxy.VisitPayloads(ctx, ev, proxy.VisitPayloadsOptions{
			SkipSearchAttributes: true,
			Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
				for _, p := range ps {
					payloads++
					if string(p.GetMetadata()["encoding"]) == payloadcrypt.MetadataEncoding {
						sealed++
					}
					if bytes.Contains(p.GetData(), []byte("Zebra-violet")) {
						t.Errorf("event %d: a payload holds the answer", ev.GetEventId())
					}
				}
				out, err := codec.Decode(ps)
				for _, p := range out {
					opened = opened || bytes.Contains(p.GetData(), []byte(answer))
				}
				return ps, err
			},
		}))
	}
	if payloads == 0 || sealed != payloads {
		t.Errorf("%d of the history's %d payloads are sealed, want all", sealed, payloads)
	}
	if !opened {
		t.Error("no payload of the history opens to the answer: the test did not put it there")
	}
	var saved string
	must(db.QueryRow(ctx, `SELECT answers->>'concerns' FROM reviews WHERE cycle_id = $1 AND member_id = $2`, cy, member).Scan(&saved))
	if saved != answer {
		t.Errorf("the review stored %q", saved)
	}
}
