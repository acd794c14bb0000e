//go:build production

package main

// devCommands is empty in a production build: the image runs against a
// real Temporal cluster and carries no embedded one (commands_dev.go).
func devCommands() []command { return nil }
