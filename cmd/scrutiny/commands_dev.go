//go:build !production

package main

// devCommands are the commands that run the embedded stack (Temporal's
// server in this process, a throwaway PostgreSQL, a mail catcher). A build
// with `-tags production` leaves them, and the Temporal server with them,
// out of the binary (commands_production.go).
func devCommands() []command {
	return []command{
		{"dev", "run everything on embedded defaults: PostgreSQL, Temporal, mail catcher, worker, API and pages, demo data", runDev},
		{"load", "run N review cycles at once through the API on the embedded stack and account for every review and email", runLoad},
		{"bench", "run the performance suite on fresh data and write BENCHMARKS.md; exit 1 if a budget is missed", runBench},
	}
}
