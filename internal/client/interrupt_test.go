package client_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// TestCreateSeenThroughInterrupt cancels the caller's context (Terraform's graceful stop on
// SIGINT) while a create is in flight: the API has made the object and its answer is on the way.
// The create must still return the object, so that the provider records it instead of leaving an
// orphan; and a create whose context has already ended must not be sent at all.
func TestCreateSeenThroughInterrupt(t *testing.T) {
	t.Parallel()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	// The object exists once the emulator has served the request; the user interrupts before the
	// answer arrives.
	e := startEmulator(t, interruptAfter(func(r *http.Request) bool { return r.Method == http.MethodPost }, interrupt))

	role, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "interrupted", Description: "in flight"})
	if err != nil {
		t.Fatalf("CreateRole interrupted in flight: %v", err)
	}
	if ctx.Err() == nil {
		t.Fatal("the context was not canceled during the create")
	}
	if role.ID == "" || role.Name != "interrupted" {
		t.Fatalf("CreateRole returned %+v", role)
	}
	if got := e.srv.Stats().Objects["roles"]; got != 1 {
		t.Fatalf("the emulator holds %d custom roles, want 1", got)
	}

	before := e.srv.Stats().Writes()
	if _, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "after the interrupt"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateRole after the interrupt: error %v, want context.Canceled", err)
	}
	if _, err := e.api.InviteAccount(ctx, client.AccountInvite{Email: "late@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal}); !errors.Is(err, context.Canceled) {
		t.Fatalf("InviteAccount after the interrupt: error %v, want context.Canceled", err)
	}
	if _, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "late", Role: "SIEM"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateAPIKey after the interrupt: error %v, want context.Canceled", err)
	}
	if n := e.srv.Stats().Writes() - before; n != 0 {
		t.Fatalf("%d writes were sent after the interrupt, want none", n)
	}
}

// TestCreateGivenUpAfterTheGracePeriod: a create whose answer has not come when the grace period
// after an interrupt ends is given up on, and its error says that it was sent, so that the user is
// told the object may exist (for an API key, with a secret no one holds: CreatesAPIKeys); a create
// stopped before it was sent says it was not.
func TestCreateGivenUpAfterTheGracePeriod(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	e := startEmulator(t, func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				<-release // the answer never comes while the test waits
			}
			next.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { close(release) })
	client.SetWriteGrace(e.api, 100*time.Millisecond)

	for name, create := range map[string]func(context.Context) error{
		"role": func(ctx context.Context) error {
			_, err := e.api.CreateRole(ctx, client.RoleCreate{Name: "given up", Description: "in flight"})
			return err
		},
		"API key": func(ctx context.Context) error {
			_, err := e.api.CreateAPIKey(ctx, client.APIKeyCreate{Name: "given up", Role: "SIEM"})
			return err
		},
	} {
		ctx, interrupt := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, interrupt)
		err := create(ctx)
		var reqErr *client.RequestError
		if !errors.As(err, &reqErr) || !reqErr.StoppedInFlight() || reqErr.Method != http.MethodPost {
			t.Errorf("%s create given up in flight: error %v, want a POST RequestError stopped in flight", name, err)
		}
		if got := client.CreatesAPIKeys(err); got != (name == "API key") {
			t.Errorf("%s create given up in flight: CreatesAPIKeys = %v", name, got)
		}
		if err := create(ctx); err != nil {
			if errors.As(err, &reqErr) && reqErr.StoppedInFlight() {
				t.Errorf("%s create after the interrupt: %v says it was sent; it was not", name, err)
			}
		} else {
			t.Errorf("%s create after the interrupt succeeded", name)
		}
	}
}

// TestWritesSeenThroughInterrupt cancels the caller's context while a delete or an update is in
// flight, the API having carried it out: the call must still learn so and succeed, so that the
// state does not keep a deleted object (reported as deleted outside Terraform on the next run) or
// an old value; and a write whose context has already ended must not be sent.
func TestWritesSeenThroughInterrupt(t *testing.T) {
	t.Parallel()
	// Each write is carried out; the user interrupts before its answer arrives.
	var interrupt atomic.Pointer[context.CancelFunc]
	e := startEmulator(t, interruptAfter(
		func(r *http.Request) bool { return r.Method != http.MethodGet && interrupt.Load() != nil },
		func() { (*interrupt.Load())() }))
	bg := context.Background()
	role, err := e.api.CreateRole(bg, client.RoleCreate{Name: "kept", Description: "before"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := e.api.CreateRole(bg, client.RoleCreate{Name: "deleted"})
	if err != nil {
		t.Fatal(err)
	}
	account, err := e.api.InviteAccount(bg, client.AccountInvite{Email: "gone@example.com", Role: "Auditor", AuthType: client.AuthTypeLocal})
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.api.CreateAPIKey(bg, client.APIKeyCreate{Name: "gone", Role: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	description := "after"
	for name, write := range map[string]func(context.Context) error{
		"role update": func(ctx context.Context) error {
			return e.api.UpdateRole(ctx, role.ID, "", client.RolePatch{Description: &description})
		},
		"role delete":    func(ctx context.Context) error { return e.api.DeleteRole(ctx, gone.ID) },
		"account delete": func(ctx context.Context) error { return e.api.DeleteAccount(ctx, account.ID) },
		"API key delete": func(ctx context.Context) error { return e.api.DeleteAPIKeys(ctx, key.ID) },
	} {
		ctx, cancel := context.WithCancel(bg)
		interrupt.Store(&cancel)
		if err := write(ctx); err != nil {
			t.Errorf("%s interrupted in flight: %v", name, err)
		}
		interrupt.Store(nil)
		if ctx.Err() == nil {
			t.Errorf("%s: the context was not canceled during the write", name)
		}
		before := e.srv.Stats().Writes()
		if err := write(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s after the interrupt: error %v, want context.Canceled", name, err)
		}
		if n := e.srv.Stats().Writes() - before; n != 0 {
			t.Errorf("%s: %d writes were sent after the interrupt, want none", name, n)
		}
	}
	if got, err := e.api.GetRole(bg, role.ID); err != nil || got.Description != description {
		t.Errorf("the role after its interrupted update: %+v, %v", got, err)
	}
	if objects := e.srv.Stats().Objects; objects["roles"] != 1 || objects["accounts"] != 0 || objects["apiKeys"] != 0 {
		t.Errorf("after the interrupted deletes the emulator holds %v, want only the updated role", objects)
	}
}

// interruptAfter lets the emulator apply each request that match selects, then interrupts the
// caller and holds the answer back a while, so that the caller stops waiting once its request was
// sent and applied.
func interruptAfter(match func(*http.Request) bool, interrupt func()) func(*emulator.Server, http.Handler) http.Handler {
	return func(_ *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if match(r) {
				interrupt()
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
