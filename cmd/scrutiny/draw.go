package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lsip/scrutiny/selection"
)

// errDrawDiffers is the failure of a draw that does not repeat.
var errDrawDiffers = errors.New("the published draw does not match a re-run from its seed")

// runDraw is `scrutiny draw verify [FILE]`: it reads a published draw (the
// JSON of GET /api/v1/cycles/{id}/draw) from FILE, or standard input when
// FILE is absent or "-", re-runs it from the seed and the published
// eligible list (docs/selection.md), and says whether the result matches.
func runDraw(_ context.Context, args []string) error {
	fs := newFlags("draw", "draw verify [FILE|-]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 || fs.Arg(0) != "verify" {
		fs.Usage()
		return errUsage
	}
	in := io.Reader(os.Stdin)
	if name := fs.Arg(1); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	return verifyDraw(in, os.Stdout)
}

// verifyDraw re-runs the draw read from r and writes the verdict to w:
// errDrawDiffers, after every difference, when it does not match.
func verifyDraw(r io.Reader, w io.Writer) error {
	var rec selection.Record
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rec); err != nil {
		return fmt.Errorf("read the draw: %w", err)
	}
	if len(rec.Strata) == 0 {
		return errors.New("read the draw: it has no strata; is this the JSON of /api/v1/cycles/{id}/draw?")
	}
	diffs := selection.Verify(rec)
	for _, d := range diffs {
		fmt.Fprintln(w, d)
	}
	if len(diffs) > 0 {
		return errDrawDiffers
	}
	fmt.Fprintf(w, "the draw matches: seed %d, %d strata and %d redraws re-run from the published eligible cases\n", rec.Seed, len(rec.Strata), len(rec.Redraws))
	return nil
}
