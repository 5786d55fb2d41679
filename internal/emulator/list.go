package emulator

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page sizes the API accepts (API.md, "Pagination").
const defaultTop = 50

var allowedTops = []int{50, 100, 200}

// listEnvelope is the body of every list answer (API.md, "Decision: list envelope").
type listEnvelope[T any] struct {
	TotalCount int    `json:"totalCount"`
	Count      int    `json:"count"`
	Items      []T    `json:"items"`
	NextLink   string `json:"nextLink,omitempty"`
}

// listQuery is a parsed list request: page size, position and order (from the query or the
// skipToken) and the TMV1-Filter, which clients resend on every page. keepTop puts the page size
// in the skipToken of the next page's link (Options.NextPagesDefaultTop).
type listQuery struct {
	top     int
	offset  int
	orderBy string
	filter  *Filter
	keepTop bool
}

// skipToken is the opaque continuation state carried in nextLink, its only parameter, as in
// Trend's mock (API.md, "Pagination"): the position, the order, and the page size when it is not
// the default one and Options.NextPagesDefaultTop is off.
type skipToken struct {
	Offset  int    `json:"o"`
	Top     int    `json:"t,omitempty"`
	OrderBy string `json:"b,omitempty"`
}

func encodeSkipToken(t skipToken) string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSkipToken(s string) (skipToken, bool) {
	var t skipToken
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || json.Unmarshal(b, &t) != nil || t.Offset < 0 || (t.Top != 0 && !slices.Contains(allowedTops, t.Top)) {
		return skipToken{}, false
	}
	return t, true
}

// listSpec describes one list endpoint: its filter fields and header limit, and how it orders.
type listSpec struct {
	filterFields map[string]bool
	filterMax    int
	// ungrouped: the list's filter takes eq, and, or and not but no parentheses (API.md,
	// "Decision: filter operators").
	ungrouped bool
	// checkOrder validates an orderBy value; nil means the endpoint takes no orderBy.
	checkOrder func(string) *httpError
}

// parse reads a list request; keepTop is !Options.NextPagesDefaultTop. A top in the query wins
// over one in the skipToken.
func (ls listSpec) parse(r *http.Request, keepTop bool) (listQuery, *httpError) {
	lq := listQuery{top: defaultTop, keepTop: keepTop}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return lq, invalidParam("", "The query string is not valid: %v.", err)
	}
	if v := q.Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(allowedTops, n) {
			return lq, invalidParam("top", "The parameter top must be one of 50, 100 or 200, not %q.", v)
		}
		lq.top = n
	}
	if v := q.Get("orderBy"); v != "" && ls.checkOrder != nil {
		if e := ls.checkOrder(v); e != nil {
			return lq, e
		}
		lq.orderBy = v
	}
	if v := q.Get("skipToken"); v != "" {
		if e := ls.continueFrom(&lq, v, q.Get("top") != ""); e != nil {
			return lq, e
		}
	}
	if expr := strings.TrimSpace(r.Header.Get("TMV1-Filter")); expr != "" {
		if len(expr) > ls.filterMax {
			return lq, invalidParam("TMV1-Filter", "The TMV1-Filter header is longer than %d characters.", ls.filterMax)
		}
		f, err := ParseFilter(expr)
		if err != nil {
			return lq, invalidParam("TMV1-Filter", "The TMV1-Filter header is not valid: %v.", err)
		}
		if ls.ungrouped && f.Grouped() {
			return lq, invalidParam("TMV1-Filter", "The TMV1-Filter header of this list takes eq, and, or and not, but no parentheses.")
		}
		for _, name := range f.Fields() {
			if !ls.filterFields[name] {
				return lq, invalidParam("TMV1-Filter", "The TMV1-Filter field %q is not supported here; use one of %s.", name, strings.Join(slices.Sorted(maps.Keys(ls.filterFields)), ", "))
			}
		}
		lq.filter = f
	}
	return lq, nil
}

// continueFrom sets the position, and the order and page size the skipToken keeps, of a request
// for a later page; a top in the request itself (topGiven) wins over the token's.
func (ls listSpec) continueFrom(lq *listQuery, token string, topGiven bool) *httpError {
	t, ok := decodeSkipToken(token)
	if !ok {
		return invalidParam("skipToken", "The skipToken is not valid.")
	}
	lq.offset = t.Offset
	if t.Top != 0 && !topGiven {
		lq.top = t.Top
	}
	if t.OrderBy != "" && ls.checkOrder != nil && ls.checkOrder(t.OrderBy) == nil {
		lq.orderBy = t.OrderBy
	}
	return nil
}

// paginate filters the ordered items and cuts out the requested page. Filtering runs over every
// item on every page, which keeps the result right when objects change between pages.
func paginate[T, V any](r *http.Request, lq listQuery, ordered []T, lookup func(T) func(string) (string, bool), view func(T) V) listEnvelope[V] {
	matched := ordered
	if lq.filter != nil {
		matched = make([]T, 0, len(ordered))
		for _, item := range ordered {
			if lq.filter.Match(lookup(item)) {
				matched = append(matched, item)
			}
		}
	}
	env := listEnvelope[V]{TotalCount: len(matched), Items: []V{}}
	start := min(lq.offset, len(matched))
	end := min(start+lq.top, len(matched))
	for _, item := range matched[start:end] {
		env.Items = append(env.Items, view(item))
	}
	env.Count = len(env.Items)
	if end < len(matched) {
		env.NextLink = nextLink(r, lq, end)
	}
	return env
}

// nextLink is absolute, built from the request's own scheme and host, and carries the skipToken
// alone, as Trend's mock does (API.md, "Pagination").
func nextLink(r *http.Request, lq listQuery, offset int) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	token := skipToken{Offset: offset, OrderBy: lq.orderBy}
	if lq.keepTop && lq.top != defaultTop {
		token.Top = lq.top
	}
	q := url.Values{}
	q.Set("skipToken", encodeSkipToken(token))
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// orderTerm is one "field asc|desc" of an orderBy value.
type orderTerm struct {
	field string
	desc  bool
}

// parseOrderBy parses "field [asc|desc], ..." against the allowed fields.
func parseOrderBy(v string, allowed map[string]bool) ([]orderTerm, *httpError) {
	var terms []orderTerm
	for part := range strings.SplitSeq(v, ",") {
		words := strings.Fields(part)
		if len(words) == 0 || len(words) > 2 || !allowed[words[0]] {
			return nil, invalidParam("orderBy", "The orderBy value %q is not valid; use one of %s, each followed by asc or desc.", v, strings.Join(slices.Sorted(maps.Keys(allowed)), ", "))
		}
		t := orderTerm{field: words[0]}
		if len(words) == 2 {
			switch strings.ToLower(words[1]) {
			case "asc":
			case "desc":
				t.desc = true
			default:
				return nil, invalidParam("orderBy", "The orderBy direction %q is not valid; use asc or desc.", words[1])
			}
		}
		terms = append(terms, t)
	}
	return terms, nil
}

func cmpTime(a, b time.Time) int { return a.Compare(b) }

func directed(c int, desc bool) int {
	if desc {
		return -c
	}
	return c
}

// Ordering. Every order ends on a unique sequence number, so pages never overlap or skip.

func (st *store) rolesOrdered(orderBy string) []*role {
	if st.sortedRoles == nil {
		st.sortedRoles = slices.SortedFunc(maps.Values(st.roles), func(a, b *role) int {
			return cmp.Or(-cmpTime(a.LastUpdated, b.LastUpdated), -cmp.Compare(a.Version, b.Version))
		})
	}
	if terms, _ := parseOrderBy(orderBy, roleOrderFields); len(terms) == 1 && !terms[0].desc {
		out := slices.Clone(st.sortedRoles)
		slices.Reverse(out)
		return out
	}
	return st.sortedRoles
}

var roleOrderFields = map[string]bool{"lastUpdatedDateTime": true}

func (st *store) accountsOrdered() []*account {
	if st.sortedAccounts == nil {
		st.sortedAccounts = slices.SortedFunc(maps.Values(st.accounts), func(a, b *account) int {
			return cmp.Or(-cmpTime(a.Created, b.Created), -cmp.Compare(a.CreatedSeq, b.CreatedSeq))
		})
	}
	return st.sortedAccounts
}

var apiKeyOrderFields = map[string]bool{
	"createdDateTime": true, "lastModifiedDateTime": true, "lastUsedDateTime": true, "expiredDateTime": true,
}

// never stands for a missing expiry (the key never expires) when ordering by expiredDateTime.
var never = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func apiKeyTime(k *apiKey, field string) time.Time {
	switch field {
	case "lastModifiedDateTime":
		return k.LastModified
	case "lastUsedDateTime":
		if k.LastUsed == nil {
			return time.Time{}
		}
		return *k.LastUsed
	case "expiredDateTime":
		if k.Expires == nil {
			return never
		}
		return *k.Expires
	default:
		return k.Created
	}
}

func (st *store) apiKeysOrdered(orderBy string) []*apiKey {
	if st.sortedAPIKeys == nil {
		st.sortedAPIKeys = slices.SortedFunc(maps.Values(st.apiKeys), func(a, b *apiKey) int {
			return cmp.Or(-cmpTime(a.Created, b.Created), -cmp.Compare(a.CreatedSeq, b.CreatedSeq))
		})
	}
	terms, _ := parseOrderBy(orderBy, apiKeyOrderFields)
	if len(terms) == 0 || (len(terms) == 1 && terms[0] == orderTerm{field: "createdDateTime", desc: true}) {
		return st.sortedAPIKeys
	}
	out := slices.Clone(st.sortedAPIKeys)
	slices.SortFunc(out, func(a, b *apiKey) int {
		for _, t := range terms {
			if c := directed(cmpTime(apiKeyTime(a, t.field), apiKeyTime(b, t.field)), t.desc); c != 0 {
				return c
			}
		}
		// Keys created in the same second follow creation order, in the first term's direction.
		return directed(cmp.Compare(a.CreatedSeq, b.CreatedSeq), terms[0].desc)
	})
	return out
}
