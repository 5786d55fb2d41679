// Package profiling records what a provider process does with its memory while Terraform drives
// it, for `make bench BENCH_ARGS='-profile DIR'`. Binaries built with the "profiling" build tag start it;
// release builds do not contain it.
package profiling

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// statsMetrics are the runtime metrics written to stats-<pid>.json. The CPU classes are the
// runtime's estimates: their ratios (the share of garbage collection) hold on a busy machine, their
// seconds do not, which is why the benchmark reads CPU time from /proc.
var statsMetrics = []string{
	"/gc/heap/live:bytes",
	"/gc/cycles/total:gc-cycles",
	"/gc/heap/allocs:bytes",
	"/cpu/classes/total:cpu-seconds",
	"/cpu/classes/idle:cpu-seconds",
	"/cpu/classes/gc/total:cpu-seconds",
}

// StartFromEnv does nothing unless VISIONONE_PROFILE_DIR names a directory. Then, every 100 ms, it
// rewrites stats-<pid>.json there (statsMetrics and the highest live heap seen, peak_live_bytes),
// and each time the live heap after a collection reaches a new high it rewrites
// heap-<pid>.pb.gz, an in-use heap profile for `go tool pprof`. The last versions left when the
// process exits are those of its end and of its peak.
func StartFromEnv() {
	dir := os.Getenv("VISIONONE_PROFILE_DIR")
	if dir == "" {
		return
	}
	pid := os.Getpid()
	samples := make([]metrics.Sample, len(statsMetrics))
	for i, name := range statsMetrics {
		samples[i].Name = name
	}
	go func() {
		var peak uint64
		for range time.Tick(100 * time.Millisecond) {
			metrics.Read(samples)
			stats := map[string]any{}
			for _, s := range samples {
				switch s.Value.Kind() {
				case metrics.KindUint64:
					stats[s.Name] = s.Value.Uint64()
				case metrics.KindFloat64:
					stats[s.Name] = s.Value.Float64()
				}
			}
			if live := samples[0].Value.Uint64(); live > peak {
				peak = live
				replace(filepath.Join(dir, fmt.Sprintf("heap-%d.pb.gz", pid)), func(f *os.File) error {
					return pprof.Lookup("heap").WriteTo(f, 0)
				})
			}
			stats["peak_live_bytes"] = peak
			replace(filepath.Join(dir, fmt.Sprintf("stats-%d.json", pid)), func(f *os.File) error {
				return json.NewEncoder(f).Encode(stats)
			})
		}
	}()
}

// replace writes path through a temporary file, so that a reader never sees half of it.
func replace(path string, write func(*os.File) error) {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return
	}
	err = write(f)
	if f.Close() == nil && err == nil {
		_ = os.Rename(path+".tmp", path)
	}
}
