package store_test

import (
	"testing"

	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestSigninWaitPerNetworkAddress: twenty failures from one network
// address, each for a different email address, pause that network address
// for any account, but not another network address; four failures for one
// email address do not yet pause it, the fifth does.
func TestSigninWaitPerNetworkAddress(t *testing.T) {
	st := testenv.DB(t)
	ctx := t.Context()
	for i := range 20 {
		if err := st.RecordSigninFailure(ctx, "guess"+string(rune('a'+i))+"@example.org", "203.0.113.9", store.FailPassword, 0); err != nil {
			t.Fatal(err)
		}
	}
	if wait, err := st.SigninWait(ctx, "fresh@example.org", "203.0.113.9"); err != nil || wait <= 0 {
		t.Errorf("after 20 failures from one address, wait = %v, %v", wait, err)
	}
	if wait, err := st.SigninWait(ctx, "fresh@example.org", "198.51.100.1"); err != nil || wait != 0 {
		t.Errorf("another address, wait = %v, %v", wait, err)
	}
	for i := range 5 {
		if wait, _ := st.SigninWait(ctx, "Cara@example.org", "198.51.100.1"); wait > 0 {
			t.Errorf("after %d failures for one account, wait = %v", i, wait)
		}
		if err := st.RecordSigninFailure(ctx, "cara@example.org", "198.51.100.1", store.FailPassword, 0); err != nil {
			t.Fatal(err)
		}
	}
	if wait, _ := st.SigninWait(ctx, "cara@example.org", "198.51.100.2"); wait <= 0 {
		t.Error("five failures for one account did not pause it")
	}
}
