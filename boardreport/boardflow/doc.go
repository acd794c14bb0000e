// Package boardflow is the Board report's workflow, which the admin's
// Temporal Schedule (boardreport.EnsureSchedule) runs, and its activities:
// build the report, store it and email it to the Board through the outbox.
package boardflow
