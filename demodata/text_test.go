package demodata

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/domain"
)

// TestEveryTemplateRenders fills every template of every profile with every
// complainant and defendant, so that a rare strand's text is checked as
// surely as a common one's: no slot is left unfilled, each sentence reads as
// one, and none holds what case import would refuse as personal data.
func TestEveryTemplateRenders(t *testing.T) {
	var all []*profile
	for _, list := range [][]weighted[*profile]{hateCrimeProfiles, vawgProfiles, twoStrandProfiles} {
		for _, w := range list {
			all = append(all, w.value)
		}
	}
	for _, p := range all {
		var texts []string
		for _, inc := range p.incidents {
			if inc.value.offence == "" {
				t.Errorf("%v: an incident has no offence", p.strands)
			}
			texts = append(texts, inc.value.text)
		}
		texts = append(texts, p.details...)
		for _, v := range p.victims {
			for _, offender := range p.offenders {
				fill := slots(v, offender, placesFor(p)[0], periods[0])
				for _, text := range texts {
					s := capitalise(fill.Replace(text))
					if strings.ContainsAny(s, "{}") || !unicode.IsUpper([]rune(s)[0]) || !strings.HasSuffix(s, ".") {
						t.Errorf("%v: badly rendered: %q", p.strands, s)
					}
					if kind := caseimport.PersonalData(s); kind != "" {
						t.Errorf("%v: %q looks like it holds %s", p.strands, s, kind)
					}
				}
			}
		}
	}
}

// TestProfilesCoverEveryStrand checks that each strand has its own profile
// in the right category's mix, and that two-strand profiles use known
// strands.
func TestProfilesCoverEveryStrand(t *testing.T) {
	for _, mix := range []struct {
		category domain.Category
		profiles []weighted[*profile]
	}{{domain.HateCrime, hateCrimeProfiles}, {domain.VAWG, vawgProfiles}} {
		var got []string
		for _, w := range mix.profiles {
			if len(w.value.strands) != 1 {
				t.Errorf("%s profile %v has more than one strand", mix.category, w.value.strands)
			}
			got = append(got, w.value.strands...)
		}
		slices.Sort(got)
		want := domain.StrandCodes(mix.category)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s profiles cover %v, want %v", mix.category, got, want)
		}
	}
	for _, w := range twoStrandProfiles {
		for _, s := range w.value.strands {
			if _, ok := domain.StrandByCode(s); !ok || len(w.value.strands) != 2 {
				t.Errorf("two-strand profile %v", w.value.strands)
			}
		}
	}
}
