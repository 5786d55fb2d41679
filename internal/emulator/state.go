package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// stateVersion is bumped when the state file's shape changes incompatibly.
const stateVersion = 1

// stateFile is what Options.StateFile holds: the tenant's custom objects and the clock offset.
// Predefined roles come from the catalog at every start; API keys are stored by the hash of their
// secret only.
type stateFile struct {
	Version     int        `json:"version"`
	Sequence    uint64     `json:"sequence"`
	ClockOffset string     `json:"clockOffset"`
	Roles       []*role    `json:"roles"`
	Accounts    []*account `json:"accounts"`
	APIKeys     []*apiKey  `json:"apiKeys"`
}

func (s *Server) loadState() error {
	data, err := os.ReadFile(s.opts.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var sf stateFile
	if err := json.Unmarshal(data, &sf); err != nil {
		return fmt.Errorf("%s: %w", s.opts.StateFile, err)
	}
	if sf.Version != stateVersion {
		return fmt.Errorf("%s: state version %d, this emulator reads %d", s.opts.StateFile, sf.Version, stateVersion)
	}
	if sf.ClockOffset != "" {
		d, err := time.ParseDuration(sf.ClockOffset)
		if err != nil {
			return fmt.Errorf("%s: clockOffset: %w", s.opts.StateFile, err)
		}
		s.offset = d
	}
	st := newStore(s.cat)
	st.seq = max(st.seq, sf.Sequence)
	for _, r := range sf.Roles {
		if r.Type != roleTypeCustom || r.ID == "" || st.roleNamed(r.Name) != nil {
			return fmt.Errorf("%s: invalid or duplicate custom role %q", s.opts.StateFile, r.Name)
		}
		st.putRole(r)
	}
	for _, a := range sf.Accounts {
		if _, ok := st.roles[a.RoleID]; !ok || a.ID == "" {
			return fmt.Errorf("%s: account %q has an unknown role", s.opts.StateFile, a.Email)
		}
		st.putAccount(a)
	}
	for _, k := range sf.APIKeys {
		if _, ok := st.roles[k.RoleID]; !ok || k.ID == "" || k.TokenHash == "" {
			return fmt.Errorf("%s: API key %q is incomplete", s.opts.StateFile, k.Name)
		}
		st.putAPIKey(k)
	}
	s.st = st
	return nil
}

// saveStateLocked rewrites the state file atomically (a temporary file renamed over the old one),
// so a crash never leaves half a file. A failure is logged, not returned: the request that caused
// it has already been applied in memory.
func (s *Server) saveStateLocked() {
	if s.opts.StateFile == "" {
		return
	}
	if err := s.writeStateLocked(); err != nil && s.opts.Logger != nil {
		s.logMu.Lock()
		defer s.logMu.Unlock()
		_, _ = fmt.Fprintf(s.opts.Logger, "emulator: saving state file: %v\n", err)
	}
}

func (s *Server) writeStateLocked() error {
	sf := stateFile{Version: stateVersion, Sequence: s.st.seq, ClockOffset: s.offset.String()}
	for _, r := range s.st.roles {
		if r.Type == roleTypeCustom {
			sf.Roles = append(sf.Roles, r)
		}
	}
	for _, a := range s.st.accounts {
		sf.Accounts = append(sf.Accounts, a)
	}
	for _, k := range s.st.apiKeys {
		sf.APIKeys = append(sf.APIKeys, k)
	}
	slices.SortFunc(sf.Roles, func(a, b *role) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(sf.Accounts, func(a, b *account) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(sf.APIKeys, func(a, b *apiKey) int { return strings.Compare(a.ID, b.ID) })
	data, err := json.MarshalIndent(sf, "", "  ")
	if err != nil {
		return err
	}
	dir, base := filepath.Split(s.opts.StateFile)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, base+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.opts.StateFile)
}
