package reliability

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// slowWrites applies each write at once but holds its answer back for delay, the way a slow API
// gateway does: an interrupt that lands in that window leaves an object that the API has created
// and whose answer Terraform never read, the worst case for orphans.
func slowWrites(delay time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			timer := time.NewTimer(delay)
			defer timer.Stop()
			select {
			case <-timer.C:
			case <-r.Context().Done():
				return // the client is gone; its answer is lost
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// TestReliability_interrupt sends SIGINT to `terraform apply` while it creates 50 objects (20 roles, 15
// accounts, 15 API keys), once a third of them exist and while creates are in flight. Terraform
// stops gracefully; the next apply must create exactly what is missing: no duplicate, no orphan,
// every key in state authenticates, and the plan after it is empty.
func TestReliability_interrupt(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	emu := startEmulator(t, slowWrites(time.Second))
	w := newWorkspace(t, emu)
	w.writeConfig("", objectsConfig("interrupt", 20, 15, 15, emu.permissionKeys(t, 2)))
	baseline := emu.apiObjects(t)

	cmd, out := w.command("apply", "-input=false", "-no-color", "-auto-approve")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	created := func() int {
		o := emu.Stats().Objects
		return o["roles"] + o["accounts"] + o["apiKeys"]
	}
	var atInterrupt int
	deadline := time.After(3 * time.Minute)
wait:
	for {
		select {
		case err := <-done:
			t.Fatalf("terraform apply ended (%v) before it could be interrupted:\n%s", err, out)
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("terraform apply made no progress:\n%s", out)
		case <-time.After(50 * time.Millisecond):
			if atInterrupt = created(); atInterrupt >= 17 {
				break wait
			}
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	writesAtInterrupt := emu.Stats().Writes()
	select {
	case err := <-done:
		if err == nil {
			t.Logf("interrupt: terraform apply finished despite the interrupt")
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform apply did not stop within 2 minutes of SIGINT:\n%s", out)
	}
	if !bytes.Contains(out.Bytes(), []byte("Interrupt received")) {
		t.Errorf("terraform did not report the interrupt:\n%s", out)
	}
	afterInterrupt := emu.Stats()
	stateAfterInterrupt := w.state()
	inState := 0
	for _, objs := range stateAfterInterrupt {
		inState += len(objs)
	}
	held := created()
	t.Logf("interrupt: SIGINT at %d objects created (%d writes sent); when terraform stopped, the API held %d objects and the state %d",
		atInterrupt, writesAtInterrupt, held, inState)
	// The interrupted run itself must leave no orphan: every object the API made, the state records
	// (the next apply could otherwise only fail on the name, or create a twin).
	if held != inState {
		t.Errorf("after the interrupt the API holds %d objects but the state records %d", held, inState)
	}

	w.mustApply()
	w.expectConverged()
	res := w.expectStateMatchesAPI(baseline, map[string]int{
		"visionone_user_role": 20, "visionone_account": 15, "visionone_api_key": 15,
	})
	final := emu.Stats()
	t.Logf("interrupt: the second apply sent %d writes; %d objects checked against the state (%v), %d key values authenticated",
		final.Writes()-afterInterrupt.Writes(), res.objects, res.perType, res.keysVerified)
}
