//go:build profiling

package main

import "github.com/seed-ebba3aa9/terraform-provider-visionone/internal/profiling"

// With the profiling build tag (`make bench BENCH_ARGS='-profile DIR'`), the process records its memory.
func init() { profiling.StartFromEnv() }
