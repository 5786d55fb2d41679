package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

const createdValue = "eyJ0eXAiOiJKV1QifQ.eyJrZXkiOiJjcmVhdGVkIn0.Y3JlYXRlZC12YWx1ZS1zaWduYXR1cmU"

// TestSecretsNeverLogged runs calls whose answers carry the provider's key and a created key's
// value (a create, and a server that echoes them back in a list and an error) and checks that
// neither reaches the log or an error, while the log still has its per-request lines.
func TestSecretsNeverLogged(t *testing.T) {
	echo := "token " + testKey + " and value " + createdValue
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-trace-id", "trace-42")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v3.0/iam/apiKeys":
			writeJSON(w, 207, `[{"status":201,"headers":[{"name":"Location","value":"http://x/v3.0/iam/apiKeys/k1"}],`+
				`"body":{"id":"k1","value":"`+createdValue+`","expiredDateTime":null}}]`)
		case r.URL.Path == "/v3.0/iam/apiKeys":
			writeJSON(w, 200, `{"items":[{"id":"k1","name":"`+echo+`","role":"SIEM","status":"enabled"}]}`)
		default:
			writeJSON(w, 401, `{"error":{"code":"InvalidCredentials","message":"`+echo+`"}}`)
		}
	})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)

	created, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "SIEM"})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if created.Value != createdValue || created.ID != "k1" || isSet(created.ExpiredDateTime) {
		t.Fatalf("created = %+v", created)
	}
	if _, err := c.ListAPIKeys(ctx, ""); err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	_, getErr := c.GetAPIKey(ctx, "k1")
	if getErr == nil {
		t.Fatal("GetAPIKey: no error for a 401")
	}

	out := logs.String()
	for name, secret := range map[string]string{"provider key": testKey, "created value": createdValue} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s appears in the log", name)
		}
		if strings.Contains(getErr.Error(), secret) {
			t.Errorf("the %s appears in the error %q", name, getErr)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	var requests int
	for _, e := range entries {
		if e["@message"] == "Vision One API request" {
			requests++
			if e["@module"] != "provider.visionone_api" || e["@level"] != "debug" || e["trace_id"] != "trace-42" ||
				e["method"] == nil || e["path"] == nil || e["status"] == nil || e["attempt"] == nil || e["duration_ms"] == nil {
				t.Errorf("request line lacks a field: %v", e)
			}
		}
	}
	if requests != 3 {
		t.Errorf("%d request lines in the log, want one per request (3):\n%s", requests, out)
	}
	if !strings.Contains(out, "withheld") {
		t.Errorf("the create's answer body is not marked as withheld:\n%s", out)
	}
}

// A created key's value is masked in the log context of the request whose answer carries it, even
// where the shape of a JWT would not give it away: here a gateway echoes it in a header the client
// logs.
func TestCreatedValueMaskedInItsRequest(t *testing.T) {
	const value = "plain-secret-value-not-shaped-like-a-jwt"
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-trace-id", value)
		writeJSON(w, 207, `[{"status":201,"body":{"id":"k1","value":"`+value+`"}}]`)
	})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "SIEM"}); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if !strings.Contains(logs.String(), `"trace_id":"***"`) {
		t.Fatalf("the create's request line with its masked trace id is not in the log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), value) {
		t.Errorf("the created value appears in the log:\n%s", logs.String())
	}
}

// Masking costs the same per request however many keys the client has created: the masks hold
// what a request can carry, not every value created so far. Counted in allocations of one request
// with every log line written (the masks run for each), after 10 and after 1,000 creates.
func TestMaskingCostDoesNotGrowWithCreatedKeys(t *testing.T) {
	var created atomic.Int64
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n := created.Add(1)
			writeJSON(w, 207, fmt.Sprintf(`[{"status":201,"body":{"id":"k%d","value":"eyJrZXkiOiIlZCJ9.%020d.c2lnbmF0dXJl"}}]`, n, n))
			return
		}
		writeJSON(w, 200, available)
	})
	ctx := tflogtest.RootLogger(context.Background(), io.Discard)
	createUpTo := func(n int64) {
		for created.Load() < n {
			if _, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "k", Role: "SIEM"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	perRequest := func() float64 {
		return testing.AllocsPerRun(100, func() {
			if err := c.CheckConnectivity(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	createUpTo(10)
	after10 := perRequest()
	createUpTo(1000)
	after1000 := perRequest()
	t.Logf("allocations per request: %.0f after 10 creates, %.0f after 1,000", after10, after1000)
	// A mask list that grew with every create costs allocations per key on every request.
	if after1000 > after10*1.1 {
		t.Errorf("a request allocates %.0f times after 1,000 creates against %.0f after 10: masking grows with the keys created",
			after1000, after10)
	}
}

// TestProviderKeyNotQuotedFromSuccessAnswers: texts the client quotes from a 2xx answer it cannot
// use, or from a date it cannot read, are stripped of the provider's key as error answers are, even
// where the key is not shaped like a JWT: a server or gateway that echoes the key in any field must
// not put it into an error or a warning.
func TestProviderKeyNotQuotedFromSuccessAnswers(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		header string // x-trace-id
		body   string
		// serve answers instead of body, when a call needs more than one answer.
		serve http.HandlerFunc
		call  func(context.Context, *client.Client) ([]client.UnreadableField, error)
	}{
		"connectivity status": {
			body: `{"status":"` + testKey + `"}`,
			call: func(ctx context.Context, c *client.Client) ([]client.UnreadableField, error) {
				return nil, c.CheckConnectivity(ctx)
			},
		},
		"id of another object": {
			body: `{"id":"` + testKey + `","name":"x"}`,
			call: getAPIKeyUnreadable,
		},
		"member of a body without an id": {
			body: `{"` + testKey + `":1}`,
			call: getAPIKeyUnreadable,
		},
		"trace id of an unusable answer": {
			header: testKey,
			body:   `{}`,
			call:   getAPIKeyUnreadable,
		},
		"unreadable date of a read": {
			body: `{"id":"k1","name":"x","role":"SIEM","status":"enabled","createdDateTime":"` + testKey + `"}`,
			call: getAPIKeyUnreadable,
		},
		"unreadable date of a list": {
			body: `{"items":[{"id":"r1","name":"x","permissionKeys":[],"lastUpdatedDateTime":{"echo":"` + testKey + `"}}]}`,
			call: func(ctx context.Context, c *client.Client) ([]client.UnreadableField, error) {
				roles, err := c.ListRoles(ctx, "")
				if err != nil || len(roles) != 1 {
					return nil, fmt.Errorf("%d roles, %w", len(roles), err)
				}
				return roles[0].UnreadableFields(), nil
			},
		},
		// The create's answer is all the client has of the role when it cannot be read back.
		"unreadable date of a create's answer": {
			serve: func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost {
					writeJSON(w, http.StatusForbidden, `{"error":{"code":"AccessDenied","message":"no view"}}`)
					return
				}
				w.Header().Set("Location", "/v3.0/iam/roles/r1")
				writeJSON(w, http.StatusCreated, `{"id":"r1","name":"x","type":"custom","permissionKeys":[],"lastUpdatedDateTime":"echo `+testKey+`"}`)
			},
			call: func(ctx context.Context, c *client.Client) ([]client.UnreadableField, error) {
				role, err := c.CreateRole(ctx, client.RoleCreate{Name: "x", PermissionKeys: []string{}})
				var readBack *client.ReadBackError
				if role == nil || !errors.As(err, &readBack) || !readBack.Described {
					return nil, fmt.Errorf("want the role as its create's answer described it, and a failed read-back: %+v, %w", role, err)
				}
				return role.UnreadableFields(), nil
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.serve != nil {
					tc.serve(w, r)
					return
				}
				if tc.header != "" {
					w.Header().Set("x-trace-id", tc.header)
				}
				writeJSON(w, 200, tc.body)
			})
			var logs bytes.Buffer
			unreadable, err := tc.call(tflogtest.RootLogger(context.Background(), &logs), c)
			if err == nil && unreadable == nil {
				t.Fatal("no error nor unreadable field: the case does not test what it says")
			}
			if err != nil && strings.Contains(err.Error(), testKey) {
				t.Errorf("the provider key appears in the error %q", err)
			}
			for _, f := range unreadable {
				if strings.Contains(f.Value, testKey) {
					t.Errorf("the provider key appears in the unreadable %s: %s", f.Field, f.Value)
				}
			}
			if strings.Contains(logs.String(), testKey) {
				t.Errorf("the provider key appears in the log:\n%s", logs.String())
			}
		})
	}
}

// getAPIKeyUnreadable reads the key k1 and returns its unreadable fields.
func getAPIKeyUnreadable(ctx context.Context, c *client.Client) ([]client.UnreadableField, error) {
	key, err := c.GetAPIKey(ctx, "k1")
	if err != nil {
		return nil, err
	}
	return key.UnreadableFields(), nil
}

// TestCutUpSecretsNeverQuoted: a secret echoed back cut up, wrapped across lines or with markup
// between its pieces as an error page or a wrapped message shows a long token, is removed piece by
// piece from the error and from the trace log of the answer's body. The provider's key, which the
// client knows, goes wherever a piece of it shows; a key it does not know (a value quoted in the
// message of a failed item) goes by the shape of a JWT.
func TestCutUpSecretsNeverQuoted(t *testing.T) {
	t.Parallel()
	providerKey := fakeJWT("provider")
	unknown := fakeJWT("unknown")
	getKey := func(ctx context.Context, c *client.Client) error {
		_, err := c.GetAPIKey(ctx, "k1")
		return err
	}
	for name, tc := range map[string]struct {
		status      int
		contentType string
		body        string
		secret      string
		keep        string // the words around the secret, which the error still shows
		call        func(context.Context, *client.Client) error
	}{
		"provider key in a page, tags between its pieces": {
			status: http.StatusUnauthorized, contentType: "text/html",
			body:   "<html><body><p>Unauthorized token " + strings.Join(pieces(providerKey, 40), "<wbr>") + "</p></body></html>",
			secret: providerKey, keep: "Unauthorized token *** ", call: getKey,
		},
		"provider key in a message, wrapped": {
			status: http.StatusUnauthorized, contentType: "application/json",
			body: `{"error":{"code":"InvalidCredentials","message":"token\n` + strings.Join(pieces(providerKey, 64), `\n`) +
				` expired"}}`,
			secret: providerKey, keep: "InvalidCredentials: token *** expired", call: getKey,
		},
		"provider key not shaped like a JWT, wrapped": {
			status: http.StatusForbidden, contentType: "text/plain",
			body:   "denied for " + strings.Join(pieces(providerKey[40:], 30), "\r\n"),
			secret: providerKey[40:], keep: "denied for ***", call: getKey,
		},
		"unknown key in a page, tags between its pieces": {
			status: http.StatusBadGateway, contentType: "text/html",
			body:   "<html><body>upstream said " + strings.Join(pieces(unknown, 40), "<br/>") + "</body></html>",
			secret: unknown, keep: "upstream said ***", call: getKey,
		},
		"unknown key in a failed create item, wrapped": {
			status: http.StatusMultiStatus, contentType: "application/json",
			body: `[{"status":500,"body":{"error":{"code":"InternalError","message":"could not store key\n` +
				strings.Join(pieces(unknown, 64), `\n`) + `"}}}]`,
			secret: unknown, keep: "could not store key ***",
			call: func(ctx context.Context, c *client.Client) error {
				_, err := c.CreateAPIKey(ctx, client.APIKeyCreate{Name: "splunk", Role: "SIEM"})
				return err
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			apiKey := providerKey
			if tc.secret == providerKey[40:] {
				apiKey = tc.secret
			}
			c := newHandlerClient(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}, func(cfg *client.Config) { cfg.APIKey = apiKey; cfg.MaxRetries = client.NoRetries })
			var logs bytes.Buffer
			err := tc.call(tflogtest.RootLogger(context.Background(), &logs), c)
			if err == nil {
				t.Fatal("no error")
			}
			if piece := pieceIn(err.Error(), tc.secret); piece != "" {
				t.Errorf("the error quotes %q of the secret: %v", piece, err)
			}
			if !strings.Contains(err.Error(), tc.keep) {
				t.Errorf("the error lacks %q: %v", tc.keep, err)
			}
			if !strings.Contains(logs.String(), "Vision One API bodies") {
				t.Fatalf("the answer's body is not in the trace log:\n%s", logs.String())
			}
			if piece := pieceIn(logs.String(), tc.secret); piece != "" {
				t.Errorf("the log quotes %q of the secret:\n%s", piece, logs.String())
			}
		})
	}
}

// fakeJWT is a key shaped like a Vision One key (a JWT of several hundred characters), different
// for each seed.
func fakeJWT(seed string) string {
	enc := base64.RawURLEncoding
	var payload, signature []byte
	for sum := sha256.Sum256([]byte(seed)); len(payload) < 400; sum = sha256.Sum256(sum[:]) {
		payload = append(payload, sum[:]...)
		signature = append(signature, sum[:8]...)
	}
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "." +
		enc.EncodeToString(signature)
}

// pieces cuts s into pieces of n bytes (the last one shorter).
func pieces(s string, n int) []string {
	var out []string
	for len(s) > n {
		out, s = append(out, s[:n]), s[n:]
	}
	return append(out, s)
}

// pieceIn returns a piece of secret of 16 bytes or more that text holds, or "".
func pieceIn(text, secret string) string {
	const shortest = 16
	for i := 0; i+shortest <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+shortest]) {
			return secret[i : i+shortest]
		}
	}
	return ""
}
