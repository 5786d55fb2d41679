package profiling

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestStartFromEnvWritesStatsAndHeapProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VISIONONE_PROFILE_DIR", dir)
	StartFromEnv()

	stats := filepath.Join(dir, fmt.Sprintf("stats-%d.json", os.Getpid()))
	heap := filepath.Join(dir, fmt.Sprintf("heap-%d.pb.gz", os.Getpid()))
	// The profile follows the live heap, which the runtime knows after a collection; the files
	// appear after the next tick, and the wait only bounds a failure.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		runtime.GC()
		_, errStats := os.Stat(stats)
		_, errHeap := os.Stat(heap)
		if errStats == nil && errHeap == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no stats or heap profile written: %v, %v", errStats, errHeap)
		}
	}
	raw, err := os.ReadFile(stats)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]float64
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("stats are not JSON numbers: %v\n%s", err, raw)
	}
	for _, name := range append(statsMetrics, "peak_live_bytes") {
		if _, ok := got[name]; !ok {
			t.Errorf("stats lack %s: %s", name, raw)
		}
	}
	if got["peak_live_bytes"] <= 0 {
		t.Errorf("peak_live_bytes = %v, want the live heap", got["peak_live_bytes"])
	}
}

// Without VISIONONE_PROFILE_DIR nothing starts: the goroutine that would write the files is never
// begun (a go statement counts in NumGoroutine as soon as it runs, and no other test of this
// package runs alongside).
func TestStartFromEnvWithoutDirectoryDoesNothing(t *testing.T) {
	t.Setenv("VISIONONE_PROFILE_DIR", "")
	before := runtime.NumGoroutine()
	StartFromEnv()
	if after := runtime.NumGoroutine(); after != before {
		t.Errorf("%d goroutines after StartFromEnv without VISIONONE_PROFILE_DIR, %d before: it started writing", after, before)
	}
}
