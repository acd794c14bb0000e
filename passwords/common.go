package passwords

import "strings"

// This file is data: the roots of the passwords most often found in
// published breach corpora, and the endings people add to them. Any
// root with any ending (or none), repeated or not, counts as common once it
// is long enough to pass the length rule, which is how "password1234" and
// "iloveyouiloveyou" are refused. Roots that concern the service itself are
// included, because an attacker aiming at it tries them first.

var roots = strings.Fields(`
password passw0rd p@ssword p@ssw0rd passwort motdepasse contraseña
qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm azerty 1q2w3e4r 1qaz2wsx qazwsx
iloveyou letmein welcome welcome1 admin administrator root changeme secret
default guest login access master monkey dragon shadow sunshine princess
football baseball soccer hockey cricket rugby basketball liverpool arsenal
chelsea manchester manutd tottenham everton celtic rangers
superman batman spiderman starwars pokemon minecraft trustno1 whatever
freedom hello hellothere michael jennifer jessica charlie thomas daniel
matthew andrew joshua ashley hannah samantha elizabeth william jordan
summer winter autumn spring january february march april june july
august september october november december monday friday
london england britain cardiff wales scotland birmingham
computer internet google facebook microsoft windows apple samsung
cheese chocolate cookie pepper ginger buster tigger bailey maggie
flower butterfly rainbow angel heaven blessed jesus christ lovely
mustang ferrari porsche harley yamaha
abc abcdef abcdefg abc123 qwe123 aa123456 a1b2c3 zaq12wsx
scrutiny panel panelmember coordinator crown prosecution cps cpspanel
lsip community justice police victim
`)

var endings = []string{"", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678",
	"!", "1!", "123!", "!!", "01", "69", "007", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027", "2028",
	"@123", "#1", "00", "11", "99", "000", "111", "321", "4321", "54321"}

// common holds every root-ending combination long enough to be offered.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range roots {
		for _, e := range endings {
			for _, w := range []string{r + e, e + r, r + r + e} {
				if len([]rune(w)) >= MinLength {
					m[w] = true
				}
			}
		}
	}
	return m
}()

// isCommon reports whether folded (lower case, no spaces) is common.
func isCommon(folded string) bool { return common[folded] }
