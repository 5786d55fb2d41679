package emulator

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStateFileSurvivesRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := Options{StateFile: path, AdminKey: "admin", Clock: fixedClock(base)}

	first := newTestServer(t, opts)
	roleID := first.createRole("Robots", []string{permAPIKeysView}, true, true)
	keyID, value := first.createKey(map[string]any{"name": "k", "role": "Robots", "monthsToExpiration": 1})
	accountID, _ := first.AcceptInvitation(first.invite("a@example.com", "Robots", "local"))
	first.AdvanceClock(time.Hour)
	etag := first.expect(req{method: "GET", path: "/v3.0/iam/roles/" + roleID}, http.StatusOK).header.Get("ETag")

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), value) {
		t.Fatal("the state file holds an API key's secret")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	second := newTestServer(t, opts)
	if got := second.expect(req{method: "GET", path: "/v3.0/iam/roles/" + roleID}, http.StatusOK).header.Get("ETag"); got != etag {
		t.Errorf("ETag changed across restart: %q → %q", etag, got)
	}
	var a accountView
	second.expect(req{method: "GET", path: "/v3.0/iam/accounts/" + accountID}, http.StatusOK).json(t, &a)
	if a.Role != "Robots" || a.Status != "enabled" {
		t.Errorf("account after restart %+v", a)
	}
	// The key still authenticates, and the clock offset was kept.
	second.expect(req{method: "GET", path: "/v3.0/iam/apiKeys/" + keyID, key: value}, http.StatusOK)
	if !second.Now().Equal(base.Add(time.Hour)) {
		t.Errorf("clock after restart %v", second.Now())
	}
	// New objects do not reuse versions: a new role's ETag differs from every old one.
	second.createRole("Other", nil, false, false)
	if st := second.Stats(); st.Objects["roles"] != 2 || st.Objects["apiKeys"] != 1 || st.Objects["accounts"] != 1 {
		t.Errorf("objects after restart %v", st.Objects)
	}

	second.Reset()
	third := newTestServer(t, opts)
	if st := third.Stats(); st.Objects["roles"] != 0 || st.Objects["apiKeys"] != 0 {
		t.Errorf("reset was not persisted: %v", st.Objects)
	}
}

func TestStateFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StateFile: bad}); err == nil {
		t.Error("New accepted a corrupt state file")
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"version": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StateFile: old}); err == nil {
		t.Error("New accepted a state file of another version")
	}
	if _, err := New(Options{StateFile: filepath.Join(dir, "missing.json")}); err != nil {
		t.Errorf("a missing state file is a fresh start: %v", err)
	}
}
