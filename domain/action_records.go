package domain

import "time"

// The records of action tracking: what the action workflow loads from
// PostgreSQL and what it writes back. Both travel as activity payloads, so
// their JSON field names are recorded in workflow histories and must not
// change.

// ActionRecord is what the tracking workflow loads when it starts: IDs,
// dates, short labels and the people it writes to, never the description.
type ActionRecord struct {
	Status          ActionStatus `json:"status"`
	Kind            string       `json:"kind"`
	Audience        string       `json:"audience"`
	PanelID         int64        `json:"panel_id"`
	CycleID         int64        `json:"cycle_id,omitempty"`
	CaseID          int64        `json:"case_id,omitempty"`
	LearningPointID int64        `json:"learning_point_id,omitempty"`
	Due             time.Time    `json:"due"`
	OwnerName       string       `json:"owner_name"`
	OwnerEmail      string       `json:"owner_email"`
	ManagerName     string       `json:"manager_name"`
	ManagerEmail    string       `json:"manager_email"`
	// The organisation's response, if one is recorded already.
	Response          string `json:"response,omitempty"`
	ResponseRationale string `json:"response_rationale,omitempty"`
	// A pending extension request, if any.
	ExtensionTo     *time.Time `json:"extension_to,omitempty"`
	ExtensionReason string     `json:"extension_reason,omitempty"`
	ExtensionBy     string     `json:"extension_by,omitempty"`
	// SeniorName and SeniorEmail are the Area's senior lead, the last rung
	// of the escalation ladder; empty when the Area has none set.
	SeniorName  string `json:"senior_name"`
	SeniorEmail string `json:"senior_email"`
	// EscalateManagerDays and EscalateSeniorDays are the Area's escalation
	// ladder: the days after the due date on which the manager, then the
	// senior lead, are told. Both zero when the Area keeps the usual ladder.
	EscalateManagerDays int `json:"escalate_manager_days,omitempty"`
	EscalateSeniorDays  int `json:"escalate_senior_days,omitempty"`
	// LastSeq is the highest event number already written, so a workflow
	// started again for the action numbers on from it.
	LastSeq int `json:"last_seq"`
}

// ActionChange is one change to an action: the timeline event that says
// what happened, who did it and when, and the action's fields as they are
// after it.
type ActionChange struct {
	ActionID int64     `json:"action_id"`
	Seq      int       `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Kind     string    `json:"kind"`
	Detail   string    `json:"detail,omitempty"`
	// Data is stored with Detail in the event's detail (for example an
	// extension's date and reason).
	Data               map[string]string `json:"data,omitempty"`
	Status             ActionStatus      `json:"status"`
	Due                time.Time         `json:"due"`
	OwnerName          string            `json:"owner_name"`
	OwnerEmail         string            `json:"owner_email"`
	Response           string            `json:"response,omitempty"`
	ResponseRationale  string            `json:"response_rationale,omitempty"`
	CompletionNote     string            `json:"completion_note,omitempty"`
	CompletionEvidence string            `json:"completion_evidence,omitempty"`
	CancelReason       string            `json:"cancel_reason,omitempty"`
	ExtensionTo        *time.Time        `json:"extension_to,omitempty"`
}
