package workbook

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
)

// welshPack is the test pack for a member who prefers Welsh.
func welshPack() Pack {
	p := pack()
	p.Form = reviewform.In(i18n.Welsh)
	return p
}

// TestAWelshPackIsInWelsh: the sheet names, the fixed text, the questions
// and the drop-down lists of a Welsh pack are Welsh, with no missing-key
// marker, and the hidden identity sheet is the same as in English.
func TestAWelshPackIsInWelsh(t *testing.T) {
	data, err := BuildPack(welshPack())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	sheets := f.GetSheetList()
	if !slices.Contains(sheets, "Clawr") || !slices.Contains(sheets, "Ffurflen adolygu") || !slices.Contains(sheets, IdentitySheet) ||
		slices.Contains(sheets, CoverSheet) || slices.Contains(sheets, FormSheet) {
		t.Fatalf("Welsh pack sheets: %v", sheets)
	}
	text := allText(t, f)
	for _, want := range []string{"Pecyn adolygu: Wales LSIP", "CYFRINACHOL.", "Geiriau a ddefnyddir yn y pecyn hwn", "Crynodeb dienw",
		"Dydd Mawrth 16 Chwefror 2027", "Gorffennaf 2026", reviewform.In(i18n.Welsh).Questions[0].Text, "Categori cyffredinol", "Arfer da"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Welsh pack lacks %q", want)
		}
	}
	if i18n.Missing(text) || strings.Contains(text, "Review form") || strings.Contains(text, "How to send your feedback") {
		t.Errorf("the Welsh pack shows a missing key or English fixed text:\n%s", text)
	}
	dvs, err := f.GetDataValidations("Ffurflen adolygu")
	if err != nil || len(dvs) == 0 {
		t.Fatalf("drop-downs on the Welsh form: %d, %v", len(dvs), err)
	}
	if got := listValues(t, f, dvs[0].Formula1); !slices.Equal(got, []string{"Ie", "Yn rhannol", "Na", "Amherthnasol / ddim yn hysbys"}) {
		t.Errorf("Welsh rating drop-down: %v", got)
	}
	english, err := BuildPack(pack())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(identity(t, f), identity(t, open(t, english))) {
		t.Error("the Welsh pack maps its cells differently from the English one")
	}
}

// TestAReturnedWelshPackParsesLikeAnEnglishOne: the same answers, chosen
// from the Welsh drop-downs of a Welsh pack and from the English ones of an
// English pack, read back as the same keys; a Welsh member's problems are
// worded in Welsh.
func TestAReturnedWelshPackParsesLikeAnEnglishOne(t *testing.T) {
	cy, en := reviewform.In(i18n.Welsh), reviewform.Default()
	label := func(form reviewform.Form, key string) string {
		for _, r := range form.Ratings {
			if r.Key == key {
				return r.Label
			}
		}
		t.Fatalf("no rating %s", key)
		return ""
	}
	answers := func(form reviewform.Form) map[string]string {
		m := map[string]string{"good_practice": "Datganiad cynnar", "comments.charging": "Cyhuddiad cywir"}
		for i, q := range form.Questions {
			m["ratings."+q.Key] = label(form, []string{"yes", "partly", "no", "na"}[i%4])
		}
		m["overall"] = form.Categories[1].Label
		return m
	}
	read := func(p Pack, form reviewform.Form) Returned {
		data, err := BuildPack(p)
		if err != nil {
			t.Fatal(err)
		}
		f := open(t, data)
		cells := identity(t, f)["2"]
		sheet := FormSheetIn(p.Form.Lang())
		for field, v := range answers(p.Form) {
			if err := f.SetCellValue(sheet, cells[field], v); err != nil {
				t.Fatal(err)
			}
		}
		got, err := ParsePack(write(t, f), form)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	welsh, english := read(welshPack(), en), read(pack(), en)
	if len(welsh.Problems) != 0 || len(english.Problems) != 0 {
		t.Fatalf("problems: Welsh %+v, English %+v", welsh.Problems, english.Problems)
	}
	if welsh.Reviews[2].Overall != "handled_well_observations" || welsh.Reviews[2].Ratings["hostility_uplift"] != "no" ||
		!reflect.DeepEqual(welsh.Reviews, english.Reviews) {
		t.Errorf("a Welsh pack read back\n %+v\nan English one\n %+v", welsh.Reviews, english.Reviews)
	}

	data, err := BuildPack(welshPack())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	cell := identity(t, f)["1"]["ratings.charging"]
	if err := f.SetCellValue("Ffurflen adolygu", cell, "Efallai"); err != nil {
		t.Fatal(err)
	}
	got, err := ParsePack(write(t, f), cy)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) == 0 || got.Problems[0].Sheet != "Ffurflen adolygu" || got.Problems[0].Cell != cell ||
		!strings.HasPrefix(got.Problems[0].Message, "Achos WAL-HC-26-0001: Nid yw “Efallai” yn un o'r sgorau") {
		t.Errorf("a Welsh member's problem: %+v", got.Problems)
	}
}
