package freeport

import (
	"net"
	"strconv"
	"testing"
)

// TestPortIsBindableAndOutsideTheEphemeralRange: the port can be bound,
// and is never one an outgoing connection could hold.
func TestPortIsBindableAndOutsideTheEphemeralRange(t *testing.T) {
	for range 20 {
		port, err := Port("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if port < lowest || port > highest {
			t.Fatalf("port %d is outside %d–%d", port, lowest, highest)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			t.Fatalf("port %d: %v", port, err)
		}
		l.Close()
	}
}
