// Package e2e holds the end-to-end journeys: each runs the real Temporal
// server in-process, a fresh PostgreSQL database and a real SMTP server,
// with the worker and activities exactly as production wires them.
package e2e
