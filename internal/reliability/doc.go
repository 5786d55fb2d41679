// Package reliability holds the provider's end-to-end reliability suite: the real
// terraform CLI runs the built provider binary against an in-process emulator that injects faults,
// limits the request rate, or answers slowly enough to be interrupted; and the documentation's
// logging recipes, whose lines Terraform keeps or drops by levels of its own. The suite lives in this
// package's tests and runs with `make test-reliability`; the package has no code of its own.
package reliability
