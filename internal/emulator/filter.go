package emulator

import (
	"errors"
	"fmt"
	"strings"
)

// Filter is a parsed TMV1-Filter expression (API.md, "Filters"): comparisons "field eq 'value'"
// joined by and, or, not and parentheses. String literals are single-quoted; a quote inside a value
// is doubled, as in OData. Keywords are case-insensitive; field names are not. For example:
//
//	email eq 'o''brien@example.com' and not (status eq 'disabled')
type Filter struct {
	root filterNode
	// grouped: the filter has parentheses, which not every list takes (Grouped).
	grouped bool
}

// maxFilterDepth bounds nesting so that a hostile header cannot exhaust the stack.
const maxFilterDepth = 64

// ParseFilter parses a TMV1-Filter header value. It checks the grammar only; which fields an
// endpoint accepts is checked with Fields.
func ParseFilter(expr string) (*Filter, error) {
	p := &filterParser{src: expr}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokEOF {
		return nil, errors.New("empty filter")
	}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, fmt.Errorf("unexpected %s at offset %d", p.tok, p.tok.pos)
	}
	return &Filter{root: root, grouped: p.grouped}, nil
}

// Grouped reports whether the filter groups with parentheses (a parenthesis inside a quoted value
// is none), which the accounts list does not take (API.md, "Decision: filter operators").
func (f *Filter) Grouped() bool { return f.grouped }

// QuoteFilterValue returns v as a filter string literal, quotes doubled.
func QuoteFilterValue(v string) string {
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// Fields returns the field names the filter compares, each once, in order of appearance.
func (f *Filter) Fields() []string {
	var out []string
	seen := map[string]bool{}
	f.root.fields(func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	})
	return out
}

// Match evaluates the filter. lookup returns a field's value and whether it compares
// case-insensitively (email does).
func (f *Filter) Match(lookup func(field string) (value string, foldCase bool)) bool {
	return f.root.match(lookup)
}

type filterNode interface {
	match(lookup func(string) (string, bool)) bool
	fields(add func(string))
}

type eqNode struct{ field, value string }
type andNode struct{ left, right filterNode }
type orNode struct{ left, right filterNode }
type notNode struct{ operand filterNode }

func (n eqNode) match(lookup func(string) (string, bool)) bool {
	v, fold := lookup(n.field)
	if fold {
		return strings.EqualFold(v, n.value)
	}
	return v == n.value
}
func (n andNode) match(l func(string) (string, bool)) bool {
	return n.left.match(l) && n.right.match(l)
}
func (n orNode) match(l func(string) (string, bool)) bool  { return n.left.match(l) || n.right.match(l) }
func (n notNode) match(l func(string) (string, bool)) bool { return !n.operand.match(l) }

func (n eqNode) fields(add func(string))  { add(n.field) }
func (n andNode) fields(add func(string)) { n.left.fields(add); n.right.fields(add) }
func (n orNode) fields(add func(string))  { n.left.fields(add); n.right.fields(add) }
func (n notNode) fields(add func(string)) { n.operand.fields(add) }

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokLParen
	tokRParen
)

type token struct {
	kind tokenKind
	text string // identifier, or the unescaped string literal
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of filter"
	case tokString:
		return "string " + QuoteFilterValue(t.text)
	case tokLParen:
		return `"("`
	case tokRParen:
		return `")"`
	default:
		return fmt.Sprintf("%q", t.text)
	}
}

// keyword reports whether the token is the keyword kw (case-insensitive).
func (t token) keyword(kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

type filterParser struct {
	src     string
	pos     int
	tok     token
	grouped bool // a "(" was read
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c == '/' || c == '@' || c == '-' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// next reads the following token into p.tok.
func (p *filterParser) next() error {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
	start := p.pos
	if p.pos >= len(p.src) {
		p.tok = token{kind: tokEOF, pos: start}
		return nil
	}
	switch c := p.src[p.pos]; {
	case c == '(':
		p.pos++
		p.tok = token{kind: tokLParen, pos: start}
	case c == ')':
		p.pos++
		p.tok = token{kind: tokRParen, pos: start}
	case c == '\'':
		var b strings.Builder
		p.pos++
		for {
			if p.pos >= len(p.src) {
				return fmt.Errorf("unterminated string starting at offset %d", start)
			}
			if p.src[p.pos] == '\'' {
				if p.pos+1 < len(p.src) && p.src[p.pos+1] == '\'' {
					b.WriteByte('\'')
					p.pos += 2
					continue
				}
				p.pos++
				break
			}
			b.WriteByte(p.src[p.pos])
			p.pos++
		}
		p.tok = token{kind: tokString, text: b.String(), pos: start}
	case isIdentByte(c):
		for p.pos < len(p.src) && isIdentByte(p.src[p.pos]) {
			p.pos++
		}
		p.tok = token{kind: tokIdent, text: p.src[start:p.pos], pos: start}
	default:
		return fmt.Errorf("unexpected character %q at offset %d", c, start)
	}
	return nil
}

func (p *filterParser) parseOr(depth int) (filterNode, error) {
	left, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.keyword("or") {
		if err := p.next(); err != nil {
			return nil, err
		}
		right, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		left = orNode{left, right}
	}
	return left, nil
}

func (p *filterParser) parseAnd(depth int) (filterNode, error) {
	left, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.keyword("and") {
		if err := p.next(); err != nil {
			return nil, err
		}
		right, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		left = andNode{left, right}
	}
	return left, nil
}

func (p *filterParser) parseUnary(depth int) (filterNode, error) {
	if depth > maxFilterDepth {
		return nil, fmt.Errorf("filter nested deeper than %d levels", maxFilterDepth)
	}
	switch {
	case p.tok.keyword("not"):
		if err := p.next(); err != nil {
			return nil, err
		}
		operand, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{operand}, nil
	case p.tok.kind == tokLParen:
		p.grouped = true
		if err := p.next(); err != nil {
			return nil, err
		}
		inner, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, fmt.Errorf("expected \")\" at offset %d, found %s", p.tok.pos, p.tok)
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		return inner, nil
	case p.tok.kind == tokIdent && !p.tok.keyword("and") && !p.tok.keyword("or") && !p.tok.keyword("eq"):
		field := p.tok.text
		if err := p.next(); err != nil {
			return nil, err
		}
		if !p.tok.keyword("eq") {
			return nil, fmt.Errorf("expected \"eq\" after field %q at offset %d, found %s (only eq is supported)", field, p.tok.pos, p.tok)
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind != tokString {
			return nil, fmt.Errorf("expected a single-quoted string after \"%s eq\" at offset %d, found %s", field, p.tok.pos, p.tok)
		}
		value := p.tok.text
		if err := p.next(); err != nil {
			return nil, err
		}
		return eqNode{field: field, value: value}, nil
	default:
		return nil, fmt.Errorf("expected a comparison, \"not\" or \"(\" at offset %d, found %s", p.tok.pos, p.tok)
	}
}
