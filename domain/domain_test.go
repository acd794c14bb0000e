package domain

import "testing"

func TestLenientParsing(t *testing.T) {
	for in, want := range map[string]string{"Sexual orientation": "sexual_orientation", "STALKING_HARASSMENT": "stalking_harassment", "Stalking and harassment": "stalking_harassment", "fgm": "fgm"} {
		if st, ok := StrandByCode(in); !ok || st.Code != want {
			t.Errorf("StrandByCode(%q) = %q, %v", in, st.Code, ok)
		}
	}
	if _, ok := StrandByCode("astrology"); ok {
		t.Error("unknown strand accepted")
	}
	for in, want := range map[string]string{"CPS Wales": "wales", "Yorkshire and Humberside": "yorkshire-humberside", "thames-chiltern": "thames-chiltern", "Mersey-Cheshire": "mersey-cheshire"} {
		if a, ok := AreaByName(in); !ok || a.Code != want {
			t.Errorf("AreaByName(%q) = %q, %v", in, a.Code, ok)
		}
	}
	if o, ok := ParseOutcome("Conviction after trial"); !ok || o != ConvictionTrial {
		t.Errorf("ParseOutcome = %q, %v", o, ok)
	}
	if c, ok := ParseCategory("Hate crime"); !ok || c != HateCrime {
		t.Errorf("ParseCategory = %q, %v", c, ok)
	}
	if len(Areas) != 14 || len(StrandCodes(HateCrime)) != 6 {
		t.Errorf("%d Areas, %d hate-crime strands", len(Areas), len(StrandCodes(HateCrime)))
	}
}
