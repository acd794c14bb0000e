package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// MemberAgreement is where a member stands with the confidentiality
// agreement: the date it was signed (the condition for a pack) and, when
// they accepted it on their personal page, the version and exact text they
// accepted and when. A date without an online acceptance was recorded by
// the coordinator from a paper agreement, before members accepted online.
type MemberAgreement struct {
	MemberID int64
	Name     string
	// SignedOn is YYYY-MM-DD, or empty while the member has not accepted.
	SignedOn   string
	Version    string
	Text       string
	AcceptedAt *time.Time
}

// Accepted reports whether the member may receive a pack.
func (m MemberAgreement) Accepted() bool { return m.SignedOn != "" }

// OnPaper reports a signature recorded by the coordinator, with no online
// acceptance to show.
func (m MemberAgreement) OnPaper() bool { return m.Accepted() && m.AcceptedAt == nil }

// memberAgreementSelect reads MemberAgreement columns for the members m,
// with each one's latest online acceptance.
const memberAgreementSelect = `SELECT m.id, m.name, coalesce(to_char(m.confidentiality_signed_on, 'YYYY-MM-DD'), ''),
		coalesce(a.version, ''), coalesce(a.text, ''), a.accepted_at
	FROM members m LEFT JOIN LATERAL (SELECT version, text, accepted_at FROM member_agreements
		WHERE member_id = m.id ORDER BY accepted_at DESC, id DESC LIMIT 1) a ON true`

func scanMemberAgreement(r pgx.CollectableRow) (MemberAgreement, error) {
	var m MemberAgreement
	return m, r.Scan(&m.MemberID, &m.Name, &m.SignedOn, &m.Version, &m.Text, &m.AcceptedAt)
}

// AgreementOf is where one member stands with the agreement; a member who
// does not exist is ErrNotFound.
func (q *Queries) AgreementOf(ctx context.Context, memberID int64) (MemberAgreement, error) {
	rows, err := q.db.Query(ctx, memberAgreementSelect+` WHERE m.id = $1`, memberID)
	var m MemberAgreement
	if err == nil {
		m, err = pgx.CollectExactlyOneRow(rows, scanMemberAgreement)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("agreement of member %d: %w", memberID, err)
	}
	return m, nil
}

// PanelAgreements is where each active member of the panel stands with the
// agreement, by name, for the coordinator.
func (q *Queries) PanelAgreements(ctx context.Context, panelID int64) ([]MemberAgreement, error) {
	return queryAll(ctx, q.db, "agreements of panel "+strconv.FormatInt(panelID, 10), scanMemberAgreement,
		memberAgreementSelect+` WHERE m.panel_id = $1 AND m.active AND m.left_at IS NULL ORDER BY m.name, m.id`, panelID)
}

// AcceptAgreement records that the member accepted agreement a, word for
// word, now, and makes them eligible for packs from today (UK date); a
// date signed earlier stands. Accepting the same version again changes
// nothing. The acceptance is audited.
func (s *Store) AcceptAgreement(ctx context.Context, memberID int64, a domain.Agreement) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `INSERT INTO member_agreements (member_id, version, text) VALUES ($1, $2, $3)
			ON CONFLICT (member_id, version) DO NOTHING`, memberID, a.Version, a.Text())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if _, err := tx.db.Exec(ctx, `UPDATE members SET confidentiality_signed_on =
				coalesce(confidentiality_signed_on, (now() AT TIME ZONE 'Europe/London')::date) WHERE id = $1`, memberID); err != nil {
			return err
		}
		return tx.Audit(ctx, fmt.Sprintf("member:%d", memberID), "agreement_accepted", "member", strconv.FormatInt(memberID, 10),
			map[string]any{"version": a.Version})
	})
	if err != nil {
		return fmt.Errorf("member %d accepts the agreement: %w", memberID, err)
	}
	return nil
}
