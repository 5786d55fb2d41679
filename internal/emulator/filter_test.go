package emulator

import (
	"fmt"
	"strings"
	"testing"
)

// canonical writes the tree ParseFilter built, fully parenthesised, so that a test sees how the
// parser grouped the expression.
func canonical(f *Filter) string {
	var write func(n filterNode) string
	write = func(n filterNode) string {
		switch n := n.(type) {
		case eqNode:
			return n.field + " eq " + QuoteFilterValue(n.value)
		case andNode:
			return "(" + write(n.left) + " and " + write(n.right) + ")"
		case orNode:
			return "(" + write(n.left) + " or " + write(n.right) + ")"
		case notNode:
			return "not (" + write(n.operand) + ")"
		}
		panic(fmt.Sprintf("unknown filter node %T", n))
	}
	return write(f.root)
}

func TestParseFilter(t *testing.T) {
	t.Parallel()
	record := map[string]string{"name": "O'Brien", "status": "enabled", "email": "Jane@Example.com", "id": "1"}
	lookup := func(field string) (string, bool) { return record[field], field == "email" }
	for _, tc := range []struct {
		expr      string
		match     bool
		canonical string
	}{
		{"name eq 'O''Brien'", true, "name eq 'O''Brien'"},
		{"name eq 'o''brien'", false, "name eq 'o''brien'"},
		{"email eq 'jane@example.com'", true, "email eq 'jane@example.com'"},
		{"status eq 'enabled' and id eq '1'", true, "(status eq 'enabled' and id eq '1')"},
		{"status eq 'disabled' or id eq '1'", true, "(status eq 'disabled' or id eq '1')"},
		{"not status eq 'enabled'", false, "not (status eq 'enabled')"},
		{"not (status eq 'disabled')", true, "not (status eq 'disabled')"},
		{"status eq 'x' or status eq 'enabled' and id eq '2'", false, "(status eq 'x' or (status eq 'enabled' and id eq '2'))"},
		{"(status eq 'x' or status eq 'enabled') and id eq '1'", true, "((status eq 'x' or status eq 'enabled') and id eq '1')"},
		{"  status EQ 'enabled'  AND  NOT id eq '2' ", true, "(status eq 'enabled' and not (id eq '2'))"},
		{"name eq ''", false, "name eq ''"},
		{"name eq 'a and b or (c)'", false, "name eq 'a and b or (c)'"},
		{"name eq 'x' and name eq 'y' and name eq 'O''Brien'", false, "((name eq 'x' and name eq 'y') and name eq 'O''Brien')"},
	} {
		f, err := ParseFilter(tc.expr)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tc.expr, err)
			continue
		}
		if got := f.Match(lookup); got != tc.match {
			t.Errorf("%q matched %v, want %v", tc.expr, got, tc.match)
		}
		if got := canonical(f); got != tc.canonical {
			t.Errorf("%q canonical %q, want %q", tc.expr, got, tc.canonical)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		"", "   ", "name", "name eq", "name eq value", "name eq 'unterminated", "name ne 'x'",
		"name eq 'x' and", "and name eq 'x'", "(name eq 'x'", "name eq 'x')", "name eq 'x' name eq 'y'",
		"not", "()", "name eq \"x\"", "name eq 'x' && id eq 'y'", "eq eq 'x'", "name eq 'a''",
		strings.Repeat("(", 100) + "name eq 'x'" + strings.Repeat(")", 100),
		strings.Repeat("not ", 100) + "name eq 'x'",
	} {
		if f, err := ParseFilter(expr); err == nil {
			t.Errorf("ParseFilter(%q) = %q, want an error", expr, canonical(f))
		}
	}
}

func TestFilterFields(t *testing.T) {
	t.Parallel()
	f, err := ParseFilter("(name eq 'a' or id eq 'b') and not name eq 'c'")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Fields(), ","); got != "name,id" {
		t.Errorf("Fields() = %q", got)
	}
}

// FuzzParseFilter checks that the parser never panics, that whatever it accepts survives a round
// trip through its canonical form (the tree it built, written back), and that any value, quoted with QuoteFilterValue, comes back
// unchanged (so a quote in an email can neither break nor inject into a filter).
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		"name eq 'x'", "name eq 'O''Brien'", "a eq 'b' and not (c eq 'd' or e eq 'f')", "((", "'", "not not x eq ''",
		"email eq 'x'' or id eq ''y'", "name eq 'a' or", "\x00", "name eq '\xff'",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		if parsed, err := ParseFilter(input); err == nil {
			form := canonical(parsed)
			again, err := ParseFilter(form)
			if err != nil {
				t.Fatalf("canonical form %q of %q does not parse: %v", form, input, err)
			}
			if canonical(again) != form {
				t.Fatalf("round trip changed %q into %q", form, canonical(again))
			}
		}
		quoted, err := ParseFilter("name eq " + QuoteFilterValue(input) + " and id eq 'tail'")
		if err != nil {
			t.Fatalf("quoted value %q does not parse: %v", input, err)
		}
		if !quoted.Match(func(field string) (string, bool) {
			if field == "name" {
				return input, false
			}
			return "tail", false
		}) {
			t.Fatalf("quoted value %q does not match itself", input)
		}
		if got := strings.Join(quoted.Fields(), ","); got != "name,id" {
			t.Fatalf("value %q injected fields: %s", input, got)
		}
	})
}
