package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// An object read without an ETag carries a fingerprint of the fields an update could overwrite;
// these tests hold the update to that, for every type.

var (
	listingPath = regexp.MustCompile(`^/v3\.0/iam/(roles|accounts|apiKeys)$`)
	stampedDate = regexp.MustCompile(`"(createdDateTime|lastModifiedDateTime|lastUsedDateTime|lastUpdatedDateTime)"\s*:\s*("[^"]*"|null)`)
	accountName = regexp.MustCompile(`"name"\s*:\s*"[^"]*"`)
)

// listingDiffers passes the emulator's listings on with every date the API stamps set to another
// instant, spelled with a fraction, and (for accounts, whose name no update writes) another name:
// list items that differ from single reads in nothing an update could overwrite.
func listingDiffers(_ *emulator.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !listingPath.MatchString(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := stampedDate.ReplaceAll(rec.Body.Bytes(), []byte(`"$1":"2020-01-01T00:00:00.000Z"`))
		if strings.HasSuffix(r.URL.Path, "/accounts") {
			body = accountName.ReplaceAll(body, []byte(`"name":"Listed Name"`))
		}
		copyAnswer(w, rec, body)
	})
}

// withoutETags passes the emulator's answers on without their ETag header.
func withoutETags(_ *emulator.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		rec.Header().Del("ETag")
		copyAnswer(w, rec, rec.Body.Bytes())
	})
}

func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, vals := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = vals
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// fingerprintedObjects creates n custom roles, n active accounts and n API keys, and returns
// their ids by type.
func fingerprintedObjects(t *testing.T, e *emulated, n int) (roles, accounts, keys []string) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		r, err := e.api.CreateRole(ctx, client.RoleCreate{Name: fmt.Sprintf("Role %d", i), Description: "d",
			PermissionKeys: []string{"platform.apiKeys.view"}, AllowAPIKeyAssignment: true, AllowUserAccountAssignment: true})
		if err != nil {
			t.Fatal(err)
		}
		roles = append(roles, r.ID)
	}
	for _, invited := range inviteAccounts(t, e, "Auditor", n) {
		id, err := e.srv.AcceptInvitation(invited)
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, id)
	}
	return roles, accounts, createAPIKeys(t, e, sharedRole(t, e), n)
}

// updater reads an object for a refresh and updates its description with the version read.
type updater struct {
	kind    string
	ids     []string
	refresh func(ctx context.Context, id string) (version string, err error)
	console func(ctx context.Context, id string) error // a change of a managed field, made elsewhere
	update  func(ctx context.Context, id, version string) error
}

func updaters(e *emulated, c *client.Client) []updater {
	description := ptr("from the plan")
	console := ptr("from the console")
	return []updater{
		{
			kind: "role",
			refresh: func(ctx context.Context, id string) (string, error) {
				r, err := c.RefreshRole(ctx, id)
				if err != nil {
					return "", err
				}
				return r.Version, nil
			},
			console: func(ctx context.Context, id string) error {
				return e.api.UpdateRole(ctx, id, "", client.RolePatch{Description: console})
			},
			update: func(ctx context.Context, id, version string) error {
				return c.UpdateRole(ctx, id, version, client.RolePatch{Description: description})
			},
		},
		{
			kind: "account",
			refresh: func(ctx context.Context, id string) (string, error) {
				a, err := c.RefreshAccount(ctx, id, "")
				if err != nil {
					return "", err
				}
				return a.Version, nil
			},
			console: func(ctx context.Context, id string) error {
				return e.api.UpdateAccount(ctx, id, "", client.AccountPatch{Status: ptr(client.StatusDisabled)})
			},
			update: func(ctx context.Context, id, version string) error {
				return c.UpdateAccount(ctx, id, version, client.AccountPatch{Description: description})
			},
		},
		{
			kind: "API key",
			refresh: func(ctx context.Context, id string) (string, error) {
				k, err := c.RefreshAPIKey(ctx, id)
				if err != nil {
					return "", err
				}
				return k.Version, nil
			},
			console: func(ctx context.Context, id string) error {
				return e.api.UpdateAPIKey(ctx, id, "", client.APIKeyPatch{Role: ptr("Auditor")})
			},
			update: func(ctx context.Context, id, version string) error {
				return c.UpdateAPIKey(ctx, id, version, client.APIKeyPatch{Description: description})
			},
		},
	}
}

// checkUpdates refreshes every object, has the last one of each type changed in a managed field
// elsewhere, then updates them all with the versions read: the changed one must be refused with
// a 412 and not written, every other one must be written.
func checkUpdates(t *testing.T, e *emulated, c *client.Client, wantFingerprints int) {
	t.Helper()
	ctx := context.Background()
	roles, accounts, keys := fingerprintedObjects(t, e, 5)
	for _, u := range updaters(e, c) {
		u.ids = map[string][]string{"role": roles, "account": accounts, "API key": keys}[u.kind]
		versions := map[string]string{}
		fingerprints := 0
		for _, id := range u.ids {
			v, err := u.refresh(ctx, id)
			if err != nil {
				t.Fatalf("refreshing %s %s: %v", u.kind, id, err)
			}
			versions[id] = v
			if strings.HasPrefix(v, "visionone-fingerprint:") {
				fingerprints++
			}
		}
		if fingerprints < wantFingerprints {
			t.Fatalf("%d of the %ss were read with a fingerprint, want at least %d: this test does not exercise it",
				fingerprints, u.kind, wantFingerprints)
		}
		changed := u.ids[len(u.ids)-1] // read from the listing, when one is read
		if err := u.console(ctx, changed); err != nil {
			t.Fatal(err)
		}
		before := e.srv.Stats()
		if err := u.update(ctx, changed, versions[changed]); !client.IsPreconditionFailed(err) {
			t.Errorf("updating a %s changed since it was read: want a 412, got %v", u.kind, err)
		}
		if w := e.srv.Stats().Writes() - before.Writes(); w != 0 {
			t.Errorf("the refused update of a %s wrote %d times", u.kind, w)
		}
		for _, id := range u.ids[:len(u.ids)-1] {
			if err := u.update(ctx, id, versions[id]); err != nil {
				t.Errorf("updating an unchanged %s (version %q): %v", u.kind, versions[id], err)
			}
		}
	}
}

// List items and single reads may differ in what the API stamps (creation, last change and last
// use dates, here another instant in another spelling) and in fields no update writes (an
// account's name) without the object having changed: an object refreshed from the listing is
// updated all the same, and a change of a managed field since the read is still refused.
func TestFingerprintCoversOnlyWhatAnUpdateOverwrites(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, listingDiffers)
	checkUpdates(t, e, e.clientWithKey(t, e.srv.AdminKey()), 3)
}

// A single GET without an ETag gives the object its fingerprint as version, so an update still
// refuses to overwrite a change made since the read, and writes an unchanged object (without
// If-Match, the API having given nothing to match).
func TestReadWithoutETagStillDetectsChange(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, withoutETags)
	checkUpdates(t, e, e.clientWithKey(t, e.srv.AdminKey()), 5)
}
