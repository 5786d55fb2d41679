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
// every key in state authenticates, and the plan after it is empty. Then it interrupts
// `terraform destroy` once a third of them are deleted, while deletes are in flight: the state
// must record exactly the objects the API still holds.
func TestReliability_interrupt(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	emu := startEmulator(t, slowWrites(time.Second))
	w := newWorkspace(t, emu)
	w.writeConfig("", objectsConfig("interrupt", 20, 15, 15, emu.permissionKeys(t, 2)))
	baseline := emu.apiObjects(t)

	created := func() int {
		o := emu.Stats().Objects
		return o["roles"] + o["accounts"] + o["apiKeys"]
	}
	atInterrupt, writesAtInterrupt := interruptWhen(t, w, "apply", func() bool { return created() >= 17 }, created)
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

	// An interrupted destroy: the deletes in flight are seen through, so the state keeps no object
	// the API has deleted (which the next run would report as deleted outside Terraform).
	atInterrupt, _ = interruptWhen(t, w, "destroy", func() bool { return created() <= 50-17 }, created)
	inState = 0
	for _, objs := range w.state() {
		inState += len(objs)
	}
	held = created()
	t.Logf("interrupt: SIGINT to destroy at %d objects left; when terraform stopped, the API held %d objects and the state %d",
		atInterrupt, held, inState)
	if held != inState {
		t.Errorf("after the interrupted destroy the API holds %d objects but the state records %d", held, inState)
	}
	w.destroy()
}

// interruptWhen runs terraform command (apply or destroy) in w, with extra arguments after its
// own (a saved plan), and sends it SIGINT once reached holds, then waits for terraform to stop. It
// returns count() at the interrupt and the writes the emulator had served by then.
func interruptWhen(t *testing.T, w *workspace, command string, reached func() bool, count func() int, extra ...string) (int, int) {
	t.Helper()
	cmd, out := w.command(append([]string{command, "-input=false", "-no-color", "-auto-approve"}, extra...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(3 * time.Minute)
wait:
	for {
		select {
		case err := <-done:
			t.Fatalf("terraform %s ended (%v) before it could be interrupted:\n%s", command, err, out)
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("terraform %s made no progress:\n%s", command, out)
		case <-time.After(50 * time.Millisecond):
			if reached() {
				break wait
			}
		}
	}
	atInterrupt := count()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	writesAtInterrupt := w.emu.Stats().Writes()
	select {
	case err := <-done:
		if err == nil {
			t.Logf("interrupt: terraform %s finished despite the interrupt", command)
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform %s did not stop within 2 minutes of SIGINT:\n%s", command, out)
	}
	if !bytes.Contains(out.Bytes(), []byte("Interrupt received")) {
		t.Errorf("terraform %s did not report the interrupt:\n%s", command, out)
	}
	return atInterrupt, writesAtInterrupt
}
