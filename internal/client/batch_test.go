package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

const (
	createKeysPath = "/v3.0/iam/apiKeys"
	deleteKeysPath = "/v3.0/iam/apiKeys/delete"
)

// createResult is what one concurrent CreateAPIKey returned.
type createResult struct {
	in  client.APIKeyCreate
	key *client.CreatedAPIKey
	err error
}

// createConcurrently calls CreateAPIKey once per input, all at once, and returns the results in the
// order of the inputs.
func createConcurrently(ctx context.Context, c *client.Client, ins []client.APIKeyCreate) []createResult {
	results := make([]createResult, len(ins))
	var wg sync.WaitGroup
	for i, in := range ins {
		wg.Go(func() {
			key, err := c.CreateAPIKey(ctx, in)
			results[i] = createResult{in: in, key: key, err: err}
		})
	}
	wg.Wait()
	return results
}

// checkCreated checks that a created key is described as requested and that its value
// authenticates.
func (e *emulated) checkCreated(t *testing.T, r createResult) {
	t.Helper()
	if r.err != nil {
		t.Errorf("CreateAPIKey(%q): %v", r.in.Name, r.err)
		return
	}
	k := r.key
	if k.ID == "" || k.Name != r.in.Name || k.Role != r.in.Role || k.Description != r.in.Description ||
		k.Status != client.StatusEnabled || !isSet(k.ExpiredDateTime) || isSet(k.LastUsedDateTime) || k.Version != "" {
		t.Errorf("CreateAPIKey(%q) = %+v, want the key as requested, with an expiry and no ETag", r.in.Name, k.APIKey)
	}
	if err := e.clientWithKey(t, k.Value).CheckConnectivity(context.Background()); err != nil {
		t.Errorf("the value of %q does not authenticate: %v", r.in.Name, err)
	}
}

// keysNamed counts the tenant's keys by name.
func (e *emulated) keysNamed(t *testing.T) map[string][]string {
	t.Helper()
	keys, err := e.api.ListAPIKeys(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]string{}
	for _, k := range keys {
		byName[k.Name] = append(byName[k.Name], k.ID)
	}
	return byName
}

func keyInputs(names ...string) []client.APIKeyCreate {
	ins := make([]client.APIKeyCreate, len(names))
	for i, name := range names {
		ins[i] = client.APIKeyCreate{Name: name, Role: "SIEM", Description: "for " + name}
	}
	return ins
}

// TestAPIKeyCreatesShareOneRequest: concurrent creates go out as one batch request, each caller
// gets its own key, and a failing item (a name already taken) fails only its caller.
func TestAPIKeyCreatesShareOneRequest(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ctx := context.Background()
	taken, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "taken", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	client.GatherCreates(e.api, n)
	before := e.srv.Stats().Requests
	names := []string{"TAKEN"}
	for i := range n - 1 {
		names = append(names, fmt.Sprintf("batched-%d", i))
	}
	results := createConcurrently(ctx, e.api, keyInputs(names...))

	if got := e.srv.Stats().Requests["POST "+createKeysPath] - before["POST "+createKeysPath]; got != 1 {
		t.Errorf("%d create requests for %d concurrent creates, want 1", got, n)
	}
	var apiErr *client.APIError
	if err := results[0].err; !client.IsAlreadyExists(err) || !errors.As(err, &apiErr) || apiErr.Item != "TAKEN" {
		t.Errorf("the create of a taken name = %v, want a failed item naming it", err)
	}
	for _, r := range results[1:] {
		e.checkCreated(t, r)
	}
	byName := e.keysNamed(t)
	if len(byName) != n || len(byName["taken"]) != 1 || byName["taken"][0] != taken.ID {
		t.Errorf("keys by name %v: want the %d created and the one taken before, untouched", byName, n-1)
	}
}

// TestAPIKeyBatchAfterLostAnswer drops the connection after the API has applied a batch, whose
// items include a name an older key already has: every name is looked up in one listing, the keys
// the lost answer made are deleted and created again (their secrets were in it), the taken name
// fails its caller alone, and no key exists twice.
func TestAPIKeyBatchAfterLostAnswer(t *testing.T) {
	t.Parallel()
	batchCreate := nthRequest(2, isPost(createKeysPath)) // the first creates the older key
	e := startEmulator(t, faultOnce(emulator.Faults{AfterWriteDropRate: 1}, batchCreate))
	names := []string{"Taken"}
	for i := range 7 {
		names = append(names, fmt.Sprintf("lost-%d", i))
	}
	older, results, before, stats := e.createAfterTaken(t, names...)

	requests := func(key string) int { return stats.Requests[key] - before[key] }
	if stats.FaultsInjected != 1 || requests("POST "+createKeysPath) != 2 || requests("POST "+deleteKeysPath) != 1 ||
		requests("GET "+createKeysPath) != 1 {
		t.Errorf("requests %v (%d faults): want the lost batch, one listing, one delete of the keys it made, one batch again",
			stats.Requests, stats.FaultsInjected)
	}
	e.checkTakenAndCreated(t, results, older)
}

// createAfterTaken creates the key "taken", then, an hour later by the server's clock, the keys
// names concurrently in one batch, and returns the older key, the batch's results and the
// emulator's request counts before and after it.
func (e *emulated) createAfterTaken(t *testing.T, names ...string) (*client.CreatedAPIKey, []createResult, map[string]int, emulator.Stats) {
	t.Helper()
	ctx := context.Background()
	older, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "taken", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.AdvanceClock(time.Hour)
	client.GatherCreates(e.api, len(names))
	before := e.srv.Stats().Requests
	results := createConcurrently(ctx, e.api, keyInputs(names...))
	return older, results, before, e.srv.Stats()
}

// checkTakenAndCreated checks a batch whose first name is that of the older key "taken": its create
// failed alone, every other caller has its key, and the tenant holds these keys, each once.
func (e *emulated) checkTakenAndCreated(t *testing.T, results []createResult, older *client.CreatedAPIKey) {
	t.Helper()
	if !client.IsAlreadyExists(results[0].err) {
		t.Errorf("the create of a taken name = %v, want IsAlreadyExists", results[0].err)
	}
	for _, r := range results[1:] {
		e.checkCreated(t, r)
	}
	byName := e.keysNamed(t)
	for _, r := range results[1:] {
		if ids := byName[r.in.Name]; len(ids) != 1 || r.key == nil || ids[0] != r.key.ID {
			t.Errorf("keys named %q: %v, want exactly the one returned", r.in.Name, ids)
		}
	}
	if ids := byName["taken"]; len(ids) != 1 || ids[0] != older.ID || len(byName) != len(results) {
		t.Errorf("keys by name %v: want the older key untouched and nothing else", byName)
	}
}

// TestAPIKeyDeletesShareOneRequest: concurrent deletes, one of them of several keys and one of a key
// that is already gone, go out as one batch request.
func TestAPIKeyDeletesShareOneRequest(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ctx := context.Background()
	const n = 6
	var ids []string
	for _, r := range createConcurrently(ctx, e.api, keyInputs("d0", "d1", "d2", "d3", "d4")) {
		if r.err != nil {
			t.Fatal(r.err)
		}
		ids = append(ids, r.key.ID)
	}
	client.GatherDeletes(e.api, n)
	before := e.srv.Stats().Requests["POST "+deleteKeysPath]
	calls := [][]string{{ids[0], ids[1]}, {ids[2]}, {ids[3]}, {ids[4]}, {"00000000-0000-0000-0000-000000000000"}}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { errs[i] = e.api.DeleteAPIKeys(ctx, call...) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("DeleteAPIKeys(%v): %v", calls[i], err)
		}
	}
	if got := e.srv.Stats().Requests["POST "+deleteKeysPath] - before; got != 1 {
		t.Errorf("%d delete requests for %d concurrent deletes, want 1", got, len(calls))
	}
	if left := e.srv.Stats().Objects["apiKeys"]; left != 0 {
		t.Errorf("%d keys left, want none", left)
	}
}

// TestAPIKeyWritesCanceledWhileGatheredAreNotSent: a caller whose context ends while its create or
// delete waits for the rest of its batch leaves the batch; the batch goes out without it.
func TestAPIKeyWritesCanceledWhileGatheredAreNotSent(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	client.GatherCreates(e.api, 2)
	client.GatherDeletes(e.api, 2)
	ctx := context.Background()
	canceled := func(gathered func(*client.Client) int, write func(context.Context) error) error {
		t.Helper()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- write(ctx) }()
		for gathered(e.api) == 0 {
			time.Sleep(time.Millisecond) // until the write waits in its batch
		}
		cancel()
		return <-errc
	}

	err := canceled(client.GatheredCreates, func(ctx context.Context) error {
		_, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "withdrawn", Role: "SIEM"})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the canceled create = %v, want context.Canceled", err)
	}
	results := createConcurrently(ctx, e.api, keyInputs("kept-0", "kept-1"))
	for _, r := range results {
		e.checkCreated(t, r)
	}
	if stats := e.srv.Stats(); stats.Requests["POST "+createKeysPath] != 1 || len(e.keysNamed(t)["withdrawn"]) != 0 {
		t.Errorf("requests %v, keys %v: want one create request, without the canceled key", stats.Requests, e.keysNamed(t))
	}

	err = canceled(client.GatheredDeletes, func(ctx context.Context) error { return e.api.DeleteAPIKeys(ctx, results[0].key.ID) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the canceled delete = %v, want context.Canceled", err)
	}
	if stats := e.srv.Stats(); stats.Requests["POST "+deleteKeysPath] != 0 || stats.Objects["apiKeys"] != 2 {
		t.Errorf("requests %v, %d keys: want no delete sent", stats.Requests, stats.Objects["apiKeys"])
	}
}

// TestCreatedValuesMaskedInTheirBatch: a batch's answer carries the values of all its keys. The
// batch request is logged in the context of one caller, with every value of its answer masked,
// even where a value is not shaped like a JWT (a gateway echoes them all in a header); each caller
// logs its own key in its own context, and no value reaches any caller's log.
func TestCreatedValuesMaskedInTheirBatch(t *testing.T) {
	t.Parallel()
	const n = 3
	value := func(i int) string { return fmt.Sprintf("plain-secret-value-%d-not-shaped-like-a-jwt", i) }
	var all []string
	for i := range n {
		all = append(all, value(i))
	}
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		var in []client.APIKeyCreate
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in) != n {
			t.Errorf("a create of %d keys, want one batch of %d (%v)", len(in), n, err)
		}
		w.Header().Set("x-trace-id", strings.Join(all, " "))
		items := make([]string, len(in))
		for i := range in {
			items[i] = fmt.Sprintf(`{"status":201,"body":{"id":"k%d","value":%q}}`, i, value(i))
		}
		writeJSON(w, 207, "["+strings.Join(items, ",")+"]")
	})
	client.GatherCreates(c, n)
	logs := make([]bytes.Buffer, n)
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx := tflogtest.RootLogger(context.Background(), &logs[i])
			created, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: fmt.Sprintf("key-%d", i), Role: "SIEM"})
			if err != nil {
				t.Errorf("CreateAPIKey: %v", err)
				return
			}
			ids[i] = created.ID
		})
	}
	wg.Wait()
	var requestLines int
	for i := range n {
		out := logs[i].String()
		for _, v := range all {
			if strings.Contains(out, v) {
				t.Errorf("caller %d's log holds a created value:\n%s", i, out)
			}
		}
		requestLines += strings.Count(out, `"trace_id":"*** *** ***"`)
		if !strings.Contains(out, `"@message":"API key created"`) || !strings.Contains(out, `"id":"`+ids[i]+`"`) {
			t.Errorf("caller %d's log does not name its key %s:\n%s", i, ids[i], out)
		}
	}
	if requestLines != 1 {
		t.Errorf("%d logs hold the batch request with its masked trace id, want 1", requestLines)
	}
}

// TestCreatedValuesRedactedFromFailedItems: an item of a batch that failed may echo the value of
// a key created in the same batch (a gateway quoting the request's answer). That value is redacted
// from the failed item's error even where it is not shaped like a JWT, and whatever shape the
// failed item itself has: a body that is a string, or a value member that is not one.
func TestCreatedValuesRedactedFromFailedItems(t *testing.T) {
	t.Parallel()
	const value = "plain-created-value-not-shaped-like-a-jwt"
	for name, failed := range map[string]string{
		"error envelope":        `{"status":400,"body":{"error":{"code":"BadRequest","message":"echo ` + value + `"}}}`,
		"body that is a string": `{"status":400,"body":"echo ` + value + `"}`,
		"value that is not a string": `{"status":400,"body":{"value":0,` +
			`"error":{"code":"BadRequest","message":"echo ` + value + `"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 207, `[{"status":201,"body":{"id":"k1","value":"`+value+`"}},`+failed+`]`)
			})
			client.GatherCreates(c, 2)
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = c.CreateAPIKey(ctx, client.APIKeyCreate{Name: fmt.Sprintf("key-%d", i), Role: "SIEM"})
				})
			}
			wg.Wait()
			failure := errors.Join(errs...)
			if failure == nil {
				t.Fatal("both creates succeeded, want the second item to fail")
			}
			if !strings.Contains(failure.Error(), "400") {
				t.Errorf("the failure %q does not give the item's status", failure)
			}
			if strings.Contains(failure.Error(), value) {
				t.Errorf("the created value appears in the failed item's error %q", failure)
			}
			if strings.Contains(logs.String(), value) {
				t.Errorf("the created value appears in the log:\n%s", logs.String())
			}
		})
	}
}

// TestAPIKeyBatchSeenThroughInterrupt: when the user interrupts while a batch is in flight (the API
// has made the keys, their answer is on the way), every caller still gets its key and secret, so
// that the provider records them instead of leaving orphans.
func TestAPIKeyBatchSeenThroughInterrupt(t *testing.T) {
	t.Parallel()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	e := startEmulator(t, interruptAfter(func(r *http.Request) bool { return r.Method == http.MethodPost }, interrupt))
	client.GatherCreates(e.api, 2)
	for _, r := range createConcurrently(ctx, e.api, keyInputs("in-flight-0", "in-flight-1")) {
		e.checkCreated(t, r)
	}
	if ctx.Err() == nil {
		t.Fatal("the context was not canceled during the batch")
	}
}

// TestAPIKeyDeleteGivenUpAfterTheGracePeriod: a delete whose caller is interrupted once its batch
// was sent is seen through for the grace period only (TestWritesSeenThroughInterrupt); given up on
// after that, it may have been applied, and its error says which request it was and that it was
// under way, as a create's does, rather than the bare context error.
func TestAPIKeyDeleteGivenUpAfterTheGracePeriod(t *testing.T) {
	t.Parallel()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	e := startEmulator(t, interruptAfter(isPost(deleteKeysPath), interrupt))
	client.SetWriteGrace(e.api, 10*time.Millisecond) // shorter than interruptAfter holds the answer
	created := createConcurrently(context.Background(), e.api, keyInputs("deleted-while-interrupted"))
	e.checkCreated(t, created[0])

	err := e.api.DeleteAPIKeys(ctx, created[0].key.ID)
	var reqErr *client.RequestError
	if !errors.As(err, &reqErr) || !reqErr.StoppedInFlight() || reqErr.Path != deleteKeysPath || !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted delete = %#v (%v), want a *client.RequestError of POST %s, stopped in flight, for context.Canceled",
			err, err, deleteKeysPath)
	}
	if n := e.srv.Stats().Objects["apiKeys"]; n != 0 {
		t.Errorf("%d keys left, want the delete applied", n)
	}
}

// rewriteAnswers lets the emulator apply every API-key create and answers the nth (counted from 1)
// for which rewrite(n) is true with what edit makes of the emulator's items, given the names
// requested in their order: an answer that says less than the API did.
func rewriteAnswers(rewrite func(n int) bool, edit answerEdit) func(*emulator.Server, http.Handler) http.Handler {
	return func(_ *emulator.Server, next http.Handler) http.Handler {
		var mu sync.Mutex
		seen := 0
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if !isPost(createKeysPath)(r) {
				next.ServeHTTP(w, r)
				return
			}
			if seen++; !rewrite(seen) {
				next.ServeHTTP(w, r)
				return
			}
			data, _ := io.ReadAll(r.Body)
			var in []client.APIKeyCreate
			if err := json.Unmarshal(data, &in); err != nil {
				panic(fmt.Sprintf("the create request: %v", err))
			}
			names := make([]string, len(in))
			for i, k := range in {
				names[i] = k.Name
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var items []json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &items); err != nil {
				panic(fmt.Sprintf("the emulator's create answer: %v", err))
			}
			maps.Copy(w.Header(), rec.Header())
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = io.WriteString(w, edit(names, items))
		})
	}
}

// answerEdit makes the answer to a create of the keys names from the emulator's items.
type answerEdit func(names []string, items []json.RawMessage) string

// editItem rewrites the item of the key named name with edit, which gets the item's fields; the
// other items are kept.
func editItem(name string, edit func(item map[string]json.RawMessage) string) answerEdit {
	return func(names []string, items []json.RawMessage) string {
		i := slices.Index(names, name)
		var item map[string]json.RawMessage
		if err := json.Unmarshal(items[i], &item); err != nil {
			panic(err)
		}
		out := make([]string, len(items))
		for j, raw := range items {
			out[j] = string(raw)
		}
		out[i] = edit(item)
		return "[" + strings.Join(out, ",") + "]"
	}
}

// withBody is the item with body fields removed (nil: the body itself) or replaced.
func withBody(drop []string, set map[string]string) func(map[string]json.RawMessage) string {
	return func(item map[string]json.RawMessage) string {
		var body map[string]json.RawMessage
		if err := json.Unmarshal(item["body"], &body); err != nil {
			panic(err)
		}
		for _, f := range drop {
			delete(body, f)
		}
		for f, v := range set {
			body[f] = json.RawMessage(v)
		}
		item["body"], _ = json.Marshal(body)
		if drop == nil {
			delete(item, "body")
		}
		return marshal(item)
	}
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestAPIKeyBatchWithUnreadableAnswer: the API creates a batch of keys (one of its names taken by
// an older key) and its answer says less than it did. An item that carries a key's value and id is
// that key, whatever its status says; an item that may stand for a key without its secret (among
// them a failure that leaves the write in doubt: a 5xx, or Vision One giving up), and every item of
// an answer that cannot be read as a whole, is resolved as a lost answer: the key it made is
// deleted and created again, while every key that was read keeps its result. The taken
// name fails its caller alone, and no key exists twice or without a caller.
func TestAPIKeyBatchWithUnreadableAnswer(t *testing.T) {
	t.Parallel()
	const doubted = "doubted" // the key whose item is edited
	readable := []string{"POST " + createKeysPath}
	recovered := []string{"POST " + createKeysPath, "GET " + createKeysPath, "POST " + deleteKeysPath, "POST " + createKeysPath}
	tests := map[string]struct {
		edit answerEdit
		// requests are the requests of the batch, in kind and number.
		requests []string
	}{
		"status absent": {
			edit: editItem(doubted, func(item map[string]json.RawMessage) string {
				delete(item, "status")
				return marshal(item)
			}),
			requests: readable,
		},
		"status null": {
			edit: editItem(doubted, func(item map[string]json.RawMessage) string {
				item["status"] = json.RawMessage("null")
				return marshal(item)
			}),
			requests: readable,
		},
		"status not a number": {
			edit: editItem(doubted, func(item map[string]json.RawMessage) string {
				item["status"] = json.RawMessage(`"Created"`)
				return marshal(item)
			}),
			requests: readable,
		},
		"success without a value":     {edit: editItem(doubted, withBody([]string{"value"}, nil)), requests: recovered},
		"success with an empty value": {edit: editItem(doubted, withBody(nil, map[string]string{"value": `""`})), requests: recovered},
		"value and status absent":     {edit: editItem(doubted, func(map[string]json.RawMessage) string { return `{"body":{}}` }), requests: recovered},
		"success without a body":      {edit: editItem(doubted, withBody(nil, nil)), requests: recovered},
		"body not an object":          {edit: editItem(doubted, func(map[string]json.RawMessage) string { return `{"status":201,"body":"created"}` }), requests: recovered},
		"item not an object":          {edit: editItem(doubted, func(map[string]json.RawMessage) string { return `"created"` }), requests: recovered},
		"success without an id or Location": {
			edit: editItem(doubted, func(item map[string]json.RawMessage) string {
				delete(item, "headers")
				return withBody([]string{"id"}, nil)(item)
			}),
			requests: recovered,
		},
		// Vision One gave up on the item, which it may have made all the same.
		"item timed out": {
			edit: editItem(doubted, func(map[string]json.RawMessage) string {
				return `{"status":400,"body":{"error":{"code":"RequestTimeout","message":"The request timed out."}}}`
			}),
			requests: recovered,
		},
		// A 5xx of the item: the client's rule (client.go) counts it as ambiguous, and Trend's mock
		// has per-item 500 answers.
		"item failed with a 500": {
			edit: editItem(doubted, func(map[string]json.RawMessage) string {
				return `{"status":500,"body":{"error":{"code":"InternalServerError",` +
					`"message":"An internal error has occurred. Please try again later."}}}`
			}),
			requests: recovered,
		},
		"item failed with a 503, its error at the top level": {
			edit: editItem(doubted, func(map[string]json.RawMessage) string {
				return `{"status":"503","error":{"code":"ServiceUnavailable","message":"Try again later."}}`
			}),
			requests: recovered,
		},
		"answer not an array": {
			edit:     func(_ []string, items []json.RawMessage) string { return `{"items":[` + string(items[1]) + `]}` },
			requests: recovered,
		},
		"an item short": {
			edit: func(_ []string, items []json.RawMessage) string {
				out := make([]string, 0, len(items))
				for _, raw := range items[:len(items)-1] {
					out = append(out, string(raw))
				}
				return "[" + strings.Join(out, ",") + "]"
			},
			requests: recovered,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The first create makes the older key; the second is the batch.
			e := startEmulator(t, rewriteAnswers(func(n int) bool { return n == 2 }, tc.edit))
			older, results, before, stats := e.createAfterTaken(t, "Taken", "read-1", doubted, "read-3")

			want := map[string]int{}
			for _, key := range tc.requests {
				want[key]++
			}
			got := map[string]int{}
			for key, count := range stats.Requests {
				if count > before[key] {
					got[key] = count - before[key]
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("the batch made the requests %v, want %v", got, want)
			}
			e.checkTakenAndCreated(t, results, older)
		})
	}
}

// TestAPIKeyBatchUnreadableEveryTime: an item that leaves its key in doubt in every answer is
// resolved like a lost answer each time, within the client's retries: each key it made is deleted
// before the next attempt, so that when the retries run out its caller gets the error and the
// tenant holds no key of that name, while its sibling keeps the key it was given at once.
func TestAPIKeyBatchUnreadableEveryTime(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, rewriteAnswers(func(int) bool { return true }, editItem("never-read", withBody([]string{"value"}, nil))))
	client.GatherCreates(e.api, 2)
	results := createConcurrently(context.Background(), e.api, keyInputs("read", "never-read"))
	stats := e.srv.Stats()

	e.checkCreated(t, results[0])
	attempts := 1 + client.DefaultMaxRetries
	var answer *client.AnswerError
	if err := results[1].err; !errors.As(err, &answer) || !answer.Undone || answer.MayExist || answer.Attempts != attempts ||
		answer.StatusCode != http.StatusMultiStatus || answer.TraceID == "" || answer.Item != "never-read" ||
		!strings.Contains(err.Error(), `item "never-read": the 207 answer could not be used: item status 201 without the new key's value, after `+
			strconv.Itoa(attempts)+` attempts [trace id `) {
		t.Errorf("the create whose answer never carries its value = %#v (%v), want an unusable answer of %d attempts, "+
			"with its trace id, its keys deleted", answer, err, attempts)
	}
	if stats.Requests["POST "+createKeysPath] != attempts || stats.Requests["GET "+createKeysPath] != attempts ||
		stats.Requests["POST "+deleteKeysPath] != attempts {
		t.Errorf("requests %v: want %d creates, each followed by one listing and one delete", stats.Requests, attempts)
	}
	byName := e.keysNamed(t)
	if ids := byName["read"]; len(byName) != 1 || len(ids) != 1 || results[0].key == nil || ids[0] != results[0].key.ID {
		t.Errorf("keys by name %v: want the key read at once and nothing else", byName)
	}
}

// TestAPIKeyDeleteItemWithoutStatus: an item of a delete's answer without a readable status fails
// its key alone; the other keys of the batch count as deleted.
func TestAPIKeyDeleteItemWithoutStatus(t *testing.T) {
	t.Parallel()
	c := newHandlerClient(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 207, `[{"status":204},{"status":null},{"body":{}}]`)
	})
	err := c.DeleteAPIKeys(context.Background(), "deleted", "null-status", "no-status")
	var multi *client.MultiStatusError
	if !errors.As(err, &multi) || multi.Total != 3 || len(multi.Items) != 2 ||
		multi.Items[0].Item != "null-status" || multi.Items[1].Item != "no-status" ||
		!strings.Contains(err.Error(), "without a readable status") {
		t.Errorf("DeleteAPIKeys = %v, want the two keys without a status to fail, and say why", err)
	}
}

// failDeleteItems answers the batch deletes for which fail(n) is true (n counts them from 1) with
// status for every item whose key id is in ids, and passes the others on to the emulator; with
// applied, the emulator deletes the failed keys all the same. It records the ids each delete sent.
type failDeleteItems struct {
	ids     []string
	status  int
	applied bool
	fail    func(n int) bool

	mu   sync.Mutex
	sent [][]string
}

func (f *failDeleteItems) wrap(_ *emulator.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isPost(deleteKeysPath)(r) {
			next.ServeHTTP(w, r)
			return
		}
		data, _ := io.ReadAll(r.Body)
		var in []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &in); err != nil {
			panic(fmt.Sprintf("the delete request: %v", err))
		}
		ids := make([]string, len(in))
		for i, k := range in {
			ids[i] = k.ID
		}
		f.mu.Lock()
		f.sent = append(f.sent, ids)
		n := len(f.sent)
		f.mu.Unlock()
		if !f.fail(n) {
			r.Body = io.NopCloser(bytes.NewReader(data))
			next.ServeHTTP(w, r)
			return
		}
		// The emulator applies the deletes of the keys that do not fail, and of those that do when
		// applied; its items of the failed keys are then replaced.
		var forward []map[string]string
		for _, id := range ids {
			if f.applied || !slices.Contains(f.ids, id) {
				forward = append(forward, map[string]string{"id": id})
			}
		}
		applied := map[string]json.RawMessage{}
		if len(forward) > 0 {
			rec := httptest.NewRecorder()
			r.Body = io.NopCloser(strings.NewReader(marshal(forward)))
			next.ServeHTTP(rec, r)
			var items []json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &items); err != nil {
				panic(fmt.Sprintf("the emulator's delete answer: %v", err))
			}
			for i, k := range forward {
				applied[k["id"]] = items[i]
			}
		}
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = string(applied[id])
			if slices.Contains(f.ids, id) {
				out[i] = fmt.Sprintf(`{"status":%d,"body":{"error":{"code":"InternalServerError",`+
					`"message":"An internal error has occurred. Please try again later."}}}`, f.status)
			}
		}
		writeJSON(w, http.StatusMultiStatus, "["+strings.Join(out, ",")+"]")
	})
}

// TestAPIKeyDeleteItemsInDoubtSentAgain: an item of a batch delete that failed with a 5xx may or may
// not have been deleted, as after a 5xx to the whole request, and sending its delete again is
// harmless (a 404 then means it was): it is sent again, alone of its batch, as a request is
// retried, until it succeeds or max_retries have run out. Its error then counts its attempts. A 501
// (the API does not offer it) is final.
func TestAPIKeyDeleteItemsInDoubtSentAgain(t *testing.T) {
	t.Parallel()
	always := func(int) bool { return true }
	once := func(n int) bool { return n == 1 }
	tests := map[string]struct {
		status  int
		applied bool
		fail    func(int) bool
		// sends is how many delete requests the batch makes; failed is whether the key whose item
		// fails is reported as failed (and left in the tenant), after sends attempts.
		sends  int
		failed bool
	}{
		"a 500, the key not deleted":      {status: 500, fail: once, sends: 2},
		"a 500, the key deleted":          {status: 500, applied: true, fail: once, sends: 2},
		"a 503 every time":                {status: 503, fail: always, sends: 1 + client.DefaultMaxRetries, failed: true},
		"a 501, which asking again keeps": {status: 501, fail: always, sends: 1, failed: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			failing := &failDeleteItems{status: tc.status, applied: tc.applied, fail: tc.fail}
			e := startEmulator(t, failing.wrap)
			ctx := context.Background()
			var ids []string
			for _, r := range createConcurrently(ctx, e.api, keyInputs("failing", "deleted")) {
				if r.err != nil {
					t.Fatal(r.err)
				}
				ids = append(ids, r.key.ID)
			}
			failing.ids = ids[:1]

			err := e.api.DeleteAPIKeys(ctx, ids...)
			var multi *client.MultiStatusError
			switch {
			case !tc.failed && err != nil:
				t.Errorf("DeleteAPIKeys = %v, want both keys deleted", err)
			case tc.failed && (!errors.As(err, &multi) || len(multi.Items) != 1 || multi.Items[0].Item != ids[0] ||
				multi.Items[0].StatusCode != tc.status || max(multi.Items[0].Attempts, 1) != tc.sends):
				t.Errorf("DeleteAPIKeys = %#v (%v), want the item of %s failed with %d after %d attempts", err, err, ids[0],
					tc.status, tc.sends)
			}
			want := [][]string{ids}
			for range tc.sends - 1 {
				want = append(want, ids[:1])
			}
			failing.mu.Lock()
			defer failing.mu.Unlock()
			if !slices.EqualFunc(failing.sent, want, slices.Equal) {
				t.Errorf("the deletes sent %v, want %v: the key whose item failed sent again alone", failing.sent, want)
			}
			byName := e.keysNamed(t)
			if left := byName["failing"]; len(byName["deleted"]) != 0 || (len(left) == 1) != (tc.failed && !tc.applied) {
				t.Errorf("keys left %v", byName)
			}
		})
	}
}

// TestAPIKeyDeleteEmptyAnswer: a delete answered with a success and no body at all (a 204, or a
// 200 or 207 with nothing in it) tells of no failed item, so every key of the batch counts as
// deleted.
func TestAPIKeyDeleteEmptyAnswer(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusOK, http.StatusNoContent, http.StatusMultiStatus} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			c := newHandlerClient(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(status)
				if status != http.StatusNoContent {
					_, _ = w.Write([]byte(" \n"))
				}
			})
			if err := c.DeleteAPIKeys(context.Background(), "one", "two"); err != nil {
				t.Errorf("DeleteAPIKeys = %v, want both keys deleted", err)
			}
		})
	}
}

// sentBatches records the names of the keys of each batch create a handler serves.
type sentBatches struct {
	mu    sync.Mutex
	names [][]string
}

// record reads the keys that r creates, in their order, and records their names, sorted (the
// callers join a batch in any order); round counts the requests recorded, this one included.
func (s *sentBatches) record(r *http.Request) (in []client.APIKeyCreate, round int) {
	_ = json.NewDecoder(r.Body).Decode(&in)
	names := make([]string, len(in))
	for i, k := range in {
		names[i] = k.Name
	}
	slices.Sort(names)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names = append(s.names, names)
	return in, len(s.names)
}

// expect checks the names of the requests recorded.
func (s *sentBatches) expect(t *testing.T, want [][]string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.EqualFunc(s.names, want, slices.Equal[[]string]) {
		t.Errorf("requests %v, want %v", s.names, want)
	}
}

// TestAPIKeyItemsRefusedWith429SentAgain: the keys whose items a batch's answer refuses with a 429
// were not made, so they are sent again together in a later request, after the longest Retry-After
// among their items (or the answer's), until max_retries runs out; their errors then count the
// times they were sent. A key made or refused otherwise is never sent again.
func TestAPIKeyItemsRefusedWith429SentAgain(t *testing.T) {
	t.Parallel()
	const capped = `{"status":429,"headers":[{"name":"Retry-After","value":"1"}],` +
		`"body":{"error":{"code":"TooManyRequests","message":"full","innererror":{"code":"TenantLimitExceeded"}}}}`
	var sent sentBatches
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		in, round := sent.record(r)
		items := make([]string, len(in))
		for i, k := range in {
			switch {
			case k.Name == "made", k.Name == "rated" && round > 1:
				items[i] = fmt.Sprintf(`{"status":201,"body":{"id":"id-%s","value":"secret-%s"}}`, k.Name, k.Name)
			case k.Name == "rated": // the answer's Retry-After stands for the item's
				items[i] = `{"status":429,"body":{"error":{"code":"TooManyRequests","message":"slow down"}}}`
			case k.Name == "duplicate":
				items[i] = `{"status":400,"body":{"error":{"code":"BadRequest","message":"already exists"}}}`
			default:
				items[i] = capped
			}
		}
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusMultiStatus, "["+strings.Join(items, ",")+"]")
	}, func(cfg *client.Config) { cfg.MaxRetries = 2 })
	client.GatherCreates(c, 4)
	started := time.Now()
	results := createConcurrently(context.Background(), c, keyInputs("made", "rated", "duplicate", "capped"))
	if took := time.Since(started); took < 2*time.Second {
		t.Errorf("done after %s, want the two waits of the Retry-After of 1 s", took)
	}
	sent.expect(t, [][]string{{"capped", "duplicate", "made", "rated"}, {"capped", "rated"}, {"capped"}})
	for i, name := range []string{"made", "rated"} {
		if r := results[i]; r.err != nil || r.key == nil || r.key.ID != "id-"+name {
			t.Errorf("%s: %+v, %v, want it made", name, r.key, r.err)
		}
	}
	var refusal *client.APIError
	if err := results[2].err; !errors.As(err, &refusal) || refusal.StatusCode != http.StatusBadRequest || refusal.Attempts > 1 {
		t.Errorf("duplicate: %v, want its refusal, sent once", err)
	}
	if err := results[3].err; !errors.As(err, &refusal) || client.TenantLimit(err) != "API keys" || refusal.Attempts != 3 ||
		!strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("capped: %v, want the refusal at the cap, after 3 attempts", err)
	}
}

// TestAPIKeyMadeNotHeldBackByResend: a key made in a request whose other items were refused with a
// 429 reaches its caller as soon as that answer is read, not once the refused keys have been sent
// again: its secret exists nowhere else, so a caller interrupted while they wait for their
// Retry-After must still get it (as in TestAPIKeyBatchSeenThroughInterrupt).
func TestAPIKeyMadeNotHeldBackByResend(t *testing.T) {
	t.Parallel()
	const retryAfter = 2 * time.Second
	interrupted, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	var sent sentBatches
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		in, round := sent.record(r)
		items := make([]string, len(in))
		for i, k := range in {
			if k.Name == "made" || round > 1 {
				items[i] = fmt.Sprintf(`{"status":201,"body":{"id":"id-%s","value":"secret-%s"}}`, k.Name, k.Name)
			} else {
				items[i] = fmt.Sprintf(`{"status":429,"headers":[{"name":"Retry-After","value":"%d"}],`+
					`"body":{"error":{"code":"TooManyRequests","message":"full","innererror":{"code":"TenantLimitExceeded"}}}}`,
					int(retryAfter.Seconds()))
			}
		}
		writeJSON(w, http.StatusMultiStatus, "["+strings.Join(items, ",")+"]")
		interrupt() // the user interrupts the caller of "made" once the first answer is on its way
	})
	client.GatherCreates(c, 2)
	client.SetWriteGrace(c, retryAfter/4)
	started := time.Now()
	type outcome struct {
		key  *client.CreatedAPIKey
		err  error
		took time.Duration
	}
	var made, capped outcome
	var wg sync.WaitGroup
	for _, call := range []struct {
		ctx  context.Context
		name string
		into *outcome
	}{{interrupted, "made", &made}, {context.Background(), "capped", &capped}} {
		wg.Go(func() {
			key, err := c.CreateAPIKey(call.ctx, keyInputs(call.name)[0])
			*call.into = outcome{key, err, time.Since(started)}
		})
	}
	wg.Wait()
	if made.err != nil || made.key == nil || made.key.ID != "id-made" || made.key.Value != "secret-made" {
		t.Errorf("made: %+v, %v, want the key made in the first request, with its secret", made.key, made.err)
	}
	if made.took >= retryAfter {
		t.Errorf("made: returned after %s, want it at once, not after the Retry-After of the keys refused with it", made.took)
	}
	if capped.err != nil || capped.key == nil || capped.key.ID != "id-capped" || capped.took < retryAfter {
		t.Errorf("capped: %+v, %v after %s, want it made when sent again after the Retry-After", capped.key, capped.err, capped.took)
	}
	sent.expect(t, [][]string{{"capped", "made"}, {"capped"}})
}

// TestAPIKeyResendKeepsAmbiguity: a key whose create got no clear answer (Vision One gave up on its
// item, and the listing did not show the key), then refused with a 429 and refused as a duplicate
// when sent again after the Retry-After, may be refused over the key its first attempt made:
// AfterAmbiguous stays true across the sends, so that the provider does not call it someone else's.
func TestAPIKeyResendKeepsAmbiguity(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	creates := 0
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusOK, `{"items":[]}`) // the listing: no key yet, as far as it shows
			return
		}
		mu.Lock()
		defer mu.Unlock()
		creates++
		switch creates {
		case 1:
			writeJSON(w, http.StatusMultiStatus, `[{"status":400,"body":{"error":{"code":"RequestTimeout","message":"The request timed out."}}}]`)
		case 2:
			writeJSON(w, http.StatusMultiStatus, `[{"status":429,"headers":[{"name":"Retry-After","value":"1"}],`+
				`"body":{"error":{"code":"TooManyRequests","message":"full","innererror":{"code":"TenantLimitExceeded"}}}}]`)
		default:
			writeJSON(w, http.StatusMultiStatus, `[{"status":400,"body":{"error":{"code":"BadRequest","message":"The name already exists."}}}]`)
		}
	})
	_, err := c.CreateAPIKey(context.Background(), keyInputs("doubted")[0])
	mu.Lock()
	defer mu.Unlock()
	var refusal *client.APIError
	if !errors.As(err, &refusal) || !client.IsAlreadyExists(err) || creates != 3 {
		t.Fatalf("%v after %d creates, want the refusal as a duplicate of the third", err, creates)
	}
	if !refusal.AfterAmbiguous() {
		t.Errorf("%v: AfterAmbiguous false, want true: the first attempt may have made the key", err)
	}
}

// TestAPIKeyNotSentAgainAfterItsCallerIsInterrupted: a key refused with a 429 as an item of its
// batch waits for its re-send; when its caller is interrupted during that wait, it is not sent
// again, since a key made then could reach nobody once the caller's grace period has run out. The
// other key of the batch is sent again and made.
func TestAPIKeyNotSentAgainAfterItsCallerIsInterrupted(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	made := map[string]bool{}
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in []client.APIKeyCreate
		_ = json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		requests++
		first := requests == 1
		items := make([]string, len(in))
		for i, k := range in {
			if first {
				items[i] = `{"status":429,"headers":[{"name":"Retry-After","value":"1"}],"body":{"error":{"code":"TooManyRequests","message":"full"}}}`
				continue
			}
			made[k.Name] = true
			items[i] = fmt.Sprintf(`{"status":201,"body":{"id":"id-%s","value":"v-%s"}}`, k.Name, k.Name)
		}
		mu.Unlock()
		if !first {
			time.Sleep(time.Second) // the answer comes after the interrupted caller's grace period
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMultiStatus)
		_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: "plain-provider-key", RequestsPerMinute: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	client.GatherCreates(c, 2) // A and B in one request
	client.SetWriteGrace(c, 1500*time.Millisecond)
	interrupted, interrupt := context.WithCancel(context.Background())
	var errA, errB error
	var keyA, keyB *client.CreatedAPIKey
	var wg sync.WaitGroup
	wg.Go(func() { keyA, errA = c.CreateAPIKey(interrupted, client.APIKeyCreate{Name: "A", Role: "SIEM"}) })
	wg.Go(func() {
		keyB, errB = c.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "B", Role: "SIEM"})
	})
	time.Sleep(300 * time.Millisecond)
	interrupt()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if made["A"] {
		t.Errorf("A was sent again after its caller's interrupt and made; its caller got %v, %v", keyA, errA)
	}
	if errA == nil {
		t.Error("A's caller got no error, want its refusal")
	}
	if keyB == nil || errB != nil || !made["B"] {
		t.Errorf("B: got %v, %v (made %t), want it made", keyB, errB, made["B"])
	}
}

// TestCreatedAPIKeyIDOfAnotherType: the id of a key just made, in a JSON type the docs do not show
// (a number) and with no Location to fall back on, is read as the text it spells: the key is the
// caller's, with its value, and is not taken for a key in doubt, which would be deleted and made
// again.
func TestCreatedAPIKeyIDOfAnotherType(t *testing.T) {
	t.Parallel()
	var creates atomic.Int32
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != createKeysPath {
			writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"not served"}}`)
			return
		}
		creates.Add(1)
		writeJSON(w, http.StatusMultiStatus, `[{"status":201,"body":{"id":12345,"value":"made-once"}}]`)
	})
	key, err := c.CreateAPIKey(context.Background(), client.APIKeyCreate{Name: "numbered", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	if key.ID != "12345" || key.Value != "made-once" || len(key.Unreadable) != 0 {
		t.Errorf("created key: id %q, value %q, unreadable %v; want id 12345, its value, nothing unreadable",
			key.ID, key.Value, key.Unreadable)
	}
	if n := creates.Load(); n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}
}
