// Package freeport picks ports for servers that bind them themselves
// (the embedded Temporal server's services, a child `scrutiny server`),
// where a listener cannot be handed over.
//
// A port the kernel hands out for ":0" comes from the ephemeral range,
// which is also where every outgoing connection takes its local port: a
// probed port, closed again, can be taken by a client's connection before
// the server binds it, and the more servers and clients run at once (the
// end-to-end journeys in parallel), the likelier that is. Ports below the
// ephemeral range are never given to outgoing connections, so they are
// picked from there instead, at random, and checked free by binding.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// Below Linux's default ephemeral range (32768–60999) and above the
// well-known ports of the services these machines run.
const (
	lowest  = 10000
	highest = 32767
)

// Port returns a port on host that nothing listens on now and no outgoing
// connection will take.
func Port(host string) (int, error) {
	var lastErr error
	for range 100 {
		port := lowest + rand.IntN(highest-lowest+1)
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			lastErr = err
			continue
		}
		l.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free port on %s between %d and %d: %w", host, lowest, highest, lastErr)
}

// Address is Port on 127.0.0.1, as host:port.
func Address() (string, error) {
	port, err := Port("127.0.0.1")
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}
