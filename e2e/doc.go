// Package e2e holds the end-to-end journeys: each runs the real Temporal
// server in-process, a fresh PostgreSQL database and a real SMTP server,
// with the worker and activities exactly as production wires them.
//
// Nothing is shared between journeys but the process, so they run in
// parallel (t.Parallel); they mostly wait on timers, mail and Temporal.
// One that reads process-wide state, as the metrics journey does, runs
// alone instead and says why.
package e2e
