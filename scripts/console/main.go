// Command console stands in for a person clicking in the Vision One console during `make demo`: it
// sends one request to the API named by VISIONONE_ENDPOINT with the key in VISIONONE_API_KEY, the
// same variables the provider reads. The demo needs nothing but Go and Terraform, so it cannot
// count on curl being installed.
//
// Usage:
//
//	console METHOD PATH [JSON-BODY]
//	console PATCH /v3.0/iam/roles/<id> '{"description": "changed in the console"}'
//	console POST /_emulator/clock '{"advance": "2000h"}'
//
// It prints the status line and the body, and exits 1 unless the status is 2xx.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) < 2 || len(args) > 3 {
		return fmt.Errorf("usage: console METHOD PATH [JSON-BODY]")
	}
	endpoint := strings.TrimSuffix(os.Getenv("VISIONONE_ENDPOINT"), "/")
	apiKey := os.Getenv("VISIONONE_API_KEY")
	if endpoint == "" || apiKey == "" {
		return fmt.Errorf("set VISIONONE_ENDPOINT and VISIONONE_API_KEY")
	}
	method, path := strings.ToUpper(args[0]), args[1]

	var body io.Reader
	if len(args) == 3 {
		body = strings.NewReader(args[2])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, endpoint+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	_, _ = fmt.Fprintf(out, "%s %s -> %s\n", method, path, resp.Status)
	if len(answer) > 0 {
		_, _ = fmt.Fprintf(out, "%s\n", strings.TrimSpace(string(answer)))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: unexpected status %s", method, path, resp.Status)
	}
	return nil
}
