package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// The read cache is judged by the requests it saves, counted by the emulator, never by time.

// requestsSince counts the requests of the given "METHOD /path/template" keys since before.
func requestsSince(srv *emulator.Server, before emulator.Stats, keys ...string) int {
	after := srv.Stats()
	n := 0
	for _, k := range keys {
		n += after.Requests[k] - before.Requests[k]
	}
	return n
}

const (
	getAccount   = "GET /v3.0/iam/accounts/{id}"
	listAccounts = "GET /v3.0/iam/accounts"
	getAPIKey    = "GET /v3.0/iam/apiKeys/{id}"
	listAPIKeys  = "GET /v3.0/iam/apiKeys"
	getRole      = "GET /v3.0/iam/roles/{id}"
	listRoles    = "GET /v3.0/iam/roles"
	patchAPIKey  = "PATCH /v3.0/iam/apiKeys/{id}"
)

// inParallel calls read for every id from ten goroutines, as Terraform refreshes resources.
func inParallel(t *testing.T, ids []string, read func(id string) error) {
	t.Helper()
	work := make(chan string)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for id := range work {
				if err := read(id); err != nil {
					t.Errorf("reading %s: %v", id, err)
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
}

// sharedRole creates a custom role that accounts and API keys may hold.
func sharedRole(t *testing.T, e *emulated) string {
	t.Helper()
	role, err := e.api.CreateRole(context.Background(), client.RoleCreate{Name: "Shared", Description: "cache tests",
		AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
	if err != nil {
		t.Fatalf("creating the role: %v", err)
	}
	return role.Name
}

// createAPIKeys creates n keys through the batch endpoint, 100 a request, and returns their ids.
func createAPIKeys(t *testing.T, e *emulated, role string, n int) []string {
	t.Helper()
	var ids []string
	for start := 0; start < n; start += 100 {
		var batch []map[string]string
		for i := start; i < min(start+100, n); i++ {
			batch = append(batch, map[string]string{"name": fmt.Sprintf("key-%05d", i), "role": role})
		}
		body, _ := json.Marshal(batch)
		req, _ := http.NewRequest(http.MethodPost, e.url+"/v3.0/iam/apiKeys", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.srv.AdminKey())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("creating keys: %v", err)
		}
		var items []struct {
			Status int `json:"status"`
			Body   struct {
				ID string `json:"id"`
			} `json:"body"`
		}
		err = json.NewDecoder(resp.Body).Decode(&items)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatalf("decoding the batch answer: %v", err)
		}
		for _, it := range items {
			if it.Status != http.StatusCreated || it.Body.ID == "" {
				t.Fatalf("batch item %+v", it)
			}
			ids = append(ids, it.Body.ID)
		}
	}
	return ids
}

func inviteAccounts(t *testing.T, e *emulated, role string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		a, err := e.api.InviteAccount(context.Background(), client.AccountInvite{
			Email: fmt.Sprintf("user-%03d@example.com", i), Role: role, AuthType: client.AuthTypeLocal})
		if err != nil {
			t.Fatalf("inviting: %v", err)
		}
		ids[i] = a.ID
	}
	return ids
}

// A refresh of 150 accounts in one process costs two single GETs and one page of the listing,
// not 150 GETs, and every account read is the one the API holds.
func TestReadCacheRefreshOfManyAccounts(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ids := inviteAccounts(t, e, "Auditor", 150)
	want := map[string]client.Account{}
	for _, id := range ids {
		a, err := e.api.GetAccount(context.Background(), id, "")
		if err != nil {
			t.Fatal(err)
		}
		want[id] = *a
	}

	c := e.clientWithKey(t, e.srv.AdminKey()) // a new provider process
	before := e.srv.Stats()
	inParallel(t, ids, func(id string) error {
		got, err := c.RefreshAccount(context.Background(), id, "")
		if err != nil {
			return err
		}
		w := want[id]
		if got.ID != w.ID || got.Email != w.Email || got.Role != w.Role || got.Status != w.Status || got.Version == "" {
			return fmt.Errorf("got %+v, want %+v", got, w)
		}
		return nil
	})
	if n := requestsSince(e.srv, before, getAccount, listAccounts); n > 3 {
		t.Errorf("refreshing 150 accounts cost %d requests, want at most 3", n)
	}
}

// A refresh of 500 API keys costs at most ceil(500/100) = 5 requests of the type.
func TestReadCacheRefreshOf500APIKeys(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ids := createAPIKeys(t, e, sharedRole(t, e), 500)
	c := e.clientWithKey(t, e.srv.AdminKey())
	before := e.srv.Stats()
	inParallel(t, ids, func(id string) error {
		k, err := c.RefreshAPIKey(context.Background(), id)
		if err == nil && k.ID != id {
			err = fmt.Errorf("got key %s", k.ID)
		}
		return err
	})
	if n := requestsSince(e.srv, before, getAPIKey, listAPIKeys); n > 5 {
		t.Errorf("refreshing 500 API keys cost %d requests, want at most 5", n)
	}
}

// A configuration of three keys in a tenant of 5,000 reads them one by one: the listing (25
// pages) is never read in full for so few.
func TestReadCacheFewObjectsInALargeTenant(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	ids := createAPIKeys(t, e, sharedRole(t, e), 5000)
	mine := []string{ids[0], ids[2500], ids[4999]}
	c := e.clientWithKey(t, e.srv.AdminKey())
	before := e.srv.Stats()
	inParallel(t, mine, func(id string) error {
		_, err := c.RefreshAPIKey(context.Background(), id)
		return err
	})
	// Two single GETs, then (for the third read) the first page, which tells that the rest is not
	// worth reading, and a GET when the third key is not on it.
	if n := requestsSince(e.srv, before, getAPIKey, listAPIKeys); n > 4 {
		t.Errorf("refreshing 3 of 5,000 API keys cost %d requests, want at most 4", n)
	}
}

// With many reads in a tenant whose listing first looked too long to read, the rest of the listing
// is read once the reads seen outnumber its remaining pages, and serves every later read.
func TestReadCacheReadsTheRestOnceWorthIt(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, nil)
	// 5 pages, the first holding the newest 200. Two GETs; at the third read the first page (4 more
	// pages are more than 3 reads) and a GET; at the fourth the 4 remaining pages; then nothing.
	if n := refreshOldestKeys(t, e, 1000, 100); n > 8 {
		t.Errorf("reading 100 of 1,000 API keys cost %d requests, want at most 8", n)
	}
}

// A tenant whose later pages hold 50 keys, whatever the first request's top (its nextLink carries
// the skipToken alone): the cost of the rest of the listing is judged by the pages it actually
// serves. Six reads of old keys among 1,000 take two GETs, then the first page (200 keys: 4 more
// pages of 200 would be more than 3 reads) and a GET, at the fourth read the second page (4 pages
// of 200 looked worth 4 reads), which shows that 15 pages of 50 remain, and a GET, then GETs: 8
// requests, not the 16 remaining pages that pages of 200 would promise are 4.
func TestReadCacheJudgesTheRestByThePagesServed(t *testing.T) {
	t.Parallel()
	e := startEmulatorWith(t, emulator.Options{NextPagesDefaultTop: true}, nil)
	if n := refreshOldestKeys(t, e, 1000, 6); n > 8 {
		t.Errorf("reading 6 of 1,000 API keys, in later pages of 50, cost %d requests, want at most 8", n)
	}
}

// refreshOldestKeys creates n keys, refreshes the oldest reads of them one after the other (they
// are on the last pages of the listing), and returns the requests of the type this cost.
func refreshOldestKeys(t *testing.T, e *emulated, n, reads int) int {
	t.Helper()
	ids := createAPIKeys(t, e, sharedRole(t, e), n)
	c := e.clientWithKey(t, e.srv.AdminKey())
	before := e.srv.Stats()
	for _, id := range ids[:reads] {
		k, err := c.RefreshAPIKey(context.Background(), id)
		if err != nil || k.ID != id {
			t.Fatalf("reading %s: %+v, %v", id, k, err)
		}
	}
	return requestsSince(e.srv, before, getAPIKey, listAPIKeys)
}

// When the listing cannot be read, reads fall back to single GETs, and the listing is not asked
// for again on every read.
func TestReadCacheFallsBackWhenTheListingFails(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	listings := 0
	e := startEmulator(t, func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/v3.0/iam/apiKeys" {
				mu.Lock()
				listings++
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"error":{"code":"AccessDenied","message":"no listing for you"}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	ids := createAPIKeys(t, e, sharedRole(t, e), 20)
	c := e.clientWithKey(t, e.srv.AdminKey())
	for _, id := range ids {
		if k, err := c.RefreshAPIKey(context.Background(), id); err != nil || k.ID != id {
			t.Fatalf("reading %s: %+v, %v", id, k, err)
		}
	}
	if listings != 1 {
		t.Errorf("the failing listing was asked for %d times, want once", listings)
	}
}

// Objects changed or deleted outside Terraform are seen by a refresh served from the listing, and
// a write by the process itself drops the listing, so its next read is not stale.
func TestReadCacheSeesDrift(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, nil)
	ids := createAPIKeys(t, e, sharedRole(t, e), 20)
	changed, deleted := ids[3], ids[7]
	if err := e.api.UpdateAPIKey(ctx, changed, "", client.APIKeyPatch{Description: ptr("changed in the console")}); err != nil {
		t.Fatal(err)
	}
	if err := e.api.DeleteAPIKeys(ctx, deleted); err != nil {
		t.Fatal(err)
	}

	c := e.clientWithKey(t, e.srv.AdminKey())
	before := e.srv.Stats()
	var mu sync.Mutex
	got := map[string]*client.APIKey{}
	inParallel(t, ids, func(id string) error {
		k, err := c.RefreshAPIKey(ctx, id)
		if id == deleted {
			if !client.IsNotFound(err) {
				return fmt.Errorf("the deleted key: want a 404, got %v", err)
			}
			return nil
		}
		mu.Lock()
		got[id] = k
		mu.Unlock()
		return err
	})
	if d := got[changed].Description; d != "changed in the console" {
		t.Errorf("the changed key reads description %q", d)
	}
	// Two GETs, one page, and the GET that answers 404 for the deleted key.
	if n := requestsSince(e.srv, before, getAPIKey, listAPIKeys); n > 4 {
		t.Errorf("refreshing 20 API keys cost %d requests, want at most 4", n)
	}

	// The process's own write drops the listing: the next read sees it.
	k := got[ids[10]]
	if !strings.HasPrefix(k.Version, "visionone-fingerprint:") {
		t.Fatalf("key %s was not served from the listing (version %q)", k.ID, k.Version)
	}
	if err := c.UpdateAPIKey(ctx, k.ID, k.Version, client.APIKeyPatch{Description: ptr("by terraform")}); err != nil {
		t.Fatalf("updating: %v", err)
	}
	again, err := c.RefreshAPIKey(ctx, k.ID)
	if err != nil || again.Description != "by terraform" {
		t.Errorf("after its own update the process reads %+v, %v", again, err)
	}
}

// An object read from the listing carries a fingerprint, not an ETag. An update checks it against
// a fresh GET: a change made in between is refused with a 412 and nothing is written; an object
// that has not changed is patched with the ETag of that GET (one GET and one PATCH).
func TestReadCacheDetectsConcurrentChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, nil)
	ids := createAPIKeys(t, e, sharedRole(t, e), 10)
	c := e.clientWithKey(t, e.srv.AdminKey())
	read := map[string]*client.APIKey{}
	for _, id := range ids {
		k, err := c.RefreshAPIKey(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		read[id] = k
	}
	a, b := read[ids[5]], read[ids[6]]
	for _, k := range []*client.APIKey{a, b} {
		if !strings.HasPrefix(k.Version, "visionone-fingerprint:") {
			t.Fatalf("key %s was not served from the listing (version %q)", k.ID, k.Version)
		}
	}

	if err := e.api.UpdateAPIKey(ctx, a.ID, "", client.APIKeyPatch{Status: ptr(client.StatusDisabled)}); err != nil {
		t.Fatal(err)
	}
	before := e.srv.Stats()
	err := c.UpdateAPIKey(ctx, a.ID, a.Version, client.APIKeyPatch{Description: ptr("from the plan")})
	if !client.IsPreconditionFailed(err) {
		t.Fatalf("updating a key changed since it was read: want a 412, got %v", err)
	}
	if n := requestsSince(e.srv, before, patchAPIKey); n != 0 {
		t.Errorf("the refused update sent %d PATCH requests", n)
	}
	if now, _ := e.api.GetAPIKey(ctx, a.ID); now.Description != "" || now.Status != client.StatusDisabled {
		t.Errorf("the console's change was overwritten: %+v", now)
	}

	before = e.srv.Stats()
	if err := c.UpdateAPIKey(ctx, b.ID, b.Version, client.APIKeyPatch{Description: ptr("from the plan")}); err != nil {
		t.Fatalf("updating an unchanged key: %v", err)
	}
	if g, p := requestsSince(e.srv, before, getAPIKey), requestsSince(e.srv, before, patchAPIKey); g != 1 || p != 1 {
		t.Errorf("updating a key read from the listing cost %d GET and %d PATCH, want 1 and 1", g, p)
	}
}

// Plan-time role checks of many accounts and keys share one listing of the roles, and a role
// created by the process is found at once.
func TestReadCacheRefreshRoleByName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, nil)
	c := e.clientWithKey(t, e.srv.AdminKey())
	before := e.srv.Stats()
	for range 100 {
		r, err := c.RefreshRoleByName(ctx, "Auditor")
		if err != nil || r.Name != "Auditor" || r.PermissionKeys == nil {
			t.Fatalf("RefreshRoleByName: %+v, %v", r, err)
		}
	}
	if n := requestsSince(e.srv, before, listRoles, getRole); n > 3 {
		t.Errorf("100 lookups cost %d requests, want at most 3", n)
	}
	if _, err := c.RefreshRoleByName(ctx, "Made Here"); !client.IsNotFound(err) {
		t.Fatalf("a missing role: want a 404, got %v", err)
	}
	// Accounts and keys must name their role exactly (API.md, "Filters"): another case is not it,
	// whether the listing or the API answers.
	fresh := e.clientWithKey(t, e.srv.AdminKey())
	for _, c := range []*client.Client{c, fresh} {
		if r, err := c.RefreshRoleByName(ctx, "auditor"); !client.IsNotFound(err) {
			t.Errorf("a role name in another case: want a 404, got %+v, %v", r, err)
		}
	}
	if _, err := c.CreateRole(ctx, client.RoleCreate{Name: "Made Here"}); err != nil {
		t.Fatal(err)
	}
	if r, err := c.RefreshRoleByName(ctx, "Made Here"); err != nil || r.Name != "Made Here" {
		t.Errorf("the role just created: %+v, %v", r, err)
	}
}

func ptr[T any](v T) *T { return &v }

// Imports by name or email of many keys and accounts in one process share the listings, as
// refreshes do: names and emails compare case-insensitively, and a name the listing lacks is still
// looked up.
func TestReadCacheFindsByNameAndEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startEmulator(t, nil)
	role := sharedRole(t, e)
	createAPIKeys(t, e, role, 200)
	inviteAccounts(t, e, role, 150)
	c := e.clientWithKey(t, e.srv.AdminKey())

	names := make([]string, 200)
	for i := range names {
		names[i] = fmt.Sprintf("KEY-%05d", i)
	}
	before := e.srv.Stats()
	inParallel(t, names, func(name string) error {
		k, err := c.RefreshAPIKeyByName(ctx, name)
		if err == nil && !strings.EqualFold(k.Name, name) {
			err = fmt.Errorf("got key %q", k.Name)
		}
		return err
	})
	// Two lookups of their own (a filtered listing, then the whole one, as the filter compares
	// case-sensitively), then the listing: one page.
	n := requestsSince(e.srv, before, getAPIKey, listAPIKeys)
	t.Logf("finding 200 API keys by name: %d requests", n)
	if n > 5 {
		t.Errorf("finding 200 API keys by name cost %d requests, want at most 5", n)
	}

	emails := make([]string, 150)
	for i := range emails {
		emails[i] = fmt.Sprintf("USER-%03d@EXAMPLE.COM", i)
	}
	before = e.srv.Stats()
	inParallel(t, emails, func(email string) error {
		a, err := c.RefreshAccountByEmail(ctx, email)
		if err == nil && !strings.EqualFold(a.Email, email) {
			err = fmt.Errorf("got account %+v", a)
		}
		return err
	})
	n = requestsSince(e.srv, before, getAccount, listAccounts)
	t.Logf("finding 150 accounts by email: %d requests", n)
	if n > 3 {
		t.Errorf("finding 150 accounts by email cost %d requests, want at most 3", n)
	}

	if _, err := c.RefreshAPIKeyByName(ctx, "no such key"); !client.IsNotFound(err) {
		t.Errorf("a missing key: want a 404, got %v", err)
	}
	if _, err := c.RefreshAccountByEmail(ctx, "nobody@example.com"); !client.IsNotFound(err) {
		t.Errorf("a missing account: want a 404, got %v", err)
	}
}
