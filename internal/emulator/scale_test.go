package emulator

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestScaleAndConcurrency fills the tenant with 5,000 objects of each type from concurrent
// clients, then pages through every list with a filter: the emulator must stay consistent (no
// lost or doubled object, no page overlap) under parallel writes, far beyond a typical tenant.
func TestScaleAndConcurrency(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fills 15,000 objects")
	}
	const n, workers = 5000, 8
	ts := newTestServer(t, Options{})
	ts.createRole("Shared", []string{permAPIKeysView}, true, true)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				ts.createRole(fmt.Sprintf("role-%05d", i), nil, false, false)
				ts.invite(fmt.Sprintf("user-%05d@example.com", i), "Shared", "local")
			}
			for i := w * 100; i < n; i += workers * 100 {
				batch := make([]map[string]any, 0, 100)
				for j := i; j < i+100 && j < n; j++ {
					batch = append(batch, map[string]any{"name": fmt.Sprintf("key-%05d", j), "role": "Shared"})
				}
				for _, it := range ts.createKeys(batch...) {
					if it.Status != http.StatusCreated {
						t.Errorf("batch item %+v", it)
					}
				}
			}
		})
	}
	wg.Wait()
	st := ts.Stats()
	if st.Objects["roles"] != n+1 || st.Objects["accounts"] != n || st.Objects["apiKeys"] != n {
		t.Fatalf("objects %v", st.Objects)
	}

	ids, pages := collect(t, ts, "/v3.0/iam/accounts?top=200", "status eq 'invited' and not email eq 'user-00000@example.com'", func(a accountView) string { return a.ID })
	if len(ids) != n-1 || pages != 25 || hasDuplicates(ids) {
		t.Errorf("accounts: %d ids on %d pages", len(ids), pages)
	}
	ids, pages = collect(t, ts, "/v3.0/iam/apiKeys?top=200", "role eq 'Shared'", func(k apiKeyView) string { return k.ID })
	if len(ids) != n || pages != 25 || hasDuplicates(ids) {
		t.Errorf("API keys: %d ids on %d pages", len(ids), pages)
	}
	ids, pages = collect(t, ts, "/v3.0/iam/roles?top=200", "", func(r roleView) string { return r.ID })
	if len(ids) != n+9 || pages != 26 || hasDuplicates(ids) {
		t.Errorf("roles: %d ids on %d pages", len(ids), pages)
	}
}

func hasDuplicates(ids []string) bool {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return true
		}
		seen[id] = true
	}
	return false
}

// BenchmarkListAPIKeysFiltered measures one filtered page over 5,000 keys.
func BenchmarkListAPIKeysFiltered(b *testing.B) {
	srv, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv.mu.Lock()
	r := srv.st.roleNamed("SIEM")
	for i := range 5000 {
		srv.st.putAPIKey(&apiKey{ID: newID(), Name: fmt.Sprintf("key-%05d", i), RoleID: r.ID, Status: statusEnabled, TokenHash: fmt.Sprint(i)})
	}
	srv.mu.Unlock()
	rec := &discardWriter{header: http.Header{}}
	hr, _ := http.NewRequest("GET", "http://emulator/v3.0/iam/apiKeys?top=200", nil)
	hr.Header.Set("Authorization", "Bearer "+srv.AdminKey())
	hr.Header.Set("TMV1-Filter", "status eq 'enabled' and not (name eq 'key-00001')")
	b.ResetTimer()
	for b.Loop() {
		srv.ServeHTTP(rec, hr)
	}
}

type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
