// Package payloadcrypttest holds the payload key the test environments
// use, so that every test client and worker, and the replay test, seal and
// open Temporal payloads alike. Histories recorded from tests (see
// e2e/history_test.go) are sealed with it. It is a test key: its text says
// so, and config.RequireProduction refuses it.
package payloadcrypttest

import (
	"go.temporal.io/sdk/converter"

	"github.com/lsip/scrutiny/payloadcrypt"
)

// Keys is the PAYLOAD_KEYS value of the test environments: one key, ID
// "test", the base64 of "test-only-scrutiny-payload-key!!".
const Keys = "test:dGVzdC1vbmx5LXNjcnV0aW55LXBheWxvYWQta2V5ISE="

// Codec is the codec of the test environments.
func Codec() *payloadcrypt.Codec {
	c, err := payloadcrypt.FromConfig(Keys)
	if err != nil {
		panic(err) // Keys is a constant that parses
	}
	return c
}

// DataConverter is the data converter of the test environments' clients
// and workers.
func DataConverter() converter.DataConverter { return Codec().DataConverter() }
