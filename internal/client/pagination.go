package client

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// pageSize is the largest page the API serves (API.md, "Pagination"), to keep lists to few
// requests.
const pageSize = "200"

// maxPages stops a list whose links go round in circles, far beyond any tenant at pageSize items a
// page.
const maxPages = 5000

// page is the list envelope (API.md, "Pagination"; API.md, "Decision: list envelope").
// ODataNextLink is the link's OData spelling, which third-party scripts also read: walkPages takes
// it as NextLink when NextLink is absent.
type page[T any] struct {
	Items         member[[]T] `json:"items"`
	NextLink      string      `json:"nextLink"`
	ODataNextLink string      `json:"@odata.nextLink"`
	// TotalCount only feeds a warning (readAllPages) and the listing cache's judgement of whether
	// to read on (cache.go), so it is read in any form (totalCount) and never fails a page.
	TotalCount json.RawMessage `json:"totalCount"`
	// answer is the answer the page was read from (walkPages), for an error about the list.
	answer *response
}

// totalCount reads a page's totalCount: a count written as a number, with or without a fraction,
// or as a string holding one; -1 for anything else.
func totalCount(raw json.RawMessage) int {
	count, err := strconv.ParseFloat(strings.TrimSpace(jsonText(raw)), 64)
	if err != nil || count < 0 || count != math.Trunc(count) || count > math.MaxInt32 {
		return -1
	}
	return int(count)
}

// member is a member of an answer's body that may be null but must be there: a body without it is
// not the answer asked for (a page without items is no page of the list, not an empty one).
type member[T any] struct {
	value   T
	present bool
}

// UnmarshalJSON is called for a member that is there, null included.
func (m *member[T]) UnmarshalJSON(data []byte) error {
	m.present = true
	return json.Unmarshal(data, &m.value)
}

// listAll reads every page: top=pageSize on the first request, then each nextLink's path and query on
// the base URL (linkTarget), with the filter sent again on every page (the API does not encode it
// in the link).
func listAll[T any](ctx context.Context, c *Client, path string, filter Filter) ([]T, error) {
	all, _, err := readAllPages[T](ctx, c, request{
		method: http.MethodGet,
		path:   path,
		query:  url.Values{"top": {pageSize}},
		filter: filter,
	})
	return all, err
}

// readAllPages reads every page of a list from req on, for lists that take no paging parameters
// of their own (the permission catalog) as for those listAll asks, and returns its items and the
// answer of its last page.
//
// A list that ends with fewer items than its first page's totalCount is logged as a warning, not
// refused: objects may be deleted while the pages are read (API.md, "Pagination").
func readAllPages[T any](ctx context.Context, c *Client, req request) ([]T, *response, error) {
	var all []T
	var last *response
	pages, total := 0, -1 // -1: the first page gave no totalCount
	_, err := walkPages(ctx, c, req, func(p *page[T]) bool {
		if pages++; pages == 1 {
			total = totalCount(p.TotalCount)
		}
		all, last = append(all, p.Items.value...), p.answer
		return true
	})
	if err != nil {
		return nil, nil, err
	}
	if len(all) < total {
		tflog.SubsystemWarn(c.logContext(ctx), LogSubsystem, "The list ended with fewer items than its first page's "+
			"totalCount, with no nextLink to more: objects may have been deleted while its pages were read",
			map[string]any{"path": req.path, "total_count": total, "items": len(all), "pages": pages})
	}
	return all, last, nil
}

// walkPages reads the pages of a list from req on (a first page, or a nextLink in req.rawURL),
// handing each to visit, until the list ends or visit returns false. It returns the nextLink of the
// last page read, "" at the end of the list, and stops with an error on a link it has already
// followed or after maxPages pages.
func walkPages[T any](ctx context.Context, c *Client, req request, visit func(*page[T]) bool) (string, error) {
	followed := map[string]bool{}
	if req.rawURL != "" {
		followed[req.rawURL] = true
	}
	for range maxPages {
		resp, err := c.do(ctx, req)
		if err != nil {
			return "", err
		}
		p := page[T]{answer: resp}
		if err := json.Unmarshal(resp.body, &p); err != nil {
			return "", decodeFailure(req.method, req.path, resp, err)
		}
		if problem := unusablePage(p.Items); problem != "" {
			return "", unusableAnswer(req.method, req.path, resp, problem)
		}
		for i := range p.Items.value {
			redactDates(&p.Items.value[i], resp.redactions)
		}
		if p.NextLink == "" {
			p.NextLink = p.ODataNextLink
		}
		if !visit(&p) || p.NextLink == "" {
			return p.NextLink, nil
		}
		if followed[p.NextLink] {
			return "", fmt.Errorf("GET %s: the API returned the same nextLink twice; stopping to avoid a loop", req.path)
		}
		followed[p.NextLink] = true
		req.rawURL, req.query = p.NextLink, nil
	}
	return "", fmt.Errorf("GET %s: more than %d pages; stopping to avoid a loop", req.path, maxPages)
}

// unusablePage says what makes a page's items unusable, or "": no items member at all (no page of
// the list), or an item without what identifies it: an object without an id, which could not be
// told apart from the others, nor read or imported by id; a permission of the catalog without a
// key, against which no key could be checked (Permission.objectID).
func unusablePage[T any](items member[[]T]) string {
	if !items.present {
		return "its body has no items, so it is no page of the list"
	}
	for i := range items.value {
		if item, ok := any(&items.value[i]).(identified); ok && item.objectID() == "" {
			if _, permission := item.(*Permission); permission {
				return fmt.Sprintf("item %d of the page has no key", i+1)
			}
			return fmt.Sprintf("item %d of the page has no id", i+1)
		}
	}
	return ""
}

// decodeFailure reports a 2xx answer whose body is not what API.md describes.
func decodeFailure(method, path string, resp *response, err error) error {
	return unusableAnswer(method, path, resp, "its body could not be read: "+err.Error())
}

// findByName returns the first object named wanted, or nil, by the rule of every lookup
// (findFiltered). With foldCase, names compare case-insensitively.
func findByName[T any](ctx context.Context, list func(context.Context, Filter) ([]T, error), wanted string,
	foldCase bool, name func(T) string,
) (*T, error) {
	return findFiltered(ctx, list, "name", wanted, 0, foldCase, name)
}

// findFiltered returns the first item whose field (key gives an item's value) is wanted, or nil;
// with foldCase, compared case-insensitively. It is the one rule of the lookups by name and by email
// (API.md, "Filters"): it reads the list filtered by `field eq 'wanted'`, then the whole list when
// the filtered answer has no match, as whether the API's eq compares case-sensitively is not
// published; and it reads the whole list at once when the filter cannot be left to the API
// (lookupFilter).
func findFiltered[T any](ctx context.Context, list func(context.Context, Filter) ([]T, error), field, wanted string,
	maxFilter int, foldCase bool, key func(T) string,
) (*T, error) {
	same := func(item T) bool { return SameSpelling(key(item), wanted) }
	if foldCase {
		same = func(item T) bool { return SameName(key(item), wanted) }
	}
	filters := []Filter{lookupFilter(field, wanted, maxFilter)}
	if filters[0] != "" {
		filters = append(filters, "")
	}
	items, err := listUntilMatch(ctx, list, filters, same)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

// listUntilMatch reads list through each of filters in turn, each wider than the one before, and
// returns the items that match of the first listing that has any (none: nil). It is the fallback
// of every lookup (findFiltered) and of ListAPIKeysMatching: what a filter may compare otherwise
// than the caller (the letter case) is looked for again in a wider listing.
func listUntilMatch[T any](ctx context.Context, list func(context.Context, Filter) ([]T, error), filters []Filter,
	match func(T) bool,
) ([]T, error) {
	for _, filter := range filters {
		items, err := list(ctx, filter)
		if err != nil {
			return nil, err
		}
		if items = slices.DeleteFunc(items, func(item T) bool { return !match(item) }); len(items) > 0 {
			return items, nil
		}
	}
	return nil, nil
}
