package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// ListAPIKeys returns every API key matching filter (empty filter: all), following nextLink.
func (c *Client) ListAPIKeys(ctx context.Context, filter Filter) ([]APIKey, error) {
	return listAll[APIKey](ctx, c, apiKeysPath, filter)
}

// GetAPIKey returns one key's metadata with its ETag, or an error for which IsNotFound is true; an
// answer that is not the key (no id, or another one) is an *AnswerError.
func (c *Client) GetAPIKey(ctx context.Context, id string) (*APIKey, error) {
	var key APIKey
	etag, err := c.getObject(ctx, apiKeysPath, id, &key, nil)
	if err != nil {
		return nil, err
	}
	key.Version = versionOf(etag, key.fingerprint)
	return &key, nil
}

// FindAPIKeyByName returns the key with this name (case-insensitive, as the API's uniqueness), or
// an error for which IsNotFound is true. It comes from the list, without an ETag. When the API's
// filter finds no key of that spelling, or the name has a quote, the whole list is searched
// (findFiltered).
func (c *Client) FindAPIKeyByName(ctx context.Context, name string) (*APIKey, error) {
	key, err := findByName(ctx, c.ListAPIKeys, name, true, func(k APIKey) string { return k.Name })
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, notFound(apiKeysPath, fmt.Sprintf("no API key is named %q", name))
	}
	return key, nil
}

// ListAPIKeysMatching returns every API key that q selects. The API's filter compares the values it
// can take (EqFilterable); a value with a quote is compared here instead, in the listing the other
// fields select. A name is compared regardless of case, as key names are unique regardless of case,
// and a role's name letter case included, both regardless of Unicode normal form (SameName,
// SameSpelling), which the API's filter may compare otherwise: when the listing filtered by them
// finds no key, the name is left out of the filter, then the role too, and the wider listing
// compared here, by the rule of the lookups (listUntilMatch).
func (c *Client) ListAPIKeysMatching(ctx context.Context, q APIKeyQuery) ([]APIKey, error) {
	filters := []Filter{q.filter()}
	var leftOut []string
	for _, f := range q.fields() {
		if f.same != nil && f.want != nil && Filterable(*f.want) {
			leftOut = append(leftOut, f.name)
			filters = append(filters, q.filter(leftOut...))
		}
	}
	return listUntilMatch(ctx, c.ListAPIKeys, filters, q.matches)
}

// Filter is the TMV1-Filter of the first listing ListAPIKeysMatching reads for q, for logs and
// messages.
func (q APIKeyQuery) Filter() Filter {
	return q.filter()
}

// filter is the TMV1-Filter of the fields of q that the API's filter can take, but those leftOut.
func (q APIKeyQuery) filter(leftOut ...string) Filter {
	var filters []Filter
	for _, f := range q.fields() {
		if f.want != nil && !slices.Contains(leftOut, f.name) {
			filters = append(filters, EqFilterable(f.name, *f.want))
		}
	}
	return And(filters...)
}

// matches reports whether key has the values of q that are compared here: the name and the role,
// each by its rule, and a status that filter leaves out as not Filterable.
func (q APIKeyQuery) matches(key APIKey) bool {
	for _, f := range q.fields() {
		switch got := f.of(&key); {
		case f.want == nil:
		case f.same != nil:
			if !f.same(got, *f.want) {
				return false
			}
		case !Filterable(*f.want) && got != *f.want:
			return false
		}
	}
	return true
}

// apiKeyField is a field of an APIKeyQuery: the API's name of it, the value asked for, the key's
// value, and how the client compares the two, when it compares them otherwise than the API's
// filter may (nil: the filter's comparison is the field's).
type apiKeyField struct {
	name string
	want *string
	of   func(*APIKey) string
	same func(got, want string) bool
}

func (q APIKeyQuery) fields() []apiKeyField {
	return []apiKeyField{
		{"name", q.Name, func(k *APIKey) string { return k.Name }, SameName},
		{"role", q.Role, func(k *APIKey) string { return k.Role }, SameSpelling},
		{"status", q.Status, func(k *APIKey) string { return k.Status }, nil},
	}
}

// CreateAPIKey creates one key and returns it with its secret, as the create's request and answer
// describe it: a new key has never been used, and the answer carries no ETag, so Version is
// empty. Concurrent calls are gathered into one batch request (gather.go); each gets its own item
// of the answer, and one item's failure fails only its caller. A caller whose context ends before
// its batch is sent is not sent at all; once sent, the create is seen through for
// writeGracePeriod after the context ends (beginWrite).
//
// The secret is shown only once, so after an ambiguous failure of a batch (its answer lost, or an
// answer that leaves keys in doubt: see createdAPIKey) every name still in doubt is looked up in
// one listing before anything is sent again: a key found under a name that was
// created by the failed attempt is deleted and created again rather than adopted without its
// secret; a key of that name that is older than the attempt belongs to someone else, and its
// caller gets an error for which IsAlreadyExists is true (nothing is deleted); a name not found is
// sent again.
func (c *Client) CreateAPIKey(ctx context.Context, in APIKeyCreate) (*CreatedAPIKey, error) {
	keep, done, err := c.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	p := c.keyCreates.add(ctx, keep, in)
	created, sent, err := c.keyCreates.wait(p)
	if !sent || (err != nil && keep.Err() != nil) {
		// Withdrawn before it was sent, or given up on once sent, when the grace period ended.
		return nil, &RequestError{Method: http.MethodPost, Path: apiKeysPath, Err: err, inFlight: sent}
	}
	if err != nil {
		return nil, err
	}
	// The batch was logged in the context of its first caller; this line ties the key to the
	// caller's own resource. Only this caller's context knows the value, so only it masks it.
	tflog.SubsystemDebug(maskAnswerSecrets(c.logContext(ctx), []string{created.Value}), LogSubsystem,
		"API key created", map[string]any{"id": created.ID, "name": created.Name})
	return created, nil
}

// createAPIKeyBatch sends a batch of creates (see CreateAPIKey) and returns each caller's result.
// A key whose item Vision One refused with a 429 (its rate limit, or the tenant's cap on keys,
// which a delete elsewhere may lift) was certainly not made: it is sent again, with the other keys
// so refused, once the longest Retry-After among their items (or the answer's, or a backoff) has
// passed, until it has been sent max_retries times more, as a whole request is retried. Every
// other key has its result as soon as its answer is read, before that wait: the secret of a key
// made is nowhere else, and its caller, interrupted meanwhile, would not wait for it.
func (c *Client) createAPIKeyBatch(ctx context.Context, batch []*pending[APIKeyCreate, *CreatedAPIKey]) []result[*CreatedAPIKey] {
	results := make([]result[*CreatedAPIKey], len(batch))
	// doubted marks the keys that an attempt without a clear answer may have made: a refusal in a
	// later request may be about that key, however many requests it was sent in since.
	doubted := make([]bool, len(batch))
	todo := make([]int, len(batch))
	for i := range todo {
		todo[i] = i
	}
	for sent := 1; ; sent++ {
		stale := writing(c.caches.apiKeys)
		c.createAPIKeys(ctx, batch, todo, results, doubted)
		again, wait := c.refusedKeys(batch, todo, results, sent)
		stale() // before any caller has its result, so that none reads a listing fetched during the write
		for _, i := range todo {
			if !slices.Contains(again, i) {
				c.keyCreates.answer(batch[i], results[i].out, results[i].err)
			}
		}
		if todo = again; len(todo) == 0 {
			return results
		}
		tflog.SubsystemDebug(c.logContext(ctx), LogSubsystem, "API keys refused with 429; sending them again",
			map[string]any{"items": len(todo), "wait_ms": wait.Milliseconds(), "sent": sent})
		if c.sleep(ctx, wait) != nil {
			return results // each keeps its refusal
		}
		// A caller interrupted during the wait is not sent again: its key was certainly not made,
		// and its refusal is its result, as for a call withdrawn before its batch was sent.
		todo = slices.DeleteFunc(todo, func(i int) bool {
			if batch[i].start.Err() == nil {
				return false
			}
			c.keyCreates.answer(batch[i], results[i].out, results[i].err)
			return true
		})
		if len(todo) == 0 {
			return results
		}
	}
}

// refusedKeys returns the positions among those just sent of the keys whose items were refused
// with a 429 and may be sent again, and how long to wait before: the longest Retry-After among
// them, or a backoff for those without one. sent is how many times they have been sent, which
// their errors then count.
func (c *Client) refusedKeys(batch []*pending[APIKeyCreate, *CreatedAPIKey], positions []int,
	results []result[*CreatedAPIKey], sent int,
) ([]int, time.Duration) {
	var again []int
	var wait time.Duration
	backoff := c.backoff(sent)
	for _, i := range positions {
		var refusal *APIError
		if results[i].out != nil || isAmbiguous(results[i].err) || !errors.As(results[i].err, &refusal) ||
			refusal.Item == "" || refusal.StatusCode != http.StatusTooManyRequests {
			continue // made, or not a refusal of this item (a whole request's error was retried already)
		}
		refusal.Attempts = max(refusal.Attempts, sent)
		if sent > c.cfg.MaxRetries || batch[i].gone() || batch[i].start.Err() != nil {
			continue
		}
		again = append(again, i)
		if refusal.retryAfter != nil {
			wait = max(wait, *refusal.retryAfter)
		} else {
			wait = max(wait, backoff)
		}
	}
	return again, wait
}

// createAPIKeys sends the creates of the keys at the positions todo of batch, as one request
// (resent only after an ambiguous failure, see createSafely), and sets their results. It marks in
// doubted the keys that an attempt may have made without their answer being read, and an item
// refused for a key so marked, now or by an earlier request, says so (APIError.AfterAmbiguous).
func (c *Client) createAPIKeys(ctx context.Context, batch []*pending[APIKeyCreate, *CreatedAPIKey], todo []int,
	results []result[*CreatedAPIKey], doubted []bool,
) {
	// live holds the positions in batch of the keys still to create.
	live := slices.Clone(todo)
	// attempts counts the requests sent; recovered is set when the recovery after the latest one
	// has deleted the keys it made without their secrets reaching us.
	attempts, recovered := 0, false
	send := func(ctx context.Context) error {
		// A caller that stopped waiting after an earlier attempt is not sent again: nothing would
		// record its key.
		live = slices.DeleteFunc(live, func(i int) bool { return batch[i].gone() })
		if len(live) == 0 {
			return nil
		}
		attempts, recovered = attempts+1, false
		for _, i := range live {
			results[i].err = nil // what an earlier attempt's answer said of it
		}
		body := make([]APIKeyCreate, len(live))
		for j, i := range live {
			body[j] = batch[i].in
		}
		resp, err := c.do(ctx, request{method: http.MethodPost, path: apiKeysPath, body: body,
			policy: retryUnprocessed, answerSecrets: createdKeyValues})
		if err != nil {
			return err
		}
		// An item refused after an earlier attempt may be refused over what that attempt made.
		resp.afterAmbiguous = resp.afterAmbiguous || attempts > 1
		sentNow := slices.Clone(live)
		live, err = c.readCreatedKeys(resp, batch, live, results)
		keepDoubt(resp.afterAmbiguous, sentNow, results, doubted)
		return err
	}
	recoverFn := func(ctx context.Context, startedAt time.Time) (bool, error) {
		keys, err := c.ListAPIKeys(ctx, "")
		if err != nil {
			return false, err
		}
		start, err := c.serverTimeAt(ctx, startedAt)
		if err != nil {
			return false, err
		}
		var secretless []string
		next := make([]int, 0, len(live))
		for _, i := range live {
			name := batch[i].in.Name
			existing := keyNamed(keys, name)
			if existing == nil {
				if !batch[i].gone() {
					next = append(next, i)
				}
				continue
			}
			createdAt, dated := existing.CreatedDateTime.Time()
			switch {
			case !dated:
				// Without a creation time the key cannot be told apart from someone else's: it is
				// left alone, and the user decides.
				results[i].err = alreadyExists(apiKeysPath, fmt.Sprintf("an API key named %q (id %s)", name, existing.ID),
					"but the API does not say when it was created, so it may be the one this request created without "+
						"its secret reaching us: check it in Administration → API Keys and delete or import it")
			case !createdSince(createdAt, start):
				results[i].err = alreadyExists(apiKeysPath, fmt.Sprintf("an API key named %q (id %s)", name, existing.ID),
					"and was not created by this request")
			default:
				// Made by the failed attempt, its secret lost: deleted, and created again unless its
				// caller has stopped waiting.
				secretless = append(secretless, existing.ID)
				if !batch[i].gone() {
					next = append(next, i)
				}
			}
		}
		live = next
		if len(secretless) > 0 {
			if err := c.DeleteAPIKeys(ctx, secretless...); err != nil {
				return false, fmt.Errorf("deleting API keys %s, created by the failed attempt without their secrets reaching us: %w",
					strings.Join(secretless, ", "), err)
			}
		}
		recovered = true
		return len(live) == 0, nil
	}
	// Every key that send read has its result; those still live failed with err. When the retries
	// ran out after a recovery, each has instead what the last answer said of its own item, if that
	// answer could be read so far.
	if err := c.createSafely(ctx, apiKeysPath, send, recoverFn); err != nil {
		for _, i := range live {
			if recovered {
				results[i].err = undoneKeyError(cmp.Or(results[i].err, err), attempts)
			} else {
				results[i].err = err
			}
		}
	}
}

// keepDoubt marks in doubted the keys at positions, just sent, when the request's answer may
// describe what an earlier attempt made (afterAmbiguous), and makes the refusal of every key so
// marked, now or by an earlier request of its batch, say so.
func keepDoubt(afterAmbiguous bool, positions []int, results []result[*CreatedAPIKey], doubted []bool) {
	for _, i := range positions {
		doubted[i] = doubted[i] || afterAmbiguous
		if refusal, ok := apiErrorAs(results[i].err); ok && doubted[i] {
			refusal.afterAmbiguous = true
		}
	}
}

// undoneKeyError is the error of a key that no attempt of a batch create made, whose last answer
// said err of it, when the recovery after that attempt has deleted the key if it was made: an
// answer that could not be used then counts the attempts and says so (Undone).
func undoneKeyError(err error, attempts int) error {
	var answer *AnswerError
	if !errors.As(err, &answer) {
		return err
	}
	undone := *answer
	undone.Attempts, undone.MayExist, undone.Undone = attempts, false, true
	return &undone
}

// readCreatedKeys reads the answer to the creates of the keys at the positions live of batch into
// their results, and returns the positions of the keys it leaves in doubt. An answer that cannot be
// read may still mean keys that exist without their secrets reaching us: its error is then an
// *ambiguousError, for createSafely to resolve like a lost answer, for those keys alone.
func (c *Client) readCreatedKeys(resp *response, batch []*pending[APIKeyCreate, *CreatedAPIKey], live []int,
	results []result[*CreatedAPIKey],
) ([]int, error) {
	items, err := decodeMultiStatus(http.MethodPost, apiKeysPath, resp, len(live))
	if err != nil {
		var answer *AnswerError
		if errors.As(err, &answer) {
			answer.MayExist = true // the keys it stands for may have been made
		}
		return live, &ambiguousError{err: err}
	}
	var unread []int
	var doubts []string
	for j, i := range live {
		created, err := c.createdAPIKey(items[j], resp, batch[i].in)
		if isAmbiguous(err) {
			unread, doubts = append(unread, i), append(doubts, err.Error())
			results[i].err = err // what this answer said of the key, should no later one say more
			continue
		}
		results[i].out, results[i].err = created, err
	}
	if len(doubts) > 0 {
		return unread, &ambiguousError{err: errors.New(strings.Join(doubts, "; "))}
	}
	return unread, nil
}

// keyNamed returns the key named name (case-insensitively, as the API's uniqueness), or nil.
func keyNamed(keys []APIKey, name string) *APIKey {
	for i := range keys {
		if SameName(keys[i].Name, name) {
			return &keys[i]
		}
	}
	return nil
}

// createdAPIKey reads the 207 item of the key in: the key as the request and the item describe it,
// with its secret. The transport has already masked the answer's secrets in the request's log
// context (createdKeyValues); an item's error is cleaned of them too, and no other part of this
// body ever reaches an error. Each field of the item is read on its own, so that a field in an
// unexpected form cannot lose the id and the secret of a key that now exists: it is listed in
// Unreadable instead.
//
// An item with a value and an id (or a Location) is a created key whatever its status says; an
// item whose status says it failed, without a value, is that failure, unless the failure leaves
// the write in doubt (a 5xx, or Vision One giving up on the item: APIError.inDoubt), as it does
// for a whole request: the key may have been made. That item, and any other item (a success
// without a value or an id, a body that is not an object, no readable status) may stand for a key
// that exists without its secret reaching us: its error is an *ambiguousError, for the caller to
// resolve as a lost answer (API.md, "API keys: create").
func (c *Client) createdAPIKey(item multiStatusItem, resp *response, in APIKeyCreate) (*CreatedAPIKey, error) {
	redactions := resp.redactions
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(item.Body, &fields)
	key := CreatedAPIKey{APIKey: APIKey{Name: in.Name, Role: in.Role, Description: in.Description, Status: in.Status}}
	_ = json.Unmarshal(fields["value"], &key.Value)
	inDoubt := func(without string) error {
		said := fmt.Sprintf("item status %d", item.Status)
		if item.Status == 0 {
			said = "an item without a readable status"
		}
		answer := unusableAnswer(http.MethodPost, apiKeysPath, resp, said+" "+without)
		answer.Item, answer.MayExist = in.Name, true
		return &ambiguousError{err: answer}
	}
	switch {
	case key.Value == "" && item.failed():
		failed := item.itemError(http.MethodPost, apiKeysPath, in.Name, resp, redactions)
		if failed.inDoubt() {
			return nil, &ambiguousError{err: failed} // Vision One may have made the key all the same
		}
		return nil, failed
	case fields == nil:
		return nil, inDoubt("without a JSON object as its body")
	case key.Value == "":
		return nil, inDoubt("without the new key's value")
	}
	if key.Status == "" {
		key.Status = StatusEnabled // the API's default (API.md, "API keys: create")
	}
	if raw, ok := fields["id"]; ok {
		if text, respelledOK := respelled(raw, reflect.String); respelledOK {
			raw = text // an id in another JSON type (a number) is the text it spells, as in any object read
		}
		if err := json.Unmarshal(raw, &key.ID); err != nil {
			key.Unreadable = append(key.Unreadable, UnreadableField{Field: "id",
				Value: clean(string(raw), maxUnreadableValue, redactions)})
		}
	}
	if key.ID == "" {
		key.ID = idFromLocation(item.header("Location"))
	}
	if key.ID == "" {
		return nil, inDoubt("without the new key's id")
	}
	for _, date := range []struct {
		field string
		into  *DateTime
	}{{"expiredDateTime", &key.ExpiredDateTime}, {"createdDateTime", &key.CreatedDateTime}} {
		_ = date.into.UnmarshalJSON(fields[date.field]) // never fails
		if raw, ok := date.into.Unreadable(); ok {
			key.Unreadable = append(key.Unreadable, UnreadableField{Field: date.field,
				Value: clean(raw, maxUnreadableValue, redactions)})
		}
	}
	key.CreatedDateTime = createdAt(key.CreatedDateTime, resp.header)
	return &key, nil
}

// createdAt is the creation time of a key just created: the item's createdDateTime, or, when the
// item has no value for it (Trend's answers carry none: API.md, "API keys: create"), the time of
// the answer, which the API writes in its Date header. A read of the key gives the same second, so
// the refresh after the create finds nothing to change; without it every plan would write the
// creation time of each key made since the last apply, since a plan keeps no refreshed state.
func createdAt(item DateTime, header http.Header) DateTime {
	_, dated := item.Time()
	_, unreadable := item.Unreadable()
	if dated || unreadable {
		return item
	}
	answered, err := http.ParseTime(header.Get("Date"))
	if err != nil {
		return item
	}
	return dateTimeOf(answered)
}

// createdKeyValues finds the secrets of a create answer: the value of each of its items. Each item
// is read on its own, so that one of another shape (a body that is a string, a value that is not)
// leaves the values of the others to be redacted from its error.
func createdKeyValues(body []byte) []string {
	var items []json.RawMessage
	if json.Unmarshal(body, &items) != nil {
		return nil
	}
	var values []string
	for _, raw := range items {
		var item struct {
			Body struct {
				Value string `json:"value"`
			} `json:"body"`
		}
		if json.Unmarshal(raw, &item) == nil && item.Body.Value != "" {
			values = append(values, item.Body.Value)
		}
	}
	return values
}

// UpdateAPIKey patches a key with If-Match (see UpdateRole).
func (c *Client) UpdateAPIKey(ctx context.Context, id, version string, patch APIKeyPatch) error {
	stale := writing(c.caches.apiKeys)
	defer stale()
	return updateObject(ctx, c, apiKeysPath, id, version, patch, c.GetAPIKey, apiKeyPatchApplied)
}

func apiKeyPatchApplied(k *APIKey, p APIKeyPatch) bool {
	return (p.Name == nil || SameSpelling(*p.Name, k.Name)) &&
		(p.Role == nil || SameSpelling(*p.Role, k.Role)) &&
		(p.Status == nil || *p.Status == k.Status) &&
		(p.Description == nil || *p.Description == k.Description)
}

// DeleteAPIKeys deletes keys through the batch endpoint. Each failed item is reported in the
// returned error (a *MultiStatusError); keys that are already gone count as deleted. Sending the
// batch again is harmless for the same reason, so it is retried like any idempotent request.
// Concurrent calls are gathered into one batch request (gather.go); an id whose caller's context
// ends before its batch is sent is not sent, and one sent is seen through for writeGracePeriod
// after the context ends (beginWrite); given up on after that, it gets a *RequestError for which
// StoppedInFlight is true: the key may be gone.
func (c *Client) DeleteAPIKeys(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	keep, done, err := c.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer done()
	items := make([]*pending[string, *APIError], len(ids))
	for i, id := range ids {
		items[i] = c.keyDeletes.add(ctx, keep, id)
	}
	multi := &MultiStatusError{Method: http.MethodPost, Path: apiKeysDeletePath, Total: len(ids)}
	var requestErr error
	for _, p := range items {
		failed, sent, err := c.keyDeletes.wait(p)
		var reqErr *RequestError
		switch {
		case !sent:
			err = &RequestError{Method: http.MethodPost, Path: apiKeysDeletePath, Err: err}
		case err != nil && keep.Err() != nil && !errors.As(err, &reqErr):
			// Given up on once sent, when the grace period ended: the batch may have deleted the key,
			// as for a create.
			err = &RequestError{Method: http.MethodPost, Path: apiKeysDeletePath, Err: err, inFlight: true}
		case failed != nil:
			multi.Items = append(multi.Items, failed)
		}
		if err != nil && requestErr == nil {
			requestErr = err
		}
	}
	switch {
	case requestErr != nil:
		return requestErr
	case len(multi.Items) > 0:
		return multi
	}
	return nil
}

// apiKeysDeletePath is the batch delete (API.md, "API keys: delete").
const apiKeysDeletePath = apiKeysPath + "/delete"

// deleteAPIKeyBatch sends a batch of deletes (see DeleteAPIKeys): each item's result is the
// *APIError of its failed item, or nil; an error of the whole request is every item's error. An
// item whose failure leaves its delete in doubt (a 5xx, or Vision One giving up on it:
// APIError.inDoubt) is sent again, with the others of its batch so failed, as a whole request
// would be retried: after a backoff, until it has been sent max_retries times more. Sending a
// delete again is harmless, since a 404 then counts as deleted. A key whose caller has stopped
// waiting is not sent again.
func (c *Client) deleteAPIKeyBatch(ctx context.Context, batch []*pending[string, *APIError]) []result[*APIError] {
	stale := writing(c.caches.apiKeys)
	defer stale()
	results := make([]result[*APIError], len(batch))
	todo := make([]int, len(batch))
	for i := range todo {
		todo[i] = i
	}
	for sent := 1; ; sent++ {
		c.deleteAPIKeys(ctx, batch, todo, results)
		todo = slices.DeleteFunc(todo, func(i int) bool {
			failed := results[i].out
			if failed != nil {
				failed.Attempts = max(failed.Attempts, sent)
			}
			return failed == nil || !failed.inDoubt() || batch[i].gone()
		})
		if len(todo) == 0 || sent > c.cfg.MaxRetries || c.sleep(ctx, c.backoff(sent)) != nil {
			return results // each keeps what its last answer said
		}
	}
}

// deleteAPIKeys sends one request deleting the keys at the positions todo of batch, and sets their
// results.
func (c *Client) deleteAPIKeys(ctx context.Context, batch []*pending[string, *APIError], todo []int, results []result[*APIError]) {
	body := make([]map[string]string, len(todo))
	for j, i := range todo {
		body[j] = map[string]string{"id": batch[i].in}
	}
	resp, err := c.do(ctx, request{method: http.MethodPost, path: apiKeysDeletePath, body: body})
	// A success without a body (a 204) tells of no failed item: every key of the batch is deleted.
	empty := err == nil && len(bytes.TrimSpace(resp.body)) == 0
	var items []multiStatusItem
	if err == nil && !empty {
		items, err = decodeMultiStatus(http.MethodPost, apiKeysDeletePath, resp, len(todo))
	}
	for j, i := range todo {
		results[i] = result[*APIError]{}
		switch {
		case err != nil:
			results[i].err = err
		case empty:
		case !items[j].ok() && items[j].Status != http.StatusNotFound:
			results[i].out = items[j].itemError(http.MethodPost, apiKeysDeletePath, batch[i].in, resp, c.redactions())
		}
	}
}
