package server

import (
	"encoding/json"

	"github.com/lsip/scrutiny/domain"
)

func jsonUnmarshal(raw []byte, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

func outcomeLabel(code string) string { return domain.OutcomeLabel(domain.Outcome(code)) }
