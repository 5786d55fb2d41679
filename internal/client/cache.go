package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// # The shared read cache
//
// A plan refreshes every resource of the state, and Terraform asks for them one by one, ten at a
// time. Answering each with its own GET costs one request per object on every plan, which a
// rate-limited API makes slow at a few hundred objects. Each Client therefore keeps, per object
// type, one listing of the tenant that the reads of a refresh or an import share, and so do the
// plan-time role checks: the Refresh* methods (RefreshRole, RefreshAccount, RefreshAPIKey,
// RefreshAccountByEmail, RefreshAPIKeyByName, RefreshRoleByName, RefreshRoleSummaryByName) read
// through it, the Get* and Find* methods never do:
//
//   - The first individualReads reads of a type go out as single GETs, so a configuration that
//     manages a handful of objects costs what it always did, however large the tenant. The
//     plan-time role checks (RefreshRoleSummaryByName) are the exception: they look up the role of
//     every account and key a plan creates or changes, mostly the same few roles, and a role alone
//     is found through a listing as well (findRole), so they read the listing from the first.
//   - After that, the next read fetches the first page of the type's listing (top=pageSize). Its
//     totalCount, and the size of the last page read, tell how many pages remain (the API may
//     serve the pages after the first at a size of its own); they are read only when they are no
//     more than the reads of that type seen so far, the best guess of how many are still to come
//     (the rental argument: never pay more than twice the cheaper of the two ways). Otherwise the
//     pages read so far serve what they hold, and the rest of the listing is read once enough
//     reads have come.
//   - Concurrent reads wait for a listing being fetched rather than start their own.
//   - An object the listing does not hold (deleted, or created since) is read with a single GET,
//     so a deletion outside Terraform is still reported as a 404, and an import still works.
//   - Every write method drops the listings it makes stale (a role write drops all three: accounts
//     and API keys name their role), before and after the write, so a listing that raced a write
//     is thrown away. A listing also expires after snapshotTTL, which bounds how stale a read can
//     be in a long-running process.
//
// List items carry no ETag (API.md, "ETag and If-Match"). An object served from a listing
// carries, in its Version field, a fingerprint of the fields an update could overwrite instead
// (fingerprintPrefix); so does an object whose single GET carried no ETag. The Update* methods
// recognise it: they GET the object, and when its fingerprint differs from the one the caller
// read, someone changed it in between and they return a 412 without writing; otherwise they PATCH
// with the ETag of that GET (without If-Match when it has none either). So an update costs one GET
// more when its object was read without an ETag, and a change made between a plan and its apply
// is still detected.

const (
	// individualReads is how many reads of one type are answered by single GETs before the listing
	// is consulted.
	individualReads = 2
	// snapshotTTL is how long a listing serves reads. A refresh of thousands of objects fits in it;
	// a process that lives longer reads the listing again.
	snapshotTTL = time.Minute
	// fingerprintPrefix marks a version token that is a fingerprint of an object read from a
	// listing, not an ETag the API gave. The API's ETags are opaque, but none has this form.
	fingerprintPrefix = "visionone-fingerprint:"
)

// readCache is the shared listing of one object type. Its zero value (and a nil one) is unusable
// and disabled: every lookup reports a miss.
type readCache[T any] struct {
	path string
	id   func(*T) string

	mu       sync.Mutex
	reads    int           // reads of this type in this process
	gen      uint64        // bumped by every write of the type
	snap     *snapshot[T]  // nil: none, or dropped
	inflight chan struct{} // closed when the listing being fetched is in
	failedAt time.Time     // when fetching the listing last failed
}

// snapshot is the part of a listing read so far.
type snapshot[T any] struct {
	items   map[string]T // by id
	next    string       // nextLink of the last page read; "" once every page is read
	total   int          // totalCount of the first page; -1 when the API did not say
	perPage int          // items on the last page read: the page size the API serves
	takenAt time.Time    // when its first page was read
}

func newReadCache[T any](path string, id func(*T) string) *readCache[T] {
	return &readCache[T]{path: path, id: id}
}

// invalidate drops the listing and voids any being fetched.
func (rc *readCache[T]) invalidate() {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.gen++
	rc.snap = nil
}

// byID returns the object with id from the listing, or false when the caller must GET it.
func (rc *readCache[T]) byID(ctx context.Context, c *Client, id string) (T, bool) {
	return rc.lookup(ctx, c, individualReads, func(s *snapshot[T]) (T, bool) {
		item, ok := s.items[id]
		return item, ok
	})
}

// find returns the first object of the listing for which match is true, or false when the caller
// must ask the API. The first alone reads of the type are left to the caller (see lookup).
func (rc *readCache[T]) find(ctx context.Context, c *Client, alone int, match func(*T) bool) (T, bool) {
	return rc.lookup(ctx, c, alone, func(s *snapshot[T]) (T, bool) {
		for _, item := range s.items {
			if match(&item) {
				return item, true
			}
		}
		var zero T
		return zero, false
	})
}

// lookup counts a read and answers it from the listing when the listing is worth reading and
// holds the object (see the package comment above for when that is): never while the reads of the
// type are no more than alone (individualReads, or 0 for a read that reads the listing from the
// first) and no listing is there.
func (rc *readCache[T]) lookup(ctx context.Context, c *Client, alone int, get func(*snapshot[T]) (T, bool)) (T, bool) {
	var zero T
	if rc == nil {
		return zero, false
	}
	rc.mu.Lock()
	rc.reads++
	reads := rc.reads
	for {
		s := rc.snap
		if s != nil && time.Since(s.takenAt) > snapshotTTL {
			s, rc.snap = nil, nil
		}
		// After a failed listing, reads go one by one for a while rather than try it again each.
		failedLately := !rc.failedAt.IsZero() && time.Since(rc.failedAt) < snapshotTTL
		switch {
		case s != nil:
			if item, ok := get(s); ok {
				rc.mu.Unlock()
				return item, true
			}
			if failedLately || !s.worthMore(reads) {
				rc.mu.Unlock()
				return zero, false
			}
		case reads <= alone, failedLately:
			rc.mu.Unlock()
			return zero, false
		}
		if rc.inflight != nil {
			wait := rc.inflight
			rc.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return zero, false // the caller's own request reports the cancellation
			}
			rc.mu.Lock()
			continue
		}

		done := make(chan struct{})
		rc.inflight = done
		gen := rc.gen
		rc.mu.Unlock()
		next, err := rc.fetch(ctx, c, s, reads)
		rc.mu.Lock()
		rc.inflight = nil
		close(done)
		if err != nil {
			rc.failedAt = time.Now()
			rc.mu.Unlock()
			tflog.SubsystemDebug(c.logContext(ctx), LogSubsystem, "Reading the listing failed; reading objects one by one",
				map[string]any{"path": rc.path, "error": err.Error()})
			return zero, false
		}
		if gen != rc.gen {
			// A write of this type happened meanwhile: the listing may predate it.
			rc.mu.Unlock()
			return zero, false
		}
		rc.snap = next
	}
}

// worthMore reports whether reading the rest of the listing costs no more requests than the reads
// of the type seen so far (the guess of how many single GETs it would save). The pages left are
// counted at the size of the last page read, not at the top the first request asked for: nextLink
// carries its skipToken alone (API.md, "Pagination"), and a tenant may serve the pages it leads to
// at its default size of 50.
func (s *snapshot[T]) worthMore(reads int) bool {
	if s.next == "" {
		return false
	}
	pages := 1 // totalCount unknown: at least one more
	if missing := s.total - len(s.items); s.total >= 0 && missing > 0 {
		perPage := max(s.perPage, 1)
		pages = (missing + perPage - 1) / perPage
	}
	return pages <= reads
}

// fetch reads pages of the listing, after those of from (nil: from the first page), for as long as
// the rest is worth reading. from is never modified: readers may hold it.
func (rc *readCache[T]) fetch(ctx context.Context, c *Client, from *snapshot[T], reads int) (*snapshot[T], error) {
	s := &snapshot[T]{items: map[string]T{}, total: -1, takenAt: time.Now()}
	req := request{method: http.MethodGet, path: rc.path, query: url.Values{"top": {pageSize}}}
	if from != nil {
		for id, item := range from.items {
			s.items[id] = item
		}
		s.total, s.perPage, s.takenAt = from.total, from.perPage, from.takenAt
		req.rawURL, req.query = from.next, nil
	}
	_, err := walkPages(ctx, c, req, func(p *page[T]) bool {
		items := p.Items.value
		for i := range items {
			s.items[rc.id(&items[i])] = items[i]
		}
		if s.total < 0 {
			s.total = totalCount(p.TotalCount)
		}
		s.next, s.perPage = p.NextLink, len(items)
		return s.worthMore(reads)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// readCaches holds the listing of each type, for one Client.
type readCaches struct {
	roles    *readCache[Role]
	accounts *readCache[Account]
	apiKeys  *readCache[APIKey]
}

func newReadCaches() readCaches {
	return readCaches{
		roles:    newReadCache(rolesPath, func(r *Role) string { return r.ID }),
		accounts: newReadCache(accountsPath, func(a *Account) string { return a.ID }),
		apiKeys:  newReadCache(apiKeysPath, func(k *APIKey) string { return k.ID }),
	}
}

// writing drops listings that a write is about to make stale, and returns what drops them again
// once the write has ended: before, so no read starts from a listing the write is changing; after,
// so a listing fetched while it was under way is not kept either. Each write method names the
// listings it changes.
func writing(stale ...interface{ invalidate() }) (done func()) {
	for _, listing := range stale {
		listing.invalidate()
	}
	return func() {
		for _, listing := range stale {
			listing.invalidate()
		}
	}
}

// RefreshRole reads one role for a refresh: like GetRole, but when many roles are read in this
// process it is served from the shared listing (see the read cache above), and its Version is then
// a fingerprint that UpdateRole checks against a fresh read.
func (c *Client) RefreshRole(ctx context.Context, id string) (*Role, error) {
	role, ok := c.caches.roles.byID(ctx, c, id)
	if !ok {
		return c.GetRole(ctx, id)
	}
	role.PermissionKeys = slices.Clone(role.PermissionKeys)
	if err := c.FillPermissionKeys(ctx, &role); err != nil {
		return nil, err
	}
	role.Version = role.fingerprint()
	return &role, nil
}

// RefreshAccount reads one account for a refresh (see RefreshRole), with its email when the caller
// knows it (see GetAccount).
func (c *Client) RefreshAccount(ctx context.Context, id, email string) (*Account, error) {
	account, ok := c.caches.accounts.byID(ctx, c, id)
	if !ok {
		return c.GetAccount(ctx, id, email)
	}
	account.Version = account.fingerprint()
	return &account, nil
}

// RefreshAPIKey reads one API key for a refresh (see RefreshRole).
func (c *Client) RefreshAPIKey(ctx context.Context, id string) (*APIKey, error) {
	key, ok := c.caches.apiKeys.byID(ctx, c, id)
	if !ok {
		return c.GetAPIKey(ctx, id)
	}
	key.Version = key.fingerprint()
	return &key, nil
}

// RefreshAPIKeyByName finds a key by name for an import or a refresh: like FindAPIKeyByName (and so
// without a Version), but when many keys are read in this process it is served from the shared
// listing (see RefreshRole).
func (c *Client) RefreshAPIKeyByName(ctx context.Context, name string) (*APIKey, error) {
	key, ok := c.caches.apiKeys.find(ctx, c, individualReads, func(k *APIKey) bool { return SameName(k.Name, name) })
	if !ok {
		return c.FindAPIKeyByName(ctx, name)
	}
	return &key, nil
}

// RefreshRoleByName finds the role with exactly this name for an import, a refresh or the
// visionone_user_role data source, or returns an error for which IsNotFound is true: like a lookup
// by name (findRole, and so without a Version), but when many roles are read in this process it is
// served from the shared listing (see RefreshRole); a name the listing lacks is looked up afresh.
func (c *Client) RefreshRoleByName(ctx context.Context, name string) (*Role, error) {
	role, err := c.refreshRoleAsListed(ctx, name, individualReads)
	if err != nil {
		return nil, err
	}
	if err := c.FillPermissionKeys(ctx, role); err != nil {
		return nil, err
	}
	return role, nil
}

// RefreshRoleSummaryByName finds the role with exactly this name as RefreshRoleByName does, without
// its permission keys: PermissionKeys is nil, as in ListRoleSummaries, and no
// /roles/{id}/permissions is read. It is for the plan-time role checks, which need a role's flags
// and type alone, and reads the shared listing from its first lookup (see the read cache above).
func (c *Client) RefreshRoleSummaryByName(ctx context.Context, name string) (*Role, error) {
	role, err := c.refreshRoleAsListed(ctx, name, 0)
	if err != nil {
		return nil, err
	}
	role.PermissionKeys = nil
	return role, nil
}

// refreshRoleAsListed finds the role with exactly this name, from the shared listing after its
// first alone reads (see lookup) or afresh, as the listing holds it: with its permission keys, or
// nil where the listing leaves them out.
func (c *Client) refreshRoleAsListed(ctx context.Context, name string, alone int) (*Role, error) {
	role, ok := c.caches.roles.find(ctx, c, alone, func(r *Role) bool { return SameSpelling(r.Name, name) })
	if !ok {
		return c.findRoleAsListed(ctx, name, false)
	}
	role.PermissionKeys = slices.Clone(role.PermissionKeys)
	return &role, nil
}

// RefreshAccountByEmail finds an account by email for an import or a refresh: like
// FindAccountByEmail (and so without a Version), but when many accounts are read in this process it
// is served from the shared listing (see RefreshRole).
func (c *Client) RefreshAccountByEmail(ctx context.Context, email string) (*Account, error) {
	account, ok := c.caches.accounts.find(ctx, c, individualReads, func(a *Account) bool { return SameName(a.Email, email) })
	if !ok {
		return c.FindAccountByEmail(ctx, email)
	}
	return &account, nil
}

// fingerprint hashes the fields of an object that an update could overwrite: what the provider
// manages and compares, as decoded values. It stands in for an ETag where the API gives none (a
// listing item, or a single GET without an ETag), so it must not change unless one of those fields
// does: dates the API stamps (creation, last change, last use) and fields no update writes are left
// out, as a listing and a single read may well differ in them without the object having changed
// (API.md, "ETag and If-Match").
func fingerprint(fields ...any) string {
	raw, err := json.Marshal(fields)
	if err != nil {
		return "" // never: the fields are strings, booleans and string slices
	}
	sum := sha256.Sum256(raw)
	return fingerprintPrefix + hex.EncodeToString(sum[:16])
}

func (r Role) fingerprint() string {
	keys := append([]string{}, r.PermissionKeys...)
	slices.Sort(keys)
	return fingerprint(r.Name, r.Description, keys, r.AllowAPIKeyAssignment, r.AllowUserAccountAssignment)
}

func (a Account) fingerprint() string { return fingerprint(a.Role, a.Status, a.Description) }

func (k APIKey) fingerprint() string { return fingerprint(k.Name, k.Role, k.Status, k.Description) }

// versionOf is the Version of an object read alone: its ETag, or its fingerprint when the answer
// carried none, so that an update still detects a change made since the read rather than
// overwriting it blindly.
func versionOf(etag string, fingerprint func() string) string {
	if etag != "" {
		return etag
	}
	return fingerprint()
}

// ifMatchFor turns the version a caller read (an ETag, a fingerprint, or "" for none) into the
// ETag to send with a PATCH. For a fingerprint or nothing it reads the object (read returns the
// Version and the fingerprint of that read); a fingerprint that no longer matches gives a 412, as
// the API gives for a stale ETag. When that read carried no ETag either, the PATCH goes without
// If-Match: the fingerprint check just made is the only one the API allows.
func ifMatchFor(ctx context.Context, version, p string, read func(context.Context) (version, fingerprint string, err error)) (string, error) {
	if version != "" && !strings.HasPrefix(version, fingerprintPrefix) {
		return version, nil
	}
	etag, current, err := read(ctx)
	if err != nil {
		return "", err
	}
	if version != "" && version != current {
		return "", &APIError{Method: http.MethodPatch, Path: p, StatusCode: http.StatusPreconditionFailed,
			Code: "ConditionNotMet", Message: "the object changed since it was read (checked by the client before " +
				"sending the update, as the answer it was read from carried no ETag); nothing was sent"}
	}
	if strings.HasPrefix(etag, fingerprintPrefix) {
		etag = ""
	}
	return etag, nil
}
